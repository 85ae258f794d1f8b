"""TaskBoard: a live anywidget table of the task history, with row actions that answer.

Messages go through ipywidgets' supported custom-message API (``on_msg`` / ``send``); every
message carries a uuid ``id``.

* front end -> Python: ``{id, kind:"query", search, status, sort, desc, page}`` asks for a
  page; ``{id, kind:"action", action, task, text?}`` runs ``cancel`` / ``delete`` /
  ``continue`` (with the reply text) / ``open`` on a row.
* Python -> front end: ``{id, kind:"page", reply_to?, rows, matching, total, counts, page,
  pages, size, cost}`` (a query's answer, or unasked after the history changed; when the
  page still holds the same tasks, ``{id, kind:"patch", rows, counts, cost}`` with only the
  rows that changed) and
  ``{id, kind:"reply", reply_to, task, action, ok, text}`` once an action has finished (the
  service's error message when it failed).

The first page also travels in the synced ``first_page`` trait, so a new board lists the
history at once, before any message round trip (and while the kernel is busy); it is emptied
once the front end's first query is answered, so saved widget state keeps no history.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from respnb._exceptions import ConfigurationError
from respnb.tasks.paging import SORT_KEYS
from respnb.tasks.registry import TaskRecord
from respnb.tasks.table import TaskTable

from ._board_rows import board_row, page_message, safe_url

__all__ = ["TaskBoard", "attach", "board_row", "safe_url"]

_STATIC = Path(__file__).resolve().parent.parent / "static"
_SOURCE = Path(__file__).resolve().parents[3] / "js"


def _asset(name: str) -> str | Path:
    for base in (_STATIC, _SOURCE):
        if (base / name).is_file():
            return base / name
    return ""


def attach(id: str, table: TaskTable | None = None) -> Any:
    """A ResponseView following task ``id`` live (replayed, then live until it settles)."""
    from .view import ResponseView

    table = table if table is not None else _default_table()
    rec = table.get(id)
    view = ResponseView(profile=rec.profile, model=rec.model)
    if rec.normalized_status:  # what the history knows, until the service tells more
        view.set_header(status=rec.normalized_status, status_raw=rec.status or "")
    return table.attach(id, view)


def _default_table() -> TaskTable:
    from respnb.tasks import tasks

    return tasks()


def _error_text(exc: BaseException) -> str:
    message = getattr(exc, "message", None)
    status = getattr(exc, "status_code", None)
    text = str(message) if message else str(exc) or type(exc).__name__
    return f"{status}: {text}" if isinstance(status, int) else text


def _same_layout(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two page messages show the same tasks in the same order."""
    keys = ("matching", "total", "page", "pages", "size")
    if any(a[k] != b[k] for k in keys) or len(a["rows"]) != len(b["rows"]):
        return False
    return all(x["id"] == y["id"] for x, y in zip(a["rows"], b["rows"], strict=True))


