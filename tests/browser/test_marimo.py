"""respnb.respond() in marimo: notebooks/marimo_respond.py under `marimo run` in headless Chromium.

The app runs on loopback without a token; its cell calls ``respnb.respond`` with a Python tool
against the on-demand local server. The page shows two live views (the tool call round and the
answer), the tool's result inside its call in the first view, and the answer text (which came
through the shared bundle model that the views reference).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from respnb.notebook.view import STATIC_DIR
from tests.waiting import wait_until

from .jupyter import CHROMIUM, free_port, loopback_context

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
pytest.importorskip("marimo", reason="marimo is not installed")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is missing (/usr/bin/chromium)", allow_module_level=True)
if not (STATIC_DIR / "response_view.js").exists():
    pytest.skip("the front-end bundle is not built (npm run build in js/)", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "marimo_respond.py"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


@pytest.fixture
def marimo_app(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    home = tmp_path / "respnb_home"
    env = {
        **os.environ,
        "RESPNB_HOME": str(home),
        "RESPNB_LOCAL_PACE": "0",
        "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "MARIMO_SKIP_UPDATE_CHECK": "1",
        "HOME": str(tmp_path),  # marimo's config and state stay here
    }
    log = (tmp_path / "marimo.log").open("w")
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "marimo", "-y", "run", str(NOTEBOOK)),
            *("--headless", "--no-token", "--host", "127.0.0.1", "-p", str(port)),
        ],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: proc.poll() is not None or _answers(base),
            what="marimo run to answer",
            timeout=120,
        )
        if proc.poll() is not None:
            pytest.fail("marimo run exited: " + (tmp_path / "marimo.log").read_text()[-2000:])
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        with contextlib.suppress(Exception):
            subprocess.run(
                [sys.executable, "-m", "respnb", "serve", "stop"],
                env=env,
                capture_output=True,
                timeout=60,
            )


def test_respond_renders_live_views_in_marimo(marimo_app: str, tmp_path: Path) -> None:
    with sync_api.sync_playwright() as pw, loopback_context(pw, "") as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(f"{exc} {getattr(exc, 'stack', '')}"))
        page.goto(marimo_app)
        views = page.locator(".respnb-view")  # CSS locators pierce marimo's shadow roots
        try:
            page.wait_for_function(
                "() => [...document.querySelectorAll('*')].filter((n) => n.shadowRoot)"
                ".flatMap((n) => [...n.shadowRoot.querySelectorAll('.respnb-view')])"
                # completed, and everything received drawn (no data-busy)
                ".filter((v) => !v.dataset.busy && (v.querySelector('.rv-status') || {})"
                ".textContent === 'completed').length >= 2",
                timeout=180_000,
            )
        except sync_api.TimeoutError:
            page.screenshot(path=str(tmp_path / "marimo-timeout.png"), full_page=True)
            pytest.fail(f"no finished views; page says {page.inner_text('body')[:1500]!r}")
        assert views.count() == 2
        answer = views.nth(1)
        assert "sunny in Paris" in answer.inner_text(), errors
        assert "get_weather" in views.nth(0).inner_text()
        # the tool's result is shown inside its call (collapsed, so in the text, not on screen)
        assert "sunny in Paris" in (views.nth(0).text_content() or "")
        page.screenshot(path=str(tmp_path / "marimo.png"), full_page=True)
        assert not errors, errors
