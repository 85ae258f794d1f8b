"""What a finished answer becomes in the saved notebook: HTML + markdown + plain text.

When a run ends its live widget output is replaced by :func:`static_bundle`: a sanitized HTML
rendering with the view's look (collapsible reasoning and tool calls, status chip, elapsed
time, usage, error), a markdown copy for markdown-only renderers, and plain text. No widget
mime type, so a notebook reopened without a kernel or saved widget state reads correctly in
JupyterLab, Notebook 7, nbconvert and GitHub.

Every model- or server-controlled string goes through :mod:`respnb._sanitize` (parsed markdown
cleaned by nh3, or escaped text) or :func:`respnb._safe_markdown.safe_markdown`; the finished
HTML is cleaned once more with only respnb's own ``rs-*`` classes allowed.
"""

from __future__ import annotations

import json
from typing import Any

import nh3

from .._safe_markdown import code_fence, safe_markdown
from .._sanitize import (
    attribute_filter,
    code_span,
    escape_html,
    markdown_html,
    markdown_text,
    safe_url,
)
from .._view_items import Block
from .._view_state import ResponseViewState
from ._static_css import STATIC_CSS

__all__ = [
    "fallback_bundle",
    "fallback_markdown",
    "fallback_text",
    "static_bundle",
    "static_html",
]

_MAX_ARG = 300
_MAX_PRE = 20_000
_TOOL_KINDS = ("function_call", "custom_tool_call", "mcp_call", "mcp_approval_request")
_CLASSES = {
    "div": {"respnb-static", "rs-bar", "rs-head", "rs-foot", "rs-body", "rs-block", "rs-user",
            "rs-error", "rs-refusal"},
    "span": {"rs-model", "rs-dim", "rs-id", "rs-chip", "rs-completed", "rs-failed",
             "rs-cancelled", "rs-incomplete", "rs-requires_input", "rs-in_progress",
             "rs-queued", "rs-elapsed"},
    "details": {"rs-reasoning", "rs-tool"},
}  # fmt: skip


def _args(raw: Any, indent: int | None = 1) -> str:
    """Tool arguments as JSON (pretty with ``indent``, else on one line), or the raw text."""
    seps = (", ", ": ") if indent is None else None
    if isinstance(raw, str):
        try:
            return json.dumps(json.loads(raw), ensure_ascii=False, indent=indent, separators=seps)
        except ValueError:
            return raw
    return json.dumps(raw, ensure_ascii=False, default=str, indent=indent, separators=seps)


def _short(text: Any, limit: int = _MAX_PRE) -> str:
    s = str(text if text is not None else "")
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _reasoning(block: Block) -> str:
    """A reasoning item's summary parts, one paragraph each."""
    parts = block.item.get("summary")
    if not isinstance(parts, list):
        return block.text.strip()
    texts = [str(p.get("text") or "").strip() for p in parts if isinstance(p, dict)]
    return "\n\n".join(t for t in texts if t)


def elapsed(header: dict[str, Any]) -> str:
    """``"4.2 s"`` / ``"2 min 5 s"`` from the run's own clock (``started_at``/``ended_at``,
    set by ``%%respond``) or else the service's times, ``""`` when neither is known."""
    start, end = header.get("started_at"), header.get("ended_at")
    if not isinstance(start, int | float) or not isinstance(end, int | float):
        start, end = header.get("created_at"), header.get("completed_at")
    if not isinstance(start, int | float) or not isinstance(end, int | float) or end < start:
        return ""
    seconds = float(end) - float(start)
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


# ---------------------------------------------------------------------------------- HTML
def _pre(text: Any) -> str:
    return f"<pre><code>{escape_html(_short(text))}</code></pre>"


def _link_html(label: Any, url: Any) -> str:
    ok = safe_url(url) if isinstance(url, str) else None
    if not ok:
        return escape_html(label)
    return f'<a href="{escape_html(ok)}">{escape_html(label)}</a>'


