"""Fixtures of the upstream bridge tests: a Chat Completions server on loopback and the local
server fronting it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from openai import OpenAI

from respnb.server.launch import RunningServer, serve_in_thread
from respnb.server.upstream import UpstreamConfig

from .chatserver import ChatServer


@pytest.fixture(scope="module")
def chat() -> Iterator[ChatServer]:
    with ChatServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def bridged(chat: ChatServer) -> Iterator[RunningServer]:
    config = UpstreamConfig(chat.url, api_key="up-key-123", model="tiny-model")
    with serve_in_thread(upstream=config) as srv:
        yield srv


@pytest.fixture(scope="module")
def sdk(bridged: RunningServer) -> Iterator[OpenAI]:
    with OpenAI(base_url=bridged.base_url, api_key="x", max_retries=0) as c:
        yield c
