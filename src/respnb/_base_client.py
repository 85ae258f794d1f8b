"""Request building, authentication, retries and error mapping on one ``httpx.AsyncClient``.

Every resource goes through :meth:`AsyncAPIClient.request`. It resolves the profile's base URL
lazily (the ``local`` profile starts its server on first use), adds the auth and default
headers, puts one ``Idempotency-Key`` on every non-GET request (the same key on each retry of
that call, so a background task is never created twice), retries as :mod:`respnb._retry`
says, and turns error answers into the typed exceptions of :mod:`respnb._exceptions`.
Streaming requests are retried only before their first byte: once the answer's status is
good, the caller owns the open response.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import logging
import ssl
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    make_status_error,
)
from ._profiles import Profile
from ._redact import is_secret_header, redact_text, strip_userinfo
from ._retry import RetryPolicy, Sleep
from ._version import __version__

M = TypeVar("M", bound=BaseModel)

RETRY_WINDOW = 2.0
"""Retries stop once a call has taken this many times its read timeout (a silent service is
given two chances, not ``max_retries + 1`` full timeouts)."""


def _seconds(timeout: float | httpx.Timeout | None, default: httpx.Timeout) -> float:
    """The read timeout in seconds (60 when there is none)."""
    chosen = timeout if timeout is not None else default
    read = chosen.read if isinstance(chosen, httpx.Timeout) else chosen
    return float(read) if read else 60.0


__all__ = ["AsyncAPIClient", "Query", "clean_query", "shared_ssl_context"]

log = logging.getLogger("respnb.client")

Query = Mapping[str, Any]


def clean_query(query: Query | None) -> dict[str, Any]:
    """Drop ``None`` values; keep lists (httpx repeats the key for each element)."""
    if not query:
        return {}
    out: dict[str, Any] = {}
    for key, value in query.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            if value:
                out[key] = [str(v) for v in value]
        else:
            out[key] = value
    return out


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for every client of the process (building one reads the
    CA bundle: ~50 ms, which a short-lived client would otherwise pay each time)."""
    return httpx.create_ssl_context()


def _user_agent() -> str:
    return f"respnb/{__version__}"


