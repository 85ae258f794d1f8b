"""``respnb.last`` and what ``--continue`` chains onto."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

import respnb
from respnb._session import RespondResult, Session, session
from respnb.types import Response


def _resp(rid: str, text: str = "", store: bool | None = None) -> Response:
    msg = {
        "type": "message",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text}],
    }
    return Response.model_validate(
        {"id": rid, "status": "completed", "store": store, "output": [msg], "provider": "p"}
    )


def test_wrap_keeps_every_field() -> None:
    r = _resp("r1", '{"a": 1}')
    w = RespondResult.wrap(r, notice="n")
    assert w.id == "r1" and w.output_text == '{"a": 1}' and w.get("provider") == "p"
    assert w.rounds == [r] and w.notice == "n" and not w.interrupted
    assert w.to_dict() == r.to_dict()


def test_parse_with() -> None:
    class A(BaseModel):
        a: int

    w = RespondResult.wrap(_resp("r1", '{"a": 1}'))
    assert w.parse_with(A) == A(a=1) and w.parsed == A(a=1) and w.parse_error is None
    bad = RespondResult.wrap(_resp("r2", "not json"))
    assert bad.parse_with(A) is None
    assert bad.parse_error is not None and "does not fit A" in bad.parse_error


def test_previous_ids_per_profile() -> None:
    s = Session()
    with pytest.raises(LookupError, match="no previous response of profile 'x'"):
        s.previous_id("x")
    s.record("x", RespondResult.wrap(_resp("r1")))
    s.record("y", RespondResult.wrap(_resp("r2")))
    assert s.previous_id("x") == "r1" and s.previous_id("y") == "r2"
    s.record("x", RespondResult.wrap(_resp("r3", store=False)))
    with pytest.raises(LookupError, match="not stored"):
        s.previous_id("x")
    assert s.last is not None and s.last.id == "r3"


def test_module_accessors() -> None:
    class A(BaseModel):
        a: int

    session.reset()
    assert respnb.last is None and respnb.last_parsed is None
    w = RespondResult.wrap(_resp("r1", '{"a": 2}'))
    w.parse_with(A)
    session.record("local", w)
    try:
        assert respnb.last is w and respnb.last_parsed == A(a=2)
    finally:
        session.reset()
    with pytest.raises(AttributeError):
        _ = respnb.no_such_thing  # type: ignore[attr-defined]


def test_parse_with_null_defaults() -> None:
    class Item(BaseModel):
        name: str
        qty: int = 1

    class Order(BaseModel):
        items: list[Item]
        note: str = "none"

    w = RespondResult.wrap(_resp("r", '{"items": [{"name": "a", "qty": null}], "note": null}'))
    assert w.parse_with(Order) == Order(items=[Item(name="a")])
