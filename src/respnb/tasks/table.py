"""TaskTable: the kernel-facing view of the task registry, with pandas history.

``respnb.tasks()`` returns one. Reads go straight to SQLite; actions (cancel, delete,
refresh, reply, attach) run on the refresher's loop thread.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from respnb._pricing import frame_costs

from ._attach import follow
from ._csvsafe import neutralize
from ._filters import where_clause
from ._snapshot import FrameSnapshot
from .refresher import Refresher
from .registry import TaskRecord, TaskRegistry

if TYPE_CHECKING:
    from .paging import TaskPage

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TaskTable", "records_frame"]

_TIME_COLS = ("created_at", "started_at", "completed_at", "updated_at")
_INT_COLS = (
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "cached_tokens",
    "reasoning_tokens",
    "cursor",
)
_NUMERIC_COLS = frozenset((*_TIME_COLS, *_INT_COLS, "credit_usage"))
_COST_INPUTS = frozenset(
    ("model", "profile", "base_url", "created_at", "credit_usage", *_INT_COLS[:-1])
)
_CATEGORY_COLS = ("status", "normalized_status", "model", "profile")
_STRING_COLS = (
    "id",
    "base_url",
    "prompt",
    "title",
    "output_text",
    "error",
    "previous_response_id",
    "conversation",
    "task_url",
    "share_url",
    "manus_title",
    "source",
)


def records_frame(
    columns: list[str], rows: list[tuple[Any, ...]], *, sort: bool = False
) -> pd.DataFrame:
    """A DataFrame with real dtypes from registry rows (newest first when ``sort``).

    Times are ``datetime64[ns, UTC]``, token counts nullable ``Int64``, status/model/profile
    ``category``, ``background`` nullable ``boolean``, ``credit_usage`` float, ``tags`` a
    tuple per row, text columns pandas ``string``; ``cost_usd`` (float, NaN when unknown)
    is the estimated price from the ``genai-prices`` table (Manus rows: see ``credit_usage``).
    """
    import json

    import numpy as np
    import pandas as pd

    n = len(rows)
    grid = _object_grid(rows, len(columns))
    by_column = np.ascontiguousarray(grid.T)  # contiguous columns convert much faster
    data: dict[str, Any] = {}
    for j, name in enumerate(columns):
        values = by_column[j]
        missing: Any = pd.isna(values) if name in _NUMERIC_COLS else None
        if name in _TIME_COLS:
            secs = np.where(missing, 0.0, values).astype("float64")
            ns = np.where(missing, np.iinfo("int64").min, np.round(secs * 1e9)).astype("int64")
            data[name] = pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC")
        elif name in _INT_COLS:
            ints = np.where(missing, 0, values).astype("int64")
            data[name] = pd.arrays.IntegerArray(ints, missing)
        elif name in _CATEGORY_COLS:
            data[name] = pd.Categorical(values)
        elif name == "background":
            data[name] = pd.array(values, dtype="boolean")
        elif name == "credit_usage":
            data[name] = np.where(missing, np.nan, values).astype("float64")
        elif name == "tags":
            memo: dict[Any, tuple[str, ...]] = {None: ()}
            out = np.empty(n, dtype=object)
            for i, v in enumerate(values):
                t = memo.get(v)
                if t is None:
                    t = memo[v] = tuple(json.loads(v)) if v else ()
                out[i] = t
            data[name] = pd.Series(out, dtype=object)
        else:
            data[name] = pd.array(values, dtype="string")
    frame = pd.DataFrame(data, columns=columns)
    if _COST_INPUTS.issubset(columns):
        frame["cost_usd"] = frame_costs(frame)  # estimated from genai-prices; NaN if unknown
    # newest first; sorting the built frame keeps the conversions cache-friendly
    return _sorted(frame) if sort and n > 1 else frame


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` newest first (rows without a creation time last), index reset."""
    import numpy as np

    keys = frame["created_at"].to_numpy("datetime64[ns]").view("int64")
    keys = np.where(keys == np.iinfo("int64").min, np.iinfo("int64").min + 1, keys)
    return frame.take(np.argsort(-keys, kind="stable")).reset_index(drop=True)


