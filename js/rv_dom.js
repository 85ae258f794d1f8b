// Small DOM helpers shared by the ResponseView renderers. Nothing here ever parses HTML:
// text goes in through textContent, URLs through safeUrl().

/** Create an element: h("div", {class: "x", title: "y"}, child, "text", ...). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) continue; // never inline handlers
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

/** Append children (nodes, strings, arrays, null) to el. */
export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
  return el;
}

const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:"]);
const DATA_IMAGE = /^data:image\/(png|jpeg|jpg|gif|webp);base64,[A-Za-z0-9+/=\s]*$/;

/** url if it is http(s)/mailto (or a base64 raster image data URL when images=true), else null. */
export function safeUrl(url, { images = false } = {}) {
  if (typeof url !== "string" || !url) return null;
  const trimmed = url.trim();
  if (images && DATA_IMAGE.test(trimmed)) return trimmed;
  let parsed;
  try {
    parsed = new URL(trimmed, "https://invalid.invalid/");
  } catch {
    return null;
  }
  if (!SAFE_SCHEMES.has(parsed.protocol)) return null;
  if (parsed.host === "invalid.invalid") return null; // relative: meaningless inside a notebook
  return parsed.href;
}

/** A link that opens in a new tab, or plain text when the URL is not safe. */
export function link(url, label) {
  const href = safeUrl(url);
  const text = label || url || "";
  if (!href) return h("span", { class: "rv-badlink", text });
  return h("a", { href, target: "_blank", rel: "noopener noreferrer", text });
}

/** An <img> for a base64 payload (no data: prefix) or a safe URL; null otherwise. */
export function image(src, alt) {
  let url = null;
  if (typeof src === "string" && /^[A-Za-z0-9+/=\s]+$/.test(src) && src.length > 16) {
    url = `data:image/png;base64,${src.replace(/\s+/g, "")}`;
  } else {
    url = safeUrl(src, { images: true });
  }
  if (!url) return null;
  return h("img", { class: "rv-image", src: url, alt: alt || "image", loading: "lazy" });
}

/** Pretty JSON of a string that may or may not be JSON (as-is when it is not). */
export function prettyJson(value) {
  if (typeof value !== "string") return JSON.stringify(value, null, 2) ?? "";
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

/** Re-render el with build(), keeping which <details data-key=...> were open. */
export function rebuild(el, build) {
  const open = new Map();
  for (const d of el.querySelectorAll("details[data-key]")) open.set(d.dataset.key, d.open);
  el.replaceChildren();
  build(el);
  for (const d of el.querySelectorAll("details[data-key]")) {
    if (open.has(d.dataset.key)) d.open = open.get(d.dataset.key);
  }
}

/** A collapsible section: <details data-key><summary>title</summary>body</details>. */
export function details(key, title, body, { open = false, cls = "" } = {}) {
  const summary = h("summary", {}, title);
  return h("details", { class: `rv-details ${cls}`.trim(), "data-key": key, open }, summary, body);
}
