// @ts-check
// Incremental markdown for a growing text. The text is cut into top-level blocks (marked's
// lexer, run on the not-yet-finished tail only); every block but the last is final: rendered,
// sanitized and highlighted once, then never touched again. Only the last, open block is
// re-rendered on each update, so the cost of an update does not grow with the answer.

import { LIMITS, overBudget } from "./rv_budget.js";
import { h } from "./rv_dom.js";
import { marked, renderTokens } from "./rv_markdown.js";

/** A plain-text rendering of `text` with the reason it is not markdown. @param {string} text @param {string} reason */
export function rawBlock(text, reason) {
  const pre = h("pre", { class: "rv-pre rv-raw" });
  const shown = text.length > LIMITS.raw ? text.slice(0, LIMITS.raw) : text;
  pre.textContent = shown;
  const box = h("div", { class: "rv-raw-box" },
    h("div", { class: "rv-dim rv-raw-note", text: `Shown as plain text: ${reason}.` }), pre);
  if (shown.length < text.length) {
    const more = h("button", { class: "rv-button", type: "button",
      text: `Show all ${text.length.toLocaleString("en")} characters` });
    more.addEventListener("click", () => { pre.textContent = text; more.remove(); });
    box.append(more);
  }
  return box;
}

export class MarkdownStream {
  /** @param {HTMLElement} el the container (owned by this renderer) */
  constructor(el) {
    this.el = el;
    /** the source text of the committed blocks */
    this.done = "";
    /** @type {Record<string, any>} reference definitions seen so far */
    this.links = {};
    /** @type {HTMLElement} */
    this.open = h("div", { class: "rv-open" });
    this.el.replaceChildren(this.open);
    /** rendering counters (for benchmarks and tests) */
    this.stats = { committed: 0, openRenders: 0 };
    this.raw = false;
  }

  /** Start over (the text changed other than by growing). */
  clear() {
    this.done = "";
    this.links = {};
    this.raw = false;
    this.open = h("div", { class: "rv-open" });
    this.el.replaceChildren(this.open);
  }

  /**
   * Show `text`. `final`: nothing more will be appended (the last block is committed too).
   * @param {string} source @param {boolean} [final]
   */
  update(source, final = false) {
    const text = source.replace(/\r\n?/g, "\n");
    if (!text.startsWith(this.done)) this.clear();
    let tail = text.slice(this.done.length);
    if (this.raw || this.done.length + tail.length > LIMITS.total) {
      this.showRaw(tail, `the answer is longer than ${LIMITS.total.toLocaleString("en")} characters`);
      return;
    }
    const before = overBudget(tail, { chunk: LIMITS.total }); // the lexer itself must not choke
    if (before) {
      this.showRaw(tail, before);
      return;
    }
    /** @type {any[]} */
    let tokens;
    try {
      tokens = /** @type {any[]} */ (marked.lexer(tail));
    } catch {
      this.showRaw(tail, "it could not be parsed");
      return;
    }
    Object.assign(this.links, /** @type {any} */ (tokens).links || {});
    let last = tokens.length - 1;
    while (last >= 0 && tokens[last].type === "space") last--;
    const commit = final ? tokens.length : Math.max(0, last);
    let consumed = 0;
    for (let i = 0; i < commit; i++) consumed += tokens[i].raw.length;
    if (tail.slice(0, consumed) !== tokens.slice(0, commit).map((t) => t.raw).join("")) {
      // the lexer did not keep the text byte for byte: render it all as one open block
      this.renderOpen(tokens, tail);
      return;
    }
    if (commit > 0) {
      this.open.before(this.renderChunk(tokens.slice(0, commit), tail.slice(0, consumed)));
      this.done += tail.slice(0, consumed);
      this.stats.committed += commit;
      tail = tail.slice(consumed);
    }
    this.renderOpen(tokens.slice(commit), tail);
  }

  /** @param {any[]} tokens @param {string} source */
  renderOpen(tokens, source) {
    this.stats.openRenders++;
    const fresh = h("div", { class: "rv-open" });
    if (source) fresh.append(this.renderChunk(tokens, source));
    this.open.replaceWith(fresh);
    this.open = fresh;
  }

  /** @param {any[]} tokens @param {string} source @returns {Node} */
  renderChunk(tokens, source) {
    const reason = overBudget(source);
    if (reason) return rawBlock(source, reason);
    return renderTokens(tokens, this.links);
  }

  /** @param {string} tail @param {string} reason */
  showRaw(tail, reason) {
    this.raw = true;
    const fresh = h("div", { class: "rv-open" }, rawBlock(tail, reason));
    this.open.replaceWith(fresh);
    this.open = fresh;
  }
}
