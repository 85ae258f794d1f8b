"""Estimated costs from the genai-prices table: the single response, the history frame's
``cost_usd`` column and the live view's usage state. The expected numbers are read from the
table itself (never typed here), so the tests hold when the table is updated."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

import pytest

genai_prices = pytest.importorskip("genai_prices")

from respnb._pricing import estimate, frame_costs, provider_hint, response_cost  # noqa: E402
from respnb._view_state import ResponseViewState  # noqa: E402
from respnb.tasks import TaskRegistry, TaskTable  # noqa: E402
from respnb.types import Response  # noqa: E402

T0 = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)


def _table_price(model: str) -> object:
    from genai_prices import data_snapshot

    _provider, info = data_snapshot.get_snapshot().find_provider_model(model, None, "openai", None)
    return info.get_prices(T0)


def test_known_model_is_priced_like_the_table() -> None:
    cost = estimate(
        "gpt-4o", input_tokens=1000, output_tokens=500, profile="openai", created_at=T0.timestamp()
    )
    oracle = genai_prices.calc_price(
        genai_prices.Usage(input_tokens=1000, output_tokens=500),
        "gpt-4o",
        provider_id="openai",
        genai_request_timestamp=T0,
    )
    assert cost.usd == pytest.approx(float(oracle.total_price))
    assert cost.usd > 0 and cost.credits is None
    assert "gpt-4o" in cost.note and "estimate" in cost.note


def test_cached_and_reasoning_tokens_priced_at_their_rates() -> None:
    prices = _table_price("o3")
    rate_in = Decimal(prices.input_mtok) / 1_000_000
    rate_cached = Decimal(prices.cache_read_mtok) / 1_000_000
    rate_out = Decimal(prices.output_mtok) / 1_000_000
    assert rate_cached < rate_in  # the table gives cached input a discount
    cost = estimate(
        "o3",
        input_tokens=1000,
        cached_tokens=400,
        output_tokens=500,
        reasoning_tokens=200,
        profile="openai",
        created_at=T0.timestamp(),
    )
    # cached tokens are part of the input: 600 at the input rate, 400 at the cache-read rate;
    # reasoning tokens are part of the output and billed as output (o3 has no separate rate)
    expected = 600 * rate_in + 400 * rate_cached + 500 * rate_out
    assert cost.usd == pytest.approx(float(expected))
    uncached = estimate(
        "o3", input_tokens=1000, output_tokens=500, profile="openai", created_at=T0.timestamp()
    )
    assert uncached.usd is not None and cost.usd < uncached.usd


def test_unknown_model_says_so() -> None:
    cost = estimate("respnb-demo", input_tokens=10, output_tokens=5, profile="local")
    assert cost.usd is None and cost.credits is None
    assert "respnb-demo" in cost.note and "no price" in cost.note
    assert estimate("gpt-4o", profile="openai").note == "no usage reported"


def test_manus_credits_are_credits_not_dollars() -> None:
    cost = estimate("manus-1.5", credits=12.5, profile="manus")
    assert cost.usd is None and cost.credits == 12.5
    assert "credits" in cost.note
    pending = estimate("manus-1.5", profile="manus", input_tokens=3)
    assert pending.credits is None and "credits" in pending.note


def test_provider_hint_from_profile_and_url() -> None:
    assert provider_hint("openai", None) == "id:openai"
    assert provider_hint("work", "https://api.manus.ai/v1") == "manus"
    assert provider_hint("local", "http://127.0.0.1:8000/v1") == ""
    assert provider_hint("gw", "https://gateway.example/v1") == "url:https://gateway.example/v1"
    # a gateway-style "provider/model" name still finds the model
    assert estimate("openai/gpt-4o", input_tokens=10, output_tokens=10).usd is not None


def test_history_frame_has_cost_usd(tmp_path: Path) -> None:
    reg = TaskRegistry(tmp_path / "t.sqlite3")
    base = {"status": "completed", "normalized_status": "completed", "created_at": T0.timestamp()}
    rows = [
        {"id": "a", "model": "gpt-4o", "profile": "openai", "input_tokens": 2000,
         "cached_tokens": 1000, "output_tokens": 300, "reasoning_tokens": 0},
        {"id": "b", "model": "o3", "profile": "openai", "input_tokens": 5000,
         "cached_tokens": 0, "output_tokens": 4000, "reasoning_tokens": 3000},
        {"id": "c", "model": "respnb-demo", "profile": "local",
         "base_url": "http://127.0.0.1:9/v1", "input_tokens": 10, "output_tokens": 10},
        {"id": "d", "model": "manus-1.5", "profile": "manus", "credit_usage": 7.0},
        {"id": "e", "model": "gemini-2.5-pro", "profile": "gw", "base_url": "https://gw.example",
         "input_tokens": 300_000, "output_tokens": 1000},
        {"id": "f", "model": "gpt-4o", "profile": "openai"},  # no usage yet
        # a model whose table price changed over time: priced at each response's day
        {"id": "g", "model": "claude-sonnet-4-6", "profile": "work", "input_tokens": 5000,
         "output_tokens": 800, "created_at": T0.timestamp()},
        {"id": "h", "model": "claude-sonnet-4-6", "profile": "work", "input_tokens": 5000,
         "output_tokens": 800, "created_at": T0.timestamp() - 400 * 86400},
    ]  # fmt: skip
    reg.bulk_insert({**base, **r} for r in rows)
    frame = TaskTable(reg).frame().set_index("id")
    assert frame["cost_usd"].dtype == "float64"
    for r in rows:
        expect = estimate(
            r["model"],
            input_tokens=r.get("input_tokens"),
            output_tokens=r.get("output_tokens"),
            cached_tokens=r.get("cached_tokens"),
            reasoning_tokens=r.get("reasoning_tokens"),
            credits=r.get("credit_usage"),
            profile=r["profile"],
            base_url=r.get("base_url"),
            created_at=r.get("created_at", T0.timestamp()),
        )
        got = frame.loc[r["id"], "cost_usd"]
        if expect.usd is None:
            assert math.isnan(got), r
        else:
            assert got == pytest.approx(expect.usd, rel=1e-9), r
    assert frame.loc["a", "cost_usd"] > 0 and frame.loc["e", "cost_usd"] > 0
    assert frame.loc["g", "cost_usd"] > 0 and frame.loc["h", "cost_usd"] > 0
    assert frame.loc["d", "credit_usage"] == 7.0
    reg.close()


def test_frame_costs_on_an_empty_frame(tmp_path: Path) -> None:
    reg = TaskRegistry(tmp_path / "t.sqlite3")
    frame = TaskTable(reg).frame()
    assert "cost_usd" in frame.columns and len(frame_costs(frame)) == 0
    reg.close()


def test_view_usage_state_carries_the_cost() -> None:
    resp = Response.model_validate(
        {
            "id": "resp_1",
            "object": "response",
            "created_at": T0.timestamp(),
            "status": "completed",
            "model": "gpt-4o",
            "output": [],
            "usage": {
                "input_tokens": 1000,
                "input_tokens_details": {"cached_tokens": 200},
                "output_tokens": 100,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": 1100,
            },
        }
    )
    state = ResponseViewState(profile="openai", model="gpt-4o")
    patches = state.apply_response(resp)
    cost = state.usage["cost"]
    assert set(cost) == {"usd", "credits", "note"}
    assert cost["usd"] == pytest.approx(
        estimate(
            "gpt-4o",
            input_tokens=1000,
            cached_tokens=200,
            output_tokens=100,
            reasoning_tokens=0,
            profile="openai",
            created_at=T0.timestamp(),
        ).usd
    )
    assert any(p.get("op") == "usage" and p.get("cost") == cost for p in patches)
    manus = resp.model_copy(update={"metadata": {"credit_usage": "4"}, "model": "manus-1.5"})
    assert response_cost(manus, "manus") == {
        "usd": None,
        "credits": 4.0,
        "note": "Manus bills in credits",
    }
