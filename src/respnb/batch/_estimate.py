"""The size of a batch before it starts: rows to send and input tokens (the service's count
on a sample when it has ``/responses/input_tokens``, else about 4 characters per token)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass

from .._client import AsyncClient
from .._exceptions import RespnbError
from .._pricing import estimate as estimate_cost
from ._spec import RowRequest

__all__ = ["BatchEstimate", "ConfirmationRequired", "estimate_requests"]

_SAMPLE = 5


@dataclass(frozen=True)
class BatchEstimate:
    """What a batch would send."""

    rows: int
    requests: int
    """Distinct requests (identical rows are sent once)."""
    to_send: int
    """Requests not done yet (a re-run skips the rest)."""
    input_tokens: int
    method: str
    """``service`` (counted by ``/responses/input_tokens`` on a sample) or ``chars/4``."""
    cost: float | None = None
    """Estimated input cost in USD (list price), when respnb knows the model's price."""

    def __str__(self) -> str:
        cost = f", ~${self.cost:,.2f} input" if self.cost is not None else ""
        return (
            f"{self.to_send:,} of {self.requests:,} requests to send ({self.rows:,} rows), "
            f"~{self.input_tokens:,} input tokens ({self.method}){cost}"
        )


class ConfirmationRequired(RespnbError):
    """The batch is larger than ``confirm_above``; the message says how to go ahead."""

    def __init__(self, estimate: BatchEstimate, threshold: float) -> None:
        super().__init__(
            f"this batch would send {estimate}, above confirm_above={threshold:,.0f} tokens: "
            "pass confirm=True to send it (or raise confirm_above)."
        )
        self.estimate = estimate


def _chars(row: RowRequest) -> int:
    body = row.body
    text = json.dumps(body.get("input"), ensure_ascii=False) + str(body.get("instructions") or "")
    return max(1, len(text))


def pricer(client: AsyncClient, model: str | None) -> Callable[[int, int], float | None]:
    """``(input_tokens, output_tokens) -> USD`` from :mod:`respnb._pricing` (list prices of
    the model on the profile's provider; None when the model has no known price)."""
    profile = client.profile

    def price(input_tokens: int, output_tokens: int) -> float | None:
        cost = estimate_cost(
            model,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            profile=profile.kind,
            base_url=profile.base_url,
        )
        return cost.usd

    return price


async def estimate_requests(
    client: AsyncClient, pending: list[RowRequest], *, rows: int, requests: int
) -> BatchEstimate:
    """Count (or estimate) the input tokens of ``pending``."""
    total_chars = sum(_chars(r) for r in pending)
    model = pending[0].body.get("model") if pending else None
    if not pending:
        return BatchEstimate(rows, requests, 0, 0, "none")
    price = pricer(client, model)
    if client.profile.supports("input_tokens"):
        step = max(1, len(pending) // _SAMPLE)
        sample = pending[::step][:_SAMPLE]
        try:
            counts = await asyncio.gather(
                *(
                    client.responses.input_tokens(
                        **{k: v for k, v in r.body.items() if k != "stream"}
                    )
                    for r in sample
                )
            )
        except RespnbError:
            counts = []
        if counts:
            per_char = sum(counts) / sum(_chars(r) for r in sample)
            tokens = round(per_char * total_chars)
            return BatchEstimate(rows, requests, len(pending), tokens, "service", price(tokens, 0))
    tokens = total_chars // 4
    return BatchEstimate(rows, requests, len(pending), tokens, "chars/4", price(tokens, 0))
