"""The static fallback (markdown + text/plain) and the markdown sanitizer behind it."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest

from respnb._sanitize import UNSAFE_LINK, safe_url, sanitize_markdown
from respnb._view_state import ResponseViewState
from respnb.notebook._static import fallback_bundle, fallback_markdown, fallback_text
from respnb.types import Response

from .jsstore import events_of, full_mix
from .xss_corpus import PAYLOADS, URLS, hostile_response

mistune = pytest.importorskip("mistune")

_DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "form",
    "base",
    "meta",
    "link",
    "template",
    "input",
    "textarea",
    "select",
    "body",
    "video",
    "audio",
    "marquee",
    "details",
    "xss",
    "isindex",
    "button",
    "noscript",
}
_SAFE = ("http:", "https:", "mailto:", "#")


class _NaiveRenderer(mistune.HTMLRenderer):  # type: ignore[misc]
    """A renderer that trusts every URL, like a trusted output in a careless front end."""

    def safe_url(self, url: str) -> str:
        return html.escape(url)


_RENDER = mistune.create_markdown(
    renderer=_NaiveRenderer(escape=False), plugins=["table", "url", "strikethrough"]
)


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "formaction", "background") and value:
                cleaned = "".join(value.split()).lower()
                if not cleaned.startswith(_SAFE) and ":" in cleaned.split("/")[0]:
                    self.problems.append(f"{tag}[{name}={value}]")


def _audit(markdown: str) -> list[str]:
    audit = _Audit()
    audit.feed(_RENDER(markdown))
    return audit.problems


def test_the_audit_catches_unsanitized_payloads() -> None:
    # the harness must be able to fail: raw payloads are caught
    caught = sum(1 for p in PAYLOADS if _audit(p))
    assert caught >= 80, caught


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitized_markdown_renders_inert(payload: str) -> None:
    assert _audit(sanitize_markdown(payload)) == []


def test_sanitizer_keeps_ordinary_markdown() -> None:
    md = (
        "# Title\n\nSome **bold** and `a < b` and [link](https://example.org).\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nif a < b:\n    print('<ok>')\n```\n\n"
        "Math: $x_1^2$ and $$\\int_0^1 f$$\n"
    )
    out = sanitize_markdown(md)
    assert "```python\nif a < b:\n    print('<ok>')\n```" in out
    assert "[link](https://example.org)" in out and "| 1 | 2 |" in out
    assert "$x_1^2$" in out
    assert "<table>" in _RENDER(out)


@pytest.mark.parametrize("url", URLS)
def test_safe_url_rejects(url: str) -> None:
    assert safe_url(url) is None


def test_safe_url_accepts() -> None:
    assert safe_url("https://example.org/a?b=c#d") == "https://example.org/a?b=c#d"
    assert safe_url("mailto:a@b.c") == "mailto:a@b.c"
    assert safe_url("#anchor") == "#anchor"
    assert safe_url("data:image/png;base64,AAAA") is None
    assert safe_url("data:image/png;base64,AAAA", allow_data_image=True)
    assert sanitize_markdown("[x](javascript:1)") == f"[x]({UNSAFE_LINK})"


def _hostile_state(payload: str, url: str) -> ResponseViewState:
    response = Response.model_validate(hostile_response(payload, url))
    return ResponseViewState.from_response(response, profile=payload)


@pytest.mark.parametrize("n", range(0, len(PAYLOADS), 3))
def test_fallback_of_hostile_items_is_inert(n: int) -> None:
    state = _hostile_state(PAYLOADS[n], URLS[n % len(URLS)])
    assert _audit(fallback_markdown(state)) == []


def test_fallback_summarises_everything() -> None:
    state = ResponseViewState(profile="local")
    state.apply_all(events_of(full_mix()))
    md = fallback_markdown(state)
    for expected in (
        "**gpt\\-test**",
        "`local`",
        "`completed`",
        "`resp_mix_000001`",
        "> **Reasoning**",
        "Hello **world**",
        "| 1 | 2 |",
        "Sources: [Example](https://example.org/a)",
        "**Refusal**: I cannot",
        '**Tool call**: `get_weather` `{"city": "Paris"}`',
        "**Web search**: `weather paris`",
        "**File search**: `report q3`",
        "~~~python\nx = 1\nprint(x)\n~~~",
        "**MCP tools** on deepwiki: `ask`",
        '**Tool call** on deepwiki: `ask` `{"q": "x"}` → `answer`',
        "**Image generated**",
        "*input 17 (cached 0) · output 65 (reasoning 0) tokens*",
    ):
        assert expected in md, expected
    text = fallback_text(state)
    assert "Hello **world**" in text and "[function_call: get_weather]" in text
    assert set(fallback_bundle(state)) == {"text/markdown", "text/plain"}


def test_fallback_links_manus_files_and_task() -> None:
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
    md = fallback_markdown(ResponseViewState.from_response(resp))
    assert "[task](https://manus.im/app/t)" in md
    assert "**File**: [r.md](https://f.example/r.md)" in md