def _tool_html(item: dict[str, Any], kind: str) -> str:
    label = {"mcp_approval_request": "MCP approval requested"}.get(kind, "Tool call")
    server = f" on {escape_html(item.get('server_label'))}" if item.get("server_label") else ""
    args = item.get("input") if kind == "custom_tool_call" else item.get("arguments")
    body = _pre(_args(args or ""))
    if item.get("output"):
        body += "<div>Output</div>" + _pre(item.get("output"))
    if item.get("error"):
        body += f'<div class="rs-error">{escape_html(item.get("error"))}</div>'
    name = escape_html(item.get("name"))
    summary = f"<summary>{label}{server}: <code>{name}</code></summary>"
    return f'<details class="rs-tool">{summary}{body}</details>'


def _parts(item: dict[str, Any]) -> list[dict[str, Any]]:
    """A message's content parts (a plain string is one ``output_text`` part)."""
    content = item.get("content")
    if isinstance(content, str):
        return [{"type": "output_text", "text": content}]
    return list(content or [])


def _message_html(item: dict[str, Any]) -> str:
    out: list[str] = []
    for part in _parts(item):
        ptype = part.get("type")
        if ptype in ("output_text", "input_text"):
            out.append(markdown_html(str(part.get("text") or "")))
            cites = [a for a in part.get("annotations") or [] if a.get("url")]
            if cites:
                links = ", ".join(_link_html(a.get("title") or a["url"], a["url"]) for a in cites)
                out.append(f'<p><span class="rs-dim">Sources:</span> {links}</p>')
        elif ptype == "refusal":
            out.append(f'<div class="rs-refusal">Refusal: {escape_html(part.get("refusal"))}</div>')
        elif ptype == "output_file":
            link = _link_html(part.get("fileName") or "file", part.get("fileUrl"))
            out.append(f"<p>File: {link}</p>")
    if item.get("role") == "user":
        return '<div class="rs-user"><span class="rs-dim">You</span>' + "".join(out) + "</div>"
    return "".join(out)


def _block_html(block: Block) -> str:
    item, kind = block.item, block.kind
    if kind == "message":
        return _message_html(item)
    if kind == "reasoning":
        text = _reasoning(block)
        if not text:
            return ""
        return (
            '<details class="rs-reasoning"><summary>Reasoning</summary>'
            f"{markdown_html(text)}</details>"
        )
    if kind in _TOOL_KINDS:
        return _tool_html(item, kind)
    if kind == "function_call_output":
        return (
            '<details class="rs-tool"><summary>Tool output '
            f"<code>{escape_html(item.get('call_id'))}</code></summary>"
            f"{_pre(item.get('output'))}</details>"
        )
    if kind == "web_search_call":
        action = item.get("action") or {}
        target = action.get("query") or action.get("url") or ""
        return f"<p><strong>Web search</strong>: <code>{escape_html(target)}</code></p>"
    if kind == "file_search_call":
        queries = ", ".join(f"<code>{escape_html(q)}</code>" for q in item.get("queries") or [])
        hits = len(item.get("results") or [])
        return f"<p><strong>File search</strong>: {queries or '(no query)'} ({hits} results)</p>"
    if kind == "code_interpreter_call":
        logs = [o.get("logs") for o in item.get("outputs") or [] if isinstance(o, dict)]
        body = _pre(item.get("code")) + "".join(_pre(x) for x in logs if x)
        return f'<details class="rs-tool" open><summary>Code interpreter</summary>{body}</details>'
    if kind == "mcp_list_tools":
        names = ", ".join(
            f"<code>{escape_html(t.get('name'))}</code>" for t in item.get("tools") or []
        )
        label = escape_html(item.get("server_label"))
        return f"<p><strong>MCP tools</strong> on {label}: {names}</p>"
    if kind == "image_generation_call":
        return "<p><strong>Image generated</strong></p>" if item.get("result") else ""
    status = item.get("status")
    return f"<p><strong>{escape_html(kind)}</strong> {escape_html(status or '')}</p>"


