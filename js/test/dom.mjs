// A DOM for node --test: a jsdom window (DOMPurify's own test DOM) installed as the globals the
// view's modules use.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><head></head><body></body></html>", { url: "http://127.0.0.1:8888/lab" });
const { window } = dom;
for (const name of ["window", "document", "Node", "HTMLElement", "DocumentFragment", "NodeFilter",
  "Element", "Text", "DOMParser", "HTMLTemplateElement", "NamedNodeMap", "HTMLFormElement",
  "Comment", "location", "navigator", "requestAnimationFrame", "cancelAnimationFrame"]) {
  const value = name === "window" ? window : window[name];
  if (value !== undefined) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
}
export { window };
export const document = window.document;
