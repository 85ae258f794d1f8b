// @ts-check
// Markdown -> sanitized DOM. marked (GFM) + marked-highlight (highlight.js core, a few languages);
// every byte of HTML goes through DOMPurify before it reaches the DOM: no inline handlers, no
// javascript: (or other non-http) links, no class/id a page could mistake for its own, links open
// in a new tab. After sanitizing: math is typeset by KaTeX (trust off), code blocks get a copy
// button, remote images become click-to-load placeholders.

import createDOMPurify from "dompurify";
import katex from "katex";
import { Marked } from "marked";
import { markedHighlight } from "marked-highlight";
import { copyButton, gatedImage, h, safeUrl } from "./rv_dom.js";
import { hljs } from "./rv_highlight.js";

const ESCAPES = /** @type {Record<string, string>} */ ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" });
/** @param {unknown} text */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// Math: $$…$$ and \[…\] (display), $…$ and \(…\) (inline) become <code class="language-math">
// holding the TeX as text; typeset() hands each to KaTeX after sanitizing.
const math = {
  extensions: [
    {
      name: "mathBlock",
      level: "block",
      /** @param {string} src */
      start: (src) => src.match(/\$\$|\\\[/)?.index,
      /** @param {string} src */
      tokenizer(src) {
        const m = /^\$\$([\s\S]+?)\$\$[^\S\n]*(?:\n|$)/.exec(src)
          || /^\\\[([\s\S]+?)\\\][^\S\n]*(?:\n|$)/.exec(src);
        if (m) return { type: "mathBlock", raw: m[0], text: m[1].trim() };
        return undefined;
      },
      /** @param {any} token */
      renderer: (token) => `<pre><code class="language-math math-display">${escapeHtml(token.text)}</code></pre>\n`,
    },
    {
      name: "mathInline",
      level: "inline",
      /** @param {string} src */
      start: (src) => src.match(/\$|\\\(/)?.index,
      /** @param {string} src */
      tokenizer(src) {
        const m = /^\$\$([^$]+?)\$\$/.exec(src)
          || /^\$(?![\s$])([^$\n]+?)(?<!\s)\$(?![\d$])/.exec(src)
          || /^\\\(([\s\S]+?)\\\)/.exec(src);
        if (m) return { type: "mathInline", raw: m[0], text: m[1] };
        return undefined;
      },
      /** @param {any} token */
      renderer: (token) => `<code class="language-math">${escapeHtml(token.text)}</code>`,
    },
  ],
};

export const marked = new Marked(
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

const purify = createDOMPurify(/** @type {any} */ (globalThis.window));
const ALLOWED_LINK = /^(?:https?:|mailto:|#)/i;
// class tokens the view's own styles need (highlight.js, code languages, display math); all
// others are dropped, so sanitized output cannot borrow JupyterLab's classes (dialogs, toolbars)
const KEPT_CLASS = /^(?:hljs(?:-[\w-]+)?|[a-z]+_|language-[\w+#.-]+|math-display)$/;
purify.addHook("uponSanitizeAttribute", (_node, data) => {
  const name = data.attrName;
  if (name.startsWith("on") || name === "id" || name === "name") data.keepAttr = false;
  else if (name === "class") {
    data.attrValue = data.attrValue.split(/\s+/).filter((c) => KEPT_CLASS.test(c)).join(" ");
    if (!data.attrValue) data.keepAttr = false;
  }
});
purify.addHook("afterSanitizeAttributes", (node) => {
  for (const name of ["href", "src", "xlink:href", "action", "formaction"]) {
    if (!node.hasAttribute || !node.hasAttribute(name)) continue;
    const value = (node.getAttribute(name) || "").trim();
    // an image may also be a data: image or a path on this notebook's server (gated by enhance())
    const image = name === "src" && node.tagName === "IMG" && safeUrl(value, { images: true }) !== null;
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
    "frameset", "object", "embed", "base", "link", "meta", "svg", "math", "template", "dialog",
    "video", "audio", "source", "track", "picture"],
  FORBID_ATTR: ["style", "srcset", "formaction", "action", "background", "ping", "poster"],
  ALLOW_DATA_ATTR: false,
  SANITIZE_NAMED_PROPS: true,
};

/** Sanitize an HTML string into a DocumentFragment (the only way HTML enters the view). @param {string} html */
export function sanitize(html) {
  const clean = /** @type {DocumentFragment | null} */ (/** @type {unknown} */ (purify.sanitize(String(html), /** @type {any} */ (PURIFY_CONFIG))));
  if (clean) return clean;
  // DOMPurify answers null when the markup leaves the parsed document without a body (e.g. a
  // <frameset>): show the source as text rather than nothing
  const frag = document.createDocumentFragment();
  frag.append(document.createTextNode(String(html)));
  return frag;
}

/** KaTeX options: no \href/\url/\htmlClass (trust off), bounded macro expansion. */
const KATEX = { throwOnError: false, trust: false, strict: "ignore", maxSize: 50, maxExpand: 1000, output: "htmlAndMathml" };

/** Typeset math, add copy buttons to code blocks, gate remote images. @param {DocumentFragment | Element} root */
export function enhance(root) {
  for (const code of [...root.querySelectorAll("code.language-math")]) {
    const tex = code.textContent || "";
    const display = code.classList.contains("math-display") || code.parentElement?.tagName === "PRE";
    const out = h(display ? "div" : "span", { class: display ? "rv-math rv-math-display" : "rv-math" });
    try {
      katex.render(tex, out, /** @type {any} */ ({ ...KATEX, displayMode: display }));
    } catch {
      out.textContent = tex;
    }
    const target = display && code.parentElement?.tagName === "PRE" ? code.parentElement : code;
    target.replaceWith(out);
  }
  for (const pre of [...root.querySelectorAll("pre")]) {
    const code = pre.querySelector("code");
    if (!code || pre.parentElement?.classList.contains("rv-codeblock")) continue;
    const box = h("div", { class: "rv-codeblock" });
    pre.replaceWith(box);
    box.append(pre, copyButton(() => code.textContent || ""));
  }
  for (const img of [...root.querySelectorAll("img")]) {
    const url = safeUrl(img.getAttribute("src") || "", { images: true });
    if (!url) { img.remove(); continue; }
    img.replaceWith(gatedImage(url, img.getAttribute("alt") || "image"));
  }
  return root;
}

/** Render a list of top-level marked tokens into a sanitized, enhanced fragment. @param {any[]} tokens @param {Record<string, any>} links */
export function renderTokens(tokens, links) {
  const list = /** @type {any} */ ([...tokens]);
  list.links = links;
  let html;
  try {
    const walk = marked.defaults.walkTokens;
    if (walk) marked.walkTokens(list, walk);
    html = marked.parser(list);
  } catch {
    html = `<pre>${escapeHtml(tokens.map((t) => t.raw || "").join(""))}</pre>`;
  }
  return enhance(sanitize(html));
}

/** Render markdown into a sanitized fragment in one go (small texts: summaries, previews). @param {unknown} text */
export function renderMarkdown(text) {
  let html;
  try {
    html = marked.parse(String(text || ""));
  } catch {
    html = `<pre>${escapeHtml(text)}</pre>`;
  }
  return enhance(sanitize(/** @type {string} */ (html)));
}

/** Highlight code into a sanitized fragment (plain text when the language is unknown). @param {unknown} code @param {string | null} [lang] */
export function highlight(code, lang) {
  const text = String(code || "");
  if (!lang || !hljs.getLanguage(lang)) return document.createTextNode(text);
  return sanitize(hljs.highlight(text, { language: lang, ignoreIllegals: true }).value);
}
