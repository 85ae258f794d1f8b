"""The stylesheet of a finished answer's static rendering: the live view's look, compact.

Colors come from JupyterLab's theme variables (light and dark) with fallbacks for nbconvert
pages and other front ends. Every rule is scoped to ``.respnb-static``.
"""

from __future__ import annotations

__all__ = ["STATIC_CSS"]

STATIC_CSS = """\
.respnb-static{--s-fg:var(--jp-ui-font-color0,#1f2328);--s-dim:var(--jp-ui-font-color1,#424a53);\
--s-bg:var(--jp-layout-color1,#fff);--s-alt:var(--jp-layout-color2,#f6f8fa);\
--s-line:var(--jp-border-color2,#d0d7de);--s-accent:var(--jp-brand-color1,#0969da);\
--s-err:var(--jp-error-color0,#b42318);--s-errbg:var(--jp-error-color3,#fdecea);\
--s-warn:var(--jp-warn-color1,#9a6700);--s-ok:var(--jp-success-color1,#1a7f37);\
--s-mono:var(--jp-code-font-family,ui-monospace,Menlo,Consolas,monospace);\
color:var(--s-fg);background:var(--s-bg);border:1px solid var(--s-line);border-radius:6px;\
font-family:var(--jp-ui-font-family,system-ui,sans-serif);\
font-size:var(--jp-content-font-size1,14px);line-height:1.5;overflow:hidden}
.respnb-static a{color:var(--jp-content-link-color,var(--s-accent))}
.respnb-static .rs-bar{display:flex;flex-wrap:wrap;align-items:center;gap:6px;padding:4px 10px;\
background:var(--s-alt);font-size:.9em}
.respnb-static .rs-head{border-bottom:1px solid var(--s-line)}
.respnb-static .rs-foot{border-top:1px solid var(--s-line);color:var(--s-dim)}
.respnb-static .rs-model{font-weight:600}
.respnb-static .rs-dim,.respnb-static .rs-id{color:var(--s-dim)}
.respnb-static .rs-id{font-family:var(--s-mono);font-size:.85em}
.respnb-static .rs-chip{padding:0 6px;border-radius:9px;font-size:.85em;color:var(--s-fg);\
background:var(--s-bg);\
border:1px solid var(--s-line)}
.respnb-static .rs-chip::before{content:"";display:inline-block;width:7px;height:7px;\
border-radius:50%;margin-right:4px;vertical-align:1px;background:var(--s-state,var(--s-dim))}
.respnb-static .rs-completed{--s-state:var(--s-ok);border-color:var(--s-ok)}
.respnb-static .rs-failed,.respnb-static .rs-cancelled{--s-state:var(--s-err);\
border-color:var(--s-err)}
.respnb-static .rs-incomplete,.respnb-static .rs-requires_input{--s-state:var(--s-warn);\
border-color:var(--s-warn)}
.respnb-static .rs-body{padding:4px 12px}
.respnb-static .rs-block{margin:6px 0;overflow-x:auto}
.respnb-static .rs-block>:first-child{margin-top:0}
.respnb-static .rs-block>:last-child{margin-bottom:0}
.respnb-static table{border-collapse:collapse;margin:6px 0}
.respnb-static th,.respnb-static td{border:1px solid var(--s-line);padding:2px 8px}
.respnb-static th{background:var(--s-alt)}
.respnb-static blockquote{margin:4px 0;padding-left:10px;border-left:3px solid var(--s-line);\
color:var(--s-dim)}
.respnb-static code,.respnb-static pre{font-family:var(--s-mono);font-size:.92em}
.respnb-static :not(pre)>code{background:var(--s-alt);padding:0 3px;border-radius:3px}
.respnb-static pre{background:var(--s-alt);padding:6px 8px;border-radius:4px;overflow-x:auto;\
white-space:pre-wrap;word-break:break-word;margin:4px 0}
.respnb-static details>summary{cursor:pointer;color:var(--s-dim)}
.respnb-static .rs-reasoning{border-left:3px solid var(--s-line);padding-left:8px;\
color:var(--s-dim)}
.respnb-static .rs-tool{border:1px solid var(--s-line);border-radius:4px;padding:4px 8px}
.respnb-static .rs-tool>summary{font-weight:600;color:var(--s-fg)}
.respnb-static .rs-user{border-left:3px solid var(--s-accent);padding-left:8px}
.respnb-static .rs-refusal{color:var(--s-warn)}
.respnb-static .rs-error{color:var(--s-err);background:var(--s-errbg);padding:6px 12px;\
border-top:1px solid var(--s-err)}
"""
