// @ts-check
// Small DOM helpers shared by the ResponseView renderers. Nothing here ever parses HTML:
// text goes in through textContent, URLs through safeUrl().

/** @typedef {Node | string | number | null | undefined | false | Child[]} Child */

/**
 * Create an element: h("div", {class: "x", title: "y"}, child, "text", ...).
 * @param {string} tag @param {Record<string, any> | null} [attrs] @param {...Child} children
 * @returns {HTMLElement}
 */
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

/** Append children (nodes, strings, arrays, null) to el. @param {Element} el @param {Child[]} children */
export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (typeof child === "object") el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
  return el;
}

const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:"]);
const DATA_IMAGE = /^data:image\/(png|jpeg|jpg|gif|webp);base64,[A-Za-z0-9+/=\s]*$/i;

/** The page's origin ("" when there is none, as under node). */
export function pageOrigin() {
  const loc = globalThis.location;
  return loc && /^https?:$/.test(loc.protocol) ? loc.origin : "";
}

/**
 * The one URL gate of the view: `url` if it is http(s) or mailto (a base64 raster image data URL
 * too when `images`), else null. Relative URLs resolve against the page when it has an origin.
 * @param {unknown} url @param {{images?: boolean}} [options] @returns {string | null}
 */
export function safeUrl(url, { images = false } = {}) {
  if (typeof url !== "string" || !url) return null;
  const trimmed = url.trim();
  if (DATA_IMAGE.test(trimmed)) return images ? trimmed : null;
  let parsed;
  try {
    parsed = new URL(trimmed, pageOrigin() || "https://invalid.invalid/");
  } catch {
    return null;
  }
  if (!SAFE_SCHEMES.has(parsed.protocol)) return null;
  if (parsed.host === "invalid.invalid") return null; // relative, and no page to resolve it
  return parsed.href;
}

/** True when `url` (already safe) may load without a click: a data: image or the page's origin. @param {string} url */
export function loadsFreely(url) {
  if (url.startsWith("data:")) return true;
  const origin = pageOrigin();
  try {
    return !!origin && new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/** The host of a URL, for labels. @param {string} url */
export function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}

/** A link that opens in a new tab, or plain text when the URL is not safe. @param {unknown} url @param {string} [label] */
export function link(url, label) {
  const href = safeUrl(url);
  const text = label || (typeof url === "string" ? url : "");
  if (!href || href.startsWith("data:")) return h("span", { class: "rv-badlink", text });
  return h("a", { href, target: "_blank", rel: "noopener noreferrer", text });
}

/**
 * An image: loads at once when it is a data: URL or on the page's origin; a remote image is a
 * click-to-load placeholder naming its host (a remote image is a way to leak data).
 * @param {string} url a URL safeUrl() accepted @param {string} alt
 */
export function gatedImage(url, alt) {
  const img = () => h("img", { class: "rv-image", src: url, alt: alt || "image", loading: "lazy" });
  if (loadsFreely(url)) return img();
  const button = h("button", { class: "rv-button rv-remote-image", type: "button",
    title: url, text: `Load image from ${hostOf(url) || "a remote host"}` });
  button.addEventListener("click", () => button.replaceWith(img()));
  return button;
}

/** An image for a base64 payload (no data: prefix) or a URL; null when neither is acceptable. @param {unknown} src @param {string} [alt] */
export function image(src, alt) {
  let url = null;
  if (typeof src === "string" && /^[A-Za-z0-9+/=\s]+$/.test(src) && src.length > 16) {
    url = `data:image/png;base64,${src.replace(/\s+/g, "")}`;
  } else {
    url = safeUrl(src, { images: true });
  }
  if (!url || url.startsWith("mailto:")) return null;
  return gatedImage(url, alt || "image");
}

/** Pretty JSON of a string that may or may not be JSON (as-is when it is not). @param {unknown} value */
export function prettyJson(value) {
  if (typeof value !== "string") return JSON.stringify(value, null, 2) ?? "";
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

/** Re-render el with build(), keeping which <details data-key=...> were open. @param {HTMLElement} el @param {(el: HTMLElement) => void} build */
export function rebuild(el, build) {
  /** @type {Map<string, boolean>} */
  const open = new Map();
  for (const d of el.querySelectorAll("details[data-key]")) {
    open.set(/** @type {HTMLElement} */ (d).dataset.key || "", /** @type {HTMLDetailsElement} */ (d).open);
  }
  el.replaceChildren();
  build(el);
  for (const d of el.querySelectorAll("details[data-key]")) {
    const key = /** @type {HTMLElement} */ (d).dataset.key || "";
    if (open.has(key)) /** @type {HTMLDetailsElement} */ (d).open = !!open.get(key);
  }
}

/**
 * A collapsible section: <details data-key><summary>title</summary>body</details>.
 * @param {string} key @param {Child} title @param {Child} body @param {{open?: boolean, cls?: string}} [options]
 */
export function details(key, title, body, { open = false, cls = "" } = {}) {
  const summary = h("summary", {}, title);
  return h("details", { class: `rv-details ${cls}`.trim(), "data-key": key, open }, summary, body);
}

/** Copy text to the clipboard. @param {string} text @returns {Promise<void>} */
export function copyText(text) {
  if (globalThis.navigator?.clipboard?.writeText) return navigator.clipboard.writeText(text);
  const area = /** @type {HTMLTextAreaElement} */ (h("textarea", { class: "rv-offscreen" }));
  area.value = text;
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
  return Promise.resolve();
}

/** A small "Copy" button copying what text() returns when clicked. @param {() => string} text @param {string} [label] */
export function copyButton(text, label = "Copy") {
  const button = h("button", { class: "rv-button rv-copy", type: "button", title: "Copy to the clipboard", text: label });
  button.addEventListener("click", () => {
    copyText(text()).then(() => {
      button.textContent = "Copied";
      setTimeout(() => { button.textContent = label; }, 1200);
    }, () => { button.textContent = "Copy failed"; });
  });
  return button;
}
