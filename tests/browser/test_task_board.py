"""The TaskBoard in a real JupyterLab: real kernel, real comm, real servers, headless chromium.

The history exists before the kernel starts (tasks of a local server, a Manus-dialect server,
and priced OpenAI rows); a notebook cell shows ``respnb.TaskBoard()``. The test clicks
through it and asks the servers (openai SDK) what happened: cancel, continue, delete, open,
search, the status filter, an error shown in its row, paging; a board over an empty history
says so, and a board shown while the kernel is busy lists the history all the same. axe-core
checks the board in the Light and Dark themes, and the screenshots in docs/img/ are taken here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from respnb.notebook.view import STATIC_DIR
from tests.waiting import wait_until

from .jupyter import (
    CHROMIUM,
    KERNEL_IDLE,
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
openai = pytest.importorskip("openai")
nbformat = pytest.importorskip("nbformat")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is missing (/usr/bin/chromium)", allow_module_level=True)
if not (STATIC_DIR / "task_board.js").exists():
    pytest.skip("the front-end bundle is not built (npm run build in js/)", allow_module_level=True)

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "js" / "node_modules" / "axe-core" / "axe.min.js"
IMG = REPO / "docs" / "img"
TOPICS = ("tide tables", "moth migration", "bread chemistry", "glacier speed", "violin varnish",
          "rail gauges", "fern spores", "lock picking history")  # fmt: skip
EMPTY = (
    "from respnb.tasks import TaskRegistry, TaskTable\n"
    "respnb.TaskBoard(TaskTable(TaskRegistry('empty.sqlite3')))"
)
XSS_TITLE = "Tag tickets <img src=x onerror=window.pwned=1>"
BUSY = (
    "import threading\n"
    "display(respnb.TaskBoard(heading='while the kernel is busy'))\n"
    "threading.Event().wait(600)  # busy until the test interrupts the kernel"
)
CELL = "import respnb\nboard = respnb.TaskBoard(page_size=8)\nboard"


@dataclass
class History:
    base: str
    local: Any  # openai.OpenAI on the local server
    done: list[str]
    slow: str
    pending: str


def _ours(r: Any) -> Any:
    """An openai SDK Response as respnb's own type (what the registry records)."""
    from respnb.types import Response

    return Response.model_validate(r.model_dump(mode="json"))


def _ours_raw(raw: dict[str, Any]) -> Any:
    from respnb.types import Response

    return Response.model_validate(raw)


def _seed(root: Path, local_url: str, manus_url: str) -> tuple[list[str], str, str]:
    """Tasks recorded before the kernel starts, as an earlier kernel would have left them."""
    from respnb.tasks import TaskRegistry

    reg = TaskRegistry(root / ".respnb" / "tasks.sqlite3")
    oai = openai.OpenAI(base_url=local_url, api_key="unused", max_retries=0)
    done = []
    for topic in TOPICS:
        r = oai.responses.create(
            model="respnb-demo", input=f"Notes on {topic}", background=True, store=True
        )
        done.append(r.id)
    for rid, topic in zip(done, TOPICS, strict=True):
        r = wait_until(
            lambda rid=rid: oai.responses.retrieve(rid), what=f"{rid} finished",
            accept=lambda r: r.status not in ("queued", "in_progress"),
        )  # fmt: skip
        body = {"input": f"Notes on {topic}", "background": True}
        reg.record_response(_ours(r), profile="local", base_url=local_url, body=body)
    slow = oai.responses.create(
        model="respnb-slow", input="A long essay on lighthouses", background=True, store=True
    )
    reg.record_response(
        _ours(slow), profile="local", base_url=local_url,
        body={"input": "A long essay on lighthouses", "background": True},
    )  # fmt: skip
    oai.close()

    import httpx

    headers = {"API_KEY": "test-key"}
    ask = httpx.post(
        f"{manus_url}/responses", headers=headers, timeout=10,
        json={"model": "manus-1.5", "input": "Plan a trip, but ask me first", "background": True},
    ).json()  # fmt: skip
    rep = httpx.post(
        f"{manus_url}/responses", headers=headers, timeout=10,
        json={"model": "manus-1.5", "input": "Market report on e-bikes", "background": True},
    ).json()  # fmt: skip
    for raw, prompt in ((ask, "Plan a trip, but ask me first"), (rep, "Market report on e-bikes")):
        got = wait_until(
            lambda raw=raw: httpx.get(f"{manus_url}/responses/{raw['id']}", headers=headers).json(),
            what=f"Manus task {raw['id']} settled",
            accept=lambda got: got["status"] not in ("running", "queued"),
        )
        reg.record_response(
            _ours_raw(got), profile="manus", base_url=manus_url,
            body={"input": prompt, "background": True},
        )  # fmt: skip
    # priced history imported from an OpenAI account (read only here: no key in this test)
    t0 = time.time() - 3 * 86400
    reg.bulk_insert(
        {
            "id": f"resp_import_{i}", "profile": "openai", "model": model,
            "status": "completed", "normalized_status": "completed", "background": False,
            "created_at": t0 + i * 3600, "completed_at": t0 + i * 3600 + 40,
            "input_tokens": inp, "cached_tokens": cached, "output_tokens": out,
            "reasoning_tokens": reasoning, "total_tokens": inp + out, "title": title,
        }
        for i, (model, inp, cached, out, reasoning, title) in enumerate([
            ("gpt-4o", 12_000, 8_000, 900, 0, "Summarise the Q3 board minutes"),
            ("o3", 3_000, 0, 6_500, 5_200, "Prove the scheduling bound"),
            ("gpt-4o-mini", 800, 0, 300, 0, XSS_TITLE),
        ])
    )  # fmt: skip
    reg.close()
    return done, slow.id, ask["id"]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    from respnb.server.launch import serve_in_thread

    root = tmp_path_factory.mktemp("board")
    write_notebook(root / "board.ipynb", [CELL, "board.page_size = 20", EMPTY, BUSY])
    with (
        serve_in_thread(db_path=root / "local.sqlite3", pace=2000) as local,
        serve_in_thread(db_path=root / "manus.sqlite3", dialect="manus", pace=0) as manus,
    ):
        done, slow, pending = _seed(root, local.base_url, manus.base_url)
        env = {"MANUS_API_KEY": "test-key"}
        with jupyter_server(root, env=env) as base:
            oracle = openai.OpenAI(base_url=local.base_url, api_key="unused", max_retries=0)
            try:
                yield History(base, oracle, done, slow, pending)
            finally:
                oracle.close()


