"""XSS payloads for the view's sanitizers. Every executable one calls ``__xss(n)``; the browser
tests install ``window.__xss`` and assert it never ran."""

from __future__ import annotations

from typing import Any

_CALL = "__xss(1)"

_BASE = [
    "<script>__xss(1)</script>",
    "<SCRIPT SRC=data:text/javascript,__xss(1)></SCRIPT>",
    "<img src=x onerror=__xss(1)>",
    '<img src="x" onerror="__xss(1)">',
    "<img src=x oNeRrOr=__xss(1)//",
    "<img/src=x/onerror=__xss(1)>",
    "<svg onload=__xss(1)>",
    "<svg><script>__xss(1)</script></svg>",
    "<svg><animate onbegin=__xss(1) attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:__xss(1)"><text x=20 y=20>X</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss(1)>",
    '<iframe src="javascript:__xss(1)"></iframe>',
    '<iframe srcdoc="<script>parent.__xss(1)</script>"></iframe>',
    '<object data="javascript:__xss(1)"></object>',
    '<embed src="javascript:__xss(1)">',
    "<body onload=__xss(1)>",
    "<details open ontoggle=__xss(1)>",
    "<video><source onerror=__xss(1)></video>",
    "<audio src=x onerror=__xss(1)>",
    "<input autofocus onfocus=__xss(1)>",
    "<select autofocus onfocus=__xss(1)>",
    "<textarea autofocus onfocus=__xss(1)></textarea>",
    "<marquee onstart=__xss(1)>x</marquee>",
    '<div onmouseover=__xss(1) style="position:fixed;inset:0">x</div>',
    '<a href="javascript:__xss(1)">click</a>',
    '<a href="JaVaScRiPt:__xss(1)">click</a>',
    '<a href="&#106;avascript:__xss(1)">click</a>',
    '<a href="java&#x09;script:__xss(1)">click</a>',
    '<a href=" javascript:__xss(1)">click</a>',
    '<a href="vbscript:__xss(1)">click</a>',
    '<a href="data:text/html,<script>__xss(1)</script>">click</a>',
    '<form action="javascript:__xss(1)"><button>go</button></form>',
    '<button formaction="javascript:__xss(1)">go</button>',
    "<style>@import 'javascript:__xss(1)';</style>",
    '<div style="background:url(javascript:__xss(1))">x</div>',
    '<div style="width: expression(__xss(1))">x</div>',
    '<link rel=stylesheet href="javascript:__xss(1)">',
    '<meta http-equiv=refresh content="0;url=javascript:__xss(1)">',
    '<base href="javascript:__xss(1)//">',
    "<template><img src=x onerror=__xss(1)></template>",
    '<noscript><p title="</noscript><img src=x onerror=__xss(1)>"></noscript>',
    "<img src=x onerror=&#95;&#95;xss(1)>",
    "&lt;img src=x onerror=__xss(1)&gt;",
    "<<script>script>__xss(1)<</script>/script>",
    "<scr<script>ipt>__xss(1)</scr</script>ipt>",
    "<img src=`x` onerror=__xss(1)>",
    "<isindex type=image src=1 onerror=__xss(1)>",
    "<xss onafterscriptexecute=__xss(1)><script>1</script>",
    '<img src="data:image/svg+xml,<svg onload=__xss(1)>">',
    '<table background="javascript:__xss(1)"><tr><td>x</td></tr></table>',
    '<a href="#" onclick="__xss(1)">x</a>',
    "<img src=x:alert(1) onerror=eval('__xss(1)')>",
    '"><img src=x onerror=__xss(1)>',
    "'><svg onload=__xss(1)>",
    "</textarea><script>__xss(1)</script>",
    "</title><script>__xss(1)</script>",
]

_MARKDOWN = [
    "[click](javascript:__xss(1))",
    "[click](JAVASCRIPT:__xss(1))",
    "[click](&#106;avascript:__xss(1))",
    "[click](javascript&#58;__xss(1))",
    "[click](  javascript:__xss(1)  )",
    "[click](<javascript:__xss(1)>)",
    "[click](vbscript:__xss(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5fX3hzcygxKTwvc2NyaXB0Pg==)",
    "![img](javascript:__xss(1))",
    '![img"onerror="__xss(1)](x)',
    "[a]: javascript:__xss(1)\n\n[click][a]",
    "<javascript:__xss(1)>",
    '[x](javascript:__xss(1) "title")',
    "[x](java\tscript:__xss(1))",
    "[![img](x)](javascript:__xss(1))",
    "| a | b |\n|---|---|\n| <img src=x onerror=__xss(1)> | [c](javascript:__xss(1)) |",
    "# <img src=x onerror=__xss(1)>",
    "> <svg onload=__xss(1)>",
    "- <iframe src=javascript:__xss(1)>",
    "**<img src=x onerror=__xss(1)>**",
    "`code` <img src=x onerror=__xss(1)> `more`",
    "\\`<img src=x onerror=__xss(1)>\\`",
    "```\n</code></pre><img src=x onerror=__xss(1)>\n```",
    "``` a`b\n<img src=x onerror=__xss(1)>\n```",
    "$<img src=x onerror=__xss(1)>$",
    "$$\n<img src=x onerror=__xss(1)>\n$$",
    "\\(<svg onload=__xss(1)>\\)",
    "[<img src=x onerror=__xss(1)>](https://example.org)",
    "<details><summary>x</summary><img src=x onerror=__xss(1)></details>",
    "https://example.org/<img src=x onerror=__xss(1)>",
    'www.example.org"onmouseover="__xss(1)',
    '[x](https://example.org"onmouseover="__xss(1))',
    "<a href=https://example.org onmouseover=__xss(1)>x</a>",
    "<<img src=x onerror=__xss(1)>>",
    "\n\n<div>\n<img src=x onerror=__xss(1)>\n</div>\n\n",
    "<!-- --><img src=x onerror=__xss(1)><!-- -->",
    "<![CDATA[<img src=x onerror=__xss(1)>]]>",
    '<?xml version="1.0"?><img src=x onerror=__xss(1)>',
]

