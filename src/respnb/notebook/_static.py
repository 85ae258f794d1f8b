"""The static fallback of a response view: markdown + plain text that read well without widgets.

Saved notebooks keep this next to the widget view, so GitHub, nbviewer and nbconvert show the
answer, a summary of every tool call and the usage. Everything the model produced goes through
:func:`respnb._sanitize.sanitize_markdown` (or into code spans); nothing secret is in the state.
"""

from __future__ import annotations

import json
from typing import Any

from .._sanitize import safe_url, sanitize_markdown
from .._view_state import Block, ResponseViewState

__all__ = ["fallback_bundle", "fallback_markdown", "fallback_text"]

_MAX_ARG = 300


def _code(text: Any, limit: int = _MAX_ARG) -> str:
    """An inline code span holding ``text`` (shortened), whatever backticks it contains."""
    s = str(text if text is not None else "").replace("\n", " ")
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    run, best = 0, 0
    for ch in s:
        run = run + 1 if ch == "`" else 0
        best = max(best, run)
    ticks = "`" * (best + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s else ""
    return f"{ticks}{pad}{s}{pad}{ticks}"


def _words(text: Any) -> str:
    """Plain words for markdown prose: markdown and HTML punctuation escaped."""
    s = str(text if text is not None else "").replace("\n", " ")
    out = []
    for ch in s:
        out.append("\\" + ch if ch in "\\`*_{}[]()#+-!|<>&~" else ch)
    return "".join(out).replace("\\<", "&lt;")


def _args(raw: Any) -> str:
    if isinstance(raw, str):
        try:
            return json.dumps(json.loads(raw), ensure_ascii=False, separators=(", ", ": "))
        except ValueError:
            return raw
    return json.dumps(raw, ensure_ascii=False, default=str)


def _link(label: str, url: Any) -> str:
    ok = safe_url(url) if isinstance(url, str) else None
    if not ok:
        return _words(label)
    return f"[{_words(label)}]({ok.replace('(', '%28').replace(')', '%29')})"


def _block_md(block: Block) -> str:
    item, kind = block.item, block.kind
    if kind == "message":
        return _message_md(item)
    if kind == "reasoning":
        text = block.text.strip()
        if not text:
            return ""
        quoted = "\n".join("> " + line for line in sanitize_markdown(text).split("\n"))
        return "> **Reasoning**\n>\n" + quoted
    if kind in ("function_call", "custom_tool_call", "mcp_call", "mcp_approval_request"):
        label = {"mcp_approval_request": "MCP approval requested"}.get(kind, "Tool call")
        server = f" on {_words(item.get('server_label'))}" if item.get("server_label") else ""
        args = item.get("input") if kind == "custom_tool_call" else item.get("arguments")
        line = f"**{label}**{server}: {_code(item.get('name'))} {_code(_args(args or ''))}"
        if item.get("output"):
            line += f" → {_code(item.get('output'))}"
        if item.get("error"):
            line += f" (error: {_code(item.get('error'))})"
        return line
    if kind == "function_call_output":
        return f"**Tool output** {_code(item.get('call_id'))}: {_code(item.get('output'))}"
    if kind == "web_search_call":
        action = item.get("action") or {}
        target = action.get("query") or action.get("url") or ""
        return f"**Web search**: {_code(target)}"
    if kind == "file_search_call":
        queries = ", ".join(_code(q) for q in item.get("queries") or [])
        hits = len(item.get("results") or [])
        return f"**File search**: {queries or '(no query)'} ({hits} results)"
    if kind == "code_interpreter_call":
        code = str(item.get("code") or "")
        fence = "~~~~" if "~~~" in code else "~~~"
        return f"**Code interpreter**\n\n{fence}python\n{code}\n{fence}"
    if kind == "mcp_list_tools":
        names = ", ".join(_code(t.get("name")) for t in item.get("tools") or [])
        return f"**MCP tools** on {_words(item.get('server_label'))}: {names}"
    if kind == "image_generation_call":
        return "**Image generated**" if item.get("result") else "**Image generation**"
    return f"**{_words(kind)}** {_code(item.get('status') or '')}".rstrip()


def _message_md(item: dict[str, Any]) -> str:
    content = item.get("content")
    if isinstance(content, str):
        return sanitize_markdown(content)
    out: list[str] = []
    for part in content or []:
        ptype = part.get("type")
        if ptype in ("output_text", "input_text"):
            out.append(sanitize_markdown(str(part.get("text") or "")))
            cites = [a for a in part.get("annotations") or [] if a.get("url")]
            if cites:
                out.append(
                    "Sources: "
                    + ", ".join(_link(a.get("title") or a["url"], a["url"]) for a in cites)
                )
        elif ptype == "refusal":
            out.append(f"**Refusal**: {_words(part.get('refusal'))}")
        elif ptype == "output_file":
            out.append("**File**: " + _link(part.get("fileName") or "file", part.get("fileUrl")))
    if item.get("role") == "user":
        return "\n".join("> " + line for line in "\n\n".join(out).split("\n"))
    return "\n\n".join(out)


def _usage_line(state: ResponseViewState) -> str:
    u = state.usage
    if not u:
        return ""
    return (
        f"input {u.get('input_tokens', 0)} (cached {u.get('cached_tokens', 0)}) · "
        f"output {u.get('output_tokens', 0)} (reasoning {u.get('reasoning_tokens', 0)}) tokens"
    )


def fallback_markdown(state: ResponseViewState) -> str:
    """The response as safe markdown: header line, blocks in order, usage, error."""
    h = state.header
    head = [f"**{_words(h.get('model') or 'response')}**"]
    for key in ("profile", "status", "id"):
        if h.get(key):
            head.append(_code(h[key]))
    parts = [" · ".join(head)]
    links = [_link(k.replace("_url", ""), h.get(k)) for k in ("task_url", "share_url") if h.get(k)]
    if links:
        parts.append(" · ".join(links))
    parts.extend(md for md in (_block_md(b) for b in state.blocks) if md)
    if state.error:
        parts.append(
            f"**Error** {_code(state.error.get('code') or '')}: "
            f"{_words(state.error.get('message'))}"
        )
    usage = _usage_line(state)
    if usage:
        parts.append(f"*{usage}*")
    return "\n\n".join(parts) + "\n"


def fallback_text(state: ResponseViewState) -> str:
    """The response as plain text: the answer, one line per tool call, usage, error."""
    h = state.header
    lines = [" · ".join(str(h[k]) for k in ("model", "status", "id") if h.get(k))]
    for block in state.blocks:
        if block.kind == "message" and block.item.get("role") != "user":
            lines.append(block.text)
        elif block.kind != "reasoning":
            name = block.item.get("name") or ""
            lines.append(f"[{block.kind}{': ' + str(name) if name else ''}]")
    if state.error:
        lines.append(f"Error {state.error.get('code') or ''}: {state.error.get('message')}")
    usage = _usage_line(state)
    if usage:
        lines.append(usage)
    return "\n".join(line for line in lines if line)


def fallback_bundle(state: ResponseViewState) -> dict[str, str]:
    """The ``text/markdown`` + ``text/plain`` mimebundle of ``state``."""
    return {"text/markdown": fallback_markdown(state), "text/plain": fallback_text(state)}
