"""The checked options of one ``%%respond`` run: parsed arguments become ``RespondOptions``.

:func:`build_options` checks the parsed arguments against each other and against the notebook,
resolving what they name there (``--tools`` functions, ``--schema`` models, ``--attach`` files)
and reading ``--extra`` pairs. Every problem raises ``UsageError`` saying what to fix.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from IPython.core.error import UsageError
from pydantic import BaseModel

from .._attachments import split_attachments
from .._tools import FunctionTool, function_tool
from ._magic_args import DEFAULT_OUT, EFFORTS

__all__ = [
    "HOSTED_TOOLS",
    "RespondOptions",
    "build_options",
    "parse_extras",
    "parse_tools",
    "schema_format",
]

HOSTED_TOOLS: dict[str, dict[str, Any]] = {
    "web_search": {"type": "web_search"},
    "web_search_preview": {"type": "web_search_preview"},
    "code_interpreter": {"type": "code_interpreter", "container": {"type": "auto"}},
    "image_generation": {"type": "image_generation"},
}
_TOOL_HINT = (
    "name a Python function defined in the notebook, or a hosted tool: web_search, "
    "code_interpreter, image_generation, file_search:VS_ID[+VS_ID], mcp:LABEL=URL"
)
_IDENT = re.compile(r"^[A-Za-z_]\w*$")


@dataclass
class RespondOptions:
    """The validated options of one run (the prompt is not interpolated yet)."""

    model: str | None = None
    profile: str | None = None
    instructions: str | None = None
    cont: bool = False
    conversation: str | None = None
    background: bool = False
    store: bool | None = None
    reasoning: dict[str, str] | None = None
    function_tools: list[FunctionTool] = field(default_factory=list)
    hosted_tools: list[dict[str, Any]] = field(default_factory=list)
    schema: type[BaseModel] | None = None
    attachments: list[str] = field(default_factory=list)
    max_output_tokens: int | None = None
    temperature: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    out: str = DEFAULT_OUT
    stream: bool = True
    quiet: bool = False
    confirm_tools: bool = False
    max_tool_rounds: int = 8

    @property
    def tools(self) -> list[dict[str, Any]]:
        """The ``tools`` request field."""
        return [t.to_param() for t in self.function_tools] + list(self.hosted_tools)


def build_options(args: argparse.Namespace, user_ns: Mapping[str, Any]) -> RespondOptions:
    """Validate parsed arguments against the notebook; raise ``UsageError`` naming the fix."""
    if args.cont and args.new:
        raise UsageError("--continue and --new contradict each other: pick one.")
    if args.cont and args.conversation:
        raise UsageError(
            "--continue cannot be combined with --conversation: a conversation already "
            "carries the history; drop -c."
        )
    if args.background and args.no_store:
        raise UsageError("--background needs a stored response: drop --no-store.")
    if args.background and args.confirm_tools:
        raise UsageError(
            "--confirm-tools needs a foreground run (it asks with input()): drop --background."
        )
    if args.max_output_tokens is not None and args.max_output_tokens < 16:
        raise UsageError(f"--max-output-tokens must be at least 16, got {args.max_output_tokens}.")
    if args.temperature is not None and not 0 <= args.temperature <= 2:
        raise UsageError(f"--temperature must be between 0 and 2, got {args.temperature}.")
    if args.max_tool_rounds < 0:
        raise UsageError(f"--max-tool-rounds must be 0 or more, got {args.max_tool_rounds}.")
    if args.conversation is not None and not args.conversation.strip():
        raise UsageError("--conversation needs an id, e.g. --conversation conv_123.")
    out = args.out if args.out is not None else DEFAULT_OUT
    if not _IDENT.match(out):
        raise UsageError(f"--out {out!r} is not a valid Python variable name.")
    reasoning: dict[str, str] = {}
    if args.reasoning is not None:
        if args.reasoning not in EFFORTS:
            raise UsageError(
                f"--reasoning {args.reasoning!r} is not an effort: use one of {', '.join(EFFORTS)}."
            )
        reasoning["effort"] = args.reasoning
    if args.summary is not None:
        if args.summary not in ("auto", "concise", "detailed"):
            raise UsageError(
                f"--summary {args.summary!r} is not valid: use auto, concise or detailed."
            )
        reasoning["summary"] = args.summary
    functions, hosted = parse_tools(args.tools or [], user_ns)
    attachments = split_attachments(args.attach)
    for ref in attachments:
        if (
            not ref.startswith(("http://", "https://", "data:"))
            and not Path(ref).expanduser().is_file()
        ):
            where = Path(ref).expanduser().resolve()
            raise UsageError(f"--attach: file {ref!r} not found (looked for {where}).")
    return RespondOptions(
        model=args.model,
        profile=args.profile,
        instructions=args.instructions,
        cont=args.cont,
        conversation=args.conversation,
        background=args.background,
        store=False if args.no_store else None,
        reasoning=reasoning or None,
        function_tools=functions,
        hosted_tools=hosted,
        schema=_schema(args.schema, user_ns),
        attachments=attachments,
        max_output_tokens=args.max_output_tokens,
        temperature=args.temperature,
        extra=parse_extras([kv for group in args.extra or [] for kv in group]),
        out=out,
        stream=not args.no_stream,
        quiet=args.quiet,
        confirm_tools=args.confirm_tools,
        max_tool_rounds=args.max_tool_rounds,
    )


def parse_tools(
    values: list[str], user_ns: Mapping[str, Any]
) -> tuple[list[FunctionTool], list[dict[str, Any]]]:
    """``--tools`` values -> (function tools, hosted tool params). A bare name that is a
    callable of the notebook is a function tool (it wins over a hosted tool of that name)."""
    functions: dict[str, FunctionTool] = {}
    hosted: list[dict[str, Any]] = []
    pieces = [p.strip() for v in values for p in v.split(",")]
    vector_stores: list[str] | None = None
    for piece in pieces:
        if not piece:
            continue
        kind, sep, rest = piece.partition(":")
        if sep and kind == "file_search":
            vector_stores = [v for v in rest.split("+") if v]
            if not vector_stores:
                raise UsageError("--tools file_search needs vector store ids: file_search:VS_ID.")
            hosted.append({"type": "file_search", "vector_store_ids": vector_stores})
            continue
        if sep and kind == "mcp":
            label, eq, url = rest.partition("=")
            if not eq or not label or not url.startswith(("http://", "https://")):
                raise UsageError(
                    f"--tools {piece!r}: write an MCP server as mcp:LABEL=https://server/url."
                )
            hosted.append(
                {
                    "type": "mcp",
                    "server_label": label,
                    "server_url": url,
                    "require_approval": "never",
                }
            )
            vector_stores = None
            continue
        if sep:
            raise UsageError(f"--tools {piece!r}: unknown tool kind {kind!r}; {_TOOL_HINT}.")
        obj = user_ns.get(piece)
        if obj is None and vector_stores is not None and piece not in HOSTED_TOOLS:
            vector_stores.append(piece)  # file_search:vs_1,vs_2
            continue
        vector_stores = None
        if obj is None and piece in HOSTED_TOOLS:
            hosted.append(dict(HOSTED_TOOLS[piece]))
        elif obj is None:
            raise UsageError(f"--tools: no function named {piece!r} in the notebook; {_TOOL_HINT}.")
        elif not callable(obj) or isinstance(obj, type):
            raise UsageError(f"--tools: {piece!r} is a {type(obj).__name__}, not a function.")
        else:
            try:
                functions[piece] = function_tool(obj, name=piece)
            except TypeError as exc:
                raise UsageError(f"--tools: {piece!r} cannot be a tool: {exc}.") from None
    return list(functions.values()), hosted


def _schema(name: str | None, user_ns: Mapping[str, Any]) -> type[BaseModel] | None:
    if name is None:
        return None
    obj = user_ns.get(name)
    if obj is None:
        raise UsageError(f"--schema: no pydantic model named {name!r} in the notebook.")
    if not (isinstance(obj, type) and issubclass(obj, BaseModel)):
        raise UsageError(
            f"--schema {name!r} is a {type(obj).__name__}, not a pydantic model: "
            "define `class {name}(pydantic.BaseModel): ...`."
        )
    return obj


def schema_format(model: type[BaseModel]) -> dict[str, Any]:
    """The ``text.format`` of a pydantic model (strict when its schema allows)."""
    from ..batch._spec import text_format

    try:
        return text_format(model)
    except Exception as exc:
        raise UsageError(f"--schema {model.__name__}: no JSON schema ({exc}).") from None


def parse_extras(pairs: list[str]) -> dict[str, Any]:
    """``["task_mode=agent", "n=3", 'tags=["a"]']`` -> ``{"task_mode": "agent", "n": 3, ...}``."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, eq, raw = pair.partition("=")
        if not eq or not _IDENT.match(key.replace("-", "_").replace(".", "_")):
            raise UsageError(f"--extra {pair!r}: write KEY=VALUE, e.g. --extra task_mode=agent.")
        try:
            out[key] = json.loads(raw)
        except ValueError:
            out[key] = raw
    return out
