"""Front-end cost of the live view per update as the answer grows, in headless Chromium.

The built bundle (``src/respnb/static/response_view.js``, or ``--bundle DIR`` holding another
build, e.g. an older one for a before/after comparison) is loaded in a page with a minimal
stand-in for anywidget's model. A ~100 KB markdown answer (paragraphs, lists, tables, fenced
code) arrives as the patches the kernel sends, ``--updates`` of them, each one the next slice
of text. For each update the page's main-thread time is read from the DevTools protocol
(``Performance.getMetrics``: script + layout + style recalculation) before the message and
after the view has drawn it (no draw pending, two frames), so the figure includes every
redraw the update causes (text revealed in steps included).

Reported: main-thread ms per update, averaged over the updates in each answer-size band.

Run: ``python bench/bench_view_render.py [--bundle DIR] [--updates 200] [--label NAME]``.
Writes ``bench/out/view_render[-LABEL].json``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _common import machine_info  # noqa: E402

STATIC = ROOT / "src" / "respnb" / "static"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="response_view.css"></head><body><div id="root"></div>
<script type="module">
import widget from "./response_view.js";
class Model {
  constructor(s) { this.s = s; this.h = new Map(); }
  get(k) { return this.s[k]; }
  set(k, v) { this.s[k] = v; for (const f of this.h.get('change:' + k) || []) f(); }
  on(n, f) { if (!this.h.has(n)) this.h.set(n, []); this.h.get(n).push(f); }
  off() {}
  send() {}
  emit(m) { for (const f of this.h.get('msg:custom') || []) f(m); }
}
const model = new Model({ header: { model: "bench" }, usage: {}, error: {}, status: "in_progress",
  finished: false, uid: "bench", cancellable: false, stop_hint: "" });
widget.initialize?.({ model });
const el = document.getElementById("root");
widget.render({ model, el });
window.model = model;
window.draws = 0;
new MutationObserver(() => { window.draws++; })
  .observe(el, { subtree: true, childList: true, characterData: true });
window.settled = () => new Promise((resolve) => {
  const check = () => {
    const view = document.querySelector('.respnb-view');
    if (view && view.dataset.busy) return setTimeout(check, 5);
    requestAnimationFrame(() => requestAnimationFrame(resolve));
  };
  setTimeout(check, 40); // past the first draw's timer in every version
});
window.ready = true;
</script></body></html>"""


def answer(size: int) -> str:
    """A markdown answer of about ``size`` characters: the mix a long model answer has."""
    parts: list[str] = []
    n = 0
    while sum(len(p) for p in parts) < size:
        n += 1
        parts.append(f"## Section {n}\n\n")
        parts.append(
            f"Paragraph {n} explains the idea with **bold**, *emphasis*, `code` and a "
            f"[link](https://example.org/{n}). " * 3 + "\n\n"
        )
        parts.append("".join(f"- point {k} of section {n}\n" for k in range(5)) + "\n")
        parts.append(
            "| key | value |\n|---|---|\n"
            + "".join(f"| k{k} | v{k * n} |\n" for k in range(4))
            + "\n"
        )
        parts.append(
            "```python\n"
            + "".join(f"def f{n}_{k}(x):\n    return x * {k}  # step {k}\n" for k in range(6))
            + "```\n\n"
        )
    return "".join(parts)[:size]


def measure(bundle: Path, updates: int, size: int) -> list[tuple[int, float, int]]:
    from playwright.sync_api import sync_playwright

    site = Path(tempfile.mkdtemp(prefix="view-render-"))
    for name in ("response_view.js", "response_view.css"):
        shutil.copy(bundle / name, site / name)
    (site / "index.html").write_text(PAGE)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    text = answer(size)
    step = max(1, len(text) // updates)
    first = {
        "index": 0,
        "kind": "message",
        "done": False,
        "item": {"type": "message", "role": "assistant", "content": []},
    }
    rows: list[tuple[int, float, int]] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
            page.wait_for_function("window.ready === true")
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")

            def busy_ms() -> float:
                metrics = {
                    m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]
                }
                keys = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration")
                return 1000 * sum(metrics.get(k, 0.0) for k in keys)

            page.evaluate("(b) => window.model.emit({kind: 'reset', seq: 0, blocks: [b]})", first)
            page.evaluate("window.settled()")
            for i, start in enumerate(range(0, len(text), step), start=1):
                msg = {
                    "kind": "patches",
                    "seq": i,
                    "patches": [[0, "text", 0, text[start : start + step]]],
                }
                before = busy_ms()
                draws = page.evaluate(
                    "async (m) => { const d = window.draws; window.model.emit(m);"
                    " await window.settled(); return window.draws - d; }",
                    msg,
                )
                rows.append((min(len(text), start + step), busy_ms() - before, max(1, draws)))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(site, ignore_errors=True)
    return rows


BANDS = [(0, 5_000), (5_000, 25_000), (25_000, 50_000), (50_000, 80_000), (80_000, 110_000)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", type=Path, default=STATIC)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    started = time.time()
    rows = measure(args.bundle, args.updates, args.size)
    bands = []
    for lo, hi in BANDS:
        ms = [t for size, t, _ in rows if lo < size <= hi]
        per_draw = [t / d for size, t, d in rows if lo < size <= hi]
        draws = [d for size, _, d in rows if lo < size <= hi]
        if ms:
            bands.append(
                {
                    "answer_kb": f"{lo // 1000}-{hi // 1000}",
                    "updates": len(ms),
                    "mean_ms": round(statistics.fmean(ms), 2),
                    "median_ms": round(statistics.median(ms), 2),
                    "max_ms": round(max(ms), 2),
                    "draws_per_update": round(statistics.fmean(draws), 1),
                    "median_ms_per_draw": round(statistics.median(per_draw), 2),
                }
            )
    result = {
        "machine": machine_info(),
        "bundle": str(args.bundle),
        "updates": len(rows),
        "answer_chars": rows[-1][0] if rows else 0,
        "bands": bands,
        "seconds": round(time.time() - started, 1),
    }
    out = ROOT / "bench" / "out" / f"view_render{'-' + args.label if args.label else ''}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(
        f"{'answer KB':>10} {'updates':>8} {'mean ms':>8} {'median':>8} {'max':>8} "
        f"{'draws':>6} {'ms/draw':>8}"
    )
    for b in bands:
        print(
            f"{b['answer_kb']:>10} {b['updates']:>8} {b['mean_ms']:>8} {b['median_ms']:>8} "
            f"{b['max_ms']:>8} {b['draws_per_update']:>6} {b['median_ms_per_draw']:>8}"
        )


if __name__ == "__main__":
    main()
