"""The whole XSS corpus through the TaskBoard in a real JupyterLab: rows, errors, replies.

The history holds one task per payload of ``tests/view/xss_corpus.py`` (260+), recorded
before the kernel starts, with the payload as its title and model; every third task failed
with the payload as its error and a hostile profile name. The others live on a hostile
server, which answers every action with the payload as its error message (code, param and
type too), so ``open`` and ``cancel`` put server text in each row's reply; a few ``open``
answers are whole hostile responses, drawn below the board. The page has a ``__xss`` trap:
no payload may run, no ``javascript:`` URL may reach an attribute, nothing may load from
beyond loopback, and every string must show exactly as text.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from respnb.notebook.view import STATIC_DIR
from tests.view.xss_corpus import PAYLOADS, URLS, hostile_response

from .jupyter import (
    CHROMIUM,
    jupyter_server,
    loopback_context,
    notebook_url,
    open_notebook,
    run_cells,
    write_notebook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
pytest.importorskip("jupyterlab", reason="jupyterlab is not installed")
nbformat = pytest.importorskip("nbformat")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is missing (/usr/bin/chromium)", allow_module_level=True)
if not (STATIC_DIR / "task_board.js").exists():
    pytest.skip("the front-end bundle is not built (npm run build in js/)", allow_module_level=True)

TRAP = """
window.__pwned = 0;
window.__xss = () => { window.__pwned += 1; };
window.alert = window.confirm = window.prompt = () => { window.__pwned += 1; };
"""
CELL = "import respnb\nboard = respnb.TaskBoard(page_size=400)\nboard"
OPENED = 12  # tasks whose ``open`` answer is a whole hostile response (drawn below the board)
_ID = re.compile(r"(resp_[a-z]+_\d+)")


def _kind(n: int) -> str:
    return ("open", "cancel", "failed")[n % 3]


def _task(n: int) -> str:
    return f"resp_{_kind(n)}_{n}"


def _index(path: str) -> int:
    found = _ID.search(path)
    return int(found.group(1).rsplit("_", 1)[1]) if found else 0


class _Hostile(BaseHTTPRequestHandler):
    """A Responses server whose every answer carries a payload of the corpus."""

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("x-request-id", PAYLOADS[0])
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        n = _index(self.path)
        payload = PAYLOADS[n % len(PAYLOADS)]
        if self.command == "GET" and f"resp_open_{n}" in self.path and n // 3 < OPENED:
            body = hostile_response(payload, URLS[n % len(URLS)])
            body["id"] = f"resp_open_{n}"
            self._send(200, body)
            return
        error = {"message": payload, "type": payload, "code": payload, "param": payload}
        self._send(400, {"error": error})

    do_GET = do_POST = do_DELETE = _answer


@dataclass
class Board:
    base: str
    root: Path
    rows: dict[str, dict[str, Any]]  # task id -> the row as Python sends it


def _seed(root: Path, hostile: str) -> dict[str, dict[str, Any]]:
    from respnb.notebook.board import board_row
    from respnb.tasks import TaskRegistry

    reg = TaskRegistry(root / ".respnb" / "tasks.sqlite3")
    t0 = time.time() - 86400
    rows = []
    for n, payload in enumerate(PAYLOADS):
        kind = _kind(n)
        rows.append(
            {
                "id": _task(n),
                "profile": payload if kind == "failed" else "local",
                "base_url": hostile,
                "model": payload,
                "title": payload,
                "prompt": payload,
                "status": {"open": "completed", "cancel": "in_progress"}.get(kind, "failed"),
                "normalized_status": {"open": "completed", "cancel": "in_progress"}.get(
                    kind, "failed"
                ),
                "background": kind == "cancel",
                "error": payload if kind == "failed" else None,
                "task_url": URLS[n % len(URLS)],
                "created_at": t0 + n,
                "output_text": payload,
            }
        )
    reg.bulk_insert(rows)
    expected = {rec.id: board_row(rec) for rec in reg.records()}
    reg.close()
    return expected


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Board]:
    root = tmp_path_factory.mktemp("board_xss")
    write_notebook(root / "board.ipynb", [CELL])
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hostile = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        rows = _seed(root, hostile)
        with jupyter_server(root) as base:
            yield Board(base, root, rows)
    finally:
        server.shutdown()
        server.server_close()


def _until(page: Any, js: str, what: str, arg: Any = None, timeout: float = 120_000) -> None:
    try:
        page.wait_for_function(js, arg=arg, timeout=timeout)
    except sync_api.TimeoutError:
        pytest.fail(f"timed out waiting for {what}")


UNSAFE_ATTRIBUTES = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (a.name.startsWith('on')) bad.push(`${el.tagName} ${a.name}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(a.name)
          && /^(javascript|vbscript|data:text\\/html)/.test(v)) {
        bad.push(`${el.tagName} ${a.name}=${v}`);
      }
    }
  }
  return bad;
}"""

