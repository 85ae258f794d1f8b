"""TaskTable: DataFrame dtypes and contents, filters, exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from respnb.tasks import TaskRegistry, TaskTable
from respnb.types import Response

T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z


@pytest.fixture
def table(tmp_path: Path) -> TaskTable:
    reg = TaskRegistry(tmp_path / "t.sqlite3")
    rows = [
        ("r1", "completed", "m-a", "openai", T0, "Summarise the report", 10),
        ("r2", "failed", "m-b", "local", T0 + 86400, "Translate to French", None),
        ("r3", "running", "manus-1", "manus", T0 + 2 * 86400, "Plan a trip", None),
        ("r4", "pending", "manus-1", "manus", T0 + 3 * 86400, "Book hotel", None),
    ]
    for rid, status, model, profile, created, prompt, tokens in rows:
        data: dict[str, object] = {
            "id": rid,
            "status": status,
            "model": model,
            "created_at": created,
            "background": True,
        }
        if tokens is not None:
            data["usage"] = {"input_tokens": 4, "output_tokens": 6, "total_tokens": tokens}
        if status == "failed":
            data["error"] = {"code": "server_error", "message": "boom"}
        if profile == "manus":
            data["metadata"] = {"task_url": f"https://manus.im/app/{rid}", "credit_usage": "3"}
        reg.record_response(
            Response.model_validate(data),
            profile=profile,
            base_url="http://h/v1",
            body={"input": prompt},
        )
    return TaskTable(reg)


def test_dtypes(table: TaskTable) -> None:
    df = table.frame()
    assert len(df) == 4
    for col in ("created_at", "started_at", "completed_at", "updated_at"):
        assert str(df[col].dtype) == "datetime64[ns, UTC]", col
    for col in ("input_tokens", "output_tokens", "total_tokens", "cursor"):
        assert str(df[col].dtype) == "Int64", col
    for col in ("status", "normalized_status", "model", "profile"):
        assert isinstance(df[col].dtype, pd.CategoricalDtype), col
    assert str(df["background"].dtype) == "boolean"
    assert df["credit_usage"].dtype == "float64"
    assert isinstance(df["id"].dtype, pd.StringDtype)


def test_contents(table: TaskTable) -> None:
    df = table.frame().set_index("id")
    assert list(table.frame()["id"]) == ["r4", "r3", "r2", "r1"]  # newest first
    assert df.loc["r1", "created_at"] == pd.Timestamp(T0, unit="s", tz="UTC")
    assert df.loc["r1", "total_tokens"] == 10
    assert df["total_tokens"].isna().sum() == 3
    assert df.loc["r2", "error"] == "server_error: boom"
    assert df.loc["r3", "normalized_status"] == "in_progress"
    assert df.loc["r4", "normalized_status"] == "requires_input"
    assert df.loc["r3", "task_url"] == "https://manus.im/app/r3"
    assert df.loc["r3", "credit_usage"] == 3.0
    assert df.loc["r1", "title"] == "Summarise the report"
    assert pd.notna(df.loc["r1", "completed_at"])
    assert pd.isna(df.loc["r3", "completed_at"])


def test_filters(table: TaskTable) -> None:
    assert set(table.frame(status="completed")["id"]) == {"r1"}
    assert set(table.frame(status="in_progress")["id"]) == {"r3"}  # normalized
    assert set(table.frame(status=["running", "failed"])["id"]) == {"r2", "r3"}  # raw
    assert set(table.frame(profile="manus")["id"]) == {"r3", "r4"}
    assert set(table.frame(model=["m-a", "m-b"])["id"]) == {"r1", "r2"}
    day2 = dt.datetime.fromtimestamp(T0 + 86400, dt.UTC)
    assert set(table.frame(since=day2)["id"]) == {"r2", "r3", "r4"}
    assert set(table.frame(until=day2)["id"]) == {"r1"}
    assert set(table.frame(since=day2.date(), until=T0 + 2.5 * 86400)["id"]) == {"r2", "r3"}
    assert set(table.frame(since="2023-11-16T00:00:00")["id"]) == {"r3", "r4"}
    assert set(table.frame(search="FRENCH")["id"]) == {"r2"}
    assert table.frame(search="nothing like this").empty
    filtered = table.frame(profile="manus")
    assert isinstance(filtered["status"].dtype, pd.CategoricalDtype)
    assert str(filtered["created_at"].dtype) == "datetime64[ns, UTC]"


def test_empty_frame_has_dtypes(tmp_path: Path) -> None:
    df = TaskTable(TaskRegistry(tmp_path / "e.sqlite3")).frame()
    assert df.empty
    assert str(df["created_at"].dtype) == "datetime64[ns, UTC]"
    assert str(df["total_tokens"].dtype) == "Int64"


def test_csv_and_parquet(table: TaskTable, tmp_path: Path) -> None:
    csv = table.to_csv(tmp_path / "t.csv", profile="manus")
    back = pd.read_csv(csv)
    assert sorted(back["id"]) == ["r3", "r4"]
    pytest.importorskip("pyarrow")
    pq = table.to_parquet(tmp_path / "t.parquet")
    df = pd.read_parquet(pq)
    assert len(df) == 4
    assert str(df["created_at"].dtype).startswith("datetime64")


def test_parquet_missing_pyarrow_says_what_to_do(
    table: TaskTable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=r"respnb\[parquet\]"):
        table.to_parquet(tmp_path / "x.parquet")


def test_get_and_read_only_actions(table: TaskTable) -> None:
    assert table.get("r1").model == "m-a"
    with pytest.raises(KeyError, match="nope"):
        table.get("nope")
    with pytest.raises(RuntimeError, match=r"respnb\.tasks\(\)"):
        table.cancel("r3")


def test_frame_cache_follows_updates_inserts_and_deletes(table: TaskTable) -> None:
    first = table.frame()
    assert len(first) == 4
    first.loc[0, "title"] = "mutated"  # callers get a copy, never the cache
    reg = table.registry
    reg.record_response(
        Response.model_validate(
            {
                "id": "r3",
                "status": "completed",
                "model": "manus-2",
                "usage": {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3},
            }
        )
    )
    reg.record_response(
        Response.model_validate(
            {"id": "r5", "status": "queued", "model": "m-new", "created_at": T0 + 9 * 86400}
        ),
        profile="openai",
    )
    reg.remove("r1")
    df = table.frame()
    assert list(df["id"]) == ["r5", "r4", "r3", "r2"]
    row = df.set_index("id").loc["r3"]
    assert (row["status"], row["model"], row["total_tokens"]) == ("completed", "manus-2", 3)
    assert "mutated" not in set(df["title"].dropna())
    for col in ("status", "model", "profile"):
        assert isinstance(df[col].dtype, pd.CategoricalDtype), col
    assert str(df["total_tokens"].dtype) == "Int64"
    assert str(df["created_at"].dtype) == "datetime64[ns, UTC]"
    reg.set_cursor("r5", 12)
    assert table.frame().set_index("id").loc["r5", "cursor"] == 12


def test_snapshot_makes_a_new_kernel_read_only_changes(
    table: TaskTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyarrow")
    reg = table.registry
    reg.add_tags("r1", "alpha", "beta")
    first = table.frame()
    table._snapshot.join(10)
    assert table._snapshot.path.exists()
    reg.record_response(Response.model_validate({"id": "r2", "status": "completed"}))
    reg.remove("r4")
    calls: list[str] = []
    real = reg.raw_rows

    def spy(**kw: object) -> object:
        calls.append(str(kw.get("where", "")))
        return real(**kw)

    monkeypatch.setattr(reg, "raw_rows", spy)
    fresh = TaskTable(reg)  # a new kernel
    df = fresh.frame()
    assert calls == ["version > ?"]  # only the changed rows came from SQLite
    assert list(df["id"]) == ["r3", "r2", "r1"]
    by_id = df.set_index("id")
    assert by_id.loc["r2", "status"] == "completed"
    assert by_id.loc["r1", "tags"] == ("alpha", "beta")
    assert by_id.loc["r3", "tags"] == ()
    assert [str(d) for d in df.dtypes] == [str(d) for d in first.dtypes]


def test_corrupt_snapshot_is_ignored(table: TaskTable) -> None:
    pytest.importorskip("pyarrow")
    table._snapshot.path.write_bytes(b"not arrow at all")
    df = TaskTable(table.registry).frame()
    assert sorted(df["id"]) == ["r1", "r2", "r3", "r4"]
