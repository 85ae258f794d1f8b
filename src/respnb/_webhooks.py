"""Standard Webhooks verification (pure: no server, no I/O), shared by ``client.webhooks`` and
the task receiver (:mod:`respnb.tasks.webhooks`).

Headers ``webhook-id``, ``webhook-timestamp`` (unix seconds) and ``webhook-signature``
(space-separated ``v1,<base64>``); the signature is :mod:`respnb._signing`'s. Any matching
signature is accepted (constant-time compare); timestamps more than ``tolerance`` seconds old
or ahead are rejected; the raw bytes are verified before parsing. :class:`WebhookVerifier`
also refuses an id it has already accepted (a replay), or holds it while ``pending``.
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

from ._signing import MIN_SECRET_BYTES, sign
from ._signing import secret_key as _key

__all__ = ["MIN_SECRET_BYTES", "WebhookVerificationError", "WebhookVerifier", "sign"]


class WebhookVerificationError(ValueError):
    """A webhook was rejected; the message says why (never echoing the secret)."""


class WebhookVerifier:
    """Verifies Standard Webhooks requests and remembers the ids already accepted."""

    def __init__(
        self, secret: str | bytes, *, tolerance: float = 300.0, remember: int = 10_000
    ) -> None:
        self._key = _key(secret)
        self.tolerance = tolerance
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._pending: set[str] = set()
        self._remember = remember
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WebhookVerifier(tolerance={self.tolerance})"

    def verify(
        self,
        headers: Mapping[str, str],
        body: bytes,
        *,
        now: float | None = None,
        pending: bool = False,
    ) -> dict[str, Any]:
        """Check one request and return its parsed JSON payload.

        Raises :class:`WebhookVerificationError` for missing headers, a bad or stale
        timestamp, no matching signature, a replayed id, or a body that is not JSON.
        The id is remembered at once, or with ``pending=True`` held until :meth:`settle`
        (meanwhile the same id is refused too).
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
        try:
            payload = json.loads(body)
        except ValueError:
            raise WebhookVerificationError("webhook body is not JSON") from None
        if not isinstance(payload, dict):
            raise WebhookVerificationError("webhook body is not a JSON object")
        with self._lock:
            if msg_id in self._seen or msg_id in self._pending:
                raise WebhookVerificationError(f"webhook {msg_id!r} was already received")
            if pending:
                self._pending.add(msg_id)
            else:
                self._remember_id(msg_id)
        return payload

    def _remember_id(self, msg_id: str) -> None:
        self._seen[msg_id] = None
        while len(self._seen) > self._remember:
            self._seen.popitem(last=False)

    def settle(self, msg_id: str, *, handled: bool) -> None:
        """End a ``pending`` id: remembered if ``handled``, else free to arrive again."""
        with self._lock:
            self._pending.discard(msg_id)
            if handled:
                self._remember_id(msg_id)
