"""The live ResponseView as a person meets it: a real JupyterLab 4 and Notebook 7, a real kernel,
real comm messages from ``%%respond`` against the on-demand local server at a watchable pace.

When a run ends, its live view is replaced in place by the static rendering of the finished
answer (``.respnb-static``, no widget), which is what the saved notebook holds.

* Every ~100 ms the page samples the text of each live view's answer, keyed by the view's uid
  (``data-uid``) and the cell it lives in: every sample must be a prefix (letters and digits)
  of the finished answer read from that cell's final rendering, for a foreground run and for a
  background run (``%%respond -b``) that streams while the kernel is idle; visible updates are
  counted.
* The XSS corpus through live views (a finished one and a streamed one) and through a run's
  static rendering: nothing runs, no ``javascript:`` link, no request leaves the notebook server.
* axe-core's colour-contrast rules, in JupyterLab Light and Dark, on the live view as last
  sampled mid-run and on the finished static answer, and the README's screenshots
  (docs/img/answer-light.png, answer-dark.png) of the finished answer, from the same run.

One Jupyter server serves every test of the module.
"""

from __future__ import annotations

import json
import os
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from respnb.notebook.view import STATIC_DIR

from .jupyter import (
    CHROMIUM,
    KERNEL_IDLE,
    TOKEN,
    jupyter_server,
    loopback_context,
    open_notebook,
    run_cells,
    settle,
    switch_theme,
    write_notebook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("jupyterlab", reason="jupyterlab is not installed")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is missing (/usr/bin/chromium)", allow_module_level=True)
if not (STATIC_DIR / "response_view.js").exists():
    pytest.skip("the front-end bundle is not built (npm run build in js/)", allow_module_level=True)

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "js" / "node_modules" / "axe-core" / "axe.min.js"
IMAGES = REPO / "docs" / "img"
PACE = "40"  # tokens per second of the local server: a few seconds of streaming per answer

RUN_CELLS = [
    "%load_ext respnb",
    "%%respond --reasoning medium --summary auto\n"
    "Explain how a hash map works, with a table of operations and a short code example.",
    "%%respond -b\nCompare arrays and linked lists for a beginner.",
]

XSS_CELL = """\
from respnb.notebook import ResponseView
from respnb.notebook._run_display import RunDisplay
from respnb.types import Response, parse_event
from tests.core.streams import StreamBuilder
from tests.view.xss_corpus import PAYLOADS, URLS, hostile_response

doc = hostile_response(PAYLOADS[0])
doc["output"] = [item for n, p in enumerate(PAYLOADS)
                 for item in hostile_response(p, URLS[n % len(URLS)])["output"]]
ResponseView.from_response(Response.model_validate(doc)).display()
b = StreamBuilder("resp_xss_stream").created()
for p in PAYLOADS:
    chunks = [p[k : k + 3] for k in range(0, len(p), 3)]
    b.message(chunks).function_call("f", chunks)
events = [parse_event(event) for event in b.completed().events]
live = ResponseView(profile="local").display()
for event in events:
    live.apply(event)
live.finish()
# what a %%respond run leaves: its live view replaced by the static rendering
for final, stream in ((Response.model_validate(doc), []), (events[-1].response, events)):
    run = RunDisplay(quiet=False, threaded=False, factory=lambda: ResponseView(profile="local"))
    view = run.new_round()
    for event in stream:
        view.apply(event)
    run.finish_round(view, final)
print("views", len(PAYLOADS))
"""

# Samples the letters and digits of each live view's answer (buttons, the cursor and KaTeX's
# hidden MathML copy left out) every 100 ms, the times at which each view's body changed, the
# index of the cell the view lives in and its last HTML, all keyed by the view's uid: a run's
# view is replaced by its static rendering when it ends, so DOM positions do not last.
SAMPLER = """
window.__pwned = [];
window.__xss = (n) => window.__pwned.push(String(n));
window.alert = window.confirm = window.prompt = (m) => window.__pwned.push('dialog:' + m);
window.__rv = { samples: {}, updates: {}, cell: {}, html: {}, anonymous: 0 };
window.__rvText = (el) => {
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let s = '';
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n.parentElement && n.parentElement.closest('button, .rv-cursor, .katex-mathml')) continue;
    s += n.data;
  }
  return s.replace(/[^\\p{L}\\p{N}]/gu, '');
};
window.__rvAnswer = (view) => [...view.querySelectorAll('.rv-block[data-kind=message]')]
  .map(window.__rvText).join('');
// The answer of a finished static rendering: its blocks that are not reasoning, tool calls
// or the user's own message.
window.__rsAnswer = (el) => [...el.querySelectorAll('.rs-body > .rs-block')]
  .filter((b) => !b.querySelector(':scope > details, :scope > .rs-user'))
  .map(window.__rvText).join('');
window.__cells = () => [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
// The finished answer in each cell: its static rendering, else its live view.
window.__rvFinals = () => window.__cells().map((cell) => {
  const done = cell.querySelector('.respnb-static');
  if (done) return { kind: 'static', text: window.__rsAnswer(done) };
  const view = cell.querySelector('.respnb-view');
  return view ? { kind: 'live', text: window.__rvAnswer(view) } : null;
});
setInterval(() => {
  const cells = window.__cells();
  document.querySelectorAll('.respnb-view').forEach((view) => {
    const uid = view.dataset.uid;
    if (!uid) { window.__rv.anonymous += 1; return; }
    window.__rv.cell[uid] = cells.indexOf(view.closest('.jp-Cell'));
    (window.__rv.samples[uid] ||= []).push(window.__rvAnswer(view));
    window.__rv.html[uid] = view.outerHTML;
    const body = view.querySelector('.rv-body');
    if (body && !body.__rvObserved) {
      body.__rvObserved = true;
      new MutationObserver(() => (window.__rv.updates[uid] ||= []).push(performance.now()))
        .observe(body, { subtree: true, childList: true, characterData: true });
    }
  });
}, 100);
"""

# ``live`` views shown by ResponseView itself have completed and ``static`` run outputs are there
# (a %%respond run's live view is gone once its static rendering replaced it).
ALL_DONE = """([live, frozen]) => {
  const views = [...document.querySelectorAll('.respnb-view')];
  const done = [...document.querySelectorAll('.respnb-static .rs-chip')]
    .filter((c) => c.textContent === 'completed');
  return views.length === live && done.length >= frozen && views.every((v) => !v.dataset.busy
    && (v.querySelector('.rv-status') || {}).textContent === 'completed');
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("live")
    for ui in ("lab", "notebook"):
        write_notebook(root / f"run-{ui}.ipynb", RUN_CELLS)
    write_notebook(root / "xss.ipynb", [XSS_CELL])
    # every cell stays in the DOM (no windowing), so sampling never loses a view
    tracker = root / ".settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    path = os.pathsep.join([str(REPO / "src"), str(REPO), os.environ.get("PYTHONPATH", "")])
    env = {"RESPNB_LOCAL_PACE": PACE, "PYTHONPATH": path}
    with jupyter_server(root, env=env) as base:
        yield base, root


_SEEN = """() => ({
  live: [...document.querySelectorAll('.respnb-view')].map((v) => [v.dataset.busy || '',
    (v.querySelector('.rv-status') || {}).textContent]),
  static: [...document.querySelectorAll('.respnb-static')].map((v) =>
    (v.querySelector('.rs-chip') || {}).textContent),
})"""


def _wait_done(page: Any, live: int, frozen: int) -> None:
    try:
        page.wait_for_function(ALL_DONE, arg=[live, frozen], timeout=180_000)
    except sync_api.TimeoutError:
        seen = page.evaluate(_SEEN)
        outputs = page.locator(".jp-OutputArea").all_inner_texts()
        pytest.fail(f"the views did not complete: {seen} {outputs}"[:4000])


_THEME_VARS = """() => {
  const names = new Set();
  for (const sheet of document.styleSheets) {
    let rules = [];
    try { rules = sheet.cssRules; } catch { continue; }
    for (const rule of rules) {
      if (rule.style) for (const n of rule.style) if (n.startsWith('--jp-')) names.add(n);
    }
  }
  const cs = getComputedStyle(document.body);
  return [...names].map((n) => n + ':' + cs.getPropertyValue(n) + ';').join('\\n');
}"""


def _axe_contrast(context: Any, theme: str, html: str, css: str, selector: str) -> list[str]:
    """axe-core's color-contrast violations of ``html`` (styled by ``css``) in a theme.

    JupyterLab's <body> is 0 px high with overflow hidden (its panels are positioned inside), so
    axe deems everything in the notebook clipped and checks nothing. The answer's DOM and every
    ``--jp-*`` theme variable, as the running JupyterLab resolves them (``theme``), are therefore
    copied to a plain page with the answer's stylesheet, and axe (from node_modules) runs there.
    """
    plain = context.new_page()
    try:
        plain.set_content(
            "<!doctype html><html><head><style>:root{" + theme + "}"
            "body{margin:8px;background:var(--jp-layout-color0);"
            "font-family:var(--jp-ui-font-family)}</style><style>" + css + "</style></head>"
            "<body>" + html + "</body></html>"
        )
        plain.add_script_tag(path=str(AXE))
        result = plain.evaluate(
            """async (selector) => {
            const r = await axe.run(selector,
                                    { runOnly: { type: 'rule', values: ['color-contrast'] } });
            return { violations: r.violations.flatMap((v) => v.nodes.map((n) =>
                       n.target.join(' ') + ' ' + (n.any[0] || {}).message)),
                     passes: r.passes.reduce((k, v) => k + v.nodes.length, 0) };
        }""",
            selector,
        )
    finally:
        plain.close()
    assert result["passes"] > 10, result  # the rule did look at the answer's text
    violations: list[str] = result["violations"]
    return violations


def _rates(stamps: list[float]) -> list[int]:
    """Visible updates in each whole second of a stream (mutation times in ms)."""
    if len(stamps) < 2:
        return []
    start = stamps[0]
    seconds = int((stamps[-1] - start) // 1000)
    return [
        sum(1 for t in stamps if start + k * 1000 <= t < start + (k + 1) * 1000)
        for k in range(seconds)
    ]


@pytest.mark.parametrize("ui", ["lab", "notebook"])
def test_streamed_text_is_always_a_prefix(server: tuple[str, Path], ui: str) -> None:
    base, _root = server
    # a workspace of its own: JupyterLab would reopen the other tests' notebooks too
    where = "lab/workspaces/run/tree" if ui == "lab" else "notebooks"
    url = f"{base}/{where}/run-{ui}.ipynb?token={TOKEN}"
    with sync_api.sync_playwright() as pw, loopback_context(pw, SAMPLER) as context:
        page = context.new_page()
        try:
            open_notebook(page, url)
            run_cells(page, len(RUN_CELLS))
            _wait_done(page, 0, 2)  # both runs ended: their outputs are static now
            page.wait_for_function(KERNEL_IDLE, timeout=60_000)
            finals = page.evaluate("window.__rvFinals()")
            data = page.evaluate("window.__rv")
            assert data["anonymous"] == 0, "a live view without data-uid"
            shown = page.locator(".jp-Notebook .jp-Cell").all_inner_texts()
            # the run cells end as static renderings (Shift+Enter may add an empty cell after)
            assert [f and f["kind"] for f in finals][:3] == [None, "static", "static"], shown
            # one live view per run, each sampled in the cell whose output it became
            cells = {uid: data["cell"][uid] for uid in data["samples"]}
            assert sorted(cells.values()) == [1, 2], cells
            for uid, cell in cells.items():
                name = ["", "foreground", "background"][cell]
                final = finals[cell]["text"]
                assert len(final) > 200, f"{ui} {name}: {final!r}"
                samples = data["samples"][uid]
                partial = [s for s in samples if 0 < len(s) < len(final)]
                assert len(partial) >= 3, f"{ui} {name}: the answer did not stream in"
                bad = [s for s in samples if not final.startswith(s)]
                assert not bad, f"{ui} {name}: a sample is not a prefix: {bad[0][-200:]!r}"
                rates = _rates(data["updates"][uid])
                assert rates and max(rates) <= 32, f"{ui} {name}: {rates}"  # the pacer's cap
                print(
                    f"{ui} {name}: {len(samples)} live samples ({len(partial)} partial), "
                    f"visible updates per second {rates}, median {statistics.median(rates)}"
                )
            if ui == "lab":
                foreground = next(uid for uid, cell in cells.items() if cell == 1)
                _themes_and_screenshots(context, page, data["html"][foreground])
        finally:
            page.close()


def _static_html(page: Any) -> str:
    """The first run's finished answer as JupyterLab shows it: its <style> and its HTML."""
    answer = page.locator(".jp-Cell").nth(1).locator(".respnb-static").first
    html: str = answer.evaluate("(el) => el.parentElement.innerHTML")
    assert "<style" in html, html[:500]
    return html


def _themes_and_screenshots(context: Any, page: Any, live_html: str) -> None:
    """axe contrast on the live view (as last sampled) and on the finished static answer, in
    Light and Dark; the README's screenshots are of the finished answer."""
    answer = page.locator(".jp-Cell").nth(1).locator(".respnb-static").first
    answer.scroll_into_view_if_needed()
    IMAGES.mkdir(parents=True, exist_ok=True)
    live_css = (STATIC_DIR / "response_view.css").read_text(encoding="utf-8")
    assert 'class="respnb-view' in live_html and "rv-block" in live_html, live_html[:500]

    def check(theme_name: str, png: str) -> None:
        theme = page.evaluate(_THEME_VARS)
        live = _axe_contrast(context, theme, live_html, live_css, ".respnb-view")
        assert not live, f"{theme_name}, live view:\n" + "\n".join(live)
        done = _axe_contrast(context, theme, _static_html(page), "", ".respnb-static")
        assert not done, f"{theme_name}, static answer:\n" + "\n".join(done)
        answer.screenshot(path=str(IMAGES / png))

    check("JupyterLab Light", "answer-light.png")
    switch_theme(page, "JupyterLab Dark")
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.respnb-static')).backgroundColor"
        " !== 'rgb(255, 255, 255)'"
    )
    try:
        check("JupyterLab Dark", "answer-dark.png")
    finally:
        switch_theme(page, "JupyterLab Light")