def _header_html(state: ResponseViewState) -> str:
    h = state.header
    status = str(h.get("status") or "pending")
    parts = [f'<span class="rs-model">{escape_html(h.get("model") or "response")}</span>']
    if h.get("profile"):
        parts.append(f'<span class="rs-dim">{escape_html(h["profile"])}</span>')
    cls = "rs-" + "".join(c for c in status if c.isalnum() or c == "_")
    parts.append(f'<span class="rs-chip {cls}">{escape_html(status.replace("_", " "))}</span>')
    raw = h.get("status_raw")
    if raw and raw != status:
        parts.append(f'<span class="rs-dim">({escape_html(raw)})</span>')
    took = elapsed(h)
    if took:
        parts.append(f'<span class="rs-dim rs-elapsed">{escape_html(took)}</span>')
    for key in ("task_url", "share_url"):
        if h.get(key):
            parts.append(_link_html(key.replace("_url", ""), h.get(key)))
    if h.get("id"):
        parts.append(f'<span class="rs-id">{escape_html(h["id"])}</span>')
    return '<div class="rs-bar rs-head">' + " ".join(parts) + "</div>"


def static_html(state: ResponseViewState) -> str:
    """The finished response as one self-contained, sanitized HTML fragment with its CSS."""
    blocks = [html for html in (_block_html(b) for b in state.blocks) if html]
    body = "".join(f'<div class="rs-block">{b}</div>' for b in blocks)
    out = [_header_html(state), f'<div class="rs-body">{body}</div>']
    if state.error:
        code = state.error.get("code")
        prefix = f"Error {code}: " if code else "Error: "
        out.append(
            f'<div class="rs-error">{escape_html(prefix + str(state.error.get("message")))}</div>'
        )
    usage = _usage_line(state)
    if usage:
        out.append(f'<div class="rs-bar rs-foot">{escape_html(usage)}</div>')
    fragment = f'<div class="respnb-static">{"".join(out)}</div>'
    return f"<style>{STATIC_CSS}</style>" + _final_clean(fragment)


def _final_clean(fragment: str) -> str:
    """The composed HTML cleaned once more; only respnb's own classes survive."""
    attrs = {"a": {"href", "title"}, "img": {"src", "alt"}, "ol": {"start"}, "details": {"open"}}
    return nh3.clean(
        fragment,
        tags={*_CLASSES, "a", "p", "br", "hr", "em", "strong", "s", "del", "code", "pre",
              "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
              "thead", "tbody", "tr", "th", "td", "img", "summary", "sub", "sup", "kbd"},
        clean_content_tags={"script", "style"},
        attributes=attrs,
        allowed_classes=_CLASSES,
        attribute_filter=attribute_filter,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel="noopener noreferrer nofollow",
    )  # fmt: skip


# ---------------------------------------------------------------------------------- markdown
def _link_md(label: str, url: Any) -> str:
    ok = safe_url(url) if isinstance(url, str) else None
    if not ok:
        return markdown_text(label)
    return f"[{markdown_text(label)}]({ok.replace('(', '%28').replace(')', '%29')})"


def _quote(md: str) -> str:
    return "\n".join(("> " + line) if line else ">" for line in md.split("\n"))


def _tool_md(item: dict[str, Any], kind: str) -> str:
    label = {"mcp_approval_request": "MCP approval requested"}.get(kind, "Tool call")
    server = f" on {markdown_text(item.get('server_label'))}" if item.get("server_label") else ""
    args = item.get("input") if kind == "custom_tool_call" else item.get("arguments")
    compact = _args(args or "", indent=None)
    line = f"**{label}**{server}: {code_span(item.get('name'))} {code_span(compact, _MAX_ARG)}"
    if item.get("output"):
        line += f" → {code_span(item.get('output'))}"
    if item.get("error"):
        line += f" (error: {code_span(item.get('error'))})"
    return line


