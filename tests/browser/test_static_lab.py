"""A ``%%respond`` answer in a real JupyterLab 4 and Notebook 7: it survives a reopen without
a kernel or saved widget state, and the view's Cancel stops a busy foreground cell.

Real server, real kernel, real comm: the cell runs against the local respnb server the kernel
starts on demand; the notebook is saved with Ctrl+S, the kernel shut down through the server's
REST API, and the page reloaded.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from respnb import Client
from respnb.notebook.view import STATIC_DIR
from tests.waiting import wait_until

from .jupyter import (
    CHROMIUM,
    KERNEL_IDLE,
    TOKEN,
    jupyter_server,
    loopback_context,
    notebook_url,
    run_cells,
    write_notebook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
nbformat = pytest.importorskip("nbformat")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is missing (/usr/bin/chromium)", allow_module_level=True)
if not (STATIC_DIR / "response_view.js").exists():
    pytest.skip("the front-end bundle is not built (npm run build in js/)", allow_module_level=True)

WIDGET = "application/vnd.jupyter.widget-view+json"
ANSWER = "%%respond --reasoning medium --summary auto\nTell me about otters"
PACED = '%%respond --extra metadata={"respnb_pace":"12"}\nWrite a long essay about otters'
TRAP = "window.__xss = () => { window.__pwned = (window.__pwned || 0) + 1; };"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("static_lab")
    for name in ("lab.ipynb", "nb7.ipynb"):
        write_notebook(root / name, ["%load_ext respnb", ANSWER, PACED])
    with jupyter_server(root, env={"RESPNB_LOCAL_PACE": "0"}) as base:
        yield base, root


def _api(base: str, path: str, method: str = "GET") -> Any:
    request = urllib.request.Request(f"{base}{path}?token={TOKEN}", method=method)
    with urllib.request.urlopen(request, timeout=30) as reply:
        body = reply.read()
    return json.loads(body) if body else None


def _open(page: Any, url: str) -> None:
    """Go to ``url`` until its cells are drawn (a reopened notebook's kernel may be off)."""
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content", timeout=60_000)


def _wait_for(page: Any, selector: str, timeout: float = 120_000) -> None:
    try:
        page.wait_for_selector(selector, timeout=timeout)
    except sync_api.TimeoutError:
        out = page.locator(".jp-Notebook").first.inner_text()
        pytest.fail(f"no {selector} in the notebook: {out[-3000:]!r}")


def _saved_outputs(path: Path) -> list[dict[str, Any]]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [o for c in cells for o in c.get("outputs", [])]


def _saved_static(path: Path, count: int) -> bool:
    try:
        return sum("text/html" in o.get("data", {}) for o in _saved_outputs(path)) >= count
    except ValueError:  # caught mid-write
        return False


@pytest.mark.parametrize("ui", ["lab", "nb7"])
def test_cancel_then_save_shutdown_and_reopen(server: tuple[str, Path], ui: str) -> None:
    """One notebook: a full answer, then a paced run stopped by the view's Cancel while its
    cell executes; saved, kernel shut down, page reloaded: both answers read as they ended."""
    base, root = server
    name = f"{ui}.ipynb"
    with sync_api.sync_playwright() as pw, loopback_context(pw, TRAP) as context:
        page = context.new_page()
        try:
            _open(page, notebook_url(base, ui, name))
            page.wait_for_function(KERNEL_IDLE, timeout=60_000)
            run_cells(page, 3)
            _wait_for(page, ".respnb-static .rs-chip.rs-completed")
            _wait_for(page, ".respnb-view .rv-cancel")
            page.wait_for_function(
                "() => (document.querySelector('.respnb-view .rv-body') || {innerText: ''})"
                ".innerText.length > 40",
                timeout=120_000,
            )
            page.locator(".respnb-view .rv-cancel").first.click()
            _wait_for(page, ".respnb-static .rs-chip.rs-cancelled", timeout=60_000)
            page.wait_for_function(KERNEL_IDLE, timeout=60_000)
            live = page.locator(".respnb-static").all_inner_texts()
            page.keyboard.press("Control+s")
            wait_until(lambda: _saved_static(root / name, 2), what=f"{name} saved with answers")
            for session in _api(base, "/api/sessions"):
                if session["path"].endswith(name):
                    _api(base, f"/api/sessions/{session['id']}", method="DELETE")
            assert not [s for s in _api(base, "/api/sessions") if s["path"].endswith(name)]
            page.reload()
            page.wait_for_function(  # cells render progressively after a reload
                "(n) => document.querySelectorAll('.respnb-static').length >= n",
                arg=len(live),
                timeout=60_000,
            )
            # read both at once: a cell scrolled out of view may be skipped by the layout later
            texts = page.locator(".respnb-static").all_inner_texts()
            assert texts == live
            text, partial = texts
            answer = page.locator(".respnb-static").first
            assert "otter" in text.lower() and "completed" in text
            body = page.locator("body").inner_text()
            assert "model not found" not in body and "Error displaying widget" not in body
            reasoning = answer.locator("details.rs-reasoning")
            assert reasoning.count() == 1 and reasoning.get_attribute("open") is None
            reasoning.locator("summary").click()
            assert reasoning.get_attribute("open") is not None
            assert reasoning.inner_text().strip() != "Reasoning"  # the summary text is there
            assert "cancelled" in partial and "otter" in partial.lower()  # partial text kept
            assert page.evaluate("window.__pwned || 0") == 0
            shots = Path(os.environ.get("RESPNB_SCREENSHOT_DIR") or root)
            page.screenshot(path=str(shots / f"reopened-{ui}.png"), full_page=True)
        finally:
            page.close()
    saved = _saved_outputs(root / name)
    assert all(WIDGET not in o.get("data", {}) for o in saved)
    response_id = next(w for w in partial.split() if w.startswith("resp_"))
    record = json.loads((root / ".respnb" / "server.json").read_text(encoding="utf-8"))
    token = (root / ".respnb" / "server.token").read_text(encoding="utf-8").strip()
    client = Client(profile="local", base_url=record["base_url"], api_key=token)
    try:
        assert client.responses.retrieve(response_id).status == "cancelled"  # the server's word
    finally:
        client.close()


def test_an_untrusted_notebook_still_reads_right(server: tuple[str, Path]) -> None:
    """A notebook from elsewhere (no signature: Notebook 7 / JupyterLab sanitize its HTML) shows the
    saved answer: text, markup and the collapsible reasoning survive sanitizing."""
    from respnb._view_state import ResponseViewState
    from respnb.notebook._static import static_bundle
    from respnb.types import Response

    base, root = server
    response = Response.model_validate(
        {
            "id": "resp_untrusted_1",
            "status": "completed",
            "model": "m",
            "output": [
                {"type": "reasoning", "summary": [{"type": "summary_text", "text": "Thinking."}]},
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": "Otters **hold hands**."}],
                },
            ],
        }
    )
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("%%respond\nTell me about otters", execution_count=1)
    data = static_bundle(ResponseViewState.from_response(response))
    cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, root / "untrusted.ipynb")
    with sync_api.sync_playwright() as pw, loopback_context(pw, TRAP) as context:
        page = context.new_page()
        try:
            _open(page, notebook_url(base, "nb7", "untrusted.ipynb"))  # one notebook per page
            _wait_for(page, ".respnb-static .rs-chip.rs-completed", timeout=60_000)
            static = page.locator(".respnb-static").first
            assert "hold hands" in static.inner_text()
            assert static.locator("strong").first.inner_text() == "hold hands"
            reasoning = static.locator("details.rs-reasoning")
            assert reasoning.get_attribute("open") is None
            reasoning.locator("summary").click()
            assert "Thinking." in reasoning.inner_text()
            # JupyterLab drops the <style> of untrusted output: the answer reads as plain,
            # sanitized HTML (trusting the notebook brings the look back)
            assert page.evaluate("window.__pwned || 0") == 0
        finally:
            page.close()
