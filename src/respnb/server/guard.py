"""The request guard of ``respnb serve``: who may talk to the server, and how much.

:class:`Guard` is ASGI middleware that, before any route runs, answers with the OpenAI error
envelope:

* **403** ``host_not_allowed`` when the ``Host`` header names a host the server does not
  answer to (loopback names, the bound address and ``--allow-host`` names): a page whose own
  name was re-pointed at 127.0.0.1 (DNS rebinding) is refused;
* **403** ``cross_origin_request`` when a browser says the request comes from another origin
  (an ``Origin`` header other than the server's own, or ``Sec-Fetch-Site: cross-site`` /
  ``same-site`` on a request that changes something). Pages on other ports of localhost
  count as other origins. No CORS header is ever sent, so no other origin reads an answer;
* **415** ``unsupported_media_type`` for a POST body that is neither ``application/json``
  nor ``multipart/form-data`` (a form or ``text/plain`` "simple request" cannot pose as JSON);
* **413** ``request_too_large`` past :attr:`Limits.max_json` bytes of JSON or
  :attr:`Limits.max_upload` bytes of anything else;
* **400** for JSON that does not parse, nests deeper than :attr:`Limits.max_depth`, holds
  ``NaN``/``Infinity`` (not JSON, and it would poison the stored response) or a lone UTF-16
  surrogate (it cannot be stored as UTF-8).

The JSON is parsed here, in a worker thread, once: routes read it from
``scope["state"]["respnb_json"]`` (:func:`respnb.server.api_responses.read_json`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import math
import re
import socket
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ApiError, bad_request

__all__ = [
    "LOOPBACK_HOSTS",
    "Guard",
    "Limits",
    "host_allowed",
    "is_loopback",
    "limits_for",
    "parse_json_body",
]

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "localhost.localdomain"})
_MIB = 1024 * 1024
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FOREIGN_SITES = frozenset({"cross-site", "same-site"})
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_DRAIN_CAP = 256 * _MIB


@dataclass(frozen=True)
class Limits:
    """What one request may send."""

    max_json: int = 16 * _MIB
    """Bytes of a JSON body (and of any body that is not an upload)."""
    max_upload: int = 64 * _MIB
    """Bytes of a multipart upload or a presigned ``PUT``."""
    max_depth: int = 64
    """Nesting depth of a JSON body (arrays and objects)."""
    allowed_hosts: frozenset[str] = field(default_factory=lambda: LOOPBACK_HOSTS)
    """Lower-case host names (no port) the ``Host`` header may name; ``"*"``: any."""


def is_loopback(host: str) -> bool:
    """Whether a bind address only listens on this machine."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def limits_for(
    host: str,
    extra_hosts: tuple[str, ...] = (),
    max_json_mb: float | None = None,
    max_upload_mb: float | None = None,
) -> Limits:
    """The limits of a server bound to ``host``: it answers to loopback names, ``host`` (and,
    bound to every interface, this machine's name) and ``extra_hosts`` (``"*"``: any)."""
    names = {h.strip().lower().strip("[]") for h in (host, *extra_hosts) if h.strip()}
    if host.strip() in ("0.0.0.0", "::", ""):
        names.add(socket.gethostname().lower())
    default = Limits()
    return Limits(
        max_json=int(max_json_mb * _MIB) if max_json_mb else default.max_json,
        max_upload=int(max_upload_mb * _MIB) if max_upload_mb else default.max_upload,
        allowed_hosts=LOOPBACK_HOSTS | frozenset(names),
    )


def host_allowed(host_header: str, allowed: frozenset[str]) -> bool:
    """Whether a ``Host`` header value (``name[:port]``) names an allowed host."""
    if "*" in allowed:
        return True
    host = host_header.strip().lower()
    if host.startswith("["):  # [::1]:8000
        name = host[: host.find("]") + 1] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name.rstrip(".") in allowed or name.strip("[]") in allowed


def _too_deep(raw: bytes, limit: int) -> bool:
    """Whether valid JSON ``raw`` nests arrays/objects deeper than ``limit``."""
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    if len(brackets) // 2 <= limit:
        return False
    depth = 0
    for b in brackets:
        if b in b"[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is out of range (not valid JSON)")
    return value


