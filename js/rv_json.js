// @ts-check
// JSON shown as a collapsible tree: objects and arrays are <details> (open near the top),
// keys and values are text. Used for structured output and tool / MCP arguments and results.

import { copyButton, details, h } from "./rv_dom.js";
import { icon } from "./rv_icons.js";

const OPEN_DEPTH = 2;
const MAX_CHILDREN = 500;

/** Parse `text` as a JSON object or array; undefined when it is not one. @param {unknown} text */
export function parseJsonDoc(text) {
  if (typeof text !== "string") return text && typeof text === "object" ? text : undefined;
  const t = text.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return undefined;
  try {
    const value = JSON.parse(t);
    return value && typeof value === "object" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** @param {unknown} value */
function scalar(value) {
  const type = value === null ? "null" : typeof value;
  return h("span", { class: `rv-json-${type}`, text: JSON.stringify(value) ?? String(value) });
}

/** @param {any} value @param {number} depth @param {string} path @returns {Node} */
function node(value, depth, path) {
  if (!value || typeof value !== "object") return scalar(value);
  const array = Array.isArray(value);
  const entries = array ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  if (!entries.length) return h("span", { class: "rv-dim", text: array ? "[]" : "{}" });
  const list = h("ul", { class: "rv-json-list" });
  for (const [key, child] of entries.slice(0, MAX_CHILDREN)) {
    list.append(h("li", {}, h("span", { class: "rv-json-key", text: array ? `${key}: ` : `${JSON.stringify(key)}: ` }),
      node(child, depth + 1, `${path}/${key}`)));
  }
  if (entries.length > MAX_CHILDREN) list.append(h("li", { class: "rv-dim", text: `… ${entries.length - MAX_CHILDREN} more` }));
  const label = array ? `[${entries.length}]` : `{${entries.length}}`;
  return details(`json${path}`, h("span", { class: "rv-dim", text: label }), list, { open: depth < OPEN_DEPTH, cls: "rv-json" });
}

/**
 * A titled, collapsible JSON view with a copy button. `title`: e.g. the parsed model's name.
 * @param {unknown} value parsed JSON @param {string} title @param {string} [key]
 */
export function jsonView(value, title, key = "") {
  const text = JSON.stringify(value, null, 2);
  return h("div", { class: "rv-json-view" },
    h("div", { class: "rv-item-title" }, icon("json"), h("span", { class: "rv-label", text: title }),
      h("span", { class: "rv-spacer" }), copyButton(() => text)),
    node(value, 0, key));
}
