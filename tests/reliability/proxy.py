"""An independent HTTP/1.1 fault proxy on loopback, between respnb's client and a server.

It is written on raw asyncio streams (no respnb code) and runs its own event loop in a daemon
thread, so sync and async tests can use it alike. Every request that reaches it is recorded
in :attr:`FaultProxy.seen`. A test installs :attr:`FaultProxy.rule`, called with each
request, which returns what to do:

* ``None`` or :class:`Forward` ``()`` — pass the request to the upstream server and the
  answer back (re-encoded as chunked, so a cut is visible as an incomplete body);
* :class:`Forward` ``(cut_at=N)`` — pass the first ``N`` body bytes of the answer, then hang up
  (upstream and downstream), as a network failure in the middle of a stream would;
* :class:`Forward` ``(drop_answer=True)`` — let the server handle the request fully, then hang
  up without answering (the client cannot know whether it was done); ``then_reply=Reply(...)``
  sends that answer instead of the server's;
* :class:`Reply` — answer by itself (e.g. ``429`` with ``Retry-After``) without forwarding.

The answer bytes forwarded for each request are kept in :attr:`Seen.answer`.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

import httpx

__all__ = ["FaultProxy", "Forward", "Reply", "Rule", "Seen"]

_HOP = frozenset(
    {"host", "connection", "keep-alive", "transfer-encoding", "content-length", "upgrade"}
)


@dataclass
class Seen:
    """One request that reached the proxy (header names lower-cased)."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None
    answer: bytearray = field(default_factory=bytearray)
    """The answer body bytes passed to the client (after any cut)."""
    complete: bool = False
    """The whole upstream answer was passed on (no cut): :attr:`answer` is final."""

    @property
    def path(self) -> str:
        """The target without its query string."""
        return self.target.split("?", 1)[0]


@dataclass(frozen=True)
class Forward:
    """Forward the request; optionally cut the answer body or drop the answer."""

    cut_at: int | None = None
    drop_answer: bool = False
    then_reply: Reply | None = None
    """Let the server answer, then send this instead (a gateway error after the work)."""
    pieces: tuple[int, ...] = ()
    """Re-chunk the answer body into pieces of these sizes (cycled), each its own write."""


@dataclass(frozen=True)
class Reply:
    """Answer without forwarding."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


Rule = Callable[[Seen], "Forward | Reply | None"]

_REASONS = {200: "OK", 400: "Bad Request", 429: "Too Many Requests", 500: "Internal Server Error"}


class FaultProxy:
    """The proxy; use as a context manager. ``base_url`` ends with ``/v1``."""

    def __init__(self, upstream_origin: str) -> None:
        self.upstream = upstream_origin.rstrip("/")
        self.rule: Rule | None = None
        self.seen: list[Seen] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._http: httpx.AsyncClient | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    # --- lifecycle ----------------------------------------------------------------------
    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    def start(self) -> FaultProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _start(self) -> None:
        self._http = httpx.AsyncClient(timeout=60)
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _stop(self) -> None:
        assert self._server is not None and self._http is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if tasks:
            await asyncio.wait(tasks, timeout=5)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._server.wait_closed()
        await self._http.aclose()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def reset(self, rule: Rule | None = None) -> None:
        """Forget what was seen and install ``rule``."""
        self.seen = []
        self.rule = rule

    def requests(self, method: str, path_suffix: str) -> list[Seen]:
        """The requests seen with this method whose path ends with ``path_suffix``."""
        return [s for s in self.seen if s.method == method and s.path.endswith(path_suffix)]

    # --- serving --------------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                seen = await _read_request(reader)
                if seen is None:
                    return
                self.seen.append(seen)
                action = self.rule(seen) if self.rule is not None else None
                if isinstance(action, Reply):
                    await _write_reply(writer, seen, action)
                    continue
                if not await self._forward(seen, action or Forward(), writer):
                    return
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            return
        except asyncio.CancelledError:  # the proxy stops: end quietly
            return
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await writer.wait_closed()

    async def _forward(self, seen: Seen, action: Forward, writer: asyncio.StreamWriter) -> bool:
        """Forward one request; False when the client connection must be closed."""
        assert self._http is not None
        headers = [(k, v) for k, v in seen.headers.items() if k not in _HOP]
        request = self._http.build_request(
            seen.method, self.upstream + seen.target, headers=headers, content=seen.body
        )
        response = await self._http.send(request, stream=True)
        try:
            seen.status = response.status_code
            if action.drop_answer:
                await response.aread()
                return False
            if action.then_reply is not None:
                await response.aread()
                await _write_reply(writer, seen, action.then_reply)
                return True
            head = [f"HTTP/1.1 {response.status_code} {response.reason_phrase}"]
            head += [f"{k}: {v}" for k, v in response.headers.items() if k.lower() not in _HOP]
            head.append("transfer-encoding: chunked")
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
            async for raw in response.aiter_raw():
                for chunk in _split(raw, action.pieces, len(seen.answer)):
                    if not await self._send(writer, seen, action, chunk):
                        return False
            writer.write(b"0\r\n\r\n")
            seen.complete = True
            await writer.drain()
            return True
        finally:
            await response.aclose()

    async def _send(
        self, writer: asyncio.StreamWriter, seen: Seen, action: Forward, chunk: bytes
    ) -> bool:
        """Pass one piece of the body (False once the cut is reached)."""
        if action.cut_at is not None and len(seen.answer) + len(chunk) >= action.cut_at:
            part = chunk[: action.cut_at - len(seen.answer)]
            if part:
                _write_chunk(writer, part)
                seen.answer += part
            await writer.drain()
            return False
        _write_chunk(writer, chunk)
        seen.answer += chunk
        await writer.drain()
        return True


def _split(data: bytes, sizes: tuple[int, ...], offset: int) -> list[bytes]:
    """``data`` cut into pieces of ``sizes`` (cycled from the body ``offset``)."""
    if not sizes:
        return [data]
    out: list[bytes] = []
    i, k = 0, offset
    while i < len(data):
        size = max(1, sizes[k % len(sizes)])
        out.append(data[i : i + size])
        i += size
        k += 1
    return out


def _write_chunk(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(b"%x\r\n%s\r\n" % (len(data), data))


async def _read_request(reader: asyncio.StreamReader) -> Seen | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
        return Seen(method, target, headers, bytes(body))
    length = int(headers.get("content-length") or 0)
    body_bytes = await reader.readexactly(length) if length else b""
    return Seen(method, target, headers, body_bytes)


async def _write_reply(writer: asyncio.StreamWriter, seen: Seen, reply: Reply) -> None:
    seen.status = reply.status
    seen.answer += reply.body
    reason = _REASONS.get(reply.status, "Error")
    head = [f"HTTP/1.1 {reply.status} {reason}", f"content-length: {len(reply.body)}"]
    names = {k.lower() for k, _ in reply.headers}
    if "content-type" not in names:
        head.append("content-type: application/json")
    head += [f"{k}: {v}" for k, v in reply.headers]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + reply.body)
    await writer.drain()
