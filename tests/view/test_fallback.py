"""The static rendering (HTML + markdown + text) and the one sanitizing path behind it.

Every payload of the XSS corpus goes through each static surface; the HTML is audited as a
browser would parse it, and the markdown copy is rendered by two careless renderers (raw HTML
on, every URL trusted) and audited too.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from respnb._safe_markdown import safe_markdown
from respnb._sanitize import markdown_html, safe_url
from respnb._view_state import ResponseViewState
from respnb.notebook._run_display import note_bundle
from respnb.notebook._static import (
    fallback_bundle,
    fallback_markdown,
    fallback_text,
    static_bundle,
    static_html,
)
from respnb.types import Response

from .jsstore import events_of, full_mix
from .xss_corpus import BYPASSES, NOTES, PAYLOADS, URLS, hostile_response

mistune = pytest.importorskip("mistune")

_DANGEROUS_TAGS = {
    "script", "iframe", "object", "embed", "svg", "math", "style", "form", "base", "meta",
    "link", "template", "input", "textarea", "select", "body", "video", "audio", "marquee",
    "xss", "isindex", "button", "noscript", "frameset", "frame", "bgsound", "keygen", "title",
}  # fmt: skip
_SAFE = ("http:", "https:", "mailto:", "#")
_OWN_CLASS = re.compile(r"^(respnb-static|rs-[a-z_-]+)( rs-[a-z_-]+)*$")
_LANGUAGE = re.compile(r"^language-[A-Za-z0-9_+.#-]*$")  # a renderer's class for a fence


class _NaiveRenderer(mistune.HTMLRenderer):  # type: ignore[misc]
    """A renderer that trusts every URL, like a trusted output in a careless front end."""

    def safe_url(self, url: str) -> str:
        return html.escape(url)


_MISTUNE = mistune.create_markdown(
    renderer=_NaiveRenderer(escape=False), plugins=["table", "url", "strikethrough"]
)
_MARKDOWN_IT = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_MARKDOWN_IT.validateLink = lambda url: True  # type: ignore[method-assign]


class _Audit(HTMLParser):
    def __init__(self, *, own_classes: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.own_classes = own_classes
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "formaction", "background", "srcdoc") and value:
                cleaned = "".join(value.split()).lower()
                data_image = tag == "img" and cleaned.startswith("data:image/png;base64,")
                schemed = ":" in cleaned.split("/")[0]
                if schemed and not cleaned.startswith(_SAFE) and not data_image:
                    self.problems.append(f"{tag}[{name}={value}]")
            if tag == "img" and name == "src" and value and not value.startswith("data:"):
                self.problems.append(f"remote image {value}")
            if name in ("style", "id"):
                self.problems.append(f"{tag}[{name}]")
            own = self.own_classes and _OWN_CLASS.match(value or "")
            if name == "class" and not own and not _LANGUAGE.match(value or ""):
                self.problems.append(f"{tag}[class={value}]")


def audit_html(fragment: str, *, own_classes: bool = False) -> list[str]:
    """Problems a browser would have with ``fragment`` (empty when it is inert)."""
    audit = _Audit(own_classes=own_classes)
    audit.feed(fragment)
    return audit.problems


def audit_markdown(markdown: str) -> list[str]:
    """Problems of ``markdown`` rendered by two careless renderers."""
    return audit_html(_MISTUNE(markdown)) + audit_html(_MARKDOWN_IT.render(markdown))


def _static_part(rendered: str) -> str:
    """A static rendering without respnb's own leading stylesheet."""
    assert rendered.startswith("<style>")
    return rendered[rendered.index("</style>") + len("</style>") :]


def test_the_audit_catches_unsanitized_payloads() -> None:
    # the harness must be able to fail: raw payloads are caught
    caught = sum(1 for p in PAYLOADS if audit_markdown(p))
    assert caught >= 150, caught
    assert all(audit_markdown(p) for p in BYPASSES[:5])
    assert audit_html('<div class="jp-Dialog">x</div>') and audit_html("<p id=a>x</p>")
    assert audit_html('<img src="https://evil.example/x.png">')


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_html_is_inert(payload: str) -> None:
    assert audit_html(markdown_html(payload)) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_markdown_is_inert_in_any_renderer(payload: str) -> None:
    assert audit_markdown(safe_markdown(payload)) == []


@pytest.mark.parametrize("bypass", BYPASSES)
def test_the_regex_bypasses_are_closed(bypass: str) -> None:
    assert audit_html(markdown_html(bypass)) == []
    assert audit_markdown(safe_markdown(bypass)) == []
    state = ResponseViewState.from_response(
        Response.model_validate(hostile_response(bypass, URLS[0]))
    )
    assert audit_html(_static_part(static_html(state)), own_classes=True) == []
    assert audit_markdown(fallback_markdown(state)) == []


@pytest.mark.parametrize("text", NOTES + PAYLOADS[::7])
def test_notes_are_text(text: str) -> None:
    bundle = note_bundle(text)
    assert bundle["text/plain"] == text
    assert audit_html(bundle["text/html"]) == [] and "<img" not in bundle["text/html"]
    assert audit_markdown(bundle["text/markdown"]) == []


def test_markdown_copy_keeps_ordinary_markdown() -> None:
    md = (
        "# Title\n\nSome **bold** and `a < b` and [link](https://example.org).\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nif a < b:\n    print('<ok>')\n```\n\n"
        "- one\n- two\n\n1. first\n2. second\n\n> quoted\n\nMath: $x_1^2$ and $$\\int_0^1 f$$\n"
    )
    out = safe_markdown(md)
    assert "```python\nif a < b:\n    print('<ok>')\n```" in out
    assert "[link](https://example.org)" in out and "| 1 | 2 |" in out
    assert "$x_1^2$" in out and "$$\\int_0^1 f$$" in out
    assert "- one\n- two" in out and "1. first\n2. second" in out and "> quoted" in out
    rendered = _MISTUNE(out)
    assert "<table>" in rendered and "<h1>Title</h1>" in rendered
    assert "<strong>bold</strong>" in rendered


