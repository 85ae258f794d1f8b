"""Make model-produced markdown and URLs inert for static outputs (no Jupyter imports).

The live widget sanitizes in the browser with DOMPurify. The static fallback (markdown saved in
the notebook and rendered by JupyterLab, GitHub, nbviewer or nbconvert, sometimes as trusted
output) is made safe here: raw HTML is escaped outside code, and link or image destinations
with a scheme other than http, https or mailto (``javascript:``, ``vbscript:``, ``data:`` ...,
also when hidden behind entities or whitespace) are replaced.
"""

from __future__ import annotations

import html
import re

__all__ = ["UNSAFE_LINK", "safe_url", "sanitize_markdown"]

UNSAFE_LINK = "#unsafe-link-removed"
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]+")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|jpg|gif|webp);base64,[a-z0-9+/=\s]*$", re.I)
_BAD_CHARS = re.compile(r"[\s\"'<>`\\]")
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})")
_LINK_DEST = re.compile(r"(\]\(\s*)([^)\s]*)")
_REF_DEF = re.compile(r"^( {0,3}\[[^\]\n]+\]:\s*)(\S+)", re.M)


def safe_url(url: str | None, *, allow_data_image: bool = False) -> str | None:
    """``url`` if it is http(s), mailto, relative or an anchor (or a base64 image data URL when
    ``allow_data_image``); ``None`` otherwise, and for any URL holding whitespace, quotes,
    angle brackets, backticks or backslashes (they could break out of a markdown link)."""
    if not url or _BAD_CHARS.search(url.strip()):
        return None
    decoded = _INVISIBLE.sub("", html.unescape(html.unescape(url))).lower()
    match = _SCHEME.match(decoded)
    if match is None:
        # relative; but a colon before any "/" "?" "#" would still read as a scheme somewhere
        head = re.split(r"[/?#]", decoded, maxsplit=1)[0]
        return None if ":" in head else url
    if match.group(1) in _SAFE_SCHEMES:
        return url
    if allow_data_image and _DATA_IMAGE.match(url.strip()):
        return url.strip()
    return None


def _prose(text: str) -> str:
    """Escape raw HTML and defuse link destinations in a stretch of markdown outside code."""
    text = text.replace("<", "&lt;")

    def dest(m: re.Match[str]) -> str:
        return m.group(1) + (m.group(2) if safe_url(m.group(2)) else UNSAFE_LINK)

    text = _LINK_DEST.sub(dest, text)
    return _REF_DEF.sub(dest, text)


_TAGLIKE = re.compile(r"<[A-Za-z!/?]")


def _inline(text: str) -> str:
    """Sanitize paragraphs, keeping inline code spans verbatim (renderers escape them).

    A span that could pass for an HTML tag is escaped anyway, so a disagreement between this
    scan and a renderer's about where a span ends can never let a tag through.
    """
    out: list[str] = []
    for para in re.split(r"(\n[ \t]*\n)", text):
        i = 0
        for m in re.finditer(r"`+", para):
            if m.start() < i:
                continue
            slashes = len(para[: m.start()]) - len(para[: m.start()].rstrip("\\"))
            if slashes % 2:
                continue  # an escaped backtick opens nothing
            ticks = m.group(0)
            close = re.compile(r"(?<!`)" + ticks + r"(?!`)").search(para, m.end())
            if close is None:
                continue
            out.append(_prose(para[i : m.start()]))
            span = para[m.start() : close.end()]
            out.append(span.replace("<", "&lt;") if _TAGLIKE.search(span) else span)
            i = close.end()
        out.append(_prose(para[i:]))
    return "".join(out)


def _fence_open(line: str) -> str | None:
    m = _FENCE.match(line)
    if m is None:
        return None
    fence = m.group(2)
    if fence[0] == "`" and "`" in line[m.end() :]:
        return None  # CommonMark: a backtick fence's info string has no backtick
    return fence


def sanitize_markdown(text: str) -> str:
    """Markdown that renders the same words but can carry no HTML and no unsafe link.

    Fenced code blocks and inline code spans are kept verbatim (renderers escape them);
    everything else has ``<`` escaped and unsafe link destinations replaced.
    """
    out: list[str] = []
    prose: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        if fence is None:
            opened = _fence_open(line)
            if opened is None:
                prose.append(line)
                continue
            if prose:
                out.append(_inline("\n".join(prose)))
                prose = []
            fence = opened
            out.append(line)
            continue
        out.append(line)
        stripped = line.strip()
        if (
            len(line) - len(line.lstrip(" ")) <= 3
            and len(stripped) >= len(fence)
            and not stripped.strip(fence[0])
        ):
            fence = None
    if prose:
        out.append(_inline("\n".join(prose)))
    return "\n".join(out)
