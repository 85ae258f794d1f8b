// Markdown -> sanitized DOM. marked (GFM) + marked-highlight (highlight.js core, a few languages),
// math kept readable as code spans, and every byte of HTML through DOMPurify before it reaches
// the DOM: no inline handlers, no javascript: (or other non-http) links, links open in a new tab.

import createDOMPurify from "dompurify";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import python from "highlight.js/lib/languages/python";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";
import { Marked } from "marked";
import { markedHighlight } from "marked-highlight";

for (const [name, lang] of Object.entries({
  bash, css, diff, javascript, json, markdown, python, sql, typescript, xml, yaml,
})) {
  hljs.registerLanguage(name, lang);
}
hljs.registerAliases(["sh", "shell", "zsh", "console"], { languageName: "bash" });
hljs.registerAliases(["py", "ipython"], { languageName: "python" });
hljs.registerAliases(["js", "mjs"], { languageName: "javascript" });
hljs.registerAliases(["ts"], { languageName: "typescript" });
hljs.registerAliases(["html", "svg"], { languageName: "xml" });
hljs.registerAliases(["yml"], { languageName: "yaml" });

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// Math stays readable: $...$, $$...$$, \(...\) and \[...\] become code spans with the TeX as is.
const math = {
  extensions: [
    {
      name: "mathBlock",
      level: "block",
      start: (src) => src.match(/\$\$|\\\[/)?.index,
      tokenizer(src) {
        const m = /^\$\$([\s\S]+?)\$\$[^\S\n]*(?:\n|$)/.exec(src)
          || /^\\\[([\s\S]+?)\\\][^\S\n]*(?:\n|$)/.exec(src);
        if (m) return { type: "mathBlock", raw: m[0], text: m[0].trim() };
        return undefined;
      },
      renderer: (token) => `<pre class="rv-math">${escapeHtml(token.text)}</pre>\n`,
    },
    {
      name: "mathInline",
      level: "inline",
      start: (src) => src.match(/\$|\\\(/)?.index,
      tokenizer(src) {
        const m = /^\$\$([^$]+?)\$\$/.exec(src)
          || /^\$(?![\s$])([^$\n]+?)(?<!\s)\$(?![\d$])/.exec(src)
          || /^\\\(([\s\S]+?)\\\)/.exec(src);
        if (m) return { type: "mathInline", raw: m[0], text: m[0] };
        return undefined;
      },
      renderer: (token) => `<code class="rv-math">${escapeHtml(token.text)}</code>`,
    },
  ],
};

const marked = new Marked(
  markedHighlight({
    emptyLangClass: "hljs",
    langPrefix: "hljs language-",
    highlight(code, lang) {
      const language = hljs.getLanguage(lang) ? lang : null;
      if (!language) return escapeHtml(code);
      return hljs.highlight(code, { language, ignoreIllegals: true }).value;
    },
  }),
  math,
  { gfm: true, breaks: false, async: false },
);

const purify = createDOMPurify(window);
const ALLOWED_LINK = /^(?:https?:|mailto:|#)/i;
purify.addHook("uponSanitizeAttribute", (node, data) => {
  if (data.attrName.startsWith("on")) data.keepAttr = false;
});
purify.addHook("afterSanitizeAttributes", (node) => {
  for (const name of ["href", "src", "xlink:href", "action", "formaction"]) {
    if (!node.hasAttribute || !node.hasAttribute(name)) continue;
    const value = node.getAttribute(name).trim();
    const image = name === "src" && node.tagName === "IMG"
      && /^data:image\/(png|jpeg|jpg|gif|webp);base64,/i.test(value);
    if (!image && !ALLOWED_LINK.test(value)) node.removeAttribute(name);
  }
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

const PURIFY_CONFIG = {
  RETURN_DOM_FRAGMENT: true,
  FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe", "frame",
    "frameset", "object", "embed", "base", "link", "meta", "svg", "math", "template", "dialog"],
  FORBID_ATTR: ["style", "srcset", "formaction", "action", "background", "ping"],
  ALLOW_DATA_ATTR: false,
};

/** Sanitize an HTML string into a DocumentFragment (the only way HTML enters the view). */
export function sanitize(html) {
  return purify.sanitize(String(html), PURIFY_CONFIG);
}

/** Render markdown into a sanitized DocumentFragment. */
export function renderMarkdown(text) {
  let html;
  try {
    html = marked.parse(String(text || ""));
  } catch {
    html = `<pre>${escapeHtml(text)}</pre>`;
  }
  return sanitize(html);
}

/** Highlight code into a sanitized fragment (plain text when the language is unknown). */
export function highlight(code, lang) {
  const text = String(code || "");
  if (!lang || !hljs.getLanguage(lang)) return document.createTextNode(text);
  return sanitize(hljs.highlight(text, { language: lang, ignoreIllegals: true }).value);
}
