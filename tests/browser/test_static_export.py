"""A saved notebook full of hostile answers, exported by nbconvert and opened in Chromium.

Every cell holds what ``%%respond`` saves when a run ends (the static HTML + markdown + text
of a response whose every field carries one XSS payload, and the notes a run prints). The
HTML export is loaded with a ``window.__pwned`` trap; every ``<details>`` is opened and every
link clicked. No payload may run, no ``javascript:`` link may exist, and the page may load
nothing that an empty notebook's export does not load itself (no remote images, styles...).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from respnb._view_state import ResponseViewState
from respnb.notebook._run_display import note_bundle
from respnb.notebook._static import static_bundle
from respnb.types import Response
from tests.view.xss_corpus import NOTES, PAYLOADS, URLS, hostile_response

from .jupyter import ARGS, CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
nbformat = pytest.importorskip("nbformat")
nbconvert = pytest.importorskip("nbconvert")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is missing (/usr/bin/chromium)", allow_module_level=True)

TRAP = """
window.__pwned = 0;
window.__xss = () => { window.__pwned += 1; };
window.alert = window.confirm = window.prompt = () => { window.__pwned += 1; };
"""
CLICK_ALL = """() => {
  // a safe (or relative) link may not navigate away: the page must stay to be checked; others
  // (javascript:, data:, vbscript: ...) are clicked for real and would run
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a');
    if (a && /^(https?|mailto|file):/i.test(a.href)) e.preventDefault();
  }, true);
  for (const d of document.querySelectorAll('details')) d.open = true;
  const links = [...document.querySelectorAll('a[href]')];
  for (const a of links) a.click();
  return links.map((a) => a.getAttribute('href'));
}"""


def _output(bundle: dict[str, str]) -> Any:
    return nbformat.v4.new_output("display_data", data=bundle)


def _notebook(cells: list[list[dict[str, str]]]) -> Any:
    nb = nbformat.v4.new_notebook()
    for n, bundles in enumerate(cells):
        cell = nbformat.v4.new_code_cell(f"%%respond\nquestion {n}", execution_count=n + 1)
        cell.outputs = [_output(b) for b in bundles]
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return nb


def _hostile_cells() -> list[list[dict[str, str]]]:
    cells = []
    for n, payload in enumerate(PAYLOADS):
        resp = Response.model_validate(hostile_response(payload, URLS[n % len(URLS)]))
        state = ResponseViewState.from_response(resp, profile=payload)
        cells.append([static_bundle(state)])
    cells.append([note_bundle(text) for text in NOTES + PAYLOADS[:40]])
    return cells


def _export(nb: Any, path: Path) -> Path:
    body, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    path.write_text(body, encoding="utf-8")
    return path


def _open(pw: Any, path: Path) -> tuple[list[str], int, list[str], list[str]]:
    """(requests beyond the file itself, __pwned, hrefs, dialogs) of the page at ``path``."""
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
    try:
        context = browser.new_context()
        requests: list[str] = []
        dialogs: list[str] = []
        context.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())
        context.add_init_script(TRAP)
        page = context.new_page()
        page.on("request", lambda req: requests.append(req.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri(), wait_until="load")
        hrefs = page.evaluate(CLICK_ALL)
        page.wait_for_function("() => document.readyState === 'complete'")
        pwned = int(page.evaluate("window.__pwned"))
        if "empty" not in path.name:
            assert "question" in page.inner_text("body")  # the page did render
        context.close()
        return [r for r in requests if r != path.as_uri()], pwned, hrefs, dialogs
    finally:
        browser.close()


def test_nbconvert_export_of_hostile_answers_is_inert(tmp_path: Path) -> None:
    empty = _export(_notebook([]), tmp_path / "empty.html")
    hostile = _export(_notebook(_hostile_cells()), tmp_path / "hostile.html")
    saved = hostile.read_text(encoding="utf-8")
    assert saved.count("onerror=__xss(1)") > 100  # the payloads are there, as text
    with sync_api.sync_playwright() as pw:
        base_requests, _, _, _ = _open(pw, empty)
        requests, pwned, hrefs, dialogs = _open(pw, hostile)
    assert pwned == 0 and dialogs == []
    assert len(hrefs) > 20  # citations, relative links, images as links: there were some
    schemed = [h for h in hrefs if re.match(r"^\s*[a-z][a-z0-9+.-]*:", h or "", re.I)]
    bad = [h for h in schemed if not re.match(r"^(https?|mailto):", h)]
    assert bad == []
    # nothing loads that the template itself does not: no remote image, style or frame
    assert sorted(set(requests) - set(base_requests)) == []


def test_the_trap_and_the_request_log_can_fail(tmp_path: Path) -> None:
    nb = _notebook([[{"text/html": '<img src=x onerror="__xss(1)"><img src="https://e.example/p.png">'
                      '<a href="javascript:__xss(1)">x</a>', "text/plain": "x"}]])  # fmt: skip
    raw = _export(nb, tmp_path / "raw.html")
    empty = _export(_notebook([]), tmp_path / "empty.html")
    with sync_api.sync_playwright() as pw:
        base_requests, _, _, _ = _open(pw, empty)
        requests, pwned, hrefs, _ = _open(pw, raw)
    assert pwned >= 2  # onerror and the javascript: click both ran
    assert "javascript:__xss(1)" in hrefs
    assert "https://e.example/p.png" in set(requests) - set(base_requests)
