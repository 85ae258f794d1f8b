"""Standard Webhooks signatures, shared by the local server (signs) and the receiver (verifies).

The signed content is ``"{id}.{timestamp}.{raw body}"``, HMAC-SHA256 keyed with the
base64-decoded secret (after stripping ``whsec_``); a signature reads ``v1,<base64>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

__all__ = ["MIN_SECRET_BYTES", "secret_key", "sign"]

MIN_SECRET_BYTES = 16
"""Shortest signing key accepted (Standard Webhooks secrets are 24 to 64 bytes)."""


def secret_key(secret: str | bytes) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret (bytes are used as they are).

    Keys shorter than :data:`MIN_SECRET_BYTES` are refused: anyone could forge their signatures.
    """
    if isinstance(secret, bytes):
        key = secret
    else:
        raw = secret.removeprefix("whsec_")
        try:
            key = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(
                "the webhook secret must be base64 (as 'whsec_<base64>'); copy it from the "
                "dashboard"
            ) from exc
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError(
            f"the webhook secret is {len(key)} bytes long; at least {MIN_SECRET_BYTES} are "
            "needed (a short or empty secret lets anyone forge events). Generate one with "
            "'whsec_' + base64.b64encode(secrets.token_bytes(32)).decode()."
        )
    return key


def sign(secret: str | bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``v1,<base64>`` signature of one message (tests and the local server use it)."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
