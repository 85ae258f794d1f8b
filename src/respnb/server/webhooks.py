"""Standard Webhooks from the local server when a background response ends (protocol.md §6).

``respnb serve --webhook-url http://127.0.0.1:9000/hook --webhook-secret whsec_...`` makes the
server POST, for every background response that ends ``completed``, ``failed``,
``cancelled`` or ``incomplete``, the event ``{id:"evt_...", object:"event",
type:"response.<status>", created_at, data:{id:"resp_..."}}`` with the headers
``webhook-id`` (the same on every retry), ``webhook-timestamp`` and ``webhook-signature``
(``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`` keyed with the base64-decoded
secret after ``whsec_``; signed by :func:`respnb._signing.sign`).

The server is a local tool, so it only sends to loopback URLs (``127.0.0.0/8``, ``::1``,
``localhost``): :func:`check_webhook_url` refuses any other at startup. Deliveries run as
background tasks (a run never waits for one) and are retried a few times with backoff when the
receiver is unreachable or answers other than 2xx; then they are dropped with a warning.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import secrets
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from respnb._signing import sign

from .store import dumps

__all__ = ["EVENT_TYPES", "WebhookSender", "check_webhook_secret", "check_webhook_url"]

log = logging.getLogger("respnb.server.webhooks")

EVENT_TYPES = {
    "completed": "response.completed",
    "failed": "response.failed",
    "cancelled": "response.cancelled",
    "incomplete": "response.incomplete",
}
"""Final status of a background response -> the event type sent."""


def check_webhook_url(url: str) -> str:
    """``url`` if it is an http(s) URL on this machine; ValueError saying what to fix."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"--webhook-url must be an http(s) URL such as http://127.0.0.1:9000/webhook; "
            f"got {url!r}."
        )
    host = parts.hostname
    loopback = host == "localhost"
    with contextlib.suppress(ValueError):
        loopback = loopback or ipaddress.ip_address(host).is_loopback
    if not loopback:
        raise ValueError(
            f"--webhook-url must point at this machine (127.0.0.1, ::1 or localhost): the local "
            f"server is a local tool and only sends webhooks to loopback; got host {host!r}."
        )
    return url


def check_webhook_secret(secret: str) -> str:
    """``secret`` if it is ``whsec_<base64>`` (or bare base64); ValueError otherwise."""
    if not secret:
        raise ValueError("--webhook-secret is required with --webhook-url (as 'whsec_<base64>').")
    try:
        sign(secret, "check", 0, b"")
    except ValueError as exc:  # not base64, or too short to resist forgery
        raise ValueError(
            f"--webhook-secret must be 'whsec_' followed by base64 of at least 16 bytes ({exc}), "
            "e.g. whsec_" + "MDEyMzQ1Njc4OWFiY2RlZg==" + " (the receiver must use the same secret)."
        ) from None
    return secret


class WebhookSender:
    """Signs and delivers response events to one loopback URL, in the background."""

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        retries: int = 3,
        backoff: float = 0.5,
        timeout: float = 10.0,
    ) -> None:
        self.url = check_webhook_url(url)
        self._secret = check_webhook_secret(secret)
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self._tasks: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:
        return f"WebhookSender({self.url!r})"

    @staticmethod
    def event_for(resp: dict[str, Any]) -> dict[str, Any] | None:
        """The event for a finished response, or None if its status sends none."""
        kind = EVENT_TYPES.get(str(resp.get("status")))
        if kind is None:
            return None
        return {
            "id": "evt_" + secrets.token_hex(16),
            "object": "event",
            "type": kind,
            "created_at": int(resp.get("completed_at") or time.time()),
            "data": {"id": resp["id"]},
        }

    def response_finished(self, resp: dict[str, Any]) -> None:
        """Schedule the event of ``resp`` (never blocks, never raises)."""
        event = self.event_for(resp)
        if event is None:
            return
        task = asyncio.get_running_loop().create_task(
            self._deliver(event), name=f"respnb-webhook-{resp['id']}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, event: dict[str, Any]) -> None:
        if self._client is None:
            # trust_env=False: a proxy from the environment must never see loopback traffic.
            self._client = httpx.AsyncClient(timeout=self.timeout, trust_env=False)
        body = dumps(event).encode()
        msg_id = "wh_" + secrets.token_hex(16)
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
            ts = int(time.time())
            headers = {
                "content-type": "application/json",
                "user-agent": "respnb-webhooks",
                "webhook-id": msg_id,
                "webhook-timestamp": str(ts),
                "webhook-signature": sign(self._secret, msg_id, ts, body),
            }
            try:
                response = await self._client.post(self.url, content=body, headers=headers)
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}"
                continue
            if 200 <= response.status_code < 300:
                return
            problem = f"HTTP {response.status_code}"
        log.warning(
            "webhook %s (%s) not delivered to %s after %d attempts: %s",
            event["type"],
            event["data"]["id"],
            self.url,
            self.retries + 1,
            problem,
        )

    async def aclose(self, timeout: float = 3.0) -> None:
        """Give pending deliveries ``timeout`` seconds, cancel the rest, close the client."""
        pending = set(self._tasks)
        if pending:
            _, late = await asyncio.wait(pending, timeout=timeout)
            for task in late:
                task.cancel()
            if late:
                await asyncio.gather(*late, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None
