"""Remote MCP servers, simulated: tool listing, calls, and the approval round trip.

An ``mcp`` tool first lists its server's tools (``mcp_list_tools``, once per conversation),
then calls the best-fitting one. Unless ``require_approval`` is ``"never"`` (or names the tool
under ``never``), the call waits: an ``mcp_approval_request`` ends the response, and a later
request whose input holds an ``mcp_approval_response`` runs (or skips) the call.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .hints import Hints, keywords
from .hosted import Findings
from .request import EngineRequest, all_items, find_item, input_items, prompt_of
from .schema import instance_for
from .stream import Emitter, Event
from .tools import tool_words

__all__ = ["approval_responses", "mcp_call", "mcp_tool", "server_tools"]


def server_tools(tool: dict[str, Any]) -> list[dict[str, Any]]:
    """The tools a simulated MCP server offers (narrowed by ``allowed_tools``)."""
    label = str(tool.get("server_label") or "mcp")
    offered = [
        {
            "name": "search",
            "description": f"Search the {label} knowledge base.",
            "input_schema": {
                "type": "object",
                "properties": {"query": {"type": "string"}},
                "required": ["query"],
                "additionalProperties": False,
            },
            "annotations": None,
        },
        {
            "name": "fetch",
            "description": f"Fetch one {label} document by id.",
            "input_schema": {
                "type": "object",
                "properties": {"id": {"type": "string"}},
                "required": ["id"],
                "additionalProperties": False,
            },
            "annotations": None,
        },
    ]
    allowed = tool.get("allowed_tools")
    names = allowed.get("tool_names") if isinstance(allowed, dict) else allowed
    if isinstance(names, list) and names:
        offered = [t for t in offered if t["name"] in names] or offered[:1]
    return offered


def _needs_approval(tool: dict[str, Any], name: str) -> bool:
    rule = tool.get("require_approval", "always")
    if rule == "never":
        return False
    if isinstance(rule, dict):
        never = rule.get("never")
        names = never.get("tool_names") if isinstance(never, dict) else None
        return not (isinstance(names, list) and name in names)
    return True


def _output(label: str, name: str, arguments: str) -> str:
    args = json.loads(arguments) if arguments.startswith("{") else {}
    if name == "fetch":
        doc = str(args.get("id", "doc-1"))
        return json.dumps(
            {
                "id": doc,
                "title": f"{label} document {doc}",
                "text": f"The full text of {doc} from {label}.",
            }
        )
    query = str(args.get("query", ""))
    return json.dumps(
        {
            "results": [
                {
                    "id": f"doc-{i + 1}",
                    "title": f"{query.title() or 'Result'} ({i + 1})",
                    "snippet": f"A passage about {query or 'the topic'} from {label}.",
                }
                for i in range(2)
            ]
        }
    )


def _listed(req: EngineRequest, label: str) -> bool:
    return any(
        i.get("type") == "mcp_list_tools" and i.get("server_label") == label for i in all_items(req)
    )


def mcp_call(
    em: Emitter,
    label: str,
    name: str,
    arguments: str,
    found: Findings,
    approval_request_id: str | None = None,
) -> Iterator[Event]:
    """An mcp_call item: arguments streamed, then the server's output."""
    item: dict[str, Any] = {
        "id": em.new_id("mcp"),
        "type": "mcp_call",
        "status": "in_progress",
        "server_label": label,
        "name": name,
        "arguments": "",
        "output": None,
        "error": None,
    }
    if approval_request_id:
        item["approval_request_id"] = approval_request_id
    yield em.added(item)
    yield em.at("response.mcp_call.in_progress", item["id"])
    yield from em.deltas("response.mcp_call_arguments.delta", item["id"], arguments)
    text = em.streamed
    yield em.at("response.mcp_call_arguments.done", item["id"], arguments=text)
    if em.cut:
        item.update(arguments=text, status="incomplete")
        yield em.done(item)
        return
    output = _output(label, name, text)
    yield em.at("response.mcp_call.completed", item["id"])
    item.update(arguments=text, status="completed", output=output)
    found.mcp_results.append(
        {"server_label": label, "name": name, "arguments": text, "output": output}
    )
    yield em.done(item)


def mcp_tool(
    em: Emitter, req: EngineRequest, tool: dict[str, Any], found: Findings
) -> Iterator[Event]:
    """List the server's tools (once per conversation), then call or ask for approval."""
    label = str(tool.get("server_label") or "mcp")
    offered = server_tools(tool)
    if not _listed(req, label):
        item: dict[str, Any] = {
            "id": em.new_id("mcpl"),
            "type": "mcp_list_tools",
            "server_label": label,
            "tools": [],
        }
        yield em.added(item)
        yield em.at("response.mcp_list_tools.in_progress", item["id"])
        yield em.at("response.mcp_list_tools.completed", item["id"])
        item["tools"] = offered
        yield em.done(item)
    prompt = prompt_of(req)
    prompt_words = set(keywords(prompt, 50))
    best = max(offered, key=lambda t: len(prompt_words & tool_words(t)))
    arguments = json.dumps(
        instance_for(best["input_schema"], Hints.from_prompt(prompt)),
        ensure_ascii=False,
        separators=(",", ":"),
    )
    if _needs_approval(tool, best["name"]):
        request = {
            "id": em.new_id("mcpr"),
            "type": "mcp_approval_request",
            "server_label": label,
            "name": best["name"],
            "arguments": arguments,
        }
        found.waiting_approval = True
        yield from em.whole(request)
        return
    yield from mcp_call(em, label, best["name"], arguments, found)


def approval_responses(req: EngineRequest) -> list[tuple[dict[str, Any], bool]]:
    """(approval request, approved?) for each mcp_approval_response in the new input."""
    out: list[tuple[dict[str, Any], bool]] = []
    for item in input_items(req.body):
        if item.get("type") != "mcp_approval_response":
            continue
        request = find_item(req, "id", str(item.get("approval_request_id")))
        if request is not None and request.get("type") == "mcp_approval_request":
            out.append((request, bool(item.get("approve"))))
    return out