def _until(page: Any, js: str, what: str, arg: Any = None, timeout: float = 60_000) -> None:
    try:
        page.wait_for_function(js, arg=arg, timeout=timeout)
    except sync_api.TimeoutError:
        board = page.locator(".respnb-taskboard")
        seen = board.first.inner_text() if board.count() else page.locator("body").inner_text()
        pytest.fail(f"timed out waiting for {what}; the board shows:\n{seen[-3000:]}")


def _row(task: str) -> str:
    return f'.respnb-taskboard tr.rtb-row[data-id="{task}"]'


def _reply_text(page: Any, task: str) -> str:
    return str(page.locator(f"{_row(task)} .rtb-reply-msg").inner_text())


def _wait_reply(page: Any, task: str, what: str) -> str:
    _until(
        page,
        "(sel) => { const n = document.querySelector(sel);"
        " return !!n && !n.classList.contains('rtb-busy'); }",
        what,
        arg=f"{_row(task)} .rtb-reply-msg",
    )
    return _reply_text(page, task)


def _axe(page: Any) -> list[dict[str, Any]]:
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document.querySelector('.respnb-taskboard'),
              {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
            return r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n =>
              ({html: n.html.slice(0, 120), why: n.failureSummary}))}));
        }"""
    )
    return list(result)


def _set_theme(page: Any, theme: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").click()
    page.locator(".lm-Menu-itemLabel", has_text="Theme").first.hover()
    page.locator(".lm-Menu-itemLabel", has_text=theme).first.click()
    _until(page, f"() => document.body.dataset.jpThemeName === '{theme}'", f"the {theme} theme")
    dark = "Dark" in theme
    _until(
        page,
        "(dark) => { const c = getComputedStyle(document.querySelector('.respnb-taskboard'))"
        ".backgroundColor.match(/\\d+/g).map(Number);"
        " const mean = (c[0] + c[1] + c[2]) / 3; return dark ? mean < 80 : mean > 200; }",
        f"the board in {theme} colours",
        arg=dark,
    )


def test_board_in_jupyterlab(history: History) -> None:
    assert AXE.exists(), "axe-core is missing: run `npm ci` in js/ (scripts/setup.sh does)"
    h = history
    with sync_api.sync_playwright() as pw, loopback_context(pw, "") as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        open_notebook(page, notebook_url(h.base, "lab", "board.ipynb"))
        run_cells(page, 1)
        page.wait_for_selector(".respnb-taskboard", timeout=60_000)
        # the existing history is listed at once: 8 + 1 local, 2 Manus, 3 imported = 14
        _until(page, "() => document.querySelector('.rtb-count')?.textContent"
               " === '14 of 14 tasks'", "the history count")  # fmt: skip
        assert page.locator(".respnb-taskboard tr.rtb-row").count() == 8  # page_size
        assert page.locator(".rtb-page").inner_text() == "page 1 / 2"
        page.click(".respnb-taskboard button.rtb-next")
        _until(page, "() => document.querySelector('.rtb-page').textContent === 'page 2 / 2'",
               "page 2")  # fmt: skip
        page.click(".respnb-taskboard button.rtb-prev")
        _until(page, "() => document.querySelector('.rtb-page').textContent === 'page 1 / 2'",
               "page 1")  # fmt: skip

        # statuses are words; Manus waits for input; the running task offers cancel
        _until(page, "(sel) => document.querySelector(sel)?.textContent === 'running'",
               "the running slow task", arg=f"{_row(h.slow)} .rtb-chip")  # fmt: skip

        page.select_option(".respnb-taskboard .rtb-status-filter", "requires_input")
        _until(page, "(sel) => document.querySelector(sel)?.textContent === 'waiting for input'",
               "the Manus task waiting for input", arg=f"{_row(h.pending)} .rtb-chip")  # fmt: skip
        assert page.locator(f"{_row(h.pending)} button.rtb-continue").count() == 1
        assert page.locator(f"{_row(h.pending)} button.rtb-cancel").count() == 0  # no Manus API
        page.select_option(".respnb-taskboard .rtb-status-filter", "")
        _until(page, "() => document.querySelector('.rtb-count').textContent === '14 of 14 tasks'",
               "all statuses again")  # fmt: skip

        # search, then the status filter
        # typed key by key, as a person does (JupyterLab must not take the keys as shortcuts)
        page.locator(".respnb-taskboard .rtb-search").press_sequentially("glacier")
        _until(page, "() => document.querySelector('.rtb-count').textContent === '1 of 14 tasks'",
               "the search result")  # fmt: skip
        assert page.locator(".respnb-taskboard tr.rtb-row .rtb-title-text").inner_text() == (
            "Notes on glacier speed"
        )
        page.fill(".respnb-taskboard .rtb-search", "zzz no such task")
        _until(page, "() => document.querySelector('.rtb-empty')?.textContent"
               " === 'No task matches this search or filter.'", "the no-match note")  # fmt: skip
        page.fill(".respnb-taskboard .rtb-search", "")
        page.select_option(".respnb-taskboard .rtb-status-filter", "in_progress")
        _until(page, "() => document.querySelector('.rtb-count').textContent === '1 of 14 tasks'",
               "the running filter")  # fmt: skip
        assert page.locator(".respnb-taskboard tr.rtb-row").get_attribute("data-id") == h.slow

        # cancel: the server reports cancelled
        page.click(f"{_row(h.slow)} button.rtb-cancel")
        assert _wait_reply(page, h.slow, "the cancel reply") == "cancel requested"
        wait_until(
            lambda: h.local.responses.retrieve(h.slow).status == "cancelled",
            what="the server reporting the slow task cancelled",
        )
        page.select_option(".respnb-taskboard .rtb-status-filter", "")
        _until(page, "(sel) => document.querySelector(sel)?.textContent === 'cancelled'",
               "the cancelled chip", arg=f"{_row(h.slow)} .rtb-chip")  # fmt: skip

        # continue: the reply box sends a follow-up that continues the answer
        first = h.done[-1]  # the oldest local task is on page 1 (newest first)
        target = h.done[0]
        page.fill(".respnb-taskboard .rtb-search", "tide")
        _until(page, "(sel) => !!document.querySelector(sel)", "the tide row", arg=_row(target))
        page.click(f"{_row(target)} button.rtb-continue")
        page.locator(".respnb-taskboard .rtb-reply-text").press_sequentially("And in the Baltic?")
        page.click(".respnb-taskboard .rtb-reply-send")
        text = _wait_reply(page, target, "the continue reply")
        assert text.startswith("reply sent: resp_"), text
        new_id = text.removeprefix("reply sent: ")
        assert h.local.responses.retrieve(new_id).previous_response_id == target

        # an error from the service shows in its row
        h.local.responses.delete(first)
        page.fill(".respnb-taskboard .rtb-search", "lock picking")
        _until(page, "(sel) => !!document.querySelector(sel)", "the lock row", arg=_row(first))
        page.click(f"{_row(first)} button.rtb-continue")
        page.fill(".respnb-taskboard .rtb-reply-text", "More please")
        page.keyboard.press("Enter")
        text = _wait_reply(page, first, "the error reply")
        assert text.startswith("Error: continue failed: 400: Previous response"), text
        assert page.locator(f"{_row(first)} .rtb-reply-msg[role=alert]").count() == 1

        # delete: the row goes and the server forgets the response
        doomed = h.done[3]
        page.fill(".respnb-taskboard .rtb-search", "glacier")
        _until(page, "(sel) => !!document.querySelector(sel)", "the glacier row", arg=_row(doomed))
        page.click(f"{_row(doomed)} button.rtb-delete")
        _until(page, "() => document.querySelector('.rtb-count').textContent === '0 of 14 tasks'",
               "the deleted row gone")  # fmt: skip
        with pytest.raises(openai.NotFoundError):
            h.local.responses.retrieve(doomed)

        # open: a live view of the task below the board
        page.fill(".respnb-taskboard .rtb-search", "moth")
        _until(page, "(sel) => !!document.querySelector(sel)", "the moth row", arg=_row(h.done[1]))
        page.click(f"{_row(h.done[1])} button.rtb-open")
        opened = (
            "() => [...document.querySelectorAll('.respnb-view')].some(v => !v.dataset.busy"
            " && v.querySelector('.rv-status')?.textContent === 'completed'"
            " && v.innerText.toLowerCase().includes('moth'))"
        )
        _until(page, opened, "the opened view's answer")

        # the whole board, Light then Dark: contrast checked by axe-core, screenshots for docs
        page.fill(".respnb-taskboard .rtb-search", "")
        _until(page, "() => document.querySelector('.rtb-count').textContent === '14 of 14 tasks'",
               "the full history again")  # fmt: skip
        # the whole history on one page (a trait set from the kernel), the sidebar folded away
        page.click(".jp-Notebook .jp-Cell:nth-child(2) .cm-content")
        page.keyboard.press("Control+Enter")
        _until(page, "() => document.querySelectorAll('.respnb-taskboard tr.rtb-row').length"
               " === 14", "all 14 rows on one page")  # fmt: skip
        # model text is text: the payload in a title is shown, never run
        xss = page.locator(".respnb-taskboard tr.rtb-row[data-id=resp_import_2] .rtb-title-text")
        assert xss.inner_text() == XSS_TITLE
        assert page.evaluate("() => document.querySelectorAll('.respnb-taskboard img').length") == 0
        assert page.evaluate("() => window.pwned") is None
        page.keyboard.press("Control+b")
        _until(page, "() => document.querySelector('.jp-SideBar.jp-mod-left .lm-TabBar-tab"
               ".lm-mod-current') === null", "the left sidebar folded")  # fmt: skip
        board = page.locator(".respnb-taskboard").first
        sizes = board.evaluate("b => [b.scrollWidth, b.clientWidth]")
        assert sizes[0] <= sizes[1], f"the board overflows its output area: {sizes}"
        IMG.mkdir(parents=True, exist_ok=True)
        for theme, name in (("JupyterLab Light", "board-light.png"),
                            ("JupyterLab Dark", "board-dark.png")):  # fmt: skip
            if theme != "JupyterLab Light":
                _set_theme(page, theme)
            violations = _axe(page)
            assert violations == [], f"{theme}: {violations}"
            board.screenshot(path=str(IMG / name))

        # a board over an empty history says so
        page.click(".jp-Notebook .jp-Cell:nth-child(3) .cm-content")
        page.keyboard.press("Control+Enter")
        _until(page, "() => document.querySelectorAll('.respnb-taskboard').length === 2",
               "the empty board")  # fmt: skip
        empty = page.locator(".respnb-taskboard").nth(1)
        _until(page, "() => document.querySelectorAll('.respnb-taskboard')[1]"
               ".querySelector('.rtb-count').textContent === '0 of 0 tasks'", "0 of 0")  # fmt: skip
        assert empty.locator(".rtb-empty").inner_text().startswith("No tasks yet.")
        assert empty.locator(".rtb-table").is_hidden()

        # the history shows at once, even while the kernel is busy and cannot answer messages
        page.click(".jp-Notebook .jp-Cell:nth-child(4) .cm-content")
        page.keyboard.press("Control+Enter")
        busy = "[...document.querySelectorAll('.respnb-taskboard')].find(b => b.querySelector"
        busy += "('.rtb-heading').textContent === 'while the kernel is busy')"
        _until(page, f"() => {busy}?.querySelector('.rtb-count').textContent"
               " === '14 of 14 tasks'", "the busy kernel's board")  # fmt: skip
        assert page.evaluate(f"() => {busy}.querySelectorAll('tr.rtb-row').length") == 14
        assert not page.evaluate(KERNEL_IDLE)  # the cell still runs
        page.click("jp-button[data-command='notebook:interrupt-kernel'], "
                   "button[data-command='notebook:interrupt-kernel']")  # fmt: skip
        page.wait_for_function(KERNEL_IDLE, timeout=60_000)
        assert page.locator(".jp-Notebook .jp-Cell").count() == 4  # no key became a command
        assert errors == []
        page.close()