def test_html_keeps_ordinary_markdown_and_makes_images_links() -> None:
    out = markdown_html(
        "**b** [l](https://example.org) ![cat](https://img.example/cat.png) "
        "![dot](data:image/png;base64,iVBORw0KGgo=)\n\n```py\n<x>\n```"
    )
    assert "<strong>b</strong>" in out
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">l</a>' in out
    # a remote image never loads by itself: it is a link naming its host
    assert '<a href="https://img.example/cat.png"' in out and "image: cat (img.example)" in out
    assert '<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">' in out
    assert "<pre><code>&lt;x&gt;\n</code></pre>" in out


@pytest.mark.parametrize("url", URLS)
def test_safe_url_rejects(url: str) -> None:
    assert safe_url(url) is None


def test_safe_url_accepts() -> None:
    assert safe_url("https://example.org/a?b=c#d") == "https://example.org/a?b=c#d"
    assert safe_url("mailto:a@b.c") == "mailto:a@b.c"
    assert safe_url("#anchor") == "#anchor"
    assert safe_url("data:image/png;base64,AAAA") is None
    assert safe_url("data:image/png;base64,AAAA", allow_data_image=True)


def _hostile_state(payload: str, url: str) -> ResponseViewState:
    response = Response.model_validate(hostile_response(payload, url))
    return ResponseViewState.from_response(response, profile=payload)


@pytest.mark.parametrize("n", range(0, len(PAYLOADS), 2))
def test_static_rendering_of_hostile_items_is_inert(n: int) -> None:
    state = _hostile_state(PAYLOADS[n], URLS[n % len(URLS)])
    bundle = static_bundle(state)
    assert audit_html(_static_part(bundle["text/html"]), own_classes=True) == []
    assert audit_markdown(bundle["text/markdown"]) == []


def test_static_rendering_summarises_everything() -> None:
    state = ResponseViewState(profile="local")
    state.apply_all(events_of(full_mix()))
    state.set_header(created_at=100, completed_at=104.5)
    out = static_html(state)
    for expected in (
        '<span class="rs-model">gpt-test</span>',
        '<span class="rs-chip rs-completed">completed</span>',
        '<span class="rs-dim rs-elapsed">4.5 s</span>',
        '<details class="rs-reasoning"><summary>Reasoning</summary><p>Let me think.',
        "<p>Hello <strong>world</strong></p>",
        "<td>1</td>",
        '<a href="https://example.org/a" rel="noopener noreferrer nofollow">Example</a>',
        "Refusal: I cannot",
        '<details class="rs-tool"><summary>Tool call: <code>get_weather</code></summary>',
        "<strong>Web search</strong>: <code>weather paris</code>",
        "x = 1\nprint(x)",
        "<strong>MCP tools</strong> on deepwiki: <code>ask</code>",
        "input 17 (cached 0) · output 65 (reasoning 0) tokens",
    ):
        assert expected in out, expected
    assert audit_html(_static_part(out), own_classes=True) == []
    md = fallback_markdown(state)
    for expected in (
        "**gpt-test** · `local` · `completed` · `resp_mix_000001` · 4.5 s",
        "> **Reasoning**",
        "Hello **world**",
        "| 1 | 2 |",
        "Sources: [Example](https://example.org/a)",
        "**Refusal**: I cannot",
        '**Tool call**: `get_weather` `{"city": "Paris"}`',
        "**Web search**: `weather paris`",
        "**File search**: `report q3`",
        "```python\nx = 1\nprint(x)\n```",
        "**MCP tools** on deepwiki: `ask`",
        '**Tool call** on deepwiki: `ask` `{"q": "x"}` → `answer`',
        "**Image generated**",
        "*input 17 (cached 0) · output 65 (reasoning 0) tokens*",
    ):
        assert expected in md, expected
    text = fallback_text(state)
    assert "Hello **world**" in text and "[function_call: get_weather]" in text
    assert set(fallback_bundle(state)) == {"text/markdown", "text/plain"}
    assert set(static_bundle(state)) == {"text/html", "text/markdown", "text/plain"}


def test_static_rendering_shows_how_a_run_ended() -> None:
    state = ResponseViewState(profile="local", model="m")
    state.set_error("Connection refused", "connection_error")
    state.set_header(status="failed", status_raw="failed", created_at=10, completed_at=12)
    out = static_html(state)
    assert '<span class="rs-chip rs-failed">failed</span>' in out and "2.0 s" in out
    assert '<div class="rs-error">Error connection_error: Connection refused</div>' in out


def test_static_links_manus_files_and_task() -> None:
    resp = Response.model_validate(
        {
            "id": "t",
            "status": "completed",
            "metadata": {"task_url": "https://manus.im/app/t"},
            "output": [
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [
                        {
                            "type": "output_file",
                            "fileUrl": "https://f.example/r.md",
                            "fileName": "r.md",
                        }
                    ],
                }
            ],
        }
    )
    state = ResponseViewState.from_response(resp)
    md = fallback_markdown(state)
    assert "[task](https://manus.im/app/t)" in md
    assert "**File**: [r.md](https://f.example/r.md)" in md
    assert '<a href="https://f.example/r.md" rel="noopener noreferrer nofollow">r.md</a>' in (
        static_html(state)
    )