ROWS = """() => Object.fromEntries([...document.querySelectorAll('.respnb-taskboard tr.rtb-row')]
  .map((tr) => [tr.dataset.id, {
    title: tr.querySelector('.rtb-title-text')?.textContent ?? null,
    error: tr.querySelector('.rtb-error')?.textContent ?? null,
    model: tr.querySelector('.rtb-model')?.textContent ?? null,
    profile: tr.querySelector('.rtb-profile')?.textContent ?? null,
    link: tr.querySelector('a.rtb-link')?.getAttribute('href') ?? null,
    markup: tr.querySelectorAll('.rtb-title-text *, .rtb-error *, .rtb-model *').length,
  }]))"""


def test_corpus_through_every_board_row_and_reply(board: Board) -> None:
    remote: list[str] = []
    with sync_api.sync_playwright() as pw, loopback_context(pw, TRAP) as context:
        page = context.new_page()
        page.on(
            "request",
            lambda r: None if r.url.startswith("http://127.0.0.1:") else remote.append(r.url),
        )
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        open_notebook(page, notebook_url(board.base, "lab", "board.ipynb"))
        run_cells(page, 1)
        total = len(PAYLOADS)
        _until(
            page,
            "(n) => document.querySelectorAll('.respnb-taskboard tr.rtb-row').length === n",
            f"all {total} hostile rows",
            arg=total,
        )

        page.evaluate("() => document.querySelector('.respnb-taskboard').scrollIntoView()")
        page.screenshot(path=str(board.root / "board_xss_rows.png"))
        # every row shows exactly what Python sent, as text
        shown = page.evaluate(ROWS)
        assert set(shown) == set(board.rows)
        for task, row in board.rows.items():
            got = shown[task]
            assert got["title"] == row["title"], task
            assert got["model"] == (row["model"] or ""), task
            assert got["profile"] == (row["profile"] or ""), task
            assert got["error"] == row["error"], task
            assert got["markup"] == 0, task
            assert got["link"] == row["url"], task  # None unless http(s)
        assert all(r["url"] is None or r["url"].startswith(("http://", "https://"))
                   for r in board.rows.values())  # fmt: skip

        # every action answers with the server's hostile text in the row's reply
        clicked: list[str] = []
        for task in board.rows:
            kind = task.split("_")[1]
            button = {"open": "button.rtb-open", "cancel": "button.rtb-cancel"}.get(kind)
            if button is None:
                continue
            page.locator(f'.respnb-taskboard tr.rtb-row[data-id="{task}"] {button}').click()
            clicked.append(task)
        assert len(clicked) >= total * 2 // 3 - 1
        _until(
            page,
            """(ids) => ids.every((id) => {
                const n = document.querySelector(
                  `.respnb-taskboard tr.rtb-row[data-id="${id}"] .rtb-reply-msg`);
                return n && !n.classList.contains('rtb-busy') && n.textContent; })""",
            "a reply in every clicked row",
            arg=clicked,
        )
        replies = page.evaluate(
            """(ids) => ids.map((id) => document.querySelector(
                `.respnb-taskboard tr.rtb-row[data-id="${id}"] .rtb-reply-msg`).textContent)""",
            clicked,
        )
        failed = [t for t in replies if "failed" in t]
        assert len(failed) >= len(clicked) // 2, replies[:5]
        # the server's message reaches the reply as text (its first line at least)
        cancels = {t: text for t, text in zip(clicked, replies, strict=True) if "_cancel_" in t}
        assert cancels
        for task, text in cancels.items():
            assert text == f"Error: cancel failed: 400: {PAYLOADS[_index(task)]}", task
        markup = page.evaluate(
            "() => document.querySelectorAll('.respnb-taskboard .rtb-reply-msg *').length"
        )
        assert markup == 0

        # the views opened below the board: the hostile responses drawn, the refusals shown
        opened = [t for t in clicked if "_open_" in t]
        _until(
            page,
            """([n, refused]) => {
                const views = [...document.querySelectorAll('.respnb-view')];
                return views.length >= n && views.filter(
                  (v) => !v.querySelector('.rv-error').hidden).length >= refused; }""",
            "every opened view drawn, each refusal shown",
            arg=[len(opened), len(opened) - OPENED],
        )
        views = page.evaluate(
            """() => [...document.querySelectorAll('.respnb-view')].map((v) => ({
                status: v.querySelector('[data-testid=status]')?.textContent,
                error: v.querySelector('.rv-error').hidden
                  ? null : v.querySelector('.rv-error').textContent,
                markup: v.querySelectorAll('.rv-error *:not(strong)').length,
            }))"""
        )
        assert "pending" not in {v["status"] for v in views}
        assert all(v["markup"] == 0 for v in views)
        refused = {v["error"] for v in views if (v["error"] or "").startswith("Error (400): could")}
        assert refused == {
            f"Error (400): could not follow task {t}: {PAYLOADS[_index(t)]}"
            for t in opened
            if _index(t) // 3 >= OPENED
        }
        page.evaluate(
            """() => { for (const d of document.querySelectorAll('details')) d.open = true; }"""
        )
        page.evaluate("() => document.querySelector('.respnb-view').scrollIntoView()")
        page.screenshot(path=str(board.root / "board_xss_opened.png"))
        assert page.evaluate(UNSAFE_ATTRIBUTES) == []
        assert int(page.evaluate("window.__pwned")) == 0
        assert dialogs == []
        assert remote == []
