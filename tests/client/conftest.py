"""Fixtures of the client tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import respnb

from .support import BASE, SECRET, FakeSleep, Recorder


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def make_client(recorder: Recorder, fake_sleep: FakeSleep) -> Callable[..., respnb.AsyncClient]:
    def make(profile: Any = "openai", **kwargs: Any) -> respnb.AsyncClient:
        kwargs.setdefault("transport", recorder.transport)
        kwargs.setdefault("sleep", fake_sleep)
        if profile in ("openai", "manus", "maniac", "compatible"):
            kwargs.setdefault("api_key", SECRET)
            kwargs.setdefault("base_url", BASE)
        return respnb.AsyncClient(profile, **kwargs)

    return make
