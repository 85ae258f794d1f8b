"""Final messages built from tool results: citations for searches, quotes of tool outputs.

:func:`findings_part` writes the answer after hosted tools ran (file_citation annotations
point just after the sentence they support, url_citation annotations span a markdown link);
:func:`tool_outputs_text` answers from the ``function_call_output`` items sent back.
"""

from __future__ import annotations

import json
from typing import Any

from .hosted import Findings
from .request import EngineRequest, all_items, pending_outputs, prompt_of
from .search import best_passage
from .stream import TextPart
from .text import pick, quote

__all__ = ["declined_text", "findings_part", "tool_outputs_text"]

_CALL_TYPES = frozenset(
    {"function_call", "custom_tool_call", "computer_call", "apply_patch_call", "shell_call"}
)
_CLOSINGS = (
    "Let me know if you want me to dig deeper.",
    "I can run another search with different terms if needed.",
)


def _snippet(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def findings_part(req: EngineRequest, found: Findings) -> TextPart:
    """The output_text answering from what the hosted tools found, with its annotations."""
    prompt = prompt_of(req)
    text = f"## What I found\n\n{quote(prompt)}\n\n"
    annotations: list[dict[str, Any]] = []
    if found.file_hits:
        text += "### From your files\n\n"
        top = found.file_hits[0]["score"]
        quoted: set[str] = set()
        for hit in found.file_hits[:3]:
            passage = best_passage(prompt, hit["text"]) or hit["text"]
            if passage in quoted or hit["score"] < top / 2:
                continue  # the same passage again, or much less relevant
            quoted.add(passage)
            text += f"- **{hit['filename']}** says: “{_snippet(passage, 400)}”"
            annotations.append(
                {
                    "type": "file_citation",
                    "file_id": hit["file_id"],
                    "filename": hit["filename"],
                    "index": len(text),
                }
            )
            text += "\n"
        text += "\n| File | Score |\n|---|---|\n"
        for hit in found.file_hits[:3]:
            text += f"| {hit['filename']} | {hit['score']:.4f} |\n"
        text += "\n"
    elif any(t.get("type") == "file_search" for t in _tools(req)):
        text += "I searched your files but found no passage matching the question.\n\n"
    if found.web_sources:
        text += "### From the web\n\n"
        for source in found.web_sources:
            domain = source["url"].split("/")[2]
            text += f"- {source['title']} "
            start = len(text)
            text += f"([{domain}]({source['url']}))"
            annotations.append(
                {
                    "type": "url_citation",
                    "url": source["url"],
                    "title": source["title"],
                    "start_index": start,
                    "end_index": len(text),
                }
            )
            text += "\n"
        text += "\n"
    for code, logs in found.code_runs:
        text += f"### Computation\n\nI ran this code:\n\n```python\n{code}```\n\n"
        text += f"It printed:\n\n```text\n{logs}```\n\n"
    for result in found.mcp_results:
        text += (
            f"### From `{result['server_label']}`\n\n"
            f"The `{result['name']}` tool returned:\n\n```json\n{result['output']}\n```\n\n"
        )
    if found.images:
        text += f"Here is the generated image for “{_snippet(prompt, 80)}”.\n\n"
    text += pick(_CLOSINGS, prompt)
    return TextPart("output_text", text, annotations)


def _tools(req: EngineRequest) -> list[dict[str, Any]]:
    tools = req.body.get("tools")
    return [t for t in tools if isinstance(t, dict)] if isinstance(tools, list) else []


def _output_text(output: Any) -> str:
    if isinstance(output, str):
        return output
    if isinstance(output, list):
        return "\n".join(str(p.get("text", "")) for p in output if isinstance(p, dict))
    return json.dumps(output)


def tool_outputs_text(req: EngineRequest) -> str:
    """The answer quoting each tool output sent back since the last user message."""
    outputs = pending_outputs(req)
    prompt = prompt_of(req)
    n = len(outputs)
    lines = [f"## Results from {n} tool call{'s' if n != 1 else ''}", ""]
    if prompt:
        lines += [f"You asked: “{_snippet(prompt, 200)}”", ""]
    for out in outputs:
        call = next(
            (
                i
                for i in reversed(all_items(req))
                if i.get("type") in _CALL_TYPES and i.get("call_id") == out.get("call_id")
            ),
            None,
        )
        name = str(call.get("name") or call.get("type")) if call else "the tool"
        args = str(call.get("arguments") or call.get("input") or "") if call else ""
        text = _output_text(out.get("output"))
        lines.append(f"### `{name}`")
        lines.append("")
        if args:
            lines += [f"Called with `{args}`, it returned:", ""]
        else:
            lines += ["It returned:", ""]
        lines += [quote(text, 500), ""]
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict) and data:
            lines += ["| Field | Value |", "|---|---|"]
            lines += [
                f"| {k} | {json.dumps(v, ensure_ascii=False)} |" for k, v in list(data.items())[:8]
            ]
            lines.append("")
    first = _snippet(_output_text(outputs[0].get("output")), 120) if outputs else ""
    lines.append(f"In short: the tool reported {first}" if first else "The tool returned nothing.")
    return "\n".join(lines)


def declined_text(requests: list[dict[str, Any]]) -> str:
    """The answer when MCP calls were not approved."""
    names = ", ".join(f"`{r.get('name')}` on `{r.get('server_label')}`" for r in requests)
    return f"Understood — I did not call {names}, since you declined. Anything else?"
