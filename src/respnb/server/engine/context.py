"""The context window: a request longer than its model's window is refused or truncated.

With ``truncation: "disabled"`` (the default) an input over the window is a 400
``context_length_exceeded``; with ``"auto"`` the oldest items go first (history, then the new
input's, never its last item) until it fits.
"""

from __future__ import annotations

from .models import context_window
from .request import EngineRequest, EngineRequestError, input_items
from .usage import input_tokens_for, item_tokens

__all__ = ["fit_context"]


def _refuse(tokens: int, window: int) -> EngineRequestError:
    return EngineRequestError(
        f"Your input exceeds the context window of this model: {tokens} input tokens for a "
        f"window of {window}. Shorten the input, or set truncation to 'auto' to drop the "
        "oldest items.",
        "input",
        code="context_length_exceeded",
    )


def fit_context(req: EngineRequest) -> None:
    """Raise :class:`EngineRequestError`, or drop the oldest items of ``req`` in place."""
    window = context_window(str(req.body.get("model") or ""))
    tokens = input_tokens_for(req)
    if tokens <= window:
        return
    if req.body.get("truncation") != "auto":
        raise _refuse(tokens, window)
    while req.history and tokens > window:
        tokens -= item_tokens(req.history.pop(0))
    inputs = input_items(req.body)
    while len(inputs) > 1 and tokens > window:
        tokens -= item_tokens(inputs.pop(0))
    req.body = {**req.body, "input": inputs}
    if tokens > window:
        raise _refuse(tokens, window)
