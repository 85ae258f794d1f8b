"""Session-wide third-party peers: one aimock and one LiteLLM proxy for all of tests/peers/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.peers.launch import Peer, aimock, litellm_proxy


@pytest.fixture(scope="session")
def aimock_peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    with aimock(tmp_path_factory.mktemp("aimock")) as peer:
        yield peer


@pytest.fixture(scope="session")
def litellm_peer(tmp_path_factory: pytest.TempPathFactory, aimock_peer: Peer) -> Iterator[Peer]:
    with litellm_proxy(tmp_path_factory.mktemp("litellm"), aimock_peer) as peer:
        yield peer