class AsyncAPIClient:
    """The HTTP layer shared by every resource of one client.

    ``transport`` replaces httpx's network transport (e.g. ``httpx.MockTransport`` in tests);
    ``sleep`` replaces ``asyncio.sleep`` for retry and polling waits.
    """

    def __init__(
        self,
        profile: Profile,
        *,
        timeout: float | httpx.Timeout = 60.0,
        max_retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if isinstance(timeout, (int, float)) and not timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
        self.profile = profile
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.transport = transport
        self.default_headers = dict(default_headers or {})
        self.sleep: Sleep = sleep if sleep is not None else asyncio.sleep
        self.retry = RetryPolicy(max_retries=max_retries, sleep=self.sleep)
        self._owns_http = http_client is None
        self.http = http_client or httpx.AsyncClient(
            timeout=self.timeout, transport=transport, verify=shared_ssl_context()
        )
        self._base_url: str | None = None
        self._userinfo_auth: str | None = None
        self._server_auth: dict[str, str] | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} profile={self.profile.name!r}>"

    # --- building -----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """The profile's base URL, resolved once (this may start the local server)."""
        if self._base_url is None:
            url = httpx.URL(self.profile.resolved_base_url())
            if url.userinfo:  # sent as Basic auth; never in a URL that httpx logs or errors show
                token = base64.b64encode(f"{url.username}:{url.password}".encode()).decode()
                self._userinfo_auth = f"Basic {token}"
                url = url.copy_with(userinfo=b"")
            self._base_url = str(url).rstrip("/")
            if self.profile.kind == "local" and not self.profile.base_url:
                # the on-demand server and its token come from the same home: keep them together
                self._server_auth = self.profile.auth_headers()
        return self._base_url

    def url(self, path: str) -> str:
        """An absolute URL for ``path`` (absolute URLs are returned unchanged)."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """Default headers: user agent, profile headers, auth, client defaults, then ``extra``."""
        out = {"User-Agent": _user_agent(), "Accept": "application/json"}
        out.update(self.profile.headers)
        out.update(
            self._server_auth if self._server_auth is not None else self.profile.auth_headers()
        )
        out.update(self.default_headers)
        if self._userinfo_auth and not any(k.lower() == "authorization" for k in out):
            out["Authorization"] = self._userinfo_auth
        if extra:
            out.update(extra)
        return out

    def secrets(self, extra: Mapping[str, str] | None = None) -> tuple[str, ...]:
        """Secret values this client sends: the profile's, and those of secret-named
        ``default_headers`` and ``extra`` headers (to redact from messages)."""
        names = self.profile.secret_headers
        sent = {**self.default_headers, **(extra or {})}
        found = [v for k, v in sent.items() if is_secret_header(k, names) and len(v) >= 4]
        if self._userinfo_auth:
            found.append(self._userinfo_auth.removeprefix("Basic "))
        return (*self.profile.secrets(), *found)

    def build_request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Query | None = None,
        files: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> httpx.Request:
        """One ``httpx.Request`` (JSON body, or multipart ``files``/``data``)."""
        hdrs = self.headers(headers)
        kwargs: dict[str, Any] = {}
        if files is not None:
            kwargs["files"] = files
            kwargs["data"] = dict(data or {})
        elif body is not None:
            kwargs["content"] = json.dumps(body).encode("utf-8")
            hdrs.setdefault("Content-Type", "application/json")
        ext: dict[str, Any] = {}
        if timeout is not None:
            to = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
            ext["timeout"] = to.as_dict()
        return self.http.build_request(
            method,
            self.url(path),
            params=clean_query(query),
            headers=hdrs,
            extensions=ext or None,
            **kwargs,
        )

    # --- sending ------------------------------------------------------------------------
    async def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Query | None = None,
        files: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
    ) -> httpx.Response:
        """Send with retries; return a successful response or raise a typed error.

        With ``stream=True`` the body is left unread (the caller must close the response).
        """
        method = method.upper()
        extra = dict(headers or {})
        if method != "GET" and not any(k.lower() == "idempotency-key" for k in extra):
            extra["Idempotency-Key"] = f"respnb-{uuid.uuid4()}"
        policy = self.retry
        if max_retries is not None:
            policy = RetryPolicy(max_retries=max_retries, sleep=self.sleep)
        retries = 0
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + RETRY_WINDOW * _seconds(timeout, self.timeout)
        while True:
            request = self.build_request(
                method,
                path,
                body=body,
                query=query,
                files=files,
                data=data,
                headers=extra,
                timeout=timeout,
            )
            if retries:
                request.headers["x-respnb-retry-count"] = str(retries)
            try:
                response = await self.http.send(request, stream=stream)
            except httpx.TimeoutException as exc:
                if policy.can_retry_error(retries) and loop.time() < deadline:
                    await self._wait(policy, retries, None, f"timeout on {method} {path}")
                    retries += 1
                    continue
                waited = loop.time() - started
                raise APITimeoutError(
                    f"Request timed out: {method} {strip_userinfo(str(request.url))} gave no "
                    f"answer ({type(exc).__name__}) in {waited:.0f}s over {retries + 1} "
                    f"attempt(s). Raise timeout=... if the service is just slow.",
                    request=request,
                ) from exc
            except httpx.TransportError as exc:
                if policy.can_retry_error(retries) and loop.time() < deadline:
                    await self._wait(policy, retries, None, f"{type(exc).__name__} on {path}")
                    retries += 1
                    continue
                url = strip_userinfo(str(request.url))
                raise APIConnectionError(
                    redact_text(f"Connection error: {type(exc).__name__}: {exc} ({method} {url})"),
                    request=request,
                ) from exc
            if response.status_code < 400:
                return response
            if policy.should_retry(response, retries):
                await response.aclose()
                await self._wait(policy, retries, response, f"{response.status_code} on {path}")
                retries += 1
                continue
            try:
                await response.aread()
            finally:
                await response.aclose()
            raise make_status_error(
                response, redact=self.secrets(extra), streaming=stream
            ) from None

    async def _wait(
        self, policy: RetryPolicy, retries: int, response: httpx.Response | None, why: str
    ) -> None:
        delay = policy.delay(retries, response)
        log.info("retrying (%d/%d) in %.2fs after %s", retries + 1, policy.max_retries, delay, why)
        await policy.sleep(delay)

    async def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        """:meth:`request`, then the decoded JSON body (``None`` when empty)."""
        response = await self.request(method, path, **kwargs)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            text = response.text
            ctype = response.headers.get("content-type", "no content-type")
            raise APIResponseValidationError(
                f"{method} {response.request.url} answered {response.status_code} with a body "
                f"that is not JSON ({ctype}): {text[:200]!r}. Is base_url pointing at a "
                "Responses API service?",
                request=response.request,
                body=text,
            ) from None

    @staticmethod
    def parse(model: type[M], data: Any, *, what: str, required: tuple[str, ...] = ("id",)) -> M:
        """Validate a decoded 2xx body as ``model``; anything else is an
        :class:`APIResponseValidationError` that names what was expected and shows the body."""
        if not isinstance(data, dict):
            raise APIResponseValidationError(
                f"expected a JSON object ({what}) from the service, got "
                f"{type(data).__name__}: {str(data)[:200]!r}",
                body=data,
            )
        missing = [key for key in required if key not in data]
        if missing:
            raise APIResponseValidationError(
                f"the service's answer is not a {what}: it has no {', '.join(missing)} "
                f"(got {str(data)[:200]!r})",
                body=data,
            )
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise APIResponseValidationError(
                f"the service's answer is not a valid {what}: {exc}", body=data
            ) from None

    async def close(self) -> None:
        """Close the connection pool (if this client created it)."""
        if self._owns_http:
            await self.http.aclose()
