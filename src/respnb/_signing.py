"""Standard Webhooks signatures, shared by the local server (signs) and the receiver (verifies).

The signed content is ``"{id}.{timestamp}.{raw body}"``, HMAC-SHA256 keyed with the
base64-decoded secret (after stripping ``whsec_``); a signature reads ``v1,<base64>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

__all__ = ["secret_key", "sign"]


def secret_key(secret: str | bytes) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret (bytes are used as they are)."""
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
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
