"""Hosted tools the engine runs itself: file_search, web_search, code_interpreter,
image_generation. Each producer streams its item's events and records what it found in a
:class:`Findings`, from which the final message is written (with citations).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .hints import Hints, keywords, words
from .png import png_base64
from .request import EngineFile, EngineRequest, prompt_of
from .search import DEFAULT_OVERLAP, DEFAULT_SIZE, chunk_text, rank
from .stream import Emitter, Event

__all__ = [
    "Findings",
    "code_interpreter",
    "file_search",
    "image_generation",
    "search_files",
    "web_search",
]


@dataclass
class Findings:
    """What the hosted tools of one response produced."""

    file_hits: list[dict[str, Any]] = field(default_factory=list)
    web_sources: list[dict[str, str]] = field(default_factory=list)
    code_runs: list[tuple[str, str]] = field(default_factory=list)
    mcp_results: list[dict[str, Any]] = field(default_factory=list)
    images: int = 0
    waiting_approval: bool = False

    def any(self) -> bool:
        """Whether any hosted tool ran."""
        return bool(
            self.file_hits or self.web_sources or self.code_runs or self.mcp_results or self.images
        )


# ---------------------------------------------------------------- file_search
def _chunks_of(f: EngineFile) -> list[str]:
    static = (f.chunking or {}).get("static") or {}
    size = static.get("max_chunk_size_tokens", DEFAULT_SIZE)
    overlap = static.get("chunk_overlap_tokens", DEFAULT_OVERLAP)
    return chunk_text(f.text, int(size), int(overlap))


def search_files(
    files: list[EngineFile], query: str, limit: int = 10, threshold: float = 0.0
) -> list[dict[str, Any]]:
    """BM25 search of the files' chunks; best first, scores in [0, 1) above ``threshold``."""
    chunks: list[tuple[EngineFile, str]] = [(f, c) for f in files for c in _chunks_of(f)]
    hits: list[dict[str, Any]] = []
    for ranked in rank(query, [c for _, c in chunks]):
        if ranked.score < threshold:
            continue
        f, text = chunks[ranked.index]
        hits.append(
            {
                "file_id": f.id,
                "filename": f.filename,
                "score": ranked.score,
                "text": text,
                "attributes": dict(f.attributes),
            }
        )
        if len(hits) >= limit:
            break
    return hits


def file_search(
    em: Emitter, req: EngineRequest, tool: dict[str, Any], found: Findings
) -> Iterator[Event]:
    """A file_search_call over ``req.files`` with its progress events."""
    query = prompt_of(req)
    limit = tool.get("max_num_results")
    options = tool.get("ranking_options")
    threshold = options.get("score_threshold") if isinstance(options, dict) else None
    results = search_files(
        [f for f in req.files if not f.direct],
        query,
        limit if isinstance(limit, int) else 20,
        float(threshold) if isinstance(threshold, (int, float)) else 0.0,
    )
    item: dict[str, Any] = {
        "id": em.new_id("fs"),
        "type": "file_search_call",
        "status": "in_progress",
        "queries": [],
        "results": None,
    }
    yield em.added(item)
    for phase in ("in_progress", "searching", "completed"):
        yield em.at(f"response.file_search_call.{phase}", item["id"])
    shown = req.includes("file_search_call.results")
    item.update(status="completed", queries=[query], results=results if shown else None)
    found.file_hits += results
    yield em.done(item)


# ---------------------------------------------------------------- web_search
def _slug(text: str) -> str:
    return "-".join(words(text)[:6]) or "search"


def web_search(
    em: Emitter, req: EngineRequest, tool: dict[str, Any], found: Findings
) -> Iterator[Event]:
    """A web_search_call (action search with fake example.com sources)."""
    del tool
    prompt = prompt_of(req)
    keys = keywords(prompt, 4) or ["news"]
    query = " ".join(keys)
    sources = [
        {
            "type": "url",
            "url": f"https://example.com/articles/{_slug(prompt)}",
            "title": f"{query.title()} — an overview",
        },
        {
            "type": "url",
            "url": f"https://docs.example.org/{keys[0]}",
            "title": f"{keys[0].capitalize()} reference",
        },
        {
            "type": "url",
            "url": f"https://news.example.net/{keys[-1]}/latest",
            "title": f"Latest on {keys[-1]}",
        },
    ]
    item: dict[str, Any] = {
        "id": em.new_id("ws"),
        "type": "web_search_call",
        "status": "in_progress",
        "action": {"type": "search", "query": query},
    }
    yield em.added(item)
    for phase in ("in_progress", "searching", "completed"):
        yield em.at(f"response.web_search_call.{phase}", item["id"])
    action: dict[str, Any] = {"type": "search", "query": query}
    if req.includes("web_search_call.action.sources"):
        action["sources"] = [{"type": "url", "url": s["url"]} for s in sources]
    item.update(status="completed", action=action)
    found.web_sources += sources
    yield em.done(item)


