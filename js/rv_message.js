// @ts-check
// Stateful renderers of the two streaming text items: a message (incremental markdown, text
// revealed at an even pace between network updates) and reasoning (summaries visible while they
// stream, folded away once the answer starts unless the reader opened or closed it).

import { details, gatedImage, h, hostOf, image, link, pageOrigin, safeUrl } from "./rv_dom.js";
import { icon } from "./rv_icons.js";
import { jsonView, parseJsonDoc } from "./rv_json.js";
import { highlight, renderMarkdown } from "./rv_markdown.js";
import { MarkdownStream } from "./rv_stream_md.js";

/** @typedef {import("./rv_store.js").Block} Block */
/**
 * @typedef {{outputs: Map<string, any>, names: Map<string, string>, finished: boolean,
 *   calls: Set<string>, formatName: string, answerStarted: boolean, fetchHosts: string[]}} Context
 */

/** How many characters to reveal next: a quarter of the backlog, ending at a word boundary. @param {string} text @param {number} shown */
export function nextReveal(text, shown) {
  const backlog = text.length - shown;
  if (backlog <= 0) return text.length;
  let end = shown + Math.max(1, Math.ceil(backlog / 4));
  const space = text.slice(end, end + 24).search(/\s/);
  if (space >= 0) end += space;
  return Math.min(end, text.length);
}

const PREVIEW_BYTES = 200_000;

/** May the view fetch `url` for a preview? Same origin, or a host the kernel allowed. @param {string} url @param {string[]} hosts */
export function mayFetch(url, hosts) {
  try {
    const u = new URL(url);
    return (!!pageOrigin() && u.origin === pageOrigin()) || hosts.includes(u.host);
  } catch {
    return false;
  }
}

/** Read at most `limit` bytes of a response body as text. @param {Response} response @param {number} limit */
async function readCapped(response, limit) {
  if (!response.body) return (await response.text()).slice(0, limit);
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => {});
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }
  return new TextDecoder().decode(all.subarray(0, limit));
}

/** An output file: a link, an image (gated), and for markdown a preview fetched on click only. @param {any} part @param {Context} ctx */
export function outputFile(part, ctx) {
  const name = String(part.fileName || part.filename || "file");
  const mime = String(part.mimeType || "");
  const url = safeUrl(part.fileUrl);
  const box = h("div", { class: "rv-file" }, icon("file"), link(part.fileUrl, name),
    h("span", { class: "rv-dim", text: mime ? ` ${mime}` : "" }));
  if (!url) return box;
  if (mime.startsWith("image/")) box.append(gatedImage(url, name));
  if (mime === "text/markdown" || /\.md$/i.test(name)) {
    if (!mayFetch(url, ctx.fetchHosts)) {
      box.append(h("div", { class: "rv-dim", text: `(no preview: ${hostOf(url)} is not this notebook's server)` }));
      return box;
    }
    const body = h("div", { class: "rv-markdown rv-preview" });
    const button = h("button", { class: "rv-button", type: "button", text: "Preview" });
    button.addEventListener("click", () => {
      button.remove();
      body.textContent = "loading preview…";
      fetch(url, { credentials: "same-origin", redirect: "error" })
        .then((r) => (r.ok ? readCapped(r, PREVIEW_BYTES) : Promise.reject(r.status)))
        .then((text) => body.replaceChildren(renderMarkdown(text)))
        .catch(() => body.replaceChildren("preview unavailable (open the link)"));
    });
    box.append(button, body);
  }
  return box;
}

/** @param {any[]} annotations */
function citations(annotations) {
  const seen = new Set();
  const list = h("ol", { class: "rv-citations" });
  for (const a of annotations) {
    if (!a || typeof a !== "object") continue;
    const key = a.url || a.file_id || a.filename;
    if (!key || seen.has(key)) continue;
    seen.add(key);
    if (a.url) list.append(h("li", {}, link(a.url, a.title || a.url)));
    else list.append(h("li", { text: a.filename || a.file_id || a.type }));
  }
  return list.children.length ? list : null;
}

/** @param {any} part @param {Context} ctx */
function otherPart(part, ctx) {
  if (part.type === "refusal") {
    return h("div", { class: "rv-refusal", role: "note" }, h("strong", { text: "Refusal: " }), part.refusal || "");
  }
  if (part.type === "output_file") return outputFile(part, ctx);
  if (part.type === "input_image") return image(part.image_url, "input image");
  return details("part", `${part.type || "part"}`, h("pre", { class: "rv-pre" }, highlight(JSON.stringify(part, null, 2), "json")));
}

const TEXT_TYPES = new Set(["output_text", "input_text", "text"]);