def parse_json_body(raw: bytes, max_depth: int) -> Any:
    """The JSON value of ``raw``; :class:`ApiError` 400 saying what is wrong with it."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw, parse_constant=_no_constants, parse_float=_finite)
    except RecursionError:
        value, deep = None, True
    except ValueError as exc:
        detail = str(exc) if "not valid JSON" in str(exc) else "it is not valid JSON"
        raise bad_request(
            f"We could not parse the JSON body of your request: {detail}. Send valid JSON "
            "(no NaN or Infinity) with 'Content-Type: application/json'.",
            code="invalid_json",
        ) from None
    else:
        deep = _too_deep(raw, max_depth)
    if deep:
        raise bad_request(
            f"The JSON body nests deeper than {max_depth} levels of arrays and objects.",
            code="json_too_deep",
        )
    if _SURROGATE_ESCAPE.search(raw):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise bad_request(
                "The JSON body holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff "
                "escape), which is not text; send valid Unicode.",
                code="invalid_unicode",
            ) from None
    return value


class Guard:
    """ASGI middleware enforcing the rules of the module doc on every HTTP request."""

    def __init__(self, app: ASGIApp, limits: Limits | None = None) -> None:
        self.app = app
        self.limits = limits or Limits()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            receive = await self._check(scope, receive)
        except ApiError as exc:
            await exc.response()(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _check(self, scope: Scope, receive: Receive) -> Receive:
        headers = Headers(scope=scope)
        method: str = scope["method"]
        host = headers.get("host", "")
        if not host_allowed(host, self.limits.allowed_hosts):
            raise ApiError(
                403,
                f"Host {host[:100]!r} is not allowed: this server answers only to "
                f"{', '.join(sorted(self.limits.allowed_hosts))} (protection against DNS "
                "rebinding). Start it with --allow-host NAME to add a name.",
                code="host_not_allowed",
            )
        origin = headers.get("origin")
        own = f"{scope.get('scheme', 'http')}://{host}".lower()
        foreign_site = method not in _SAFE_METHODS and (
            headers.get("sec-fetch-site", "").lower() in _FOREIGN_SITES
        )
        if (origin is not None and origin.lower() != own) or foreign_site:
            raise ApiError(
                403,
                f"Cross-origin requests are refused (Origin {str(origin)[:100]!r}); web pages "
                "of other origins may not use this server.",
                code="cross_origin_request",
            )
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        is_json = ctype == "application/json" or ctype.endswith("+json")
        length = headers.get("content-length")
        has_body = (length is not None and length.strip() not in ("", "0")) or (
            "chunked" in headers.get("transfer-encoding", "").lower()
        )
        if method == "POST" and has_body and not (is_json or ctype == "multipart/form-data"):
            raise ApiError(
                415,
                f"Unsupported Content-Type {ctype or '(none)'!r}: send JSON as "
                "'application/json' (or a file as 'multipart/form-data').",
                code="unsupported_media_type",
            )
        if not has_body:
            return receive
        limit = self.limits.max_json if is_json or method != "PUT" else self.limits.max_upload
        if ctype == "multipart/form-data":
            limit = self.limits.max_upload
        declared = int(length) if length is not None and length.strip().isdigit() else None
        if declared is not None and declared > limit:
            if declared <= _DRAIN_CAP:  # read it away so the client gets the answer cleanly
                await _drain(receive)
            raise _too_large(limit)
        body = await _read(receive, limit)
        if is_json and method in ("POST", "PUT", "PATCH"):
            value = await asyncio.to_thread(parse_json_body, body, self.limits.max_depth)
            scope.setdefault("state", {})["respnb_json"] = value
        return _replay(body, receive)


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        f"The request body is larger than {limit // _MIB} MiB, the limit of this server.",
        code="request_too_large",
    )


async def _drain(receive: Receive) -> None:
    more = True
    while more:
        message = await receive()
        more = message.get("type") == "http.request" and bool(message.get("more_body"))


async def _read(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
        more = bool(message.get("more_body"))
    return b"".join(chunks)


def _replay(body: bytes, original: Receive) -> Receive:
    """The body read here, then the connection's own messages (a disconnect, for streams)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive
