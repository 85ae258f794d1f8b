"""ResponseView inside a real JupyterLab (dark theme) in headless Debian chromium.

A notebook cell streams a canonical event sequence (with XSS payloads in the answer) through
``ResponseView``; the test watches the answer grow, opens the reasoning, finds the function
call, checks dark-theme contrast and that no payload ran, then saves the notebook and reads
the static fallback from the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from respnb.notebook.view import STATIC_DIR
from tests.core.streams import StreamBuilder, words
from tests.view.xss_corpus import PAYLOADS
from tests.waiting import wait_until

from .jupyter import (
    CHROMIUM,
    KERNEL_IDLE,
    TOKEN,
    jupyter_server,
    loopback_context,
    settle,
    write_notebook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
pytest.importorskip("jupyterlab", reason="jupyterlab is not installed")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is missing (/usr/bin/chromium)", allow_module_level=True)
if not (STATIC_DIR / "response_view.js").exists():
    pytest.skip("the front-end bundle is not built (npm run build in js/)", allow_module_level=True)

CELL = """\
import json, time
from respnb.notebook import ResponseView
from respnb.types import parse_event
events = [parse_event(e) for e in json.load(open("events.json"))]
view = ResponseView(profile="local", model="respnb-demo").display()
for e in events:
    view.apply(e)
    time.sleep(0.004)
view.finish()
"""


RESPOND_CELLS = [
    "%load_ext respnb",
    'def get_weather(city: str) -> str:\n    """The weather in a city."""\n'
    '    return f"sunny in {city}"',
    "%%respond --tools get_weather --reasoning medium --summary auto\n"
    "What is the weather in Paris? Quote this verbatim: <img src=x onerror=__xss(1)>",
]


def _events() -> list[dict[str, Any]]:
    b = StreamBuilder("resp_lab_000001", model="respnb-demo").created()
    b.reasoning([["Checking ", "the ", "weather."]])
    b.function_call("get_weather", ['{"city": ', '"Paris"}'])
    b.message(["Hello ", "**world**.", *words(300), "\n\n"])
    for payload in PAYLOADS[:40]:
        b.message([payload[k : k + 4] for k in range(0, len(payload), 4)])
    return b.completed().events


def _read_notebook(path: Path) -> dict[str, Any]:
    """The notebook as saved, or ``{}`` while it is being written."""
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except ValueError:
        return {}


def _drawn(page: Any) -> None:
    """Every view has drawn all it received (no text left to reveal), images settled."""
    page.wait_for_function("() => !document.querySelector('.respnb-view[data-busy]')")
    settle(page)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("lab")
    write_notebook(root / "view.ipynb", [CELL])
    write_notebook(root / "respond.ipynb", RESPOND_CELLS)
    (root / "events.json").write_text(json.dumps(_events()))
    with jupyter_server(root, theme="JupyterLab Dark") as base:
        yield base, root


def _luminance(rgb: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", rgb)[:3])

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


SAMPLER = """
window.__xssCalls = [];
window.__xss = (n) => window.__xssCalls.push(String(n));
window.__samples = [];
setInterval(() => {
  const body = document.querySelector('.respnb-view .rv-body');
  if (body) window.__samples.push(body.innerText.length);
}, 40);
"""


def test_streaming_view_in_jupyterlab(lab: tuple[str, Path]) -> None:
    base, root = lab
    with sync_api.sync_playwright() as pw, loopback_context(pw, SAMPLER) as context:
        page = context.new_page()
        try:
            page.goto(f"{base}/lab/tree/view.ipynb?token={TOKEN}")
            page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content", timeout=60_000)
            page.wait_for_function(
                KERNEL_IDLE,
                timeout=60_000,
            )
            prompt = page.locator(".jp-Cell .jp-InputPrompt").first
            for _attempt in range(3):  # a keypress can land before the kernel is connected
                page.click(".jp-Notebook .jp-Cell .cm-content")
                page.keyboard.press("Shift+Enter")
                try:
                    page.wait_for_function(
                        "(el) => /\\[(\\*|\\d+)\\]/.test(el.textContent)",
                        arg=prompt.element_handle(),
                        timeout=15_000,
                    )
                    break
                except sync_api.TimeoutError:
                    continue
            try:
                page.wait_for_selector(".respnb-view", timeout=60_000)
            except sync_api.TimeoutError:
                out = page.locator(".jp-OutputArea").first.inner_text()
                pytest.fail(f"no view rendered; prompt {prompt.inner_text()!r}; output {out!r}")
            page.wait_for_function(
                "() => (document.querySelector('.respnb-view .rv-status') || {}).textContent"
                " === 'completed'",
                timeout=120_000,
            )
            _drawn(page)
            view = page.locator(".respnb-view").first
            samples = page.evaluate("window.__samples")
            growth = sorted({s for s in samples if s > 0})
            assert len(growth) >= 4, f"the answer did not stream in: {growth}"
            body = view.locator(".rv-body").inner_text()
            assert "Hello" in body and "Paris" in body and "__xss(1)" in body
            assert view.locator(".rv-message strong").first.inner_text() == "world"

            reasoning = view.locator("details.rv-reasoning").first
            assert reasoning.get_attribute("open") is None
            reasoning.locator("summary").click()
            assert reasoning.get_attribute("open") is not None
            assert "Checking the weather." in reasoning.inner_text()

            call = view.locator(".rv-block[data-kind=function_call]").first
            assert "get_weather" in call.inner_text()

            colors = page.evaluate("""() => {
                const root = document.querySelector('.respnb-view');
                const p = root.querySelector('.rv-message .rv-markdown p');
                return {bg: getComputedStyle(root).backgroundColor,
                        fg: getComputedStyle(p).color,
                        theme: document.body.dataset.jpThemeName};
            }""")
            assert colors["theme"] == "JupyterLab Dark", colors
            assert _luminance(colors["bg"]) < 0.1, colors
            assert _contrast(colors["fg"], colors["bg"]) >= 7, colors

            assert page.evaluate("window.__xssCalls") == []
            handlers = page.evaluate("""() => [...document.querySelectorAll('.respnb-view *')]
                .flatMap(el => [...el.attributes].filter(a => a.name.startsWith('on')
                   || /^\\s*(javascript|vbscript):/i.test(a.value))
                   .map(a => el.tagName + a.name))""")
            assert handlers == []

            page.keyboard.press("Control+s")
            saved: dict[str, Any] = wait_until(
                lambda: _read_notebook(root / "view.ipynb"),
                what="the saved notebook holding the answer's markdown",
                accept=lambda nb: (
                    bool(nb)
                    and any("text/markdown" in o.get("data", {}) for o in nb["cells"][0]["outputs"])
                ),
            )
        finally:
            page.close()
    outputs = saved["cells"][0]["outputs"]
    data = next(o["data"] for o in outputs if "text/markdown" in o.get("data", {}))
    assert "application/vnd.jupyter.widget-view+json" in data
    markdown = "".join(data["text/markdown"])  # nbformat stores multi-line strings as lists
    assert "Hello **world**." in markdown
    assert "`completed`" in markdown  # the final state, not the first display
    assert "<img" not in markdown and "&lt;img" in markdown


def test_respond_magic_against_the_local_server(lab: tuple[str, Path]) -> None:
    base, _root = lab
    with sync_api.sync_playwright() as pw, loopback_context(pw, SAMPLER) as context:
        page = context.new_page()
        try:
            page.goto(f"{base}/lab/tree/respond.ipynb?token={TOKEN}")
            page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content", timeout=60_000)
            page.wait_for_function(
                KERNEL_IDLE,
                timeout=60_000,
            )
            page.click(".jp-Notebook .jp-Cell .cm-content")
            for _ in RESPOND_CELLS:
                page.keyboard.press("Shift+Enter")
            try:
                page.wait_for_function(
                    "() => [...document.querySelectorAll('.respnb-view .rv-status')]"
                    ".some(el => el.textContent === 'completed')",
                    timeout=120_000,
                )
            except sync_api.TimeoutError:
                out = page.locator(".jp-Notebook").first.inner_text()
                pytest.fail(f"%%respond did not complete in a view: {out[-3000:]!r}")
            _drawn(page)
            views = page.locator(".respnb-view")
            text = " ".join(views.all_inner_texts())
            assert "get_weather" in text, text[:2000]
            assert page.locator(".respnb-view details.rv-reasoning").count() >= 1
            assert page.locator(".respnb-view .rv-block[data-kind=message]").count() >= 1
            assert page.evaluate("window.__xssCalls") == []
            bad = page.evaluate("""() => [...document.querySelectorAll('.respnb-view *')]
                .flatMap(el => [...el.attributes].filter(a => a.name.startsWith('on'))
                .map(a => el.tagName + a.name))""")
            assert bad == []
        finally:
            page.close()