def _block_md(block: Block) -> str:
    item, kind = block.item, block.kind
    if kind == "message":
        return _message_md(item)
    if kind == "reasoning":
        text = _reasoning(block)
        return "> **Reasoning**\n>\n" + _quote(safe_markdown(text)) if text else ""
    if kind in _TOOL_KINDS:
        return _tool_md(item, kind)
    if kind == "function_call_output":
        return f"**Tool output** {code_span(item.get('call_id'))}: {code_span(item.get('output'))}"
    if kind == "web_search_call":
        action = item.get("action") or {}
        return f"**Web search**: {code_span(action.get('query') or action.get('url') or '')}"
    if kind == "file_search_call":
        queries = ", ".join(code_span(q) for q in item.get("queries") or [])
        hits = len(item.get("results") or [])
        return f"**File search**: {queries or '(no query)'} ({hits} results)"
    if kind == "code_interpreter_call":
        code = _short(item.get("code"))
        return "**Code interpreter**\n\n" + "\n".join(code_fence(code, "python"))
    if kind == "mcp_list_tools":
        names = ", ".join(code_span(t.get("name")) for t in item.get("tools") or [])
        return f"**MCP tools** on {markdown_text(item.get('server_label'))}: {names}"
    if kind == "image_generation_call":
        return "**Image generated**" if item.get("result") else "**Image generation**"
    return f"**{markdown_text(kind)}** {code_span(item.get('status') or '')}".rstrip()


def _message_md(item: dict[str, Any]) -> str:
    out: list[str] = []
    for part in _parts(item):
        ptype = part.get("type")
        if ptype in ("output_text", "input_text"):
            out.append(safe_markdown(str(part.get("text") or "")))
            cites = [a for a in part.get("annotations") or [] if a.get("url")]
            if cites:
                out.append(
                    "Sources: "
                    + ", ".join(_link_md(a.get("title") or a["url"], a["url"]) for a in cites)
                )
        elif ptype == "refusal":
            out.append(f"**Refusal**: {markdown_text(part.get('refusal'))}")
        elif ptype == "output_file":
            out.append("**File**: " + _link_md(part.get("fileName") or "file", part.get("fileUrl")))
    joined = "\n\n".join(o for o in out if o)
    return _quote(joined) if item.get("role") == "user" else joined


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
    head = [f"**{markdown_text(h.get('model') or 'response')}**"]
    for key in ("profile", "status", "id"):
        if h.get(key):
            head.append(code_span(h[key]))
    took = elapsed(h)
    if took:
        head.append(took)  # respnb's own words: digits and units
    parts = [" · ".join(head)]
    links = [
        _link_md(k.replace("_url", ""), h.get(k)) for k in ("task_url", "share_url") if h.get(k)
    ]
    if links:
        parts.append(" · ".join(links))
    parts.extend(md for md in (_block_md(b) for b in state.blocks) if md)
    if state.error:
        parts.append(
            f"**Error** {code_span(state.error.get('code') or '')}: "
            f"{markdown_text(state.error.get('message'))}"
        )
    usage = _usage_line(state)
    if usage:
        parts.append(f"*{usage}*")
    return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------------------------- text
def fallback_text(state: ResponseViewState) -> str:
    """The response as plain text: the answer, one line per tool call, usage, error."""
    h = state.header
    head = [str(h[k]) for k in ("model", "status", "id") if h.get(k)]
    took = elapsed(h)
    lines = [" · ".join([*head, took] if took else head)]
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
    """The ``text/markdown`` + ``text/plain`` mimebundle of ``state`` (beside a live widget)."""
    return {"text/markdown": fallback_markdown(state), "text/plain": fallback_text(state)}


def static_bundle(state: ResponseViewState) -> dict[str, str]:
    """What a finished answer is saved as: sanitized HTML, markdown and plain text."""
    return {"text/html": static_html(state), **fallback_bundle(state)}
