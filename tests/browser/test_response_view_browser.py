"""The ResponseView front end (static/response_view.js) in headless Debian chromium.

A local page imports the real bundle with a fake anywidget model; the messages it receives are
the ones a real ResponseView sent while following a stream.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from respnb._view_state import ResponseViewState
from respnb.notebook.view import STATIC_DIR, ResponseView
from respnb.types import Response
from tests.core.streams import StreamBuilder
from tests.view.jsstore import events_of, full_mix
from tests.view.xss_corpus import PAYLOADS, URLS, hostile_response

from .jupyter import ARGS, CHROMIUM, settle

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is missing (/usr/bin/chromium)", allow_module_level=True)
if not (STATIC_DIR / "response_view.js").exists():
    pytest.skip("the front-end bundle is not built (npm run build in js/)", allow_module_level=True)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("site")
    shutil.copy(HERE / "harness.html", root / "index.html")
    for name in ("response_view.js", "response_view.css"):
        shutil.copy(STATIC_DIR / name, root / name)
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, site: str) -> Iterator[Any]:
    context = browser.new_context()
    # nothing may leave the machine: only the local site is reachable
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:).*"), lambda route: route.abort())
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(site)
    pg.wait_for_function("window.harnessReady === true")
    yield pg
    context.close()
    assert errors == [], errors


def _record(view: ResponseView) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    view.send = lambda content, buffers=None: messages.append(json.loads(json.dumps(content)))  # type: ignore[method-assign]
    return messages


def _traits(view: ResponseView) -> dict[str, Any]:
    return {
        "header": view.header,
        "usage": view.usage,
        "error": view.error,
        "status": view.status,
        "finished": view.finished,
        "cancellable": view.cancellable,
        "uid": view.uid,
        "stop_hint": view.stop_hint,
    }


def _settle(page: Any) -> None:
    """Wait until every view has drawn all it received (no draw pending, no text to reveal)."""
    page.wait_for_function(
        "() => window.frames2().then(() => !document.querySelector('.respnb-view[data-busy]'))",
        timeout=30_000,
    )


def _connect(page: Any, i: int, view: ResponseView, sent: list[dict[str, Any]]) -> None:
    """Answer the front end's sync request, as the kernel does when a view starts."""
    request = next(m for m in page.evaluate("(i) => window.sent(i)", i) if m["kind"] == "sync")
    view._on_front_msg(view, request, [])
    page.evaluate("([i, m]) => window.custom(i, m)", [i, sent.pop()])


def test_text_streams_in_reasoning_collapses_function_call_renders(page: Any) -> None:
    view = ResponseView(autoflush=False, interval=0, min_bytes=0, profile="local")
    sent = _record(view)
    i = page.evaluate("(s) => window.makeView(s)", _traits(view))
    assert page.evaluate("(i) => window.sent(i)", i)[0]["kind"] == "sync"
    _connect(page, i, view, sent)
    body = page.locator(".rv-body").first
    seen_partial = False
    for event in events_of(full_mix()):
        before = len(sent)
        view.apply(event)
        for msg in sent[before:]:
            page.evaluate("([i, m]) => window.custom(i, m)", [i, msg])
        if event.type == "response.output_text.delta":
            page.evaluate("([i, t]) => window.setTraits(i, t)", [i, _traits(view)])
            _settle(page)
            text = body.inner_text()
            if "Hello" in text and "| 1 | 2 |" not in text and "1\t2" not in text:
                seen_partial = True
    view.finish()
    page.evaluate("([i, t]) => window.setTraits(i, t)", [i, _traits(view)])
    _settle(page)
    assert seen_partial, "the answer never showed up partially while streaming"

    msg = page.locator(".rv-block[data-kind=message]").first
    assert msg.locator("strong").first.inner_text() == "world"
    assert msg.locator("table td").all_inner_texts() == ["1", "2"]
    assert msg.locator(".rv-citations a").first.get_attribute("href") == "https://example.org/a"
    assert msg.locator(".rv-citations a").first.get_attribute("rel") == "noopener noreferrer"
    assert "I cannot" in msg.locator(".rv-refusal").inner_text()

    reasoning = page.locator("details.rv-reasoning").first
    assert reasoning.get_attribute("open") is None
    assert not page.locator(".rv-reasoning-body").first.is_visible()
    reasoning.locator("summary").first.click()
    assert reasoning.get_attribute("open") is not None
    assert "Second thought." in page.locator(".rv-reasoning-body").first.inner_text()
    reasoning.locator("summary").first.click()
    assert reasoning.get_attribute("open") is None

    call = page.locator(".rv-block[data-kind=function_call]").first
    assert "get_weather" in call.inner_text() and '"city": "Paris"' in call.inner_text()
    for kind, expected in [
        ("web_search_call", "weather paris"),
        ("file_search_call", "report q3"),
        ("code_interpreter_call", "print(x)"),
        ("mcp_call", "answer"),
        ("mcp_list_tools", "deepwiki"),
        ("custom_tool_call", "print(1)"),
    ]:
        assert expected in page.locator(f".rv-block[data-kind={kind}]").first.inner_text(), kind
    img = page.locator(".rv-block[data-kind=image_generation_call] img").first
    assert img.get_attribute("src").startswith("data:image/png;base64,")

    header = page.locator(".rv-header").first.inner_text()
    assert "gpt-test" in header and "completed" in header and "resp_mix_000001" in header
    footer = page.locator(".rv-footer").first.inner_text()
    assert "input 17" in footer and "output 65" in footer
    assert not page.locator(".rv-cancel").first.is_visible()  # finished: no Cancel

    # a second display of the same model shows everything at once
    j = page.evaluate("(i) => window.renderAgain(i)", i)
    _settle(page)
    second = page.locator(".view-host").nth(j).inner_text()
    assert "Paris" in second and "world" in second


