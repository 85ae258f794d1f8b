"""The one sanitizing path for model and server text shown outside the live widget (no Jupyter).

Everything respnb renders statically (the saved answer of a ``%%respond`` cell, notes, tool
outcomes, errors) goes through here:

* :func:`markdown_html` parses markdown with markdown-it-py (raw HTML is text, never markup)
  and cleans the result with nh3: a fixed tag allow-list, no ``class``/``id``/``style``, links
  only to http, https, mailto, relative URLs or anchors, images only as ``data:image/...``;
  a remote image becomes a link (nothing loads by itself).
* :func:`safe_markdown` (in :mod:`respnb._safe_markdown`) re-serializes the same parse as
  markdown whose every text run is escaped, for renderers that only read ``text/markdown``.
* :func:`escape_html` / :func:`markdown_text` / :func:`code_span` make plain text inert in
  HTML or markdown.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin

__all__ = [
    "UNSAFE_LINK",
    "attribute_filter",
    "clean_html",
    "code_span",
    "escape_html",
    "markdown_html",
    "markdown_text",
    "parse",
    "parser",
    "safe_url",
]

UNSAFE_LINK = "#unsafe-link-removed"
MAX_NESTING = 20  # deeper markdown is shown as text (a 3000-level list cannot freeze a page)
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]+")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|jpg|gif|webp);base64,[a-z0-9+/=]*$", re.I)
_BAD_CHARS = re.compile(r"[\s\"'<>`\\]")

_TAGS = {
    "a", "p", "br", "hr", "em", "strong", "s", "del", "code", "pre", "blockquote", "ul", "ol",
    "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
    "img", "span", "div", "details", "summary", "sub", "sup", "kbd",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}


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


def escape_html(text: Any) -> str:
    """``text`` as inert HTML text (quotes escaped too, so it is safe in attributes)."""
    return html.escape(str(text if text is not None else ""), quote=True)


_LEADING = re.compile(r"^(\s*)(?:([-+=>])|(\d+)([.)]))")


def markdown_text(text: Any, *, multiline: bool = False) -> str:
    """Plain words for markdown prose: HTML characters as entities, markdown punctuation
    backslash-escaped, and no line that could open a list, heading or quote."""
    s = str(text if text is not None else "").replace("\r", " ")
    if not multiline:
        s = s.replace("\n", " ")
    out = []
    for ch in s:
        if ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == "&":
            out.append("&amp;")
        elif ch in "\\`*_[]#!|~$":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "\n".join(_LEADING.sub(_escape_leading, line) for line in "".join(out).split("\n"))


def _escape_leading(m: re.Match[str]) -> str:
    if m.group(2):
        return f"{m.group(1)}\\{m.group(2)}"
    return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"


def code_span(text: Any, limit: int = 300) -> str:
    """An inline markdown code span holding ``text`` (one line, shortened), whatever backticks
    it contains; renderers escape code, so nothing in it is markup."""
    s = str(text if text is not None else "").replace("\r", " ").replace("\n", " ")
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s.strip() else ""
    return f"{ticks}{pad}{s}{pad}{ticks}"


def attribute_filter(tag: str, attr: str, value: str) -> str | None:
    """nh3's per-attribute check: safe links, ``data:image`` sources only, sane numbers."""
    if attr == "href":
        return value if safe_url(value) else None
    if tag == "img" and attr == "src":
        return value if _DATA_IMAGE.match(value) else None
    if attr == "start":
        return value if value.isdigit() and len(value) < 10 else None
    if attr == "align":
        return value if value in ("left", "right", "center") else None
    return value


def clean_html(fragment: str) -> str:
    """``fragment`` with only respnb's allow-listed tags, attributes and URLs left."""
    return nh3.clean(
        fragment,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer with images as links, math as text, no code classes."""

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        alt = self.renderInlineAsText(token.children or [], options, env)
        if _DATA_IMAGE.match(src):
            return f'<img src="{escape_html(src)}" alt="{escape_html(alt)}">'
        label = f"image: {alt}" if alt else "image"
        host = _host(src)
        label += f" ({host})" if host else ""
        if not safe_url(src):
            return escape_html(f"[{label}]")
        return f'<a href="{escape_html(src)}">[{escape_html(label)}]</a>'

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return f"<pre><code>{escape_html(tokens[idx].content)}</code></pre>\n"


def _math(delim: str, block: bool = False) -> Any:
    def render(self: Any, tokens: list[Token], idx: int, options: OptionsDict, env: Any) -> str:
        text = escape_html(f"{delim}{tokens[idx].content}{delim}")
        return f"<p>{text}</p>\n" if block else text

    return render


def parser() -> MarkdownIt:
    """The markdown parser of every static rendering: CommonMark + tables, strikethrough and
    ``$``-math; raw HTML is never markup; nesting deeper than :data:`MAX_NESTING` stays text."""
    md = MarkdownIt(
        "commonmark",
        {"html": False, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING},
        renderer_cls=_Renderer,
    )
    md.enable(["table", "strikethrough"])
    md.use(dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True)
    # math stays text for the page's own typesetter (MathJax in JupyterLab and nbconvert)
    md.add_render_rule("math_inline", _math("$"))
    md.add_render_rule("math_inline_double", _math("$$"))
    md.add_render_rule("math_block", _math("$$", block=True))
    md.add_render_rule("math_block_label", _math("$$", block=True))
    return md


_PARSER = parser()


@functools.lru_cache(maxsize=8)
def parse(text: str) -> tuple[Token, ...]:
    """The tokens of ``text`` (cached: the HTML and the markdown copy share one parse)."""
    return tuple(_PARSER.parse(text))


def markdown_html(text: str) -> str:
    """Model markdown as clean HTML (see the module docstring for what survives)."""
    return clean_html(_PARSER.renderer.render(list(parse(text)), _PARSER.options, {}))