class TaskBoard(anywidget.AnyWidget):
    """A live table of tasks: status, elapsed time, tokens, cost, search/filter/sort, actions.

    ``TaskBoard()`` shows the default history (``respnb.tasks()``); pass a ``TaskTable`` for
    another one.
    """

    _esm = _asset("task_board.js")
    _css = _asset("task_board.css")
    page_size = traitlets.Int(50).tag(sync=True)
    heading = traitlets.Unicode("respnb tasks").tag(sync=True)
    search = traitlets.Unicode("").tag(sync=True)
    first_page = traitlets.Dict().tag(sync=True)
    refresh_delay = 0.15
    """Seconds to gather history changes before one page update is sent."""

    def __init__(
        self,
        table: TaskTable | None = None,
        *,
        on_open: Callable[[str], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self._table: TaskTable | None = None
        self._timer: threading.Timer | None = None
        if not self._esm:
            raise ConfigurationError(
                "the TaskBoard front end is missing (no static/task_board.js): build it with "
                "`npm ci && npm run build` in the js/ directory, or reinstall respnb"
            )
        table = table if table is not None else _default_table()
        self._query: dict[str, Any] = {
            "search": str(kwargs.get("search", "")),
            "status": "",
            "sort": "created",
            "descending": True,
            "page": 0,
        }
        self._table = table
        first = self._page_message(int(kwargs.get("page_size", 50)))
        super().__init__(first_page=first, **kwargs)
        self.on_open = on_open
        self.actions: deque[dict[str, Any]] = deque(maxlen=200)  # the latest, for inspection
        self.replies: deque[dict[str, Any]] = deque(maxlen=200)
        self.output: Any = None
        self._box: Any = None
        self._shown: dict[str, Any] | None = None
        self._send_lock = threading.Lock()
        self._timer_lock = threading.Lock()
        self.on_msg(self._on_front_end)
        table.registry.add_listener(self._on_change)

    @property
    def table(self) -> TaskTable:
        """The history this board shows."""
        if self._table is None:
            raise RuntimeError("this TaskBoard was not initialised")
        return self._table

    def close(self) -> None:
        """Stop listening to the history and close the widget."""
        table, self._table = getattr(self, "_table", None), None
        if table is not None:
            table.registry.remove_listener(self._on_change)
        timer = getattr(self, "_timer", None)
        if timer is not None:
            timer.cancel()
        for part in (getattr(self, "_box", None), getattr(self, "output", None)):
            if part is not None:
                part.close()
        super().close()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # the board, and below it the area where "open" shows a task's live view
        import ipywidgets

        if self.output is None:
            self.output = ipywidgets.Output()
        if self._box is None:
            self._box = ipywidgets.VBox([self, self.output])
        return self._box._repr_mimebundle_(**kwargs)

    # -- Python -> front end ------------------------------------------------------------------

    def _post(self, msg: dict[str, Any]) -> None:
        msg = {"id": uuid.uuid4().hex, **msg}
        with self._send_lock:
            if getattr(self, "comm", None) is not None:
                self.send(msg)

    def _page_message(self, size: int | None = None) -> dict[str, Any]:
        q = self._query
        page = self.table.page(
            search=q["search"],
            status=q["status"],
            sort=q["sort"],
            descending=q["descending"],
            page=q["page"],
            limit=size if size is not None else self.page_size,
        )
        q["page"] = page.page
        return page_message(page, self.table.refresher)

    def send_page(self, reply_to: str | None = None) -> None:
        """Send the current page (what the front end shows) as it is now.

        Unasked, when the page holds the same tasks in the same order as the last one sent,
        only the rows that changed travel (``{kind:"patch", rows, counts, cost}``).
        """
        if self._table is None:
            return
        msg = self._page_message()
        last, self._shown = self._shown, msg
        if reply_to is not None:
            self._post({**msg, "reply_to": reply_to})
        elif last is not None and _same_layout(last, msg):
            rows = [r for r, old in zip(msg["rows"], last["rows"], strict=True) if r != old]
            if rows or msg["counts"] != last["counts"]:
                self._post({"kind": "patch", "rows": rows, "counts": msg["counts"],
                            "cost": msg["cost"]})  # fmt: skip
        else:
            self._post(msg)

    def sync(self) -> None:
        """Send the current page (kept for callers of the earlier API)."""
        self.send_page()

    def _on_change(self, _rec: TaskRecord) -> None:
        with self._timer_lock:
            # nothing to refresh before a front end has asked for a page (never displayed)
            if self._timer is not None or self._table is None or self._shown is None:
                return
            self._timer = threading.Timer(self.refresh_delay, self._refresh)
            self._timer.daemon = True
            self._timer.start()

    def _refresh(self) -> None:
        with self._timer_lock:
            self._timer = None
        try:
            self.send_page()
        except sqlite3.ProgrammingError:  # the history was closed under the board
            pass

    # -- front end -> Python ------------------------------------------------------------------

    def _on_front_end(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """ipywidgets calls this with each custom message the front end sends."""
        if not isinstance(content, dict):
            return
        kind = content.get("kind")
        msg_id = str(content.get("id") or "")
        if kind in ("query", "sync"):
            self._set_query(content)
            self.send_page(reply_to=msg_id or None)
            if self.first_page:  # shown; keep history out of saved widget state from now on
                self.first_page = {}
        elif kind == "action":
            self.actions.append(content)
            self._act(msg_id, str(content.get("action")), str(content.get("task")), content)

    def _set_query(self, content: dict[str, Any]) -> None:
        q = self._query
        if isinstance(content.get("search"), str):
            q["search"] = content["search"][:500]
        if isinstance(content.get("status"), str):
            q["status"] = content["status"][:40]
        if content.get("sort") in SORT_KEYS:
            q["sort"] = content["sort"]
        if isinstance(content.get("desc"), bool):
            q["descending"] = content["desc"]
        page = content.get("page")
        if isinstance(page, int) and not isinstance(page, bool):
            q["page"] = max(0, page)

    def _act(self, msg_id: str, action: str, task: str, content: dict[str, Any]) -> None:
        ref = self.table.refresher
        if ref is None:
            self._reply(msg_id, task, action, False, "this board is read-only")
            return
        if self.table.registry.get(task) is None:
            self._reply(msg_id, task, action, False, "this task is no longer in the history")
            return
        fut: Future[Any]
        if action == "cancel":
            fut = ref.submit(ref.cancel(task))
        elif action == "delete":
            fut = ref.submit(ref.delete(task))
        elif action == "continue":
            text = str(content.get("text") or "").strip()
            if not text:
                self._reply(msg_id, task, action, False, "type a reply first")
                return
            fut = ref.submit(ref.reply(task, text))
        elif action == "open":
            self._open(msg_id, task)
            return
        else:
            self._reply(msg_id, task, action, False, f"unknown action {action!r}")
            return
        fut.add_done_callback(lambda f: self._done(msg_id, task, action, f))

    def _done(self, msg_id: str, task: str, action: str, fut: Future[Any]) -> None:
        exc = fut.exception()
        if exc is not None:
            self._reply(msg_id, task, action, False, f"{action} failed: {_error_text(exc)}")
            return
        result = fut.result()
        text = {"cancel": "cancel requested", "delete": "deleted"}.get(action, "done")
        if action == "continue" and isinstance(result, TaskRecord):
            text = f"reply sent: {result.id}"
        self._reply(msg_id, task, action, True, text)

    def _open(self, msg_id: str, task: str) -> None:
        try:
            if self.on_open is not None:
                self.on_open(task)
            else:
                view = attach(task, self.table)
                if self.output is None:
                    import ipywidgets

                    self.output = ipywidgets.Output()
                self.output.append_display_data(view)
        except Exception as exc:
            self._reply(msg_id, task, "open", False, f"open failed: {_error_text(exc)}")
            return
        self._reply(msg_id, task, "open", True, "opened below the board")

    def _reply(self, msg_id: str, task: str, action: str, ok: bool, text: str) -> None:
        reply: dict[str, Any] = {"kind": "reply", "reply_to": msg_id, "task": task}
        reply.update(action=action, ok=ok, text=text)
        self.replies.append(reply)
        self._post(reply)