def test_stop_hint_without_cancel(page: Any) -> None:
    """A run with no Cancel callback (a foreground cell) shows how to stop it instead."""
    view = ResponseView(autoflush=False, profile="local")
    view.stop_hint = "Interrupt the kernel to stop"
    for event in events_of(full_mix())[:10]:
        view.apply(event)
    page.evaluate("(s) => window.makeView(s)", _traits(view))
    _settle(page)
    assert not page.locator(".rv-cancel").first.is_visible()
    assert page.locator(".rv-stop-hint").first.inner_text() == "Interrupt the kernel to stop"


def test_sync_reset_and_cancel(page: Any) -> None:
    view = ResponseView(autoflush=False, profile="local")
    view.on_cancel(lambda: None)  # the Cancel button shows only when something listens
    sent = _record(view)
    for event in events_of(full_mix())[:60]:
        view.apply(event)
    i = page.evaluate("(s) => window.makeView(s)", _traits(view))
    request = page.evaluate("(i) => window.sent(i)", i)[0]
    view._on_front_msg(view, request, [])
    page.evaluate("([i, m]) => window.custom(i, m)", [i, sent[-1]])
    _settle(page)
    assert sent[-1]["kind"] == "reset" and sent[-1]["id"] == request["id"]
    assert "Hello" in page.locator(".rv-body").first.inner_text()
    page.locator(".rv-cancel").first.click()
    cancels = [m for m in page.evaluate("(i) => window.sent(i)", i) if m["kind"] == "cancel"]
    assert len(cancels) == 1
    calls: list[int] = []
    view.on_cancel(lambda: calls.append(1))
    view._on_front_msg(view, cancels[0], [])
    assert calls == [1]


