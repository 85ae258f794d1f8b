"""Server-sent events: a fast WHATWG decoder for the client and an encoder for the server.

:class:`SSEDecoder` turns arbitrary byte chunks into :class:`ServerSentEvent` objects following
the WHATWG "event stream interpretation" rules: ``event``/``data``/``id``/``retry`` fields,
multi-line data joined by ``"\\n"``, ``:`` comment lines, CR / LF / CRLF line ends (also a CR
at the end of one chunk followed by LF at the start of the next), chunk boundaries anywhere
(inside a multi-byte UTF-8 character too), a leading UTF-8 BOM, a field with no colon, one
space after the colon removed, unknown fields ignored and ``retry`` only when all ASCII digits.

Whole chunks are handled with ``bytes.find`` / ``str.split``; the per-line loop has a fast path
for the ``data: ``/``event: `` lines every Responses API stream is made of.

**End of stream.** WHATWG discards an event still pending at EOF (no closing blank line).
Gateways that close the connection right after the last ``data:`` line are common, and
protocol.md asks clients to tolerate a bare EOF, so :meth:`SSEDecoder.flush` is lenient by
default: an unterminated last line counts as a line and a pending event that has data is
dispatched. Pass ``dispatch_at_eof=False`` for the strict WHATWG behaviour.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

__all__ = [
    "DONE_DATA",
    "SSEDecoder",
    "ServerSentEvent",
    "aiter_sse",
    "encode_sse",
    "is_done",
    "iter_sse",
]

DONE_DATA = "[DONE]"
"""The ``data:`` payload some gateways send as an end-of-stream sentinel (OpenAI does not)."""

_BOM = b"\xef\xbb\xbf"


class ServerSentEvent:
    """One dispatched event: ``event`` type (``None`` when the stream sent no ``event:`` line),
    ``data`` (data lines joined by ``"\\n"``), the last event ``id`` seen so far in the stream,
    and the ``retry`` value given in this event's block, if any."""

    __slots__ = ("data", "event", "id", "retry")

    def __init__(
        self,
        data: str = "",
        event: str | None = None,
        id: str | None = None,
        retry: int | None = None,
    ) -> None:
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry

    def __repr__(self) -> str:
        return (
            f"ServerSentEvent(event={self.event!r}, data={self.data!r}, "
            f"id={self.id!r}, retry={self.retry!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return (self.event, self.data, self.id, self.retry) == (
            other.event,
            other.data,
            other.id,
            other.retry,
        )

    __hash__ = None  # type: ignore[assignment]


def is_done(sse: ServerSentEvent) -> bool:
    """True for the ``data: [DONE]`` sentinel that some gateways send at the end."""
    return sse.data.strip() == DONE_DATA


