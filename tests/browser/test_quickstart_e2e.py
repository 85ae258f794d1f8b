"""The quickstart notebook, end to end, in JupyterLab 4 and Notebook 7 (headless Debian chromium).

Every cell runs against the local server the kernel starts on demand. The test checks that the
widgets render and stream, that switching the theme restyles them, and that the browser console
shows no errors from the page (requests to anything but loopback are blocked on purpose and the
resulting load failures are the only console errors tolerated).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from respnb.notebook.view import STATIC_DIR

from .jupyter import (
    CHROMIUM,
    KERNEL_IDLE,
    jupyter_server,
    loopback_context,
    notebook_url,
    open_notebook,
    run_cells,
    settle,
    switch_theme,
    write_notebook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
pytest.importorskip("jupyterlab", reason="jupyterlab is not installed")
pytest.importorskip("notebook", reason="notebook 7 is not installed")
nbformat = pytest.importorskip("nbformat")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is missing (/usr/bin/chromium)", allow_module_level=True)
if not (STATIC_DIR / "response_view.js").exists():
    pytest.skip("the front-end bundle is not built (npm run build in js/)", allow_module_level=True)

QUICKSTART = Path(__file__).resolve().parents[2] / "notebooks" / "quickstart.ipynb"

SAMPLER = """
window.__samples = [];
setInterval(() => {
  const body = document.querySelector('.respnb-view .rv-body');
  if (body) window.__samples.push(body.textContent.length);
}, 30);
"""

# console errors that are not the page's fault: loads we block (non-loopback) on purpose
BENIGN = re.compile(r"Failed to load resource|net::ERR_FAILED|ERR_BLOCKED_BY_CLIENT|favicon")


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("quickstart")  # one server (and kernel) per UI
    shutil.copy(QUICKSTART, root / "quickstart.ipynb")
    write_notebook(root / "blank.ipynb", ["1 + 1"])
    with jupyter_server(root, env={"RESPNB_LOCAL_PACE": "300"}, quiet_news=False) as base:
        yield base, root


def _first_line(error: str) -> str:
    return re.sub(r"127\.0\.0\.1:\d+", "HOST", error.splitlines()[0])


VIEW_COLORS = """() => {
    const root = document.querySelector('.respnb-static');
    const p = root.querySelector('.rs-block p') || root;
    return {bg: getComputedStyle(root).backgroundColor, fg: getComputedStyle(p).color};
}"""


def _view_colors(page: Any) -> dict[str, str]:
    return dict(page.evaluate(VIEW_COLORS))


@pytest.mark.parametrize("ui", ["lab", "notebook"])
def test_quickstart_runs_streams_and_themes(server: tuple[str, Path], ui: str) -> None:
    base, root = server
    url = notebook_url(base, ui, "quickstart.ipynb")
    errors: list[str] = []
    baseline: set[str] = set()
    with sync_api.sync_playwright() as pw, loopback_context(pw, SAMPLER) as context:

        def watch(page: Any) -> Any:
            page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc} {exc.stack}"))
            page.on(
                "console",
                lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None,
            )
            return page

        # the UI's own errors on a notebook without respnb are the baseline, not ours
        blank = watch(context.new_page())
        open_notebook(blank, notebook_url(base, ui, "blank.ipynb"))
        settle(blank)
        blank.close(run_before_unload=False)
        baseline = {_first_line(e) for e in errors}
        errors.clear()
        page = watch(context.new_page())
        try:
            open_notebook(page, url)
            run_cells(page, 1)  # once the kernel takes keys (dialogs accepted), run them all
            page.keyboard.press("Escape")
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            try:  # a finished answer's live view becomes its static rendering
                page.wait_for_function(
                    """(n) => {
                        const s = [...document.querySelectorAll('.respnb-static .rs-chip')];
                        return s.length >= n && s.every(el => el.textContent === 'completed');
                    }""",
                    arg=7,
                    timeout=180_000,
                )
            except sync_api.TimeoutError:
                page.screenshot(path=str(root / f"timeout-{ui}.png"), full_page=True)
                statuses = page.evaluate(
                    "() => [...document.querySelectorAll('.respnb-static .rs-chip')]"
                    ".map(el => el.textContent)"
                )
                outputs = page.locator(".jp-OutputArea").all_inner_texts()
                pytest.fail(f"views did not all complete: {statuses}; outputs: {outputs}"[:4000])
            page.wait_for_function(
                KERNEL_IDLE,
                timeout=120_000,
            )
            failed = page.locator(".jp-OutputArea-output[data-mime-type*='error']")
            assert failed.count() == 0, failed.first.inner_text()[:2000]

            growth = sorted({s for s in page.evaluate("window.__samples") if s > 0})
            assert len(growth) >= 3, f"{ui}: the answer did not stream in: {growth}"
            first_view = page.locator(".respnb-static").first
            first_view.scroll_into_view_if_needed()
            text = first_view.locator(".rs-body").text_content() or ""
            assert "generator" in text.lower(), f"{ui}: {text[:2000]!r}"
            header = first_view.locator(".rs-head").text_content() or ""
            assert "null" not in header and "undefined" not in header, header
            assert page.locator(".respnb-static details.rs-reasoning").count() >= 1

            light = _view_colors(page)
            switch_theme(page, "JupyterLab Dark")
            page.wait_for_function(
                f"() => ({VIEW_COLORS})().bg !== {light['bg']!r}", timeout=30_000
            )
            dark = _view_colors(page)
            assert light["bg"] != dark["bg"] and light["fg"] != dark["fg"], (light, dark)
            switch_theme(page, "JupyterLab Light")
        finally:
            page.close()
    real = [e for e in errors if not BENIGN.search(e) and _first_line(e) not in baseline]
    assert real == [], f"{ui}: {real}"
