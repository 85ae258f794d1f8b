"""Strict checks of a create body, as the real services answer them (off with ``--lenient``).

* every top-level key must be a documented parameter of the dialect (OpenAI's create
  parameters, plus Manus's task extras): else 400 ``unknown_parameter`` naming it (``param``
  ``bogus_param``). Maniac's reference body allows free-form extra properties, so the maniac
  dialect lets unknown top-level keys through;
* every tool ``type`` must be one OpenAI knows (400 ``invalid_value``, ``param`` ``tools[i].type``)
  and every key of a tool one its type documents (``tools[i].foo``);
* enumerations: ``service_tier``, ``include`` entries, ``prompt_cache_retention``, Manus's
  ``agent_profile`` and ``task_mode``;
* input item types and message part types must be OpenAI's (``input[i].type``,
  ``input[i].content[j].type``);
* ``input_image`` URLs must be http(s) URLs or base64 ``data:image/...`` URLs.

File ids (unknown, deleted, expired) are checked by the service, which reads the store.
The tables here mirror the official SDK's request types; ``tests/server/test_strict.py``
checks them against the installed ``openai`` package.
"""

from __future__ import annotations

import re
from typing import Any

from .engine import is_reasoning_model
from .errors import bad_request

__all__ = [
    "CREATE_PARAMS",
    "DIALECT_PARAMS",
    "INCLUDABLE",
    "ITEM_TYPES",
    "PART_TYPES",
    "RESOURCE_PARAMS",
    "check_known",
    "TOOL_FIELDS",
    "check_reasoning_model",
    "check_strict",
    "check_task_update",
]

CREATE_PARAMS = frozenset(
    {
        "access_programs",
        "background",
        "background_options",
        "context_management",
        "conversation",
        "image",
        "include",
        "input",
        "instructions",
        "max_output_tokens",
        "max_tool_calls",
        "metadata",
        "model",
        "moderation",
        "parallel_tool_calls",
        "previous_response_id",
        "prompt",
        "prompt_cache_key",
        "prompt_cache_options",
        "prompt_cache_retention",
        "reasoning",
        "safety_identifier",
        "service_tier",
        "store",
        "stream",
        "stream_options",
        "temperature",
        "text",
        "tool_choice",
        "tools",
        "top_logprobs",
        "top_p",
        "truncation",
        "user",
    }
)
"""OpenAI's ``POST /v1/responses`` parameters (``ResponseCreateParams`` + ``stream``)."""

DIALECT_PARAMS: dict[str, frozenset[str]] = {
    "openai": frozenset(),
    "manus": frozenset(
        {"task_id", "task_mode", "agent_profile", "create_shareable_link", "hide_in_task_list"}
    ),
    "maniac": frozenset({"tags", "trace"}),
}
"""Extensions each dialect accepts on top of :data:`CREATE_PARAMS`."""

_COMMON_CALLERS = frozenset({"type", "allowed_callers"})
TOOL_FIELDS: dict[str, frozenset[str]] = {
    "function": frozenset(
        {
            "type",
            "name",
            "description",
            "parameters",
            "strict",
            "allowed_callers",
            "async",
            "defer_loading",
            "output_schema",
        }
    ),
    "file_search": frozenset(
        {"type", "vector_store_ids", "filters", "max_num_results", "ranking_options"}
    ),
    "computer": frozenset({"type"}),
    "computer_use_preview": frozenset({"type", "display_height", "display_width", "environment"}),
    "web_search": frozenset(
        {"type", "external_web_access", "filters", "search_context_size", "user_location"}
    ),
    "mcp": frozenset(
        {
            "type",
            "allowed_callers",
            "allowed_tools",
            "authorization",
            "connector_id",
            "defer_loading",
            "headers",
            "require_approval",
            "server_description",
            "server_label",
            "server_url",
            "tunnel_id",
        }
    ),
    "code_interpreter": frozenset({"type", "allowed_callers", "container"}),
    "programmatic_tool_calling": frozenset({"type"}),
    "image_generation": frozenset(
        {
            "type",
            "action",
            "background",
            "complexity",
            "frame_count",
            "frame_duration_ms",
            "input_fidelity",
            "input_image_mask",
            "model",
            "moderation",
            "output_compression",
            "output_format",
            "partial_images",
            "quality",
            "size",
            "svg",
        }
    ),
    "local_shell": frozenset({"type"}),
    "shell": frozenset({"type", "allowed_callers", "environment"}),
    "custom": frozenset(
        {"type", "allowed_callers", "async", "defer_loading", "description", "format", "name"}
    ),
    "namespace": frozenset({"type", "description", "name", "tools"}),
    "tool_search": frozenset({"type", "description", "execution", "parameters"}),
    "web_search_preview": frozenset(
        {"type", "search_content_types", "search_context_size", "user_location"}
    ),
    "apply_patch": _COMMON_CALLERS,
}
"""Each tool type OpenAI accepts and the keys it documents."""
TOOL_FIELDS["web_search_2025_08_26"] = TOOL_FIELDS["web_search"]
TOOL_FIELDS["web_search_preview_2025_03_11"] = TOOL_FIELDS["web_search_preview"]

