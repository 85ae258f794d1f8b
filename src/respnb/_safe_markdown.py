"""Model markdown re-serialized from its parse, so that any markdown renderer shows it inert.

:func:`safe_markdown` parses with :func:`respnb._sanitize.parser` (the same parse as the HTML
rendering) and writes the tree back: every text run escaped (``<`` ``>`` ``&`` as entities,
markdown punctuation with backslashes), code as code spans or fences longer than any backtick
run inside, links only with a safe destination, images as links, raw HTML as the text it is.
Nothing in the output is markup the serializer did not write itself, whatever the renderer
(GitHub, nbconvert's mistune, JupyterLab's marked) thinks of the original.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it.tree import SyntaxTreeNode

from ._sanitize import code_span, markdown_text, parse, safe_url

__all__ = ["code_fence", "safe_markdown"]

_LINE_START = re.compile(r"^(\s*)(\d+)([.)])")
_INFO = re.compile(r"[^A-Za-z0-9_+.#-]")
_MATH_BAD = re.compile(r"[<>&`$]|\]\s*[(:\[]|^\s*\[", re.M)


def _math_ok(content: str) -> bool:
    """Math that reads the same as text in a renderer without math: no HTML, no link syntax."""
    return bool(content.strip()) and not _MATH_BAD.search(content)


def safe_markdown(text: str) -> str:
    """``text`` (model markdown) as escaped, re-serialized markdown."""
    tree = SyntaxTreeNode(list(parse(text)))
    return "\n".join(_blocks(tree.children)).strip("\n")


def _blocks(nodes: list[SyntaxTreeNode]) -> list[str]:
    out: list[str] = []
    for node in nodes:
        lines = _block(node)
        if not lines:
            continue
        if out:
            out.append("")
        out.extend(lines)
    return out


def _prefix(lines: list[str], first: str, rest: str) -> list[str]:
    return [(first if i == 0 else rest) + line if line else "" for i, line in enumerate(lines)]


def code_fence(content: str, info: str = "") -> list[str]:
    """``content`` as the lines of a backtick fence longer than any backtick run inside."""
    longest = max((len(m) for m in re.findall(r"`+", content)), default=0)
    ticks = "`" * max(3, longest + 1)
    body = content[:-1] if content.endswith("\n") else content
    return [ticks + _INFO.sub("", info)[:30], *body.split("\n"), ticks]


def _block(node: SyntaxTreeNode) -> list[str]:
    kind = node.type
    if kind == "paragraph":
        return _paragraph(_inline_of(node))
    if kind == "heading":
        level = int(node.tag[1]) if node.tag[1:].isdigit() else 1
        return ["#" * level + " " + _inline_of(node).replace("\n", " ")]
    if kind == "blockquote":
        return [("> " + line) if line else ">" for line in _blocks(node.children)]
    if kind in ("bullet_list", "ordered_list"):
        return _list(node)
    if kind in ("fence", "code_block"):
        return code_fence(node.content, node.info.split(" ")[0] if kind == "fence" else "")
    if kind == "hr":
        return ["***"]
    if kind == "table":
        return _table(node)
    if kind in ("math_block", "math_block_label"):
        content = node.content.strip("\n")
        if _math_ok(content):
            return ["$$", *content.split("\n"), "$$"]
        return code_fence(content + "\n", "math")
    text = node.content or _inline_of(node)
    return _paragraph(markdown_text(text)) if text else []


def _paragraph(text: str) -> list[str]:
    lines = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped[:1] in ("-", "+", "=") or _LINE_START.match(stripped):
            line = _LINE_START.sub(r"\1\2\\\3", line) if stripped[:1].isdigit() else "\\" + line
        lines.append(line)
    return lines


def _list(node: SyntaxTreeNode) -> list[str]:
    out: list[str] = []
    ordered = node.type == "ordered_list"
    start = int(str(node.attrs.get("start", 1))) if ordered else 1
    for n, item in enumerate(node.children):
        marker = f"{start + n}. " if ordered else "- "
        body = _blocks(item.children) or [""]
        out.extend(_prefix(body, marker, " " * len(marker)) if body != [""] else [marker.rstrip()])
    return out


def _table(node: SyntaxTreeNode) -> list[str]:
    rows: list[list[str]] = []
    aligns: list[str] = []
    for section in node.children:
        for row in section.children:
            cells = []
            for cell in row.children:
                cells.append(_inline_of(cell, in_table=True).replace("\n", " ") or " ")
                if section.type == "thead":
                    style = str(cell.attrs.get("style", ""))
                    aligns.append(
                        ":---:"
                        if "center" in style
                        else ":---"
                        if "left" in style
                        else "---:"
                        if "right" in style
                        else "---"
                    )
            rows.append(cells)
    if not rows:
        return []
    lines = ["| " + " | ".join(rows[0]) + " |", "| " + " | ".join(aligns) + " |"]
    lines.extend("| " + " | ".join(r) + " |" for r in rows[1:])
    return lines


def _inline_of(node: SyntaxTreeNode, *, in_table: bool = False) -> str:
    inline = [c for c in node.children if c.type == "inline"]
    children = inline[0].children if inline else node.children
    return _inlines(children, in_table)


def _inlines(nodes: list[SyntaxTreeNode], in_table: bool) -> str:
    return "".join(_inline(n, in_table) for n in nodes)


def _inline(node: SyntaxTreeNode, in_table: bool) -> str:
    kind = node.type
    if kind == "text":
        return markdown_text(node.content)
    if kind == "softbreak":
        return "\n"
    if kind == "hardbreak":
        return "\\\n"
    if kind == "code_inline":
        span = code_span(node.content, limit=100_000)
        return span.replace("|", "\\|") if in_table else span
    if kind in ("em", "strong", "s"):
        mark = {"em": "*", "strong": "**", "s": "~~"}[kind]
        inner = _inlines(node.children, in_table)
        return f"{mark}{inner}{mark}" if inner.strip() else inner
    if kind == "link":
        return _link(_inlines(node.children, in_table), str(node.attrs.get("href", "")))
    if kind == "image":
        alt = _inlines(node.children, in_table) or "image"
        src = str(node.attrs.get("src", ""))
        return _link("image: " + alt, src) if not src.startswith("data:") else "\\[image\\]"
    if kind in ("math_inline", "math_inline_double"):
        delim = "$" if kind == "math_inline" else "$$"
        if _math_ok(node.content) and "\n" not in node.content:
            return f"{delim}{node.content}{delim}"
        return code_span(node.content, limit=100_000)
    return markdown_text(node.content) + _inlines(node.children, in_table)


def _link(label: str, href: Any) -> str:
    url = safe_url(href) if isinstance(href, str) else None
    if not url or "\n" in url:
        return label
    url = url.replace("(", "%28").replace(")", "%29")
    return f"[{label.replace(chr(10), ' ')}]({url})"
