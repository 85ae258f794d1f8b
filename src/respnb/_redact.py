"""Keeping secrets out of what respnb shows, logs and stores.

* :func:`is_secret_header`: credential headers — the usual ones, the AI gateways' own
  (:data:`SECRET_HEADERS`), any name that says key/token/secret/auth/cookie/signature/password,
  names listed in ``$RESPNB_SECRET_HEADERS`` (comma-separated) and a profile's
  ``secret_headers``;
* :func:`strip_userinfo` / :func:`redact_text`: ``https://user:key@host`` loses its userinfo
  (in a URL, or anywhere in a message), and every known secret value becomes ``***``;
* :func:`validation_summary`: a pydantic error as ``field: problem`` lines, never the input
  values (a mistyped ``apikey = "sk-…"`` must not come back in the message).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any

__all__ = [
    "SECRET_HEADERS",
    "is_secret_header",
    "redact_text",
    "redact_value",
    "strip_userinfo",
    "userinfo_secrets",
    "validation_summary",
]

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "api_key",
        "api-key",
        "x-api-key",
        "cookie",
        "set-cookie",
        "openai-organization",
        "cf-aig-authorization",
        "x-portkey-api-key",
        "x-portkey-virtual-key",
        "helicone-auth",
        "x-helicone-auth",
        "x-goog-api-key",
        "anthropic-api-key",
        "ocp-apim-subscription-key",
        "x-litellm-api-key",
        "openrouter-api-key",
        "x-openrouter-api-key",
    }
)
"""Credential headers known by name (compared in lower case)."""
HEADERS_ENV = "RESPNB_SECRET_HEADERS"
_SECRET_WORDS = re.compile(r"key|token|secret|auth|cookie|signature|password|credential")
_USERINFO = re.compile(r"(?i)(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,30}://)[^/\s@?#]*@")
MASK = "***"


def is_secret_header(name: str, extra: Iterable[str] = ()) -> bool:
    """Whether a header named ``name`` carries a credential (see the module doc)."""
    low = name.strip().lower()
    if low in SECRET_HEADERS or _SECRET_WORDS.search(low):
        return True
    listed = {h.strip().lower() for h in os.environ.get(HEADERS_ENV, "").split(",")}
    return low in listed or low in {h.lower() for h in extra}


def strip_userinfo(url: str) -> str:
    """``url`` without ``user:password@`` (``scheme://***@host`` when there was one)."""
    return _USERINFO.sub(lambda m: f"{m.group(1)}{MASK}@", url)


def userinfo_secrets(url: str | None) -> tuple[str, ...]:
    """The password and ``user:password`` of a URL's userinfo (to redact elsewhere)."""
    if not url:
        return ()
    m = re.match(r"(?i)[a-z][a-z0-9+.-]*://([^/\s@?#]*)@", url)
    if not m or not m.group(1):
        return ()
    info = m.group(1)
    parts = [info, *info.split(":", 1)[1:]]
    return tuple(p for p in parts if len(p) >= 4)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every secret value and every URL's userinfo replaced by ``***``."""
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return strip_userinfo(text) if "@" in text else text


def redact_value(value: Any, secrets: tuple[str, ...]) -> Any:
    """:func:`redact_text` applied to every string inside a JSON-like value."""
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, dict):
        return {k: redact_value(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, secrets) for v in value]
    return value


def validation_summary(exc: Any) -> str:
    """A pydantic ``ValidationError`` as ``loc: message`` parts, without input values."""
    try:
        errors = exc.errors(include_input=False, include_url=False, include_context=False)
    except (AttributeError, TypeError):
        return type(exc).__name__
    parts = []
    for err in errors:
        loc = ".".join(str(p) for p in err.get("loc", ())) or "(profile)"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or type(exc).__name__