export class MessageView {
  /** @param {HTMLElement} el */
  constructor(el) {
    this.el = el;
    /** @type {{box: HTMLElement, md: MarkdownStream | null, shown: number, json: boolean, extra: HTMLElement}[]} */
    this.parts = [];
    this.cursor = h("span", { class: "rv-cursor", "aria-hidden": "true" });
    this.role = h("div", { class: "rv-role" });
    this.root = h("div", { class: "rv-message" }, this.role);
    el.replaceChildren(this.root);
  }

  /** Show the block; true while text is still being revealed. @param {Block} block @param {Context} ctx */
  update(block, ctx) {
    const { item } = block;
    const user = !!item.role && item.role !== "assistant";
    this.root.classList.toggle("rv-user", user);
    this.role.hidden = !user;
    this.role.textContent = user ? String(item.role) : "";
    const parts = typeof item.content === "string" ? [{ type: "output_text", text: item.content }]
      : Array.isArray(item.content) ? item.content : [];
    const final = block.done || ctx.finished;
    let revealing = false;
    parts.forEach((part, i) => {
      let slot = this.parts[i];
      if (!slot) {
        slot = { box: h("div", { class: "rv-part" }), md: null, shown: 0, json: false, extra: h("div") };
        this.parts[i] = slot;
        this.root.append(slot.box);
      }
      if (!part || typeof part !== "object") return;
      if (!TEXT_TYPES.has(part.type)) {
        slot.md = null;
        slot.box.replaceChildren(otherPart(part, ctx) || "");
        return;
      }
      const text = String(part.text || "");
      const doc = final ? parseJsonDoc(text) : undefined;
      if (doc !== undefined) {
        if (!slot.json) slot.box.replaceChildren(jsonView(doc, ctx.formatName || "JSON", `m${block.index}p${i}`));
        slot.json = true;
        slot.md = null;
        return;
      }
      if (!slot.md || slot.json) {
        slot.json = false;
        const body = h("div", { class: "rv-markdown" });
        slot.box.replaceChildren(body, slot.extra);
        slot.md = new MarkdownStream(body);
        slot.shown = 0;
      }
      slot.shown = final || slot.shown > text.length ? text.length : nextReveal(text, slot.shown);
      slot.md.update(text.slice(0, slot.shown), final && slot.shown === text.length);
      slot.extra.replaceChildren(citations(part.annotations || []) || "");
      if (slot.shown < text.length) revealing = true;
    });
    for (const slot of this.parts.splice(parts.length)) slot.box.remove();
    if (final) this.cursor.remove();
    else this.root.append(this.cursor);
    return revealing;
  }
}

export class ReasoningView {
  /** @param {HTMLElement} el */
  constructor(el) {
    this.label = h("span", { class: "rv-label" });
    this.teaser = h("span", { class: "rv-dim rv-teaser" });
    this.body = h("div", { class: "rv-reasoning-body" });
    this.details = /** @type {HTMLDetailsElement} */ (details("reasoning",
      h("span", { class: "rv-reasoning-title" }, icon("reasoning"), this.label, this.teaser), this.body, { cls: "rv-reasoning" }));
    this.touched = false; // the reader opened or closed it: leave it as they want it
    this.details.querySelector("summary")?.addEventListener("click", () => { this.touched = true; });
    el.replaceChildren(this.details);
  }

  /** @param {Block} block @param {Context} ctx */
  update(block, ctx) {
    const summaries = (Array.isArray(block.item.summary) ? block.item.summary : [])
      .map((/** @type {any} */ p) => (p && p.text) || "").filter(Boolean);
    const raw = (Array.isArray(block.item.content) ? block.item.content : [])
      .map((/** @type {any} */ p) => (p && p.text) || "").join("");
    const streaming = !(block.done || ctx.finished);
    const last = summaries.length ? summaries[summaries.length - 1] : "";
    this.label.textContent = streaming ? "Thinking…" : "Reasoning";
    this.teaser.textContent = last ? ` ${last.replace(/[*_#`]/g, "").split("\n")[0].slice(0, 90)}` : "";
    const rawBox = this.body.querySelector("details[data-key=raw]");
    const rawOpen = rawBox ? /** @type {HTMLDetailsElement} */ (rawBox).open : false;
    this.body.replaceChildren(
      ...summaries.map((s) => h("div", { class: "rv-markdown" }, renderMarkdown(s))),
      raw ? details("raw", "raw reasoning", h("pre", { class: "rv-pre" }, raw), { open: rawOpen }) : "",
      !summaries.length && !raw ? h("div", { class: "rv-dim", text: streaming ? "…" : "(no summary)" }) : "");
    if (!this.touched) this.details.open = streaming && !ctx.answerStarted && summaries.length > 0;
    return false;
  }
}
