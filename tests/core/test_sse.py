"""SSEDecoder / encode_sse: the WHATWG rules, chunk boundaries anywhere, and EOF handling."""

from __future__ import annotations

import json

import pytest

from respnb._sse import (
    ServerSentEvent,
    SSEDecoder,
    aiter_sse,
    encode_sse,
    is_done,
    iter_sse,
)

from .streams import StreamBuilder, chunked, words


def decode(data: bytes, *, strict: bool = False) -> list[ServerSentEvent]:
    d = SSEDecoder(dispatch_at_eof=not strict)
    return [*d.feed(data), *d.flush()]


def ev(data: str, event: str | None = None, id: str | None = None, retry: int | None = None):
    return ServerSentEvent(data, event, id, retry)


def test_event_and_data_pair() -> None:
    assert decode(b"event: response.created\ndata: {}\n\n") == [ev("{}", "response.created")]


def test_stream_without_event_lines() -> None:
    assert decode(b"data: 1\n\ndata: 2\n\n") == [ev("1"), ev("2")]


def test_multiline_data_joined_with_lf() -> None:
    assert decode(b"data: a\ndata: b\ndata:\ndata: c\n\n") == [ev("a\nb\n\nc")]


def test_comments_ignored() -> None:
    assert decode(b": keep-alive\n\n:another\ndata: x\n: mid\n\n") == [ev("x")]


@pytest.mark.parametrize("eol", [b"\n", b"\r", b"\r\n"])
def test_line_ends(eol: bytes) -> None:
    data = b"event: e" + eol + b"data: x" + eol + eol + b"data: y" + eol + eol
    assert decode(data) == [ev("x", "e"), ev("y")]


def test_cr_then_lf_across_chunks_is_one_line_end() -> None:
    d = SSEDecoder()
    out = d.feed(b"data: x\r")
    out += d.feed(b"\ndata: y\r")
    out += d.feed(b"\n\r")
    out += d.feed(b"\n")
    # "x" and "y" are two data lines of one event: CRLF split across chunks is one line end.
    assert out == [ev("x\ny")]
    assert d.flush() == []


def test_cr_alone_at_chunk_end_then_text() -> None:
    d = SSEDecoder()
    assert d.feed(b"data: x\r") == []
    assert d.feed(b"\rdata: y\r\r") == [ev("x"), ev("y")]


def test_bom_stripped_only_at_start() -> None:
    assert decode(b"\xef\xbb\xbfdata: x\n\n") == [ev("x")]
    # a BOM later is data, not stripped
    assert decode(b"data: x\n\n\xef\xbb\xbfdata: y\n\n") == [ev("x")]


def test_bom_split_across_chunks() -> None:
    d = SSEDecoder()
    assert d.feed(b"\xef") == []
    assert d.feed(b"\xbb") == []
    assert d.feed(b"\xbfdata: \xc3") == []
    assert d.feed(b"\xa9\n\n") == [ev("é")]


def test_multibyte_char_split_between_chunks() -> None:
    raw = "data: 世界🙂\n\n".encode()
    for cut in range(1, len(raw)):
        d = SSEDecoder()
        assert [*d.feed(raw[:cut]), *d.feed(raw[cut:])] == [ev("世界🙂")]


def test_invalid_utf8_replaced() -> None:
    assert decode(b"data: a\xffb\n\n") == [ev("a\ufffdb")]


def test_field_without_colon_and_space_rules() -> None:
    # "data" alone is an empty data line; only one leading space is removed.
    assert decode(b"data\ndata:  two\n\n") == [ev("\n two")]
    assert decode(b"event\ndata:x\n\n") == [ev("x")]


def test_unknown_fields_ignored() -> None:
    assert decode(b"foo: bar\nDATA: no\ndata: yes\n\n") == [ev("yes")]


def test_retry_only_digits() -> None:
    d = SSEDecoder()
    out = d.feed(b"retry: 1500\ndata: a\n\nretry: 1x\ndata: b\n\nretry: \xc2\xb2\ndata: c\n\n")
    assert out == [ev("a", retry=1500), ev("b"), ev("c")]
    assert d.retry == 1500


def test_id_persists_and_nul_ignored() -> None:
    out = decode(b"id: 7\ndata: a\n\ndata: b\n\nid: x\x00y\ndata: c\n\nid\ndata: d\n\n")
    assert [e.id for e in out] == ["7", "7", "7", ""]


def test_block_without_data_not_dispatched() -> None:
    d = SSEDecoder()
    assert d.feed(b"event: ping\n\nid: 3\n\ndata: z\n\n") == [ev("z", id="3")]
    assert d.last_event_id == "3"


def test_event_type_reset_after_dispatch() -> None:
    assert decode(b"event: a\ndata: 1\n\ndata: 2\n\n") == [ev("1", "a"), ev("2")]


def test_done_sentinel() -> None:
    out = decode(b"data: {}\n\ndata: [DONE]\n\n")
    assert [is_done(e) for e in out] == [False, True]


def test_bare_eof_is_lenient_by_default() -> None:
    assert decode(b"data: a\n\ndata: b\n") == [ev("a"), ev("b")]
    assert decode(b"data: a\n\ndata: b") == [ev("a"), ev("b")]


