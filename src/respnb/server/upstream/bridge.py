"""The upstream producer: a run's output written by a Chat Completions model.

:class:`Upstream` plugs into :class:`respnb.server.runs.Run` in place of the demo engine, so
everything the server does around a run (store, ``previous_response_id``, conversations,
background runs, replay and resume, cancel, input items, webhooks) works unchanged. For each
run it does ``file_search`` locally first (the same BM25 search and events as the demo
engine), then POSTs the request mapped by :mod:`.messages` with ``stream: true`` and
re-emits the chunks through :class:`.translate.Translator`. Cancelling the run cancels the
task reading the upstream stream, which closes the upstream connection. A server that refuses
an optional field by name (``stream_options``, ``parallel_tool_calls``, ``reasoning_effort``,
``top_logprobs``: 400 or 422 naming it) is asked again without it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

from ..._sse import SSEDecoder
from ..engine import EngineRequest, count_tokens, input_tokens_for
from ..engine.hosted import Findings, file_search
from ..engine.stream import Emitter
from ..errors import bad_request
from .config import UpstreamConfig
from .messages import chat_request
from .translate import Translator

__all__ = ["Upstream", "UpstreamError"]

_TOOLS = ("function", "file_search")
_OPTIONAL = ("stream_options", "parallel_tool_calls", "reasoning_effort", "top_logprobs")
"""Fields sent only to ask for more; a server that refuses one by name gets the request again
without it."""


class UpstreamError(RuntimeError):
    """The upstream endpoint answered with an error or something that is not a completion."""


def _passages(found: Findings) -> str | None:
    if not found.file_hits:
        return None
    lines = ["Passages found by searching the user's files (answer from them):", ""]
    for hit in found.file_hits[:5]:
        lines += [f"[{hit['filename']}]", hit["text"].strip(), ""]
    return "\n".join(lines)


class Upstream:
    """Writes run output with an upstream Chat Completions endpoint."""

    def __init__(self, config: UpstreamConfig) -> None:
        self.config = config
        self._client: httpx.AsyncClient | None = None
        self._usage: dict[int, dict[str, Any] | None] = {}

    def __repr__(self) -> str:
        return f"Upstream({self.config.endpoint!r}, model={self.config.model!r})"

    def check(self, body: dict[str, Any]) -> None:
        """400 for what the upstream cannot do (hosted tools other than file_search)."""
        for i, tool in enumerate(body.get("tools") or []):
            kind = tool.get("type") if isinstance(tool, dict) else None
            if kind not in _TOOLS:
                raise bad_request(
                    f"Tool type '{kind}' is not available with an upstream Chat Completions "
                    "model (respnb serve --upstream): only 'function' tools (run by the model) "
                    "and 'file_search' (run by this server) are.",
                    f"tools[{i}].type",
                    code="unsupported_parameter",
                )

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.config.timeout, connect=10.0)
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _model(self, req: EngineRequest) -> str:
        return self.config.model or str(req.body.get("model") or "")

    async def events(
        self, request: EngineRequest, new_id: Callable[[str], str]
    ) -> AsyncIterator[dict[str, Any]]:
        em = Emitter(new_id, None)
        found = Findings()
        for tool in request.body.get("tools") or []:
            if tool.get("type") == "file_search":
                for event in file_search(em, request, tool, found):
                    yield event
        translator = Translator(new_id, em.index)
        body = chat_request(request, self._model(request), _passages(found))
        headers = {"accept": "text/event-stream"}
        if self.config.api_key:
            headers["authorization"] = f"Bearer {self.config.api_key}"
        for attempt in range(len(_OPTIONAL) + 1):
            async with self._http().stream(
                "POST", self.config.endpoint, json=body, headers=headers
            ) as resp:
                if resp.status_code >= 400:
                    raw = (await resp.aread()).decode("utf-8", "replace")
                    dropped = _without_refused(body, resp.status_code, raw)
                    if dropped is not None and attempt < len(_OPTIONAL):
                        body = dropped  # an optional field this server does not know: retry
                        continue
                    raise UpstreamError(
                        f"{self.config.endpoint} answered {resp.status_code}: {raw[:500]}"
                    )
                if "text/event-stream" in resp.headers.get("content-type", ""):
                    decoder = SSEDecoder()
                    async for data in resp.aiter_bytes():
                        for sse in decoder.feed(data):
                            if sse.data.strip() == "[DONE]":
                                continue
                            for event in translator.feed(_chunk(sse.data)):
                                yield event
                else:
                    for event in translator.feed(_chunk((await resp.aread()).decode())):
                        yield event
                break
        citations = [
            {"type": "file_citation", "file_id": h["file_id"], "filename": h["filename"]}
            for h in {h["file_id"]: h for h in found.file_hits[:3]}.values()
        ]
        for event in translator.finish(citations):
            yield event
        self._usage[id(request)] = translator.usage

    def usage(self, request: EngineRequest, items: list[dict[str, Any]]) -> dict[str, Any]:
        got = self._usage.pop(id(request), None)
        if got:
            inp = int(got.get("prompt_tokens") or 0)
            out = int(got.get("completion_tokens") or 0)
            cached = (got.get("prompt_tokens_details") or {}).get("cached_tokens") or 0
            reasoning = (got.get("completion_tokens_details") or {}).get("reasoning_tokens") or 0
            total = int(got.get("total_tokens") or inp + out)
        else:  # the upstream sent no usage: count with the engine's tokenizer
            inp = input_tokens_for(request)
            reasoning = sum(
                count_tokens(str(c.get("text") or ""))
                for i in items
                if i.get("type") == "reasoning"
                for c in i.get("content") or []
            )
            out = (
                reasoning
                + sum(count_tokens(str(p.get("text") or "")) for i in items for p in _parts(i))
                + sum(count_tokens(str(i.get("arguments") or "")) for i in items)
            )
            cached, total = 0, inp + out
        return {
            "input_tokens": inp,
            "input_tokens_details": {"cached_tokens": int(cached)},
            "output_tokens": out,
            "output_tokens_details": {"reasoning_tokens": int(reasoning)},
            "total_tokens": total,
        }


def _without_refused(body: dict[str, Any], status: int, raw: str) -> dict[str, Any] | None:
    """``body`` without the optional field a 400/422 answer names, or None."""
    if status not in (400, 422):
        return None
    for key in _OPTIONAL:
        if key in body and key in raw:
            return {k: v for k, v in body.items() if k != key}
    return None


def _parts(item: dict[str, Any]) -> list[dict[str, Any]]:
    if item.get("type") != "message":
        return []
    return [p for p in item.get("content") or [] if isinstance(p, dict)]


def _chunk(raw: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        raise UpstreamError(
            f"the upstream sent something that is not JSON: {raw[:200]!r}"
        ) from None
    if not isinstance(data, dict):
        raise UpstreamError(f"the upstream sent {type(data).__name__}, not a chunk object")
    if isinstance(data.get("error"), (dict, str)):
        raise UpstreamError(f"the upstream reported an error: {json.dumps(data['error'])[:500]}")
    return data
