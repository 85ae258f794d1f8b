"""What a run reads besides its items: its files, and its model's context window.

:func:`readable_files` gathers the files the engine may read (the completed files of the
file_search tools' vector stores, then the ``input_file`` parts' files, uploaded or inline);
:func:`echo_tools` fills in the tool defaults a response shows; :func:`fit` applies the
model's context window (a 400 ``context_length_exceeded``, or the
oldest items dropped with ``truncation: "auto"``).
"""

from __future__ import annotations

from typing import Any

from .engine import EngineFile, EngineRequest, EngineRequestError, fit_context
from .errors import bad_request
from .files import Files, inline_file
from .vector_stores import VectorStores

__all__ = ["echo_tools", "fit", "readable_files"]

_FILE_SEARCH_DEFAULTS: dict[str, Any] = {
    "filters": None,
    "max_num_results": 20,
    "ranking_options": {"ranker": "auto", "score_threshold": 0.0},
}


def echo_tools(tools: list[Any]) -> list[Any]:
    """The tools as the response shows them: file_search with its defaults filled in."""
    out: list[Any] = []
    for tool in tools:
        if isinstance(tool, dict) and tool.get("type") == "file_search":
            tool = {**_FILE_SEARCH_DEFAULTS, **tool}
        out.append(tool)
    return out


async def readable_files(
    body: dict[str, Any],
    history: list[dict[str, Any]],
    files: Files,
    vector_stores: VectorStores | None,
) -> list[EngineFile]:
    """The files the engine may read: those of the file_search tools' vector stores (400
    naming ``tools[i].vector_store_ids`` for an unknown one) and the input_file parts'."""
    found: list[Any] = []
    for i, tool in enumerate(body.get("tools") or []):
        if tool.get("type") == "file_search" and vector_stores is not None:
            vs_ids = [v for v in tool.get("vector_store_ids") or [] if isinstance(v, str)]
            param = f"tools[{i}].vector_store_ids"
            found.extend(await vector_stores.engine_files(vs_ids, param))
    ids: list[str] = []
    inline: list[Any] = []
    for item in [*history, *body["input"]]:
        content = item.get("content")
        if isinstance(content, list):
            for p in content:
                if not isinstance(p, dict):
                    continue
                if isinstance(p.get("file_id"), str):
                    ids.append(p["file_id"])
                elif p.get("type") == "input_file" and isinstance(p.get("file_data"), str):
                    inline.append(inline_file(p))
    known = {f.id for f in found}
    direct = [f for f in await files.for_engine(ids) if f.id not in known]
    return [*found, *direct, *inline]


def fit(req: EngineRequest, known_window: bool) -> None:
    """Apply the model's context window (400 ``context_length_exceeded`` or truncation)."""
    if not known_window:
        return
    try:
        fit_context(req)
    except EngineRequestError as exc:
        raise bad_request(exc.message, exc.param, exc.code) from exc
