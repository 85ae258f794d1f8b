"""The engine's deterministic tokenizer: word-ish tokens, one stream delta per token.

A token is a run of leading whitespace followed by a word (at most 16 word characters) or by
one punctuation character. Joining the tokens of a text gives the text back exactly, so the
deltas streamed for a text, its usage count and the pace all agree.
"""

from __future__ import annotations

import re

__all__ = ["count_tokens", "split_tokens"]

_TOKEN = re.compile(r"\s*(?:\w{1,16}|[^\w\s])|\s+")


def split_tokens(text: str) -> list[str]:
    """The tokens of ``text``; ``"".join(split_tokens(t)) == t`` always holds."""
    return _TOKEN.findall(text)


def count_tokens(text: str) -> int:
    """How many tokens ``text`` is (the count used for usage and ``max_output_tokens``)."""
    return sum(1 for _ in _TOKEN.finditer(text))