PAYLOADS: list[str] = _BASE + _MARKDOWN
# wrapped variants: inside prose, inside a list, after a heading
PAYLOADS += [f"Hello {p} world" for p in _BASE[:20]]
PAYLOADS += [f"1. item\n2. {p}" for p in _MARKDOWN[:10]]

URLS = [
    "javascript:__xss(1)",
    "JavaScript:__xss(1)",
    " javascript:__xss(1)",
    "java\nscript:__xss(1)",
    "&#106;avascript:__xss(1)",
    "vbscript:__xss(1)",
    "data:text/html,<script>__xss(1)</script>",
    "data:image/svg+xml,<svg onload=__xss(1)>",
    '"><img src=x onerror=__xss(1)>',
]

assert len(PAYLOADS) >= 100, len(PAYLOADS)
assert all("xss(1)" in p or "PHNj" in p for p in PAYLOADS)


def hostile_response(payload: str, url: str = URLS[0]) -> dict[str, Any]:
    """A finished response whose every model-controlled field holds ``payload`` / ``url``."""
    return {
        "id": "resp_x",
        "object": "response",
        "status": "completed",
        "model": payload,
        "metadata": {"task_url": url, "share_url": url, "task_title": payload},
        "output": [
            {"type": "reasoning", "summary": [{"type": "summary_text", "text": payload}]},
            {
                "type": "message",
                "role": "assistant",
                "content": [
                    {
                        "type": "output_text",
                        "text": payload,
                        "annotations": [
                            {"type": "url_citation", "url": url, "title": payload},
                            {"type": "file_citation", "file_id": payload, "filename": payload},
                        ],
                    },
                    {"type": "refusal", "refusal": payload},
                    {
                        "type": "output_file",
                        "fileUrl": url,
                        "fileName": payload,
                        "mimeType": "image/png",
                    },
                ],
            },
            {
                "type": "message",
                "role": "user",
                "content": [
                    {"type": "input_text", "text": payload},
                    {"type": "input_image", "image_url": url},
                ],
            },
            {"type": "function_call", "call_id": "c", "name": payload, "arguments": payload},
            {"type": "function_call_output", "call_id": "c", "output": payload},
            {"type": "custom_tool_call", "call_id": "d", "name": payload, "input": payload},
            {
                "type": "web_search_call",
                "status": payload,
                "action": {
                    "type": "search",
                    "query": payload,
                    "sources": [{"type": "url", "url": url, "title": payload}],
                },
            },
            {"type": "web_search_call", "action": {"type": "open_page", "url": url}},
            {
                "type": "file_search_call",
                "queries": [payload],
                "results": [{"file_id": payload, "filename": payload, "text": payload}],
            },
            {
                "type": "code_interpreter_call",
                "code": payload + "\n~~~\n" + payload,
                "outputs": [{"type": "logs", "logs": payload}, {"type": "image", "url": url}],
            },
            {
                "type": "mcp_list_tools",
                "server_label": payload,
                "tools": [{"name": payload, "description": payload}],
                "error": payload,
            },
            {
                "type": "mcp_call",
                "server_label": payload,
                "name": payload,
                "arguments": payload,
                "output": payload,
                "error": payload,
            },
            {
                "type": "mcp_approval_request",
                "server_label": payload,
                "name": payload,
                "arguments": payload,
            },
            {"type": "image_generation_call", "result": url},
            {
                "type": "computer_call",
                "call_id": "e",
                "action": {"type": payload, "x": payload},
                "pending_safety_checks": [{"id": "s", "code": payload, "message": payload}],
            },
            {
                "type": "apply_patch_call",
                "call_id": "f",
                "operation": {"type": payload, "path": payload, "diff": "+" + payload},
            },
            {"type": "shell_call", "action": {"commands": [payload]}, "output": payload},
            {"type": payload[:30] or "x", "id": payload, "html": payload},
        ],
        "error": {"code": payload[:20], "message": payload},
    }
