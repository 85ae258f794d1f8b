"""``AsyncClient``: one profile, one ``httpx.AsyncClient``, five resources.

::

    async with respnb.AsyncClient("openai") as client:
        r = await client.responses.create(model="gpt-4.1-mini", input="hi")
        async with client.responses.stream(model="gpt-4.1-mini", input="hi") as s:
            async for event in s: ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from ._base_client import AsyncAPIClient
from ._probe import ProbeReport, probe
from ._profile_config import resolve_profile
from ._profiles import Profile
from ._retry import Sleep
from .resources import (
    AsyncConversations,
    AsyncFiles,
    AsyncResponses,
    AsyncTasks,
    AsyncVectorStores,
)
from .resources._batches import AsyncBatches
from .resources._webhooks import Webhooks

__all__ = ["AsyncClient"]


class AsyncClient:
    """An async client of a Responses API service.

    ``profile`` is a built-in name (``openai``, ``manus``, ``maniac``, ``compatible``,
    ``local``), a name declared in ``<home>/profiles.toml``, a :class:`Profile`, or None for
    the default (``$RESPNB_PROFILE``, config ``default``, ``openai`` if ``$OPENAI_API_KEY``,
    else ``local``); a preset name (``litellm``, ``vllm``, ``ollama``, ``llamacpp``,
    ``llamastack``) is the ``compatible`` profile with that preset. ``preset=`` (or
    ``$RESPNB_PRESET``) applies a preset's capabilities (docs/providers.md).
    ``base_url``/``api_key`` override the profile's. ``transport`` replaces the network layer
    (``httpx.MockTransport`` in tests); ``sleep`` replaces ``asyncio.sleep`` for retry and
    polling waits. ``capabilities`` overrides the profile's capability flags.
    """

    def __init__(
        self,
        profile: str | Profile | None = None,
        *,
        preset: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | httpx.Timeout = 60.0,
        max_retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        capabilities: Mapping[str, bool] | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        resolved = resolve_profile(profile, base_url=base_url, api_key=api_key, preset=preset)
        if capabilities:
            resolved = resolved.with_overrides(capabilities=dict(capabilities))
        resolved.require_api_key()
        self._api = AsyncAPIClient(
            resolved,
            timeout=timeout,
            max_retries=max_retries,
            transport=transport,
            default_headers=default_headers,
            http_client=http_client,
            sleep=sleep,
        )
        self.responses = AsyncResponses(self._api)
        self.conversations = AsyncConversations(self._api)
        self.files = AsyncFiles(self._api)
        self.tasks = AsyncTasks(self._api)
        self.vector_stores = AsyncVectorStores(self._api)
        self.batches = AsyncBatches(self._api)
        self.webhooks = Webhooks()

    @property
    def profile(self) -> Profile:
        """The profile this client talks to."""
        return self._api.profile

    @property
    def base_url(self) -> str:
        """The resolved base URL (for ``local`` this starts the local server)."""
        return self._api.base_url

    @property
    def max_retries(self) -> int:
        return self._api.retry.max_retries

    def __repr__(self) -> str:
        return f"<AsyncClient profile={self.profile.name!r} kind={self.profile.kind!r}>"

    async def probe(self, *, model: str | None = None) -> ProbeReport:
        """Find out with small safe requests what the server supports (whatever this
        profile's flags say): a :class:`~respnb._probe.ProbeReport` (``.table()``,
        ``.capabilities()``, ``.closest_preset()``). Creates and deletes a few responses."""
        return await probe(self._api, model=model)

    async def close(self) -> None:
        """Close the connection pool."""
        await self._api.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()
