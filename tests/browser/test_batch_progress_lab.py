"""The batch progress widget inside a real JupyterLab in headless Debian chromium.

A notebook starts a batch of 60 rows (two at a time, paced answers, a few rows failing with an
XSS payload as their error message) against a local server started in the kernel. The test
watches the done count move, checks the errors are text, writes the README's screenshot, then
clicks Cancel and checks the batch stops (status cancelled, rows left undone).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from respnb.notebook.batch_view import _asset

from .jupyter import (
    CHROMIUM,
    KERNEL_IDLE,
    TOKEN,
    dismiss_dialogs,
    jupyter_server,
    loopback_context,
    write_notebook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
pytest.importorskip("jupyterlab", reason="jupyterlab is not installed")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is missing (/usr/bin/chromium)", allow_module_level=True)
if not str(_asset("batch_progress.js")).endswith("static/batch_progress.js"):
    pytest.skip("the front-end bundle is not built (npm run build in js/)", allow_module_level=True)

SHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "batch-progress.png"

CELL = """\
import pandas as pd, respnb
from respnb.server.launch import serve_in_thread
srv = serve_in_thread(faults=True)
bad = "status=400;message=<img src=x onerror=__xss(1)> refused"
df = pd.DataFrame({
    "text": [f"ticket {i}: the app crashes when I export" for i in range(60)],
    "fault": [bad if i % 9 == 4 else "" for i in range(60)],
})
job = respnb.batch.start_batch(
    df, "Classify this support ticket: {text}", profile="local", base_url=srv.base_url,
    concurrency=2, headers={"x-respnb-fault": "{fault}"},
    extra={"metadata": {"respnb_pace": "120"}}, progress="widget",
)
"""


WAIT = 'print("job", job.wait(120))'  # run after Cancel: returns once the job has stopped
DONE = "+(document.querySelector('.respnb-batch .rbp-done-count')?.dataset.value || -1)"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("lab")
    write_notebook(root / "batch.ipynb", [CELL, WAIT])
    with jupyter_server(root) as base:
        yield base, root


def test_counts_move_and_cancel_stops_the_batch(lab: tuple[str, Path]) -> None:
    base, _root = lab
    init = "window.__xssCalls = []; window.__xss = (n) => window.__xssCalls.push(n);"
    with sync_api.sync_playwright() as pw, loopback_context(pw, init) as context:
        page = context.new_page()
        try:
            page.goto(f"{base}/lab/tree/batch.ipynb?token={TOKEN}")
            page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content", timeout=60_000)
            page.wait_for_function(KERNEL_IDLE, timeout=60_000)
            for _attempt in range(3):  # a keypress can land before the kernel is connected
                dismiss_dialogs(page)
                page.click(".jp-Notebook .jp-Cell .cm-content")
                page.keyboard.press("Shift+Enter")
                try:
                    page.wait_for_selector(".respnb-batch", timeout=30_000)
                    break
                except sync_api.TimeoutError:
                    continue
            else:
                out = page.locator(".jp-OutputArea").first.inner_text()
                pytest.fail(f"no batch view rendered; output {out[-2000:]!r}")
            page.wait_for_function(f"() => {DONE} >= 2", timeout=120_000)
            first = page.evaluate(f"() => {DONE}")
            page.wait_for_function(f"() => {DONE} > {first}", timeout=120_000)
            page.wait_for_selector(".respnb-batch .rbp-error", timeout=120_000)
            msg = page.locator(".respnb-batch .rbp-msg").first.text_content() or ""
            assert "<img src=x onerror=__xss(1)>" in msg  # shown as text, never as markup
            assert page.locator(".respnb-batch .rbp-errors img").count() == 0
            assert page.locator(".respnb-batch").get_attribute("data-status") == "running"
            SHOT.parent.mkdir(parents=True, exist_ok=True)
            page.locator(".respnb-batch").screenshot(path=str(SHOT))

            dismiss_dialogs(page)
            page.click(".respnb-batch .rbp-cancel")
            page.wait_for_function(
                "() => document.querySelector('.respnb-batch')?.dataset.status === 'cancelled'",
                timeout=60_000,
            )
            done = page.evaluate(f"() => {DONE}")
            failed = int(
                page.locator(".respnb-batch .rbp-failed-count").get_attribute("data-value") or 0
            )
            assert done + failed < 60
            # a cancelled batch stays put: once the job has stopped, the count is the same
            page.locator(".jp-CodeCell").nth(1).locator(".cm-content").click()
            page.keyboard.press("Shift+Enter")
            page.wait_for_function(
                "() => /job cancelled/.test(document.querySelectorAll('.jp-CodeCell')[1]"
                ".querySelector('.jp-OutputArea')?.textContent || '')",
                timeout=120_000,
            )
            assert page.evaluate(f"() => {DONE}") == done
            assert page.evaluate("window.__xssCalls") == []
        finally:
            page.close()