def _align_categories(a: pd.DataFrame, b: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give both frames' category columns the same levels, so concatenation keeps them."""
    a, b = a.copy(deep=False), b.copy(deep=False)
    for col in _CATEGORY_COLS:
        levels = a[col].cat.categories.union(b[col].cat.categories)
        a[col] = a[col].cat.set_categories(levels)
        b[col] = b[col].cat.set_categories(levels)
    return a, b


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic GC while millions of short-lived objects are made (it would rescan them)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _object_grid(rows: list[tuple[Any, ...]], width: int) -> Any:
    """Rows as a 2-D object array (pandas' C helper when it is there)."""
    import numpy as np

    if not rows:
        return np.empty((0, width), dtype=object)
    try:
        from pandas._libs import lib

        return lib.to_object_array_tuples(rows)
    except (ImportError, AttributeError):  # private API: fall back to numpy
        grid = np.empty((len(rows), width), dtype=object)
        grid[:] = rows
        return grid


class TaskTable:
    """Every task respnb knows about: a DataFrame, filters, exports and actions."""

    def __init__(self, registry: TaskRegistry, refresher: Refresher | None = None) -> None:
        self.registry = registry
        self.refresher = refresher
        self._cache: pd.DataFrame | None = None
        self._stamp: int | None = None
        self._snapshot = FrameSnapshot(registry.path)

    def __repr__(self) -> str:
        return f"TaskTable({self.registry.count()} tasks, db={str(self.registry.path)!r})"

    def __len__(self) -> int:
        return self.registry.count()

    # -- reading ------------------------------------------------------------------------------

    def records(
        self,
        *,
        status: str | list[str] | None = None,
        profile: str | list[str] | None = None,
        model: str | list[str] | None = None,
        since: str | dt.date | dt.datetime | float | None = None,
        until: str | dt.date | dt.datetime | float | None = None,
        search: str | None = None,
    ) -> list[TaskRecord]:
        """Matching rows, newest first (same filters as :meth:`frame`)."""
        where, params = where_clause(status, profile, model, since, until, search)
        return self.registry.records(where=where, params=params)

    def frame(
        self,
        *,
        status: str | list[str] | None = None,
        profile: str | list[str] | None = None,
        model: str | list[str] | None = None,
        since: str | dt.date | dt.datetime | float | None = None,
        until: str | dt.date | dt.datetime | float | None = None,
        search: str | None = None,
    ) -> pd.DataFrame:
        """The history as a DataFrame, newest first.

        ``status`` matches the raw or normalized status; ``since``/``until`` bound
        ``created_at`` (dates, datetimes, ISO strings or unix seconds; naive means UTC);
        ``search`` is a case-insensitive substring of the id, title, prompt or output.
        """
        where, params = where_clause(status, profile, model, since, until, search)
        if not where:
            return self._full_frame().copy()
        with _gc_paused():
            cols, rows = self.registry.raw_rows(where=where, params=params)
            return records_frame(cols, rows, sort=True)

    def _full_frame(self, *, use_snapshot: bool = True) -> pd.DataFrame:
        """The whole history, cached in memory and on disk (:class:`FrameSnapshot`); later
        reads fetch only the rows changed since (``version`` > the cached one)."""
        with _gc_paused():
            if self._cache is None or self._stamp is None:
                snap = self._snapshot.load() if use_snapshot else None
                if snap is None:
                    stamp = self.registry.version()
                    cols, rows = self.registry.raw_rows()
                    self._cache, self._stamp = records_frame(cols, rows, sort=True), stamp
                    self._snapshot.save_in_background(self._cache, stamp)
                    return self._cache
                self._cache, self._stamp = snap
            return self._catch_up(self._cache, self._stamp)

    def _catch_up(self, cache: pd.DataFrame, since: int) -> pd.DataFrame:
        import pandas as pd

        stamp = self.registry.version()
        count = self.registry.count()
        if stamp == since and len(cache) == count:
            return cache
        cols, rows = self.registry.raw_rows(where="version > ?", params=[since])
        if rows:
            delta = records_frame(cols, rows)
            keep = cache[~cache["id"].isin(delta["id"])]
            keep, delta = _align_categories(keep, delta)
            cache = _sorted(pd.concat([keep, delta], ignore_index=True))
        if len(cache) != count:  # rows were deleted
            ids = self.registry.ids()
            cache = cache[cache["id"].isin(ids)].reset_index(drop=True)
            if len(cache) != count:  # should not happen: rebuild from the database
                self._cache = self._stamp = None
                return self._full_frame(use_snapshot=False)
        self._cache, self._stamp = cache, stamp
        if len(rows) > max(500, count // 100):  # keep the on-disk copy reasonably fresh
            self._snapshot.save_in_background(cache, stamp)
        return cache

    def to_csv(self, path: str | Path, *, safe: bool = True, **filters: Any) -> Path:
        """Write :meth:`frame` (with ``filters``) as CSV; returns the path.

        ``safe`` (default): text cells starting with ``= + - @``, tab or CR get a leading
        ``'`` so spreadsheets show them instead of running them (:mod:`._csvsafe`). Lines end
        in CRLF (RFC 4180), so a cell holding a CR or LF is quoted."""
        out = Path(path)
        frame = self.frame(**filters)
        (neutralize(frame) if safe else frame).to_csv(out, index=False, lineterminator="\r\n")
        return out

    def to_parquet(self, path: str | Path, **filters: Any) -> Path:
        """Write :meth:`frame` as Parquet (needs pyarrow: ``pip install 'respnb[parquet]'``)."""
        try:
            import pyarrow  # type: ignore[import-untyped]  # noqa: F401
        except ImportError:
            raise ImportError(
                "to_parquet() needs pyarrow: install it with pip install 'respnb[parquet]'"
            ) from None
        out = Path(path)
        frame = self.frame(**filters)
        frame["tags"] = frame["tags"].map(list)
        frame.to_parquet(out, index=False)
        return out

    def get(self, id: str) -> TaskRecord:
        """The row for ``id`` (KeyError if the registry does not know it)."""
        rec = self.registry.get(id)
        if rec is None:
            raise KeyError(f"no task {id!r} in the registry {self.registry.path}")
        return rec

    # -- actions ------------------------------------------------------------------------------

    def _refresher(self) -> Refresher:
        if self.refresher is None:
            raise RuntimeError("this TaskTable is read-only: get one from respnb.tasks()")
        return self.refresher

    def cancel(self, id: str) -> TaskRecord:
        """Cancel a running background task; returns its row."""
        self.get(id)
        return self._refresher().run(self._refresher().cancel(id))

    def delete(self, id: str) -> None:
        """Delete the response on the server and remove its row."""
        self.get(id)
        self._refresher().run(self._refresher().delete(id))

    def refresh(self, *, remote: bool = True) -> int:
        """Fetch every in-flight task once (and merge Manus task lists); returns the count."""
        ref = self._refresher()
        n = ref.run(ref.refresh_all())
        if remote:
            for client in list(ref._clients.values()):
                if getattr(client.profile, "kind", None) == "manus":
                    n += ref.run(ref.sync_remote(client))
        return n

    def sync_remote(self, client: Any, **filters: Any) -> int:
        """Merge a Manus client's ``/v1/tasks`` listing (web-app tasks too); returns the count."""
        ref = self._refresher()
        return ref.run(ref.sync_remote(client, **filters))

    def reply(self, id: str, text: str, **params: Any) -> TaskRecord:
        """Answer a task waiting for input (Manus ``task_id``) or continue it."""
        self.get(id)
        return self._refresher().run(self._refresher().reply(id, text, **params))

    def attach(self, id: str, view: Any = None) -> Any:
        """Follow ``id`` live.

        With a ``view`` (anything with ``apply``/``apply_response``/``finish``/``set_error``,
        such as ``respnb.notebook.ResponseView``), feed it on the refresher's loop: its
        stream replayed from the first event, then live until the task settles; returns the
        view with ``view.task`` set to the feeding future. Without one, returns the resumed
        stream (an AsyncResponseStream to iterate on the client's loop).
        ``respnb.notebook.board.attach(id)`` does this with a new ResponseView.
        """
        rec = self.get(id)
        ref = self._refresher()
        if view is None:
            return ref.client_for(rec).responses.resume(id, after=None)
        return follow(ref, rec, view)

    def page(self, **query: Any) -> TaskPage:
        """One page of the history (see :func:`respnb.tasks.paging.query_page`)."""
        from .paging import query_page

        return query_page(self.registry, **query)