_AUDIT = """() => [...document.querySelectorAll('.respnb-view *, .respnb-static *')].flatMap((el) =>
  el.closest('svg.rv-icon, .rv-math') ? [] : [...el.attributes]
    .filter((a) => a.name.startsWith('on') || a.name === 'id'
      || /^\\s*(javascript|vbscript|data:text)/i.test(a.value))
    .map((a) => el.tagName + '[' + a.name + '=' + a.value.slice(0, 40) + ']'))"""


def test_xss_corpus_through_live_views(server: tuple[str, Path]) -> None:
    base, _root = server
    remote: list[str] = []
    with sync_api.sync_playwright() as pw, loopback_context(pw, SAMPLER) as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(f"{exc} {getattr(exc, 'stack', '')}"))
        page.on(
            "request",
            lambda r: (
                remote.append(r.url) if not r.url.startswith((base, "data:", "blob:")) else None
            ),
        )
        try:
            open_notebook(page, f"{base}/lab/workspaces/xss/tree/xss.ipynb?token={TOKEN}")
            run_cells(page, 1)
            try:
                _wait_done(page, 2, 2)  # two live views, two runs' static renderings
            finally:
                print("page errors:", errors[:3])
            page.wait_for_function(KERNEL_IDLE, timeout=60_000)
            data = page.evaluate("window.__rv")
            assert len(data["samples"]) >= 2, data["cell"]
            for sel in (".respnb-view", ".respnb-static"):
                text = page.locator(sel).last.inner_text()
                assert "__xss(1)" in text, sel  # the payloads are there, as text
            page.locator(".respnb-view details, .respnb-static details").evaluate_all(
                "(all) => all.forEach((d) => { d.open = true; })"
            )
            settle(page)  # an image error or a focus handler has had its chance
            assert page.evaluate(_AUDIT) == []
            assert page.evaluate("window.__pwned") == []
            for sel in (".respnb-view", ".respnb-static"):
                n_links = page.evaluate(f"document.querySelectorAll('{sel} a[href]').length")
                assert n_links > 10, sel  # links were rendered, all of them http(s)/mailto
        finally:
            page.close()
    assert remote == [], remote[:20]
