"""The vector store parameters a client sends, checked (a 400 naming the parameter if wrong).

``metadata``, a file's ``attributes``, ``expires_after`` and ``chunking_strategy`` (with what
``auto`` means, :data:`DEFAULT_CHUNKING`); each error says the shape the parameter expects.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import bad_request

__all__ = [
    "DEFAULT_CHUNKING",
    "check_attributes",
    "check_chunking",
    "check_expires",
    "check_metadata",
]

DEFAULT_CHUNKING: dict[str, Any] = {
    "type": "static",
    "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
}
"""What ``chunking_strategy`` ``auto`` (or none) means, as OpenAI reports it."""


def check_metadata(meta: Any) -> dict[str, str]:
    """A vector store's ``metadata`` (at most 16 string pairs)."""
    if meta is None:
        return {}
    if not isinstance(meta, dict) or len(meta) > 16:
        raise bad_request("Invalid 'metadata': expected an object of at most 16 pairs.", "metadata")
    for key, value in meta.items():
        if len(key) > 64 or not isinstance(value, str) or len(value) > 512:
            raise bad_request(
                f"Invalid 'metadata.{key}': keys are at most 64 characters and values strings "
                "of at most 512 characters.",
                f"metadata.{key}",
            )
    return dict(meta)


def check_attributes(attrs: Any) -> dict[str, Any]:
    """A vector store file's ``attributes`` (at most 16 string, number or boolean values)."""
    if attrs is None:
        return {}
    if not isinstance(attrs, dict) or len(attrs) > 16:
        raise bad_request(
            "Invalid 'attributes': expected an object of at most 16 pairs.", "attributes"
        )
    for key, value in attrs.items():
        if not isinstance(value, (str, int, float, bool)) or len(key) > 64:
            raise bad_request(
                f"Invalid 'attributes.{key}': values must be strings, numbers or booleans.",
                f"attributes.{key}",
            )
    return dict(attrs)


def check_expires(value: Any) -> dict[str, Any] | None:
    """``expires_after``: ``{"anchor": "last_active_at", "days": 1-365}`` or None."""
    if value is None:
        return None
    days = value.get("days") if isinstance(value, dict) else None
    if (
        not isinstance(value, dict)
        or value.get("anchor") != "last_active_at"
        or not isinstance(days, int)
        or not 1 <= days <= 365
    ):
        raise bad_request(
            'Invalid \'expires_after\': expected {"anchor": "last_active_at", "days": 1-365}.',
            "expires_after",
        )
    return {"anchor": "last_active_at", "days": days}


def check_chunking(value: Any) -> dict[str, Any]:
    """``chunking_strategy``: ``auto`` (or none) is :data:`DEFAULT_CHUNKING`; else ``static``."""
    if value is None or (isinstance(value, dict) and value.get("type") == "auto"):
        return json.loads(json.dumps(DEFAULT_CHUNKING))  # type: ignore[no-any-return]
    static = value.get("static") if isinstance(value, dict) else None
    size = static.get("max_chunk_size_tokens") if isinstance(static, dict) else None
    overlap = static.get("chunk_overlap_tokens") if isinstance(static, dict) else None
    if (
        not isinstance(value, dict)
        or value.get("type") != "static"
        or not isinstance(size, int)
        or not isinstance(overlap, int)
        or not 100 <= size <= 4096
        or not 0 <= overlap <= size // 2
    ):
        raise bad_request(
            'Invalid \'chunking_strategy\': expected {"type": "auto"} or {"type": "static", '
            '"static": {"max_chunk_size_tokens": 100-4096, "chunk_overlap_tokens": at most '
            "half of it}}.",
            "chunking_strategy",
        )
    return {
        "type": "static",
        "static": {"max_chunk_size_tokens": size, "chunk_overlap_tokens": overlap},
    }