def test_bare_eof_strict_discards_incomplete_event() -> None:
    assert decode(b"data: a\n\ndata: b\n", strict=True) == [ev("a")]


def test_flush_resets_for_reuse() -> None:
    d = SSEDecoder()
    d.feed(b"event: x\ndata: partial")
    d.flush()
    assert d.feed(b"data: fresh\n\n") == [ev("fresh")]


def test_encode_sse_roundtrip() -> None:
    blob = encode_sse("response.created", '{"a":1}', id="9")
    assert blob == b'event: response.created\nid: 9\ndata: {"a":1}\n\n'
    assert decode(blob) == [ev('{"a":1}', "response.created", "9")]
    assert decode(encode_sse(None, "a\r\nb\nc")) == [ev("a\nb\nc")]
    assert decode(encode_sse(None, b"[DONE]")) == [ev("[DONE]")]


def test_encode_sse_rejects_multiline_names() -> None:
    with pytest.raises(ValueError, match="single line"):
        encode_sse("a\nb", "{}")
    with pytest.raises(ValueError, match="single line"):
        encode_sse("a", "{}", id="1\r2")


def _mixed_stream() -> bytes:
    b = StreamBuilder().created().reasoning([words(3)]).message(words(6)).completed()
    body = b.sse()
    # add the odd bits a real stream can carry: comments, CRLF, id, retry, a BOM, [DONE]
    extra = b': ping\r\nid: 42\r\nretry: 10\r\ndata: {"type":"x"}\r\ndata: 2\r\n\r\n'
    cut = body.index(b"\n\n", 200) + 2  # an event boundary
    return b"\xef\xbb\xbf" + body[:cut] + extra + body[cut:] + b"data: [DONE]\n\n"


def test_every_split_offset_gives_the_same_events() -> None:
    raw = _mixed_stream()
    whole = decode(raw)
    assert len(whole) > 10
    assert any(e.id == "42" for e in whole)
    for cut in range(len(raw) + 1):
        d = SSEDecoder()
        assert [*d.feed(raw[:cut]), *d.feed(raw[cut:]), *d.flush()] == whole, cut


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 4096])
def test_fixed_chunk_sizes_give_the_same_events(size: int) -> None:
    raw = _mixed_stream().replace(b"\n", b"\r\n")
    expected = decode(raw)
    assert list(iter_sse(chunked(raw, size))) == expected
    assert json.loads(expected[0].data)["type"] == "response.created"


async def test_aiter_sse() -> None:
    async def gen():
        for chunk in chunked(b"data: a\n\ndata: b", 3):
            yield chunk

    assert [e async for e in aiter_sse(gen())] == [ev("a"), ev("b")]


def test_repr_and_equality() -> None:
    e = ev("x", "t", "1", 5)
    assert "event='t'" in repr(e)
    assert e != ev("x", "t", "1", None)
    assert e != "x"


def reference_decode(data: bytes) -> list[ServerSentEvent]:
    """A direct, slow transcription of the WHATWG algorithm (plus the lenient EOF)."""
    text = data.decode("utf-8", "replace")
    text = text.removeprefix("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[ServerSentEvent] = []
    event, buf, last_id, retry, seen_data = "", "", None, None, False
    for line in [*lines, ""]:
        if line == "":
            if seen_data:
                out.append(ServerSentEvent(buf.removesuffix("\n"), event or None, last_id, retry))
            event, buf, retry, seen_data = "", "", None, False
            continue
        if line.startswith(":"):
            continue
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "event":
            event = value
        elif name == "data":
            buf += value + "\n"
            seen_data = True
        elif name == "id" and "\0" not in value:
            last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            retry = int(value)
    return out


TRICKY = [
    b"event: \ndata: x\n\n",
    b"event: a\ndata: x\ndata: y\n\n",
    b"event: a\nid: 1\ndata: x\n\ndata: z\n\n",
    b"data: x\nevent: a\n\nevent: b\n\ndata: after\n\n",
    b"event: a\n\n\n\ndata: x\n\n\n",
    b"event:a\ndata:x\n\nevent:  b\ndata:  y\n\n",
    b"data: x\r\n\r\nevent: e\r\ndata: y\r\n\r\n",
    b'\n\n\ndata: lone\n\nevent: t\ndata: {"k": "v\\nw"}\n\n',
    b"retry: 5\nevent: a\ndata: 1\n\nevent: b\ndata: 2\n\n",
    b"event: a\ndata: 1\n: comment\n\nevent: b\n: c\ndata: 2\n\n",
    b"data: no blank line at the end",
]


@pytest.mark.parametrize("raw", TRICKY)
def test_matches_reference_decoder_whole_and_bytewise(raw: bytes) -> None:
    expected = reference_decode(raw)
    assert expected, raw
    assert decode(raw) == expected
    assert list(iter_sse(chunked(raw, 1))) == expected
    assert list(iter_sse(chunked(raw, 5))) == expected


def test_reference_agrees_on_a_generated_stream() -> None:
    raw = _mixed_stream()
    assert decode(raw) == reference_decode(raw)