INCLUDABLE = frozenset(
    {
        "file_search_call.results",
        "web_search_call.results",
        "web_search_call.action.sources",
        "message.input_image.image_url",
        "computer_call_output.output.image_url",
        "code_interpreter_call.outputs",
        "reasoning.encrypted_content",
        "message.output_text.logprobs",
    }
)
"""Values of ``include`` (``ResponseIncludable``)."""

ITEM_TYPES = frozenset(
    {
        "additional_tools",
        "apply_patch_call",
        "apply_patch_call_output",
        "code_interpreter_call",
        "compaction",
        "compaction_trigger",
        "computer_call",
        "computer_call_output",
        "configuration_update",
        "custom_tool_call",
        "custom_tool_call_output",
        "file_search_call",
        "function_call",
        "function_call_output",
        "image_generation_call",
        "item_reference",
        "local_shell_call",
        "local_shell_call_output",
        "mcp_approval_request",
        "mcp_approval_response",
        "mcp_call",
        "mcp_list_tools",
        "message",
        "program",
        "program_output",
        "reasoning",
        "shell_call",
        "shell_call_output",
        "tool_search_call",
        "tool_search_output",
        "web_search_call",
    }
)
"""Input item types (``ResponseInputItemParam``)."""
PART_TYPES = frozenset({"input_text", "input_image", "input_file", "output_text", "refusal"})
"""Content part types of input messages (input parts; output parts of assistant messages)."""

_ENUMS: dict[str, tuple[str, ...]] = {
    "service_tier": ("auto", "default", "flex", "scale", "priority", "fast", "ultrafast"),
    "prompt_cache_retention": ("in_memory", "24h"),
}
_MANUS_ENUMS: dict[str, tuple[str, ...]] = {
    "agent_profile": ("quality", "speed"),
    "task_mode": ("agent", "chat", "adaptive"),
}
_DATA_URL = re.compile(r"^data:image/(png|jpeg|jpg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")
_HTTP_URL = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+[^\s]*$|^https?://localhost[:/]?[^\s]*$")
_TASK_UPDATE = frozenset({"title", "enable_shared", "enable_visible_in_task_list"})


def _quoted(values: Any) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _enum(value: Any, allowed: tuple[str, ...], param: str) -> None:
    if value is not None and value not in allowed:
        raise bad_request(
            f"Invalid value: '{value}'. Supported values are: {_quoted(allowed)}.",
            param,
            code="invalid_value",
        )


def _unknown(param: str, hint: str = "") -> None:
    raise bad_request(f"Unknown parameter: '{param}'.{hint}", param, code="unknown_parameter")


def _check_tools(tools: Any) -> None:
    if not isinstance(tools, list):
        return
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict) or not isinstance(tool.get("type"), str):
            continue  # the structural check names it
        fields = TOOL_FIELDS.get(tool["type"])
        if fields is None:
            raise bad_request(
                f"Invalid value: '{tool['type']}'. Supported values are: "
                f"{_quoted(sorted(TOOL_FIELDS))}.",
                f"tools[{i}].type",
                code="invalid_value",
            )
        for key in tool:
            if key not in fields:
                _unknown(f"tools[{i}].{key}")


def _check_image(url: Any, param: str) -> None:
    if not isinstance(url, str):
        return
    if url.startswith("data:"):
        if not _DATA_URL.match(url):
            raise bad_request(
                f"Invalid '{param}'. Expected a base64-encoded data URL with an image MIME type "
                "(e.g. 'data:image/png;base64,iVBORw0KGgo...'), but got an invalid value.",
                param,
                code="invalid_value",
            )
        return
    if not _HTTP_URL.match(url):
        raise bad_request(
            f"Invalid '{param}'. Expected a valid URL, but got a value with an invalid format: "
            f"'{url[:80]}'. Send an http(s) URL or a base64 data URL.",
            param,
            code="invalid_url",
        )


