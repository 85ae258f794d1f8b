"""A Responses request as a Chat Completions request.

* ``instructions`` become the first ``system`` message; ``developer`` messages are sent as
  ``system`` (most local servers know no ``developer`` role);
* message parts: text parts are joined; ``input_image`` becomes an ``image_url`` part;
  ``input_file`` becomes the file's extracted text (PDF, DOCX, HTML, text), fenced and named;
* ``function_call`` items become an assistant message with ``tool_calls`` (consecutive calls
  share one message), ``function_call_output`` items ``tool`` messages;
* reasoning and hosted-tool items are not sent; what ``file_search`` found locally is given
  as a ``system`` message of passages before the last user message;
* function tools, ``tool_choice``, ``text.format`` (``json_schema``/``json_object`` as
  ``response_format``), ``max_output_tokens``, ``temperature``, ``top_p``, ``reasoning.effort``
  (as ``reasoning_effort``) and logprobs pass through.
"""

from __future__ import annotations

import json
from typing import Any

from ..engine import EngineFile, EngineRequest

__all__ = ["chat_request", "chat_tools"]


def _text_of(part: dict[str, Any]) -> str | None:
    for key in ("text", "refusal"):
        if isinstance(part.get(key), str):
            return str(part[key])
    return None


def _file_text(part: dict[str, Any], files: dict[str, EngineFile], direct: list[EngineFile]) -> str:
    f = files.get(str(part.get("file_id")))
    if f is None and part.get("file_data"):
        f = next((d for d in direct if d.filename == part.get("filename")), None)
    name = str(part.get("filename") or (f.filename if f else "file"))
    body = f.text if f is not None else "(file not available)"
    return f"[file: {name}]\n```\n{body}\n```"


def _content(
    content: Any, files: dict[str, EngineFile], direct: list[EngineFile]
) -> str | list[dict[str, Any]]:
    if isinstance(content, str):
        return content
    texts: list[str] = []
    images: list[dict[str, Any]] = []
    for part in content if isinstance(content, list) else []:
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        if kind == "input_image" and isinstance(part.get("image_url"), str):
            detail = part.get("detail") or "auto"
            images.append(
                {"type": "image_url", "image_url": {"url": part["image_url"], "detail": detail}}
            )
        elif kind == "input_file":
            texts.append(_file_text(part, files, direct))
        else:
            text = _text_of(part)
            if text is not None:
                texts.append(text)
    joined = "\n\n".join(texts)
    if not images:
        return joined
    return [{"type": "text", "text": joined}, *images] if joined else images


def _messages(req: EngineRequest, passages: str | None) -> list[dict[str, Any]]:
    files = {f.id: f for f in req.files}
    direct = [f for f in req.files if f.direct]
    out: list[dict[str, Any]] = []
    instructions = req.body.get("instructions")
    if isinstance(instructions, str) and instructions.strip():
        out.append({"role": "system", "content": instructions})
    items = [*req.history, *(req.body.get("input") or [])]
    for item in items:
        kind = item.get("type", "message")
        if kind == "message":
            role = str(item.get("role") or "user")
            role = "system" if role == "developer" else role
            out.append({"role": role, "content": _content(item.get("content"), files, direct)})
        elif kind == "function_call":
            call = {
                "id": item.get("call_id"),
                "type": "function",
                "function": {"name": item.get("name"), "arguments": item.get("arguments") or "{}"},
            }
            last = out[-1] if out else None
            if last and last["role"] == "assistant" and "tool_calls" in last:
                last["tool_calls"].append(call)
            else:
                out.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif kind == "function_call_output":
            output = item.get("output")
            text = output if isinstance(output, str) else json.dumps(output)
            out.append({"role": "tool", "tool_call_id": item.get("call_id"), "content": text})
    if passages:
        last_user = max((i for i, m in enumerate(out) if m["role"] == "user"), default=len(out))
        out.insert(last_user, {"role": "system", "content": passages})
    return out


def chat_tools(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The function tools of a Responses body, in Chat Completions form."""
    tools: list[dict[str, Any]] = []
    for tool in body.get("tools") or []:
        if isinstance(tool, dict) and tool.get("type") == "function":
            fn: dict[str, Any] = {"name": tool["name"]}
            for key in ("description", "parameters", "strict"):
                if tool.get(key) is not None:
                    fn[key] = tool[key]
            tools.append({"type": "function", "function": fn})
    return tools


def _tool_choice(choice: Any) -> Any:
    if isinstance(choice, dict) and choice.get("type") == "function":
        return {"type": "function", "function": {"name": choice.get("name")}}
    if isinstance(choice, dict) and choice.get("type") == "allowed_tools":
        return choice.get("mode") or "auto"
    return choice


def _response_format(body: dict[str, Any]) -> dict[str, Any] | None:
    text = body.get("text")
    fmt = text.get("format") if isinstance(text, dict) else None
    if not isinstance(fmt, dict):
        return None
    if fmt.get("type") == "json_object":
        return {"type": "json_object"}
    if fmt.get("type") == "json_schema":
        schema: dict[str, Any] = {"name": fmt.get("name"), "schema": fmt.get("schema")}
        if fmt.get("strict") is not None:
            schema["strict"] = fmt["strict"]
        if fmt.get("description"):
            schema["description"] = fmt["description"]
        return {"type": "json_schema", "json_schema": schema}
    return None


def chat_request(req: EngineRequest, model: str, passages: str | None = None) -> dict[str, Any]:
    """The ``POST /chat/completions`` body (streamed, with usage) for ``req``."""
    body = req.body
    out: dict[str, Any] = {
        "model": model,
        "messages": _messages(req, passages),
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    tools = chat_tools(body)
    if tools:
        out["tools"] = tools
        if body.get("tool_choice") is not None:
            out["tool_choice"] = _tool_choice(body["tool_choice"])
        if body.get("parallel_tool_calls") is not None:
            out["parallel_tool_calls"] = body["parallel_tool_calls"]
    fmt = _response_format(body)
    if fmt is not None:
        out["response_format"] = fmt
    if isinstance(body.get("max_output_tokens"), int):
        out["max_tokens"] = body["max_output_tokens"]
    for key in ("temperature", "top_p"):
        if body.get(key) is not None:
            out[key] = body[key]
    reasoning = body.get("reasoning")
    if isinstance(reasoning, dict) and reasoning.get("effort") not in (None, "none"):
        out["reasoning_effort"] = reasoning["effort"]
    include = body.get("include")
    if isinstance(include, list) and "message.output_text.logprobs" in include:
        out["logprobs"] = True
        if isinstance(body.get("top_logprobs"), int):
            out["top_logprobs"] = body["top_logprobs"]
    return out
