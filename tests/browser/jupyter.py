"""A real Jupyter server (JupyterLab 4 + Notebook 7) for browser tests, and the Chromium flags.

Everything it writes (config, runtime, settings, workspaces, RESPNB_HOME) stays under ``root``;
the local respnb server a kernel starts on demand is stopped with it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "respnb-test-token"
LOOPBACK_ONLY = r"^(?!http://127\.0\.0\.1:).*"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_local_server(record: Path) -> None:
    """Stop the local respnb server a kernel started on demand (by the pid it recorded)."""
    if not record.exists():
        return
    pid = json.loads(record.read_text()).get("pid")
    if isinstance(pid, int):
        with contextlib.suppress(OSError):
            os.kill(pid, 15)


def write_settings(settings: Path, theme: str, *, quiet_news: bool = True) -> None:
    values: dict[str, Any] = {"apputils-extension/themes": {"theme": theme}}
    if quiet_news:
        values["apputils-extension/notification"] = {"fetchNews": "false", "checkForUpdates": False}
    for name, value in values.items():
        path = settings / f"@jupyterlab/{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


@contextlib.contextmanager
def jupyter_server(
    root: Path,
    *,
    theme: str = "JupyterLab Light",
    env: dict[str, str] | None = None,
    quiet_news: bool = True,
) -> Iterator[str]:
    """Run ``jupyter lab`` (which also serves Notebook 7 at /notebooks/...) on loopback."""
    settings = root / ".settings"
    write_settings(settings, theme, quiet_news=quiet_news)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(root / ".config"),
        "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
        "IPYTHONDIR": str(root / ".ipython"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / ".workspaces"),
        "RESPNB_HOME": str(root / ".respnb"),
        **(env or {}),
    }
    port = free_port()
    log_path = root / "jupyter.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--ServerApp.port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={root}",
            "--ServerApp.port_retries=0",
            "--LabApp.news_url=None",
            "--ServerApp.log_level=WARN",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("jupyter lab exited: " + log_path.read_text()[-2000:])
                time.sleep(0.25)
        else:
            pytest.fail("jupyter lab did not start: " + log_path.read_text()[-2000:])
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        stop_local_server(root / ".respnb" / "server.json")


KERNEL_IDLE = (
    "() => !!document.querySelector('.jp-Notebook-ExecutionIndicator')"
    " && document.querySelector('.jp-Notebook-ExecutionIndicator').dataset.status === 'idle'"
)
"""A JS predicate: the notebook's kernel is connected and idle (Lab and Notebook 7)."""


@contextlib.contextmanager
def loopback_context(pw: Any, init_script: str) -> Iterator[Any]:
    """A headless Debian chromium context that may reach loopback only, with ``init_script``."""
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route(re.compile(LOOPBACK_ONLY), lambda route: route.abort())
    context.add_init_script(init_script)
    try:
        yield context
    finally:
        context.close()
        browser.close()


# ---------------------------------------------------------------- driving a notebook page
def write_notebook(path: Path, cells: list[str]) -> None:
    """A notebook of code ``cells`` with the python3 kernelspec."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, path)


def notebook_url(base: str, ui: str, name: str) -> str:
    """The URL of notebook ``name`` in JupyterLab (``ui="lab"``) or Notebook 7."""
    return f"{base}/{'lab/tree' if ui == 'lab' else 'notebooks'}/{name}?token={TOKEN}"


def open_notebook(page: Any, url: str, *, timeout: float = 90_000) -> None:
    """Go to ``url`` and wait until a code cell is drawn and the kernel is idle."""
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-CodeCell .cm-content", timeout=timeout)
    page.wait_for_function(KERNEL_IDLE, timeout=timeout)


def dismiss_dialogs(page: Any, seen: list[str] | None = None) -> None:
    """Accept the dialogs JupyterLab or Notebook 7 may open on start (kernel choice, news ...),
    each gone before the next look; their text goes to ``seen``."""
    for _ in range(3):
        dialog = page.locator(".jp-Dialog")
        if not dialog.count() or not dialog.first.is_visible():
            return
        if seen is not None:
            seen.append(dialog.first.inner_text()[:300])
        dialog.first.locator(".jp-Dialog-button.jp-mod-accept").first.click()
        dialog.first.wait_for(state="detached", timeout=10_000)


RAN = "(el) => /\\[(\\*|\\d+)\\]/.test(el.textContent)"
"""A JS predicate on a cell's input prompt: the cell is queued, running or has run."""


def run_cells(page: Any, count: int, *, seen: list[str] | None = None) -> None:
    """Run the first ``count`` code cells, each with Ctrl+Enter in its editor, as a person
    does, until its prompt shows it queued: a key press can land before the kernel is
    connected, or in a dialog that opened meanwhile (accepted, then the press is repeated)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    cells = page.locator(".jp-CodeCell")
    for index in range(count):
        cell = cells.nth(index)
        for _attempt in range(8):
            dismiss_dialogs(page, seen)
            try:
                cell.locator(".cm-content").click(timeout=5_000)
            except PlaywrightTimeout:
                continue  # a dialog opened meanwhile: accept it and try again
            page.keyboard.press("Control+Enter")
            try:
                prompt = cell.locator(".jp-InputPrompt").element_handle(timeout=5_000)
                page.wait_for_function(RAN, arg=prompt, timeout=15_000)
                break
            except PlaywrightTimeout:
                continue
        else:
            pytest.fail(f"the kernel never ran cell {index + 1}")


def switch_theme(page: Any, theme: str) -> None:
    """Pick ``theme`` in the Settings menu, as a person does; wait until it applies."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Theme").first.hover()
    page.locator(".lm-Menu-itemLabel", has_text=theme).first.click()
    page.wait_for_function(
        "(t) => document.body.dataset.jpThemeName === t", arg=theme, timeout=30_000
    )


IMAGES_SETTLED = """() => [...document.images].every(
  (i) => i.complete || (i.loading === 'lazy' && !i.getBoundingClientRect().height))"""
TWO_FRAMES = """() => new Promise((done) =>
  requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"""


def settle(page: Any, *, timeout: float = 30_000) -> None:
    """Wait until every image of the page has loaded or failed (a lazy one never shown
    excepted) and two frames were drawn: an ``onerror``, ``onload`` or autofocus handler that
    survived sanitizing has fired by then."""
    page.wait_for_function(IMAGES_SETTLED, timeout=timeout)
    page.evaluate(TWO_FRAMES)
