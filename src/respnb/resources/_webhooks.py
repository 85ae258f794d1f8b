"""``client.webhooks``: verify and unwrap Standard Webhooks events, as openai-python does.

No request is sent: the caller hands in the raw body and the headers its web framework
received. The secret is ``secret=``, else ``$RESPNB_WEBHOOK_SECRET`` or
``$OPENAI_WEBHOOK_SECRET``. Verification is :mod:`respnb._webhooks` (the task receiver's too).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .._exceptions import ConfigurationError
from .._webhooks import WebhookVerificationError, WebhookVerifier

__all__ = ["WebhookEvent", "WebhookVerificationError", "Webhooks"]


class WebhookEvent(BaseModel):
    """A verified event: ``type`` such as ``response.completed``; ``data["id"]`` the
    response's id (fetch it with ``responses.retrieve``)."""

    model_config = ConfigDict(extra="allow")

    id: str
    object: str = "event"
    type: str
    created_at: int | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class Webhooks:
    """``verify`` / ``verify_signature`` check a request; ``unwrap`` also parses the event."""

    def __init__(self, secret: str | None = None) -> None:
        self._secret = secret

    def __repr__(self) -> str:
        return "Webhooks()"

    def _secret_for(self, secret: str | bytes | None) -> str | bytes:
        found = (
            secret
            or self._secret
            or os.environ.get("RESPNB_WEBHOOK_SECRET")
            or os.environ.get("OPENAI_WEBHOOK_SECRET")
        )
        if not found:
            raise ConfigurationError(
                "no webhook secret: pass secret='whsec_...' or set $OPENAI_WEBHOOK_SECRET "
                "(or $RESPNB_WEBHOOK_SECRET) to the endpoint's signing secret."
            )
        return found

    def verify(
        self,
        body: str | bytes,
        headers: Mapping[str, str],
        *,
        secret: str | bytes | None = None,
        tolerance: float = 300.0,
    ) -> dict[str, Any]:
        """Check the signature and timestamp of one request; its JSON payload.

        Raises :class:`WebhookVerificationError` (a ValueError) saying what is wrong.
        """
        raw = body.encode("utf-8") if isinstance(body, str) else body
        verifier = WebhookVerifier(self._secret_for(secret), tolerance=tolerance)
        return verifier.verify(dict(headers), raw)

    def verify_signature(
        self,
        body: str | bytes,
        headers: Mapping[str, str],
        *,
        secret: str | bytes | None = None,
        tolerance: float = 300.0,
    ) -> None:
        """openai-python's name: :meth:`verify`, returning nothing."""
        self.verify(body, headers, secret=secret, tolerance=tolerance)

    def unwrap(
        self,
        body: str | bytes,
        headers: Mapping[str, str],
        *,
        secret: str | bytes | None = None,
        tolerance: float = 300.0,
    ) -> WebhookEvent:
        """Verify, then parse the event (``event.type``, ``event.data["id"]``)."""
        payload = self.verify(body, headers, secret=secret, tolerance=tolerance)
        try:
            return WebhookEvent.model_validate(payload)
        except ValueError as exc:
            raise WebhookVerificationError(
                f"the webhook is signed but is not an event: {exc}"
            ) from None
