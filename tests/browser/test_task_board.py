"""The TaskBoard front end in headless Debian chromium, wired to a real TaskBoard in Python.

The page renders ``js/task_board.js`` with a fake anywidget model; the model's ``send`` is
bridged to the Python board (``page.expose_function``) and the board's messages are pumped
back into the page, so clicks reach Python and the local server for real.
"""

from __future__ import annotations

import json
import queue
import shutil
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import respnb
import respnb.tasks

from .jupyter import ARGS, CHROMIUM

pytestmark = pytest.mark.browser

SOURCE = Path(__file__).resolve().parents[2] / "js"

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="task_board.css"></head><body><div id="root"></div>
<script type="module">
import mod from "./task_board.js";
const listeners = {};
const state = {page_size: 5, heading: "test board", search: ""};
window.sent = [];
const model = {
  get: (k) => state[k],
  set: (k, v) => { state[k] = v; },
  on: (ev, cb) => { (listeners[ev] ||= []).push(cb); },
  off: (ev, cb) => { listeners[ev] = (listeners[ev] || []).filter((f) => f !== cb); },
  send: (msg) => { window.sent.push(msg); window.pySend(JSON.stringify(msg)); },
  save_changes: () => {},
};
window.deliver = (msg) => (listeners["msg:custom"] || []).forEach((cb) => cb(msg, []));
mod.render({ model, el: document.getElementById("root") });
window.ready = true;
</script></body></html>"""


@pytest.fixture
def page_url(tmp_path: Path) -> Iterator[str]:
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(SOURCE / "task_board.js", site / "task_board.js")
    shutil.copy(SOURCE / "task_board.css", site / "task_board.css")
    (site / "index.html").write_text(PAGE)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def browser_page() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is missing at /usr/bin/chromium (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
        )
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors
        yield page
        browser.close()


def test_board_live_in_browser(local_server: Any, page_url: str, browser_page: Any) -> None:
    page = browser_page
    client = respnb.Client("local", base_url=local_server.base_url)
    try:
        table = respnb.tasks(client)
        done = client.responses.create(
            model="respnb-demo",
            input="<img src=x onerror=window.pwned=1>",
            background=True,
            store=True,
        )
        client.responses.wait(done.id)
        board = table.board()
        outbox: queue.Queue[dict[str, Any]] = queue.Queue()
        board.send = lambda msg, buffers=None: outbox.put(msg)

        def from_page(raw: str) -> None:
            board._handle_msg(board, json.loads(raw), [])

        page.expose_function("pySend", from_page)

        def pump_until(js: str, what: str, timeout: float = 20.0) -> None:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                while not outbox.empty():
                    page.evaluate("m => window.deliver(m)", outbox.get())
                if page.evaluate(js):
                    return
                page.wait_for_timeout(30)
            raise AssertionError(f"timed out waiting for {what}")

        page.goto(page_url)
        page.wait_for_function("window.ready === true")
        # the front end asked for the table; the finished task's row appears
        sel = f'tr.rtb-row[data-id="{done.id}"]'
        pump_until(f"!!document.querySelector('{sel}')", "the first row")
        assert page.evaluate("window.sent[0].kind") == "sync"
        assert page.text_content(f"{sel} .rtb-chip") == "completed"
        # the XSS payload in the title is text, not markup
        assert page.text_content(f"{sel} .rtb-title") == "<img src=x onerror=window.pwned=1>"
        assert page.evaluate("document.querySelectorAll('.rtb-title img').length") == 0
        assert page.evaluate("window.pwned") is None

        # a new background task appears live, then is cancelled from the browser
        slow = client.responses.create(
            model="respnb-demo",
            input="cancel me in the browser",
            background=True,
            store=True,
            metadata={"respnb_pace": "20"},
        )
        row = f'tr.rtb-row[data-id="{slow.id}"]'
        pump_until(
            f"document.querySelector('{row}')?.dataset.status === 'in_progress'", "the running row"
        )
        first = page.text_content(f"{row} .rtb-elapsed")
        pump_until(
            f"document.querySelector('{row} .rtb-elapsed').textContent !== '{first}'",
            "the elapsed time to tick",
            timeout=5,
        )
        page.click(f"{row} button.rtb-cancel")
        pump_until(
            f"document.querySelector('{row} .rtb-chip')?.textContent === 'cancelled'",
            "the cancelled status",
        )
        assert client.responses.retrieve(slow.id).status == "cancelled"
        assert page.evaluate(f"!document.querySelector('{row} button.rtb-cancel')")
        assert {"kind": "action", "action": "cancel", "task": slow.id} in board.actions
        assert page.errors == []
        board.close()
    finally:
        client.close()
        respnb.tasks.reset()


def test_board_sort_filter_pages_and_links(page_url: str, browser_page: Any) -> None:
    page = browser_page
    page.expose_function("pySend", lambda raw: None)
    page.goto(page_url)
    page.wait_for_function("window.ready === true")
    rows = [
        {
            "id": f"r{i}",
            "status": "completed" if i % 2 else "running",
            "nstatus": "completed" if i % 2 else "in_progress",
            "model": "m",
            "profile": "p",
            "title": f"task {i:02d}",
            "created": 1_700_000_000 + i,
            "completed": None,
            "tokens": i * 10,
            "url": None,
        }
        for i in range(12)
    ]
    rows[0]["url"] = "javascript:alert(1)"
    rows[1]["url"] = "https://manus.im/app/r1"
    rows[2]["nstatus"], rows[2]["status"] = "requires_input", "pending"
    page.evaluate("rows => window.deliver({id: 'x', kind: 'rows', rows})", rows)
    page.wait_for_function("document.querySelectorAll('tr.rtb-row').length === 5")
    assert page.text_content(".rtb-page") == "page 1 / 3"
    assert page.text_content(".rtb-count") == "12 of 12 tasks"
    # newest first by default
    assert page.text_content("tr.rtb-row .rtb-title") == "task 11"
    page.click("button.rtb-next")
    page.wait_for_function("document.querySelector('.rtb-page').textContent === 'page 2 / 3'")
    # sort by tokens ascending (click twice: descending, then ascending)
    page.click('th[data-key="tokens"]')
    page.click('th[data-key="tokens"]')
    page.wait_for_function("document.querySelector('th[data-key=tokens]').dataset.sorted==='asc'")
    page.fill(".rtb-search", "task 0")
    # the search applies after a short debounce: wait for its result, not just for 5 rows
    # (page 2 of the unfiltered list also has 5)
    page.wait_for_function(
        "document.querySelector('.rtb-count').textContent === '10 of 12 tasks'"
        " && document.querySelectorAll('tr.rtb-row').length === 5"
    )
    titles = page.eval_on_selector_all("tr.rtb-row .rtb-title", "n => n.map(e => e.textContent)")
    assert titles == ["task 00", "task 01", "task 02", "task 03", "task 04"]
    # links: only http(s), opened safely
    assert page.evaluate("!document.querySelector('tr[data-id=r0] a')")
    link = page.query_selector("tr[data-id=r1] a.rtb-link")
    assert link.get_attribute("href") == "https://manus.im/app/r1"
    assert link.get_attribute("rel") == "noopener noreferrer"
    # the pending task is highlighted
    assert page.text_content("tr[data-id=r2] .rtb-chip") == "waiting for input"
    assert "rtb-pending" in page.get_attribute("tr[data-id=r2]", "class")
    # status filter
    page.fill(".rtb-search", "")
    page.select_option(".rtb-status-filter", "completed")
    page.wait_for_function("document.querySelector('.rtb-count').textContent === '6 of 12 tasks'")
    # a single-row update replaces that row only; remove drops it
    page.evaluate("() => window.deliver({id: 'y', kind: 'remove', task: 'r1'})")
    page.wait_for_function("document.querySelector('.rtb-count').textContent === '5 of 11 tasks'")
    # continue: the reply box sends the text to Python
    page.select_option(".rtb-status-filter", "")
    page.fill(".rtb-search", "task 11")
    page.wait_for_function("document.querySelectorAll('tr.rtb-row').length === 1")
    page.click("tr[data-id=r11] button.rtb-continue")
    page.fill(".rtb-reply-text", "yes please")
    page.click(".rtb-reply-send")
    sent = page.evaluate("window.sent")
    assert sent[-1] == {"kind": "action", "action": "continue", "task": "r11", "text": "yes please"}
    assert page.errors == []