def _luminance(rgb: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", rgb)[:3])

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_theme_is_legible(page: Any, theme: str) -> None:
    if theme == "dark":
        page.evaluate("document.body.classList.add('dark')")
    state = ResponseViewState()
    state.apply_all(events_of(full_mix()))
    view = ResponseView(state=state, autoflush=False)
    i = page.evaluate("(s) => window.makeView(s)", _traits(view))
    page.evaluate(
        "([i, m]) => window.custom(i, m)",
        [i, {"kind": "reset", "id": "x", "blocks": state.snapshot_blocks()}],
    )
    _settle(page)
    parts = [".rv-message .rv-markdown p", ".rv-header", ".rv-pre", ".rv-reasoning-body"]
    page.wait_for_function(  # every part drawn (the answer is revealed at an even pace)
        "(sels) => sels.every((s) => document.querySelector('.respnb-view ' + s))", arg=parts
    )
    colors = page.evaluate("""() => {
        const root = document.querySelector('.respnb-view');
        const pick = (sel) => getComputedStyle(root.querySelector(sel));
        return {
          bg: getComputedStyle(root).backgroundColor, fg: getComputedStyle(root).color,
          text: pick('.rv-message .rv-markdown p').color, header: pick('.rv-header').color,
          headerBg: pick('.rv-header').backgroundColor, pre: pick('.rv-pre').color,
          preBg: pick('.rv-pre').backgroundColor, dim: pick('.rv-reasoning-body').color,
        };
    }""")
    if theme == "dark":
        assert _luminance(colors["bg"]) < 0.05, colors  # the theme variables are followed
    else:
        assert _luminance(colors["bg"]) > 0.8, colors
    assert _contrast(colors["fg"], colors["bg"]) >= 7, colors
    assert _contrast(colors["text"], colors["bg"]) >= 7, colors
    assert _contrast(colors["header"], colors["headerBg"]) >= 4.5, colors
    assert _contrast(colors["pre"], colors["preBg"]) >= 4.5, colors
    assert _contrast(colors["dim"], colors["bg"]) >= 3, colors


_AUDIT = """(sel) => {
  const bad = [];
  for (const el of document.querySelectorAll(sel + ' *')) {
    const tag = el.tagName.toLowerCase();
    // the view's own icons and KaTeX's typesetting (built by code, not from model HTML)
    if (el.closest('svg.rv-icon') || el.closest('.rv-math')) continue;
    if (['script','iframe','object','embed','form','style','base','meta','link','svg','math',
         'template','input','textarea','select','frame'].includes(tag)) bad.push('<' + tag + '>');
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (a.name.startsWith('on')) bad.push(tag + '[' + a.name + ']');
      const urlish = ['href', 'src', 'action', 'formaction', 'xlink:href', 'background',
                      'srcdoc', 'style'];
      if (urlish.includes(a.name)
          && (/^(javascript|vbscript|data:text|data:image\\/svg)/.test(v) || a.name === 'srcdoc'
              || a.name === 'style'))
        bad.push(tag + '[' + a.name + '=' + a.value.slice(0, 40) + ']');
    }
  }
  return bad;
}"""


def test_the_xss_hook_and_audit_can_fail(page: Any) -> None:
    page.evaluate("""() => {
        document.getElementById('control').innerHTML = '<img src=x onerror=__xss(7)>';
    }""")
    page.wait_for_function("window.__xssCalls.length > 0")
    assert page.evaluate("window.__xssCalls") == ["7"]
    assert page.evaluate(_AUDIT, "#control") == ["img[onerror]"]


def test_xss_corpus_stays_inert(page: Any, site: str) -> None:
    origin = site.rsplit("/", 1)[0]
    remote: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((origin, "data:", "blob:")) else remote.append(r.url),
    )
    # 1. every payload in every model-controlled field of a finished response
    batch = []
    for n, payload in enumerate(PAYLOADS):
        url = URLS[n % len(URLS)]
        response = Response.model_validate(hostile_response(payload, url))
        state = ResponseViewState.from_response(response)
        view = ResponseView(state=state, autoflush=False)
        reset = {"kind": "reset", "id": "x", "blocks": state.snapshot_blocks()}
        batch.append([_traits(view), reset])
    page.evaluate(
        "(batch) => { for (const [s, m] of batch) window.custom(window.makeView(s), m); }", batch
    )
    # 2. every payload streamed as text / argument deltas, split every few characters
    view = ResponseView(autoflush=False, interval=0, min_bytes=0)
    sent = _record(view)
    i = page.evaluate("(s) => window.makeView(s)", _traits(view))
    _connect(page, i, view, sent)
    b = StreamBuilder("resp_xss").created()
    for payload in PAYLOADS:
        chunks = [payload[k : k + 3] for k in range(0, len(payload), 3)]
        b.message(chunks).function_call(payload[:40], chunks)
    for event in events_of(b.completed()):
        view.apply(event)
        if len(sent) >= 500:
            page.evaluate("([i, ms]) => { for (const m of ms) window.custom(i, m); }", [i, sent])
            sent.clear()
    page.evaluate("([i, ms]) => { for (const m of ms) window.custom(i, m); }", [i, sent])
    _settle(page)
    settle(page)  # image errors and autofocus have fired, if anything survived
    n_views = page.evaluate("window.views.length")
    assert n_views == len(PAYLOADS) + 1
    text = page.evaluate("document.getElementById('root').textContent")
    assert "__xss(1)" in text  # the payloads are shown, as text
    assert page.evaluate("window.__xssCalls") == []
    assert page.evaluate(_AUDIT, "#root") == []
    hrefs = page.evaluate(
        "[...document.querySelectorAll('#root a')].map(a => a.getAttribute('href'))"
    )
    hrefs = [h for h in hrefs if h is not None]
    assert hrefs and all(h.startswith(("https://", "http://", "mailto:", "#")) for h in hrefs)
    rels = page.evaluate("[...document.querySelectorAll('#root a')].map(a => a.rel)")
    assert all(r == "noopener noreferrer" for r in rels)
    assert remote == [], remote[:10]  # remote images wait for a click: nothing loaded


