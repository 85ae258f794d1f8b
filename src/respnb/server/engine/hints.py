"""Values a prompt offers for tool arguments and structured outputs.

:class:`Hints` reads a prompt once: quoted phrases, proper nouns, numbers, weekdays and
dates, e-mail addresses, URLs and keywords. :meth:`Hints.string_for` picks the string a
property plausibly wants from its name (``location`` -> a place named in the prompt, ``query``
-> the prompt, ``participants`` -> the people named, ...).

Bounded work on any prompt: only the first :data:`HINT_CHARS` characters are read, every
expression here is linear (none can start inside a token it would then rescan), and each hint
list keeps at most :data:`MAX_HINTS` entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

__all__ = ["HINT_CHARS", "MAX_HINTS", "STOPWORDS", "Hints", "keywords", "words"]

HINT_CHARS = 20_000
"""Characters of a prompt that hints are read from."""
MAX_HINTS = 64
"""Most entries of one hint list (proper nouns, numbers, e-mails...)."""

_STOP_TEXT = """
a about above after again all also am an and any are as at be been before being below between
both but by can could did do does doing down during each few for from further get give had has
have having he her here hers him his how i if in into is it its just know let like me more most
my no nor not now of off on once only or other our out over own please same she should show so
some such tell than that the their them then there these they this those through to too under
until up use very want was we were what when where which while who whom why will with would you
your yours today tomorrow current currently given explain describe write create make compare
summarize summarise generate provide need help
"""
STOPWORDS = frozenset(_STOP_TEXT.split())
"""Words that carry no topic (never keywords, never tool-matching words)."""

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_TEXT = (
    "january february march april may june july august september october november december"
)
_MONTHS = tuple(_MONTH_TEXT.split())
_NOT_NAMES = frozenset({"i", "ok", "okay", "hello", "hi", "hey", "thanks", "yes", "no"})
_CAP = "[A-ZÀ-ÖØ-Þ]"
_WORD = r"(?:[^\W\d_]|['-])"
_PLAIN = r"(?:[^\W\d_]|-)"
"""A capital letter (accented too); a letter, apostrophe or hyphen of a name; without '."""
_PLACE_KEYS = ("location", "city", "place", "address", "destination", "origin", "country", "where")
_PEOPLE_KEYS = ("participant", "people", "attendee", "person", "author", "member", "guest", "who")
_TITLE_KEYS = ("name", "title", "event", "subject", "headline", "label")
_TEXT_KEYS = ("query", "search", "question", "prompt", "text", "input", "message", "content")
_DATE_KEYS = ("date", "day", "when", "time", "deadline")


_PROPER = re.compile(rf"(?<![\w'-]){_CAP}{_WORD}+(?:\s+{_CAP}{_WORD}+)*")
_PAIR = re.compile(rf"(?<![\w-]){_CAP}{_PLAIN}+(?: {_CAP}{_PLAIN}+){{0,3}}, {_CAP}{_PLAIN}+")
_PEOPLE = re.compile(r"\b([A-Z][a-z]+)\s+(?:and|&)\s+([A-Z][a-z]+)\b")
_QUOTED = re.compile(r"\"([^\"]{1,80})\"|'([^']{2,80})'")
_URL = re.compile(r"https?://[^\s\"'<>)]+")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.]+")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.]\d)")


def _first(matches: Iterator[re.Match[str]], *groups: int) -> list[Any]:
    """The first :data:`MAX_HINTS` matches (their ``groups`` when given)."""
    out: list[Any] = []
    for m in matches:
        out.append(m.group(*groups) if groups else m)
        if len(out) >= MAX_HINTS:
            break
    return out


