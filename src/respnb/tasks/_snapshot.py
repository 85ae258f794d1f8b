"""A columnar copy of the task history next to the database, for fast DataFrames.

Building a DataFrame from 100k SQLite rows costs about a second of Python object churn;
reading the same frame from an Arrow IPC file costs a few milliseconds. The snapshot
(``<db>.frame.arrow``) stores the frame and the registry version it reflects; a new kernel
loads it and reads only the rows changed since (``version > v``). It needs pyarrow (the
``parquet`` extra); without it everything still works, only slower. The snapshot holds
nothing the database does not (no keys), and is rewritten atomically.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FrameSnapshot"]

_VERSION_KEY = b"respnb_version"
_FORMAT_KEY = b"respnb_format"
_FORMAT = b"2"  # 2: with the cost_usd column


class FrameSnapshot:
    """Load and save the history frame as ``<db>.frame.arrow`` (pyarrow only)."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".frame.arrow")
        self._lock = threading.Lock()
        self._writer: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"FrameSnapshot({str(self.path)!r})"

    @staticmethod
    def available() -> bool:
        """True when pyarrow is installed."""
        try:
            import pyarrow  # type: ignore[import-untyped]
            import pyarrow.feather  # type: ignore[import-untyped]  # noqa: F401
        except ImportError:
            return False
        return True

    def load(self) -> tuple[pd.DataFrame, int] | None:
        """The saved frame and its registry version, or None (missing, stale format, no pyarrow)."""
        if not self.available() or not self.path.exists():
            return None
        import pyarrow.feather as feather

        try:
            table = feather.read_table(str(self.path), memory_map=False)
            meta = table.schema.metadata or {}
            if meta.get(_FORMAT_KEY) != _FORMAT or _VERSION_KEY not in meta:
                return None
            version = int(meta[_VERSION_KEY])
            frame = table.to_pandas()
        except Exception:  # a torn or foreign file: ignore it, it will be rewritten
            return None
        frame["tags"] = _decode_tags(frame["tags"])
        return frame, version

    def save(self, frame: pd.DataFrame, version: int) -> None:
        """Write ``frame`` (at registry ``version``) atomically; no-op without pyarrow."""
        if not self.available():
            return
        import pyarrow as pa
        import pyarrow.feather as feather

        out = frame.copy()
        out["tags"] = [json.dumps(list(t)) if t else None for t in out["tags"]]
        table = pa.Table.from_pandas(out, preserve_index=False)
        meta = {**(table.schema.metadata or {}), _VERSION_KEY: str(version).encode()}
        meta[_FORMAT_KEY] = _FORMAT
        table = table.replace_schema_metadata(meta)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with self._lock:
            try:
                feather.write_feather(table, str(tmp), compression="uncompressed")
                os.replace(tmp, self.path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()

    def save_in_background(self, frame: pd.DataFrame, version: int) -> None:
        """:meth:`save` on a daemon thread (``frame`` must not be mutated afterwards)."""
        if not self.available() or (self._writer is not None and self._writer.is_alive()):
            return
        self._writer = threading.Thread(
            target=self._save_quietly, args=(frame, version), name="respnb-frame", daemon=True
        )
        self._writer.start()

    def _save_quietly(self, frame: pd.DataFrame, version: int) -> None:
        with contextlib.suppress(Exception):  # a snapshot is an optimisation only
            self.save(frame, version)

    def join(self, timeout: float | None = None) -> None:
        """Wait for a background save (tests, benchmarks)."""
        if self._writer is not None:
            self._writer.join(timeout)


def _decode_tags(column: Any) -> Any:
    import numpy as np
    import pandas as pd

    memo: dict[Any, tuple[str, ...]] = {}
    out = np.empty(len(column), dtype=object)
    for i, v in enumerate(column.to_numpy(dtype=object, na_value=None)):
        t = memo.get(v)
        if t is None:
            t = memo[v] = tuple(json.loads(v)) if isinstance(v, str) and v else ()
        out[i] = t
    return pd.Series(out, index=column.index, dtype=object)