# ---------------------------------------------------------------- code_interpreter
def _program(prompt: str) -> tuple[str, str]:
    """Code for the prompt and the logs it prints (computed here; nothing is executed)."""
    numbers = Hints.from_prompt(prompt).numbers[:8]
    if numbers:
        shown = [int(n) if n.is_integer() else n for n in numbers]
        total = sum(numbers)
        mean = total / len(numbers)
        code = (
            f"numbers = {shown!r}\n"
            "total = sum(numbers)\n"
            'print(f"count = {len(numbers)}")\n'
            'print(f"sum = {total}")\n'
            'print(f"mean = {total / len(numbers):.2f}")\n'
        )
        total_text = str(int(total)) if all(isinstance(n, int) for n in shown) else str(total)
        logs = f"count = {len(numbers)}\nsum = {total_text}\nmean = {mean:.2f}\n"
        return code, logs
    ws = prompt.split()
    sample = prompt[:120]
    longest = max(sample.split(), key=len) if sample.split() else ""
    code = (
        (
            f"text = {sample!r}\n"
            "words = text.split()\n"
            'print(f"words = {len(words)}")\n'
            'print(f"longest = {max(words, key=len)!r}")\n'
        )
        if ws
        else 'print("hello from the sandbox")\n'
    )
    logs = (
        f"words = {len(sample.split())}\nlongest = {longest!r}\n"
        if ws
        else "hello from the sandbox\n"
    )
    return code, logs


def code_interpreter(
    em: Emitter, req: EngineRequest, tool: dict[str, Any], found: Findings
) -> Iterator[Event]:
    """A code_interpreter_call: code streamed, then interpreting, then logs."""
    code, logs = _program(prompt_of(req))
    container = tool.get("container")
    container_id = container if isinstance(container, str) else em.new_id("cntr")
    item: dict[str, Any] = {
        "id": em.new_id("ci"),
        "type": "code_interpreter_call",
        "status": "in_progress",
        "code": "",
        "container_id": container_id,
        "outputs": None,
    }
    yield em.added(item)
    yield em.at("response.code_interpreter_call.in_progress", item["id"])
    yield from em.deltas("response.code_interpreter_call_code.delta", item["id"], code)
    text = em.streamed
    yield em.at("response.code_interpreter_call_code.done", item["id"], code=text)
    if em.cut:
        item.update(code=text, status="incomplete")
        yield em.done(item)
        return
    yield em.at("response.code_interpreter_call.interpreting", item["id"])
    yield em.at("response.code_interpreter_call.completed", item["id"])
    outputs = [{"type": "logs", "logs": logs}]
    shown = req.includes("code_interpreter_call.outputs")
    item.update(code=text, status="completed", outputs=outputs if shown else None)
    found.code_runs.append((code, logs))
    yield em.done(item)


# ---------------------------------------------------------------- image_generation
def image_generation(
    em: Emitter, req: EngineRequest, tool: dict[str, Any], found: Findings
) -> Iterator[Event]:
    """An image_generation_call with partial images and a tiny PNG result."""
    prompt = prompt_of(req)
    seed = hashlib.sha256(prompt.encode()).hexdigest()
    wanted = tool.get("partial_images", 1)
    partials = max(0, min(3, wanted if isinstance(wanted, int) else 1))
    item: dict[str, Any] = {
        "id": em.new_id("ig"),
        "type": "image_generation_call",
        "status": "in_progress",
        "result": None,
    }
    yield em.added(item)
    yield em.at("response.image_generation_call.in_progress", item["id"])
    yield em.at("response.image_generation_call.generating", item["id"])
    for i in range(partials):
        yield em.at(
            "response.image_generation_call.partial_image",
            item["id"],
            partial_image_index=i,
            partial_image_b64=png_base64(seed, 32, 8 >> i),
            size="32x32",
            output_format="png",
            background="opaque",
            quality="low",
        )
    yield em.at("response.image_generation_call.completed", item["id"])
    item.update(
        status="completed",
        result=png_base64(seed),
        revised_prompt=prompt,
        size="32x32",
        output_format="png",
        background="opaque",
        quality="low",
    )
    found.images += 1
    yield em.done(item)