class SSEDecoder:
    """Incremental WHATWG event-stream decoder: ``feed(bytes)`` as bytes arrive, ``flush()`` at EOF.

    >>> d = SSEDecoder()
    >>> d.feed(b"event: response.created\\ndata: {}\\n\\n")
    [ServerSentEvent(event='response.created', data='{}', id=None, retry=None)]
    """

    __slots__ = (
        "_buf",
        "_data",
        "_dispatch_at_eof",
        "_event",
        "_last_id",
        "_pending_cr",
        "_retry",
        "_started",
        "retry",
    )

    def __init__(self, *, dispatch_at_eof: bool = True) -> None:
        self._buf = b""  # an unterminated line (no CR/LF in it)
        self._pending_cr = False  # the last chunk ended with CR: skip one LF at the next start
        self._started = False  # the BOM check is done
        self._event: str | None = None
        self._data: list[str] = []
        self._last_id: str | None = None
        self._retry: int | None = None
        self._dispatch_at_eof = dispatch_at_eof
        self.retry: int | None = None
        """The latest reconnection time (ms) the stream asked for, from any ``retry:`` line."""

    @property
    def last_event_id(self) -> str | None:
        """The last ``id:`` the stream sent (``None`` if it never sent one)."""
        return self._last_id

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode one chunk of bytes; return the events it completed (possibly none)."""
        if self._pending_cr:
            if not chunk:
                return []
            self._pending_cr = False
            if chunk[0] == 10:  # LF completing a CRLF split across chunks
                chunk = chunk[1:]
        if self._buf:
            chunk = self._buf + chunk
        if not self._started:
            if len(chunk) < 3 and _BOM.startswith(chunk):
                self._buf = chunk  # maybe a BOM cut short; wait for more bytes
                return []
            self._started = True
            if chunk.startswith(_BOM):
                chunk = chunk[3:]
        if b"\r" in chunk:
            if chunk.endswith(b"\r"):
                self._pending_cr = True
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        end = chunk.rfind(b"\n")
        if end < 0:
            self._buf = chunk
            return []
        self._buf = chunk[end + 1 :]
        return self._text(chunk[:end].decode("utf-8", "replace"))

    def _text(self, text: str) -> list[ServerSentEvent]:
        """Decode complete lines: ``text`` is lines joined by LF, its last terminator cut.

        Scans with ``str.find``; a block that is exactly ``event: X`` + ``data: Y`` (or a lone
        ``data: Y``) followed by a blank line is dispatched with two slices, anything else goes
        through the line-by-line :meth:`_lines`.
        """
        out: list[ServerSentEvent] = []
        n = len(text)
        pos = 0
        if self._data or self._event is not None or self._retry is not None:
            # An event is pending from the previous chunk: finish it line by line.
            if text.startswith("\n") or not text:
                blank = 0
            else:
                blank = text.find("\n\n")
                if blank < 0:
                    return self._lines(text.split("\n"))
                blank += 1
            lines = text[:blank].split("\n") if blank else []
            lines.append("")
            out = self._lines(lines)
            pos = blank + 1
        find, startswith, last_id = text.find, text.startswith, self._last_id
        while pos < n:
            if startswith("event: ", pos):
                nl = find("\n", pos)
                if nl > 0 and startswith("data: ", nl + 1):
                    end = find("\n", nl + 1)
                    if end > 0 and (end + 1 == n or text[end + 1] == "\n"):
                        out.append(
                            ServerSentEvent(text[nl + 7 : end], text[pos + 7 : nl] or None, last_id)
                        )
                        pos = end + 2
                        continue
            elif startswith("data: ", pos):
                end = find("\n", pos)
                if end > 0 and (end + 1 == n or text[end + 1] == "\n"):
                    out.append(ServerSentEvent(text[pos + 6 : end], None, last_id))
                    pos = end + 2
                    continue
            # Anything else: this block, line by line, up to its blank line.
            blank = find("\n\n", pos)
            if blank < 0:
                out += self._lines(text[pos:].split("\n"))
                break
            lines = text[pos:blank].split("\n")
            lines.append("")
            out += self._lines(lines)
            last_id = self._last_id
            pos = blank + 2
        return out

    def flush(self) -> list[ServerSentEvent]:
        """End of stream. Lenient by default (see the module docstring); resets the decoder."""
        out: list[ServerSentEvent] = []
        if self._dispatch_at_eof:
            tail = self._buf
            if not self._started and tail.startswith(_BOM[: len(tail)]):
                tail = b""
            lines = [tail.decode("utf-8", "replace")] if tail else []
            lines.append("")  # EOF ends the pending event
            out = self._lines(lines)
        self._buf = b""
        self._pending_cr = False
        self._started = False
        self._event = None
        self._data = []
        self._retry = None
        return out

    def _lines(self, lines: list[str]) -> list[ServerSentEvent]:
        out: list[ServerSentEvent] = []
        data = self._data
        for line in lines:
            if line.startswith("data: "):
                data.append(line[6:])
            elif line.startswith("event: "):
                self._event = line[7:]
            elif not line:
                if data:
                    out.append(
                        ServerSentEvent(
                            "\n".join(data), self._event or None, self._last_id, self._retry
                        )
                    )
                    data = self._data = []
                self._event = None
                self._retry = None
            else:
                self._field(line)
                data = self._data
        return out

    def _field(self, line: str) -> None:
        colon = line.find(":")
        if colon == 0:
            return  # a comment
        if colon < 0:
            name, value = line, ""
        else:
            name = line[:colon]
            value = line[colon + 1 :]
            if value[:1] == " ":
                value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = self.retry = int(value)
        # any other field is ignored


def iter_sse(chunks: Iterable[bytes], *, dispatch_at_eof: bool = True) -> Iterator[ServerSentEvent]:
    """Every event of a byte stream (e.g. ``httpx.Response.iter_bytes()``), flushing at the end."""
    decoder = SSEDecoder(dispatch_at_eof=dispatch_at_eof)
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.flush()


async def aiter_sse(
    chunks: AsyncIterable[bytes], *, dispatch_at_eof: bool = True
) -> AsyncIterator[ServerSentEvent]:
    """The async twin of :func:`iter_sse` (e.g. over ``httpx.Response.aiter_bytes()``)."""
    decoder = SSEDecoder(dispatch_at_eof=dispatch_at_eof)
    async for chunk in chunks:
        for sse in decoder.feed(chunk):
            yield sse
    for sse in decoder.flush():
        yield sse


def _single_line(name: str, value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError(f"SSE {name} must be a single line, got {value!r:.80}")
    return value


def encode_sse(
    event_type: str | None,
    data: str | bytes,
    id: str | None = None,
) -> bytes:
    """One SSE block in OpenAI wire style: ``event: X\\ndata: {json}\\n\\n``.

    Multi-line ``data`` becomes several ``data:`` lines (decoders join them back with ``"\\n"``).
    ``event_type`` and ``id`` must be single lines.
    """
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    if b"\n" in raw or b"\r" in raw:
        lines = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        body = b"".join(b"data: " + line + b"\n" for line in lines)
    else:
        body = b"data: " + raw + b"\n"
    head = b""
    if event_type is not None:
        head = b"event: " + _single_line("event type", event_type).encode("utf-8") + b"\n"
    if id is not None:
        head += b"id: " + _single_line("id", id).encode("utf-8") + b"\n"
    return head + body + b"\n"