def words(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` (letters, digits, apostrophes)."""
    return re.findall(r"[a-z0-9][a-z0-9']*", text.lower())


def keywords(text: str, limit: int = 8) -> list[str]:
    """The distinct non-stopword words of ``text``, in order of appearance."""
    seen: list[str] = []
    for w in words(text):
        w = w.removesuffix("'s")
        if len(w) > 2 and w not in STOPWORDS and w not in seen:
            seen.append(w)
            if len(seen) >= limit:
                break
    return seen


def _opens_sentence(prompt: str, start: int) -> bool:
    i = start - 1
    newline = False
    while i >= 0 and prompt[i].isspace():
        newline = newline or prompt[i] == "\n"
        i -= 1
    return i < 0 or prompt[i] in ".!?:;\"'(" or newline


def _proper_nouns(prompt: str) -> tuple[list[str], list[str]]:
    """(proper nouns in order, those that are a lone capitalised word opening a sentence).

    A run of capitalised words is split at words that cannot be names (stop words such as
    "What's" or "Where", greetings, weekdays, months), so "Where's Berlin" gives "Berlin".
    """
    proper: list[str] = []
    initial: list[str] = []
    known: set[str] = set()
    for m in _PROPER.finditer(prompt):
        if len(proper) >= MAX_HINTS:
            break
        groups: list[list[str]] = [[]]
        first_group_at_start = True
        for i, part in enumerate(m.group(0).split()):
            low = part.lower().removesuffix("'s").removesuffix("'re").removesuffix("'ll")
            if low in STOPWORDS or low in _NOT_NAMES or low in _WEEKDAYS or low in _MONTHS:
                if i == 0:
                    first_group_at_start = False
                groups.append([])
            else:
                groups[-1].append(part)
        opens = _opens_sentence(prompt, m.start())
        for g_index, group in enumerate(groups):
            name = " ".join(group).removesuffix("'s")
            if not name or name in known:
                continue
            known.add(name)
            proper.append(name)
            if opens and g_index == 0 and first_group_at_start and len(group) == 1:
                initial.append(name)
    return proper, initial


@dataclass
class Hints:
    """What a prompt offers; built with :meth:`from_prompt`."""

    prompt: str = ""
    quoted: list[str] = field(default_factory=list)
    proper: list[str] = field(default_factory=list)
    numbers: list[float] = field(default_factory=list)
    weekdays: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    initial: list[str] = field(default_factory=list)
    """Proper nouns that are one capitalised word opening a sentence ("Weather in Paris"):
    maybe a name, maybe just a capitalised common word, so they come last as places."""

    @classmethod
    def from_prompt(cls, prompt: str) -> Hints:
        """Read the prompt once (its first :data:`HINT_CHARS` characters)."""
        head = prompt[:HINT_CHARS]
        quoted = [a or b for a, b in _first(_QUOTED.finditer(head), 1, 2)]
        urls = [m[0] for m in _first(_URL.finditer(head))]
        emails = [m[0] for m in _first(_EMAIL.finditer(head))]
        dates = [m[0] for m in _first(_DATE.finditer(head))]
        numbers = [float(m[0]) for m in _first(_NUMBER.finditer(head))]
        weekdays = [w.capitalize() for w in words(head) if w in _WEEKDAYS][:MAX_HINTS]
        proper, initial = _proper_nouns(head)
        return cls(
            prompt,
            quoted,
            proper,
            numbers,
            weekdays,
            dates,
            emails,
            urls,
            keywords(head),
            initial,
        )

    @cached_property
    def _head(self) -> str:
        return self.prompt[:HINT_CHARS]

    @cached_property
    def _lower_words(self) -> frozenset[str]:
        return frozenset(words(self._head))

    @cached_property
    def _mention_cache(self) -> dict[str, bool]:
        return {}

    def mentions(self, phrase: str) -> bool:
        """Whether the prompt contains ``phrase`` as whole words (case-insensitive)."""
        low = phrase.lower()
        cache = self._mention_cache
        if low in cache:
            return cache[low]
        if re.fullmatch(r"[a-z0-9][a-z0-9']*", low):
            found = low in self._lower_words
        elif len(cache) < MAX_HINTS:
            found = re.search(rf"\b{re.escape(low)}\b", self._head.lower()) is not None
        else:
            found = False
        cache[low] = found
        return found

    # ------------------------------------------------------------ strings
    def phrase(self) -> str:
        """A title for the prompt's subject: a quoted phrase, an 'a/the X Y' phrase, keywords."""
        return self._phrase

    @cached_property
    def _phrase(self) -> str:
        if self.quoted:
            return self.quoted[0]
        m = re.search(
            r"\b(?:a|an|the)\s+((?:[a-z][a-z-]{0,40}\s+){0,2}[a-z][a-z-]{0,40}?)"
            r"(?=\s+(?:on|at|in|for|with|about|to|from|by)\b|[.,!?]|$)",
            self._head,
            re.IGNORECASE,
        )
        if m:
            return m.group(1).title()
        return " ".join(self.keys[:3]).title() or "Untitled"

    def string_for(self, key: str, index: int = 0) -> str | None:
        """The string a property named ``key`` plausibly wants, or None if the prompt has none."""
        k = key.lower()
        people, places = self._people_places
        if any(s in k for s in _PLACE_KEYS):
            pool = places or self.proper
            return pool[index % len(pool)] if pool else None
        if "email" in k:
            return self.emails[index % len(self.emails)] if self.emails else None
        if "url" in k or "link" in k or "website" in k:
            return self.urls[index % len(self.urls)] if self.urls else None
        if any(s in k for s in _DATE_KEYS):
            pool = self.dates or self.weekdays
            return pool[index % len(pool)] if pool else None
        if any(s in k for s in _PEOPLE_KEYS):
            pool = people + [p for p in self.proper if p not in set(people)]
            return pool[index % len(pool)] if pool else None
        if any(s in k for s in _TITLE_KEYS):
            return self.phrase()
        if any(s in k for s in _TEXT_KEYS):
            return self.prompt[:200] if self.prompt else None
        if self.quoted:
            return self.quoted[index % len(self.quoted)]
        return None

    @cached_property
    def _people_places(self) -> tuple[list[str], list[str]]:
        pairs = [m[0] for m in _first(_PAIR.finditer(self._head))]
        people = self.people_like()
        initial = set(self.initial)
        named = [p for p in self.proper if p not in initial] + self.initial
        known = set(people)
        return people, pairs + [p for p in named if p not in known]

    def people_like(self) -> list[str]:
        """Proper nouns that look like first names (one word, joined by 'and' or commas)."""
        return [n for m in _first(_PEOPLE.finditer(self._head)) for n in m.groups()]

    def number_for(self, key: str) -> float | None:
        """A number the prompt offers (the first one), or None."""
        del key
        return self.numbers[0] if self.numbers else None
