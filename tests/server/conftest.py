"""Fixtures of the server tests: real servers on loopback and official-SDK clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai import OpenAI

from respnb.server.launch import RunningServer, serve_in_thread
from respnb.types import ANY_EVENT_TYPES, GenericEvent, Response, StreamEvent, parse_event

SECRET = "sk-test-secret-4242"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """openai dialect, faults on, full speed."""
    db = tmp_path_factory.mktemp("srv") / "server.sqlite3"
    with serve_in_thread(db_path=db, faults=True) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server: RunningServer) -> Iterator[OpenAI]:
    with OpenAI(base_url=server.base_url, api_key="unused", max_retries=0) as c:
        yield c


@pytest.fixture
def http(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=30) as c:
        yield c


def start(tmp: Path, **kwargs: Any) -> RunningServer:
    return serve_in_thread(db_path=tmp / "server.sqlite3", **kwargs)


def check_response(data: dict[str, Any]) -> Response:
    """Validate a response JSON with respnb.types (every output item typed, none generic)."""
    resp = Response.model_validate(data)
    assert resp.id and resp.object == "response"
    for item in resp.output:
        assert type(item).__name__ != "GenericItem" or item.type not in (
            "message",
            "function_call",
            "reasoning",
        ), item
    return resp


def check_event(data: dict[str, Any] | str) -> StreamEvent:
    """Parse an event with respnb.types; a type respnb models must not fall back to generic."""
    event = parse_event(data)
    assert event.sequence_number is not None
    if event.type in ANY_EVENT_TYPES:
        assert not isinstance(event, GenericEvent), event
    return event