def _check_inputs(items: list[dict[str, Any]]) -> None:
    for i, item in enumerate(items):
        if item.get("type") not in ITEM_TYPES:
            _enum(item.get("type"), tuple(sorted(ITEM_TYPES)), f"input[{i}].type")
        content = item.get("content")
        if item.get("type") != "message" or not isinstance(content, list):
            continue
        for j, part in enumerate(content):
            if isinstance(part, dict) and part.get("type") not in PART_TYPES:
                _enum(part.get("type"), tuple(sorted(PART_TYPES)), f"input[{i}].content[{j}].type")
            if isinstance(part, dict) and part.get("type") == "input_image":
                _check_image(part.get("image_url"), f"input[{i}].content[{j}].image_url")


def check_strict(body: dict[str, Any], dialect: str) -> None:
    """Raise a 400 ApiError for what the real service of ``dialect`` would refuse."""
    extras = DIALECT_PARAMS.get(dialect, frozenset())
    for key in body:
        if dialect == "maniac":
            break
        if key not in CREATE_PARAMS and key not in extras:
            hint = ""
            if key in ("effort", "reasoning_effort"):
                hint = " Reasoning effort goes in 'reasoning': {\"effort\": ...}."
            elif any(key in other for other in DIALECT_PARAMS.values()):
                hint = " (an extension of another dialect; see respnb serve --dialect)."
            _unknown(key, hint)
    for key, allowed in _ENUMS.items():
        _enum(body.get(key), allowed, key)
    if dialect == "manus":
        for key, allowed in _MANUS_ENUMS.items():
            _enum(body.get(key), allowed, key)
    include = body.get("include")
    if isinstance(include, list):
        for j, value in enumerate(include):
            _enum(value, tuple(sorted(INCLUDABLE)), f"include[{j}]")
    _check_tools(body.get("tools"))
    _check_inputs(body.get("input") or [])


RESOURCE_PARAMS: dict[str, frozenset[str]] = {
    "vector_store.create": frozenset(
        {"chunking_strategy", "description", "expires_after", "file_ids", "metadata", "name"}
    ),
    "vector_store.update": frozenset({"expires_after", "metadata", "name"}),
    "vector_store.search": frozenset(
        {"filters", "max_num_results", "query", "ranking_options", "rewrite_query"}
    ),
    "vector_store.file.create": frozenset({"attributes", "chunking_strategy", "file_id"}),
    "vector_store.file.update": frozenset({"attributes"}),
    "conversation.create": frozenset({"items", "metadata"}),
    "conversation.update": frozenset({"metadata"}),
}
"""The body parameters of the other create/update endpoints (the SDK's ``*Params`` types)."""


def check_known(body: dict[str, Any], kind: str) -> None:
    """400 ``unknown_parameter`` for a key :data:`RESOURCE_PARAMS` ``[kind]`` does not list."""
    for key in body:
        if key not in RESOURCE_PARAMS[kind]:
            _unknown(key, f" Accepted here: {_quoted(sorted(RESOURCE_PARAMS[kind]))}.")


def check_task_update(body: dict[str, Any]) -> None:
    """``PUT /v1/tasks/{id}``: at least one known field, no unknown one."""
    for key in body:
        if key not in _TASK_UPDATE:
            _unknown(key, f" Updatable fields: {_quoted(sorted(_TASK_UPDATE))}.")
    if not body:
        raise bad_request(
            f"Nothing to update: send at least one of {_quoted(sorted(_TASK_UPDATE))}.",
            None,
            code="empty_update",
        )


def check_reasoning_model(body: dict[str, Any]) -> None:
    """400 for ``reasoning`` settings sent to a model that does not reason (gpt-4o, ...)."""
    cfg = body.get("reasoning")
    model = str(body.get("model") or "")
    if not isinstance(cfg, dict) or is_reasoning_model(model):
        return
    for key in ("effort", "summary", "generate_summary"):
        if cfg.get(key) is not None:
            raise bad_request(
                f"Unsupported parameter: 'reasoning.{key}' is not supported with this model "
                f"({model}); use a reasoning model (o-series, gpt-5) or leave 'reasoning' out.",
                f"reasoning.{key}",
                code="unsupported_parameter",
            )
