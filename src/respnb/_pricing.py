"""Estimated prices of responses, from pydantic's maintained price table (``genai-prices``).

Jupyter-free: the live view's usage state, the TaskBoard rows and ``TaskTable.frame()``'s
``cost_usd`` column all come from here. No price is typed into respnb: every number is the
``genai-prices`` table's, looked up by model, provider (profile kind or base URL) and the
day the response was created. Cached input tokens are priced at the cache-read rate;
reasoning tokens (a part of the output tokens) at the model's reasoning rate, which is its
output rate unless the table says otherwise. Manus bills in credits, not dollars: its
``credit_usage`` is passed through as credits. A model the table does not know gets no price
and a note that says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Cost", "estimate", "frame_costs", "provider_hint", "response_cost", "table_available"]

_MTOK = 1_000_000
_LOOPBACK = re.compile(r"^https?://(127\.|localhost|\[::1\]|0\.0\.0\.0)", re.I)
# profile kind -> genai-prices provider id (others are found by base URL or model name)
_KIND_PROVIDER = {"openai": "openai"}


@dataclass(frozen=True)
class Cost:
    """An estimated price: US dollars (None when unknown), service credits, and a note."""

    usd: float | None
    credits: float | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        """``{"usd", "credits", "note"}``, JSON-ready."""
        return {"usd": self.usd, "credits": self.credits, "note": self.note}


def provider_hint(profile: str | None, base_url: str | None) -> str:
    """How to look a provider up: ``"manus"``, ``"id:<provider>"``, ``"url:<base>"`` or ``""``."""
    name = (profile or "").lower()
    url = base_url or ""
    if name == "manus" or "manus" in url.lower():
        return "manus"
    if name in _KIND_PROVIDER:
        return "id:" + _KIND_PROVIDER[name]
    if url and not _LOOPBACK.match(url):
        return "url:" + url
    return ""


def _day(when: float | None) -> dt.date | None:
    if when is None or when != when:  # None or NaN
        return None
    return dt.datetime.fromtimestamp(float(when), tz=dt.UTC).date()


@functools.lru_cache(maxsize=512)
def _model(model: str, hint: str) -> tuple[Any, Any] | None:
    """The (provider, model info) ``genai-prices`` knows ``model`` by, or None."""
    if not table_available():
        return None
    from genai_prices import data_snapshot

    snap = data_snapshot.get_snapshot()
    tries: list[tuple[str, str | None, str | None]] = []
    if hint.startswith("id:"):
        tries.append((model, hint[3:], None))
    elif hint.startswith("url:"):
        tries.append((model, None, hint[4:]))
    if "/" in model:  # gateway style: "openai/gpt-4o"
        prefix, rest = model.split("/", 1)
        tries.append((rest, prefix, None))
    tries.append((model, None, None))
    for ref, provider_id, url in tries:
        try:
            return snap.find_provider_model(ref, None, provider_id, url)
        except LookupError:
            continue
    return None


def _usage(inp: int, cached: int, out: int, reasoning: int) -> Any:
    from genai_prices import Usage

    return Usage(
        input_tokens=inp,
        cache_read_tokens=min(cached, inp) or None,
        output_tokens=out,
        output_reasoning_tokens=min(reasoning, out) or None,
    )


def _prices(info: Any, day: dt.date | None) -> Any:
    when = dt.datetime.combine(day or dt.datetime.now(dt.UTC).date(), dt.time(12))
    return info.get_prices(when.replace(tzinfo=dt.UTC))


@functools.lru_cache(maxsize=1)
def table_available() -> bool:
    """True when the ``genai-prices`` table is installed (it needs Python 3.11+)."""
    try:
        import genai_prices  # noqa: F401
    except ImportError:
        return False
    return True


def _unknown(model: str | None) -> Cost:
    if not table_available():
        return Cost(None, None, "no price table: pip install genai-prices")
    if not model:
        return Cost(None, None, "no model: no price")
    return Cost(None, None, f"no price for {model!r} in genai-prices")


def estimate(
    model: str | None,
    *,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    cached_tokens: int | None = None,
    reasoning_tokens: int | None = None,
    credits: float | None = None,
    profile: str | None = None,
    base_url: str | None = None,
    created_at: float | None = None,
) -> Cost:
    """The estimated cost of one response (``profile``/``base_url`` pick the provider)."""
    hint = provider_hint(profile, base_url)
    if hint == "manus" or credits is not None:
        if credits is None:
            return Cost(None, None, "Manus bills in credits (none reported yet)")
        return Cost(None, float(credits), "Manus bills in credits")
    if input_tokens is None and output_tokens is None:
        return Cost(None, None, "no usage reported")
    if not model:
        return _unknown(model)
    found = _model(model, hint)
    if found is None:
        return _unknown(model)
    provider, info = found
    try:
        price = _prices(info, _day(created_at)).calc_price(
            _usage(input_tokens or 0, cached_tokens or 0, output_tokens or 0, reasoning_tokens or 0)
        )
    except (ValueError, ArithmeticError) as exc:
        return Cost(None, None, f"cannot price {model!r}: {exc}")
    return Cost(float(price["total_price"]), None, f"estimate: {provider.name} {info.id}")


@functools.lru_cache(maxsize=4096)
def _rates(model: str, hint: str, day: dt.date | None) -> tuple[float, float, float, float] | None:
    """Per-token USD rates (input, cached input, output, reasoning) when the price is linear
    (no token tiers); None when it is not (then each row is priced on its own)."""
    from genai_prices.types import TieredPrices

    found = _model(model, hint)
    if found is None:
        return None
    prices = _prices(found[1], day)
    if any(isinstance(v, TieredPrices) for v in vars(prices).values()):
        return None

    def per_token(inp: int, cached: int, out: int, reasoning: int) -> float:
        return float(prices.calc_price(_usage(inp, cached, out, reasoning))["total_price"]) / _MTOK

    return (
        per_token(_MTOK, 0, 0, 0),
        per_token(_MTOK, _MTOK, 0, 0),
        per_token(0, 0, _MTOK, 0),
        per_token(0, 0, _MTOK, _MTOK),
    )


def frame_costs(frame: pd.DataFrame) -> Any:
    """The ``cost_usd`` column (float64, NaN where unknown) for a registry frame.

    Rows are grouped by model and provider (and by day where the table's price changed over
    time); each group with a linear price is priced with numpy from the table's per-token
    rates, the others (token tiers) row by row.
    """
    import numpy as np
    import pandas as pd

    n = len(frame)
    out = np.full(n, np.nan)
    if n == 0:
        return out

    def ints(col: str) -> Any:
        return frame[col].to_numpy(dtype="float64", na_value=np.nan)

    inp, cached = ints("input_tokens"), ints("cached_tokens")
    outp, reas = ints("output_tokens"), ints("reasoning_tokens")

    secs = frame["created_at"].to_numpy("datetime64[ns]").view("int64") / 1e9
    created = np.where(secs < -1e9, np.nan, secs)
    has_usage = ~(np.isnan(inp) & np.isnan(outp)) & frame["credit_usage"].isna().to_numpy()
    has_usage &= frame["model"].notna().to_numpy()
    codes, values = [], []
    for col in ("model", "profile", "base_url"):
        c, v = pd.factorize(frame[col])
        codes.append(c + 1)  # 0: missing
        values.append([None, *v])
    key = (codes[0] * len(values[1]) + codes[1]) * len(values[2]) + codes[2]
    sel = np.flatnonzero(has_usage)
    uniq, inverse = np.unique(key[sel], return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(uniq) + 1))
    days = np.floor(np.nan_to_num(created, nan=-1.0) / 86400)
    groups: dict[tuple[str, str, dt.date | None], tuple[Any, Any, list[int]]] = {}
    for g, k in enumerate(uniq):
        rest, u = divmod(int(k), len(values[2]))
        m, p = divmod(rest, len(values[1]))
        model, profile, url = values[0][m], values[1][p], values[2][u]
        hint = provider_hint(profile or None, url or None)
        found = None if hint == "manus" or not model else _model(str(model), hint)
        if found is None:
            continue  # Manus bills credits; an unknown model has no price
        index = sel[order[bounds[g] : bounds[g + 1]]]
        if not isinstance(found[1].prices, list):  # one price whatever the day
            groups.setdefault((str(model), hint, None), (profile, url, []))[2].extend(index)
            continue
        for day in np.unique(days[index]):  # prices that changed over time: per day
            when = None if day < 0 else _day(float(day) * 86400)
            same_day = index[days[index] == day]
            groups.setdefault((str(model), hint, when), (profile, url, []))[2].extend(same_day)
    zero = np.nan_to_num
    for (model, hint, day), (profile, url, rows) in groups.items():
        idx = np.asarray(rows, dtype=np.int64)
        rates = _rates(model, hint, day)
        if rates is not None:
            r_in, r_cached, r_out, r_reason = rates
            i_, c_, o_, x_ = (zero(a[idx]) for a in (inp, cached, outp, reas))
            c_ = np.minimum(c_, i_)
            x_ = np.minimum(x_, o_)
            out[idx] = (i_ - c_) * r_in + c_ * r_cached + (o_ - x_) * r_out + x_ * r_reason
        elif _model(model, hint) is not None:
            for j in rows:
                cost = estimate(
                    model,
                    input_tokens=int(zero(inp[j])),
                    output_tokens=int(zero(outp[j])),
                    cached_tokens=int(zero(cached[j])),
                    reasoning_tokens=int(zero(reas[j])),
                    profile=profile,
                    base_url=url,
                    created_at=created[j],
                )
                out[j] = np.nan if cost.usd is None else cost.usd
    return out


def response_cost(response: Any, profile: str | None = None) -> dict[str, Any]:
    """``{"usd", "credits", "note"}`` for a :class:`respnb.types.Response` (the live view's
    usage footer): its usage, model and creation time, Manus ``credit_usage`` as credits."""
    usage = response.usage
    meta = response.metadata or {}
    raw = meta.get("credit_usage")
    try:
        credits = None if raw is None or raw == "" else float(raw)
    except (TypeError, ValueError):
        credits = None
    return estimate(
        response.model,
        input_tokens=usage.input_tokens if usage is not None else None,
        output_tokens=usage.output_tokens if usage is not None else None,
        cached_tokens=usage.cached_tokens if usage is not None else None,
        reasoning_tokens=usage.reasoning_tokens if usage is not None else None,
        credits=credits,
        profile=profile,
        created_at=response.created_at,
    ).to_dict()
