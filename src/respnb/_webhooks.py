"""Standard Webhooks verification (pure: no server, no I/O), shared by the client and the tasks.

Headers ``webhook-id``, ``webhook-timestamp`` (unix seconds) and ``webhook-signature``
(space-separated ``v1,<base64>``). The signed content is ``"{id}.{timestamp}.{raw body}"``,
HMAC-SHA256 keyed with the base64-decoded secret (after stripping ``whsec_``). Any matching
signature is accepted (constant-time compare); timestamps more than ``tolerance`` seconds old
or ahead are rejected; the raw bytes are verified before parsing. :class:`WebhookVerifier`
also refuses an id it has already accepted (a replay).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

__all__ = ["WebhookVerificationError", "WebhookVerifier", "sign"]


class WebhookVerificationError(ValueError):
    """A webhook was rejected; the message says why (never echoing the secret)."""


def _key(secret: str | bytes) -> bytes:
    if isinstance(secret, bytes):
        return secret
    raw = secret.removeprefix("whsec_")
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(
            "the webhook secret must be base64 (as 'whsec_<base64>'); copy it from the dashboard"
        ) from exc


def sign(secret: str | bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``v1,<base64>`` signature of one message (tests and the local server use it)."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class WebhookVerifier:
    """Verifies Standard Webhooks requests and remembers the ids already accepted."""

    def __init__(
        self, secret: str | bytes, *, tolerance: float = 300.0, remember: int = 10_000
    ) -> None:
        self._key = _key(secret)
        self.tolerance = tolerance
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._remember = remember
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WebhookVerifier(tolerance={self.tolerance})"

    def verify(
        self, headers: Mapping[str, str], body: bytes, *, now: float | None = None
    ) -> dict[str, Any]:
        """Check one request and return its parsed JSON payload.

        Raises :class:`WebhookVerificationError` for missing headers, a bad or stale
        timestamp, no matching signature, a replayed id, or a body that is not JSON.
        """
        h = {k.lower(): v for k, v in headers.items()}
        msg_id, ts_raw, sig_header = (
            h.get("webhook-id"),
            h.get("webhook-timestamp"),
            h.get("webhook-signature"),
        )
        if not msg_id or not ts_raw or not sig_header:
            raise WebhookVerificationError(
                "missing webhook-id, webhook-timestamp or webhook-signature header"
            )
        try:
            ts = int(ts_raw)
        except ValueError:
            raise WebhookVerificationError("webhook-timestamp is not unix seconds") from None
        current = time.time() if now is None else now
        if ts < current - self.tolerance:
            raise WebhookVerificationError("webhook timestamp is too old")
        if ts > current + self.tolerance:
            raise WebhookVerificationError("webhook timestamp is in the future")
        content = f"{msg_id}.{ts}.".encode() + body
        expected = hmac.new(self._key, content, hashlib.sha256).digest()
        matched = False
        for candidate in sig_header.split():
            version, _, b64 = candidate.partition(",")
            if version != "v1":
                continue
            try:
                given = base64.b64decode(b64, validate=True)
            except (binascii.Error, ValueError):
                continue
            if hmac.compare_digest(given, expected):
                matched = True
        if not matched:
            raise WebhookVerificationError("no matching webhook signature")
        with self._lock:
            if msg_id in self._seen:
                raise WebhookVerificationError(f"webhook {msg_id!r} was already received")
            self._seen[msg_id] = None
            while len(self._seen) > self._remember:
                self._seen.popitem(last=False)
        try:
            payload = json.loads(body)
        except ValueError:
            raise WebhookVerificationError("webhook body is not JSON") from None
        if not isinstance(payload, dict):
            raise WebhookVerificationError("webhook body is not a JSON object")
        return payload