def test_markdown_math_code_and_other_items(page: Any) -> None:
    md = (
        "Inline $x_1^2 + y_*$ and display:\n\n$$\n\\int_0^1 f(x)\\,dx\n$$\n\n"
        "```python\ndef f(a):\n    return a < 2\n```\n\n| k | v |\n|---|---|\n| a | *b* |\n"
    )
    response = Response.model_validate(
        {
            "id": "resp_items",
            "status": "completed",
            "model": "m",
            "output": [
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [
                        {"type": "output_text", "text": md},
                        {
                            "type": "output_file",
                            "fileUrl": "https://files.example/chart.png",
                            "fileName": "chart.png",
                            "mimeType": "image/png",
                        },
                    ],
                },
                {
                    "type": "apply_patch_call",
                    "call_id": "p",
                    "operation": {
                        "type": "update_file",
                        "path": "a.py",
                        "diff": "@@ -1 +1 @@\n-old\n+new",
                    },
                },
                {
                    "type": "computer_call",
                    "call_id": "c",
                    "action": {"type": "click", "x": 1, "y": 2},
                },
                {
                    "type": "mcp_approval_request",
                    "server_label": "wiki",
                    "name": "ask",
                    "arguments": '{"q": 1}',
                },
                {"type": "brand_new_item", "id": "n1", "payload": {"deep": [1, 2]}},
            ],
        }
    )
    state = ResponseViewState.from_response(response)
    view = ResponseView(state=state, autoflush=False)
    i = page.evaluate("(s) => window.makeView(s)", _traits(view))
    page.evaluate(
        "([i, m]) => window.custom(i, m)",
        [i, {"kind": "reset", "id": "x", "blocks": state.snapshot_blocks()}],
    )
    _settle(page)
    tex = page.evaluate(
        """() => [...document.querySelectorAll('.rv-math annotation')].map((a) =>
            [a.closest('.rv-math-display') ? 'display' : 'inline', a.textContent])"""
    )
    assert tex[0] == ["inline", "x_1^2 + y_*"], tex  # typeset by KaTeX, the TeX kept
    display = tex[1][1] if len(tex) > 1 and tex[1][0] == "display" else ""
    assert "\\int_0^1 f(x)\\,dx" in (display or "")
    code = page.locator(".rv-markdown pre code.language-python").first
    assert "return a < 2" in code.inner_text()
    assert code.locator("span.hljs-keyword").count() >= 2  # highlighted
    assert page.locator(".rv-markdown table td em").inner_text() == "b"
    assert page.locator(".rv-file img").count() == 0  # a remote image waits for a click
    placeholder = page.locator(".rv-file .rv-remote-image")
    assert "files.example" in placeholder.inner_text()
    diff = page.locator(".rv-diff")
    assert diff.locator(".rv-add").inner_text().strip() == "+new"
    assert diff.locator(".rv-del").inner_text().strip() == "-old"
    assert "click" in page.locator(".rv-block[data-kind=computer_call]").inner_text()
    assert (
        "Approval requested"
        in page.locator(".rv-block[data-kind=mcp_approval_request]").inner_text()
    )
    unknown = page.locator(".rv-block[data-kind=brand_new_item] details.rv-unknown")
    assert unknown.get_attribute("open") is None
    unknown.locator("summary").click()
    assert '"deep"' in unknown.inner_text()


@pytest.mark.parametrize(
    "kind",
    ["deep-list", "many-links", "five-megabytes"],
)
def test_pathological_markdown_is_shown_raw_without_freezing(page: Any, kind: str) -> None:
    text = {
        "deep-list": "\n".join(f"{'  ' * i}- level {i}" for i in range(3000)),
        "many-links": " ".join(f"[l{i}](https://example.org/{i})" for i in range(50_000)),
        "five-megabytes": ("A paragraph of an overly long answer. " * 30 + "\n\n") * 4500,
    }[kind]
    item = {
        "type": "message",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text}],
    }
    view = ResponseView(autoflush=False)
    i = page.evaluate("(s) => window.makeView(s)", {**_traits(view), "finished": True})
    page.evaluate(
        "([i, m]) => window.custom(i, m)",
        [
            i,
            {
                "kind": "reset",
                "seq": 0,
                "blocks": [{"index": 0, "kind": "message", "item": item, "done": True}],
            },
        ],
    )
    _settle(page)  # a deadline: a frozen tab fails here
    note = page.locator(".rv-raw-note").first.inner_text()
    assert "Shown as plain text" in note, note
    assert page.evaluate("1 + 1") == 2  # the page still answers
