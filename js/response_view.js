// @ts-check
// respnb ResponseView: the anywidget front end of respnb.notebook.view.ResponseView.
// Python sends item patches as custom messages {kind: "patches", seq, patches} and answers
// {kind: "sync"} with {kind: "reset", seq, blocks}; header, usage, error, status and finished
// are synced traits. One Store per widget model, keyed by the model's `uid` (set before the
// widget's first state goes out), created by `initialize` and dropped when the model closes.
// Drawing happens at most once per frame and only for blocks that changed; streaming text is
// revealed at an even pace (at most ~30 visible updates a second) between network updates.

import { copyButton, h, rebuild } from "./rv_dom.js";
import { headerNodes, formatUsage, running } from "./rv_header.js";
import { renderBlock } from "./rv_items.js";
import { MessageView, ReasoningView } from "./rv_message.js";
import { Store } from "./rv_store.js";

/** @type {Map<string, Store>} */
export const STORES = new Map();
/** @type {WeakMap<object, string>} */
const WRAPPED = new WeakMap();
const TICK_MS = 33; // the reveal pace: about 30 visible updates a second at most

/** @param {any} model */
function keyOf(model) {
  const uid = model.get("uid");
  if (uid) return String(uid);
  let key = WRAPPED.get(model);
  if (!key) WRAPPED.set(model, (key = uuid()));
  return key;
}

function uuid() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;
}

/**
 * The model's store: created once, fed by custom messages; `store.dispose()` drops it.
 * @param {any} model @returns {Store}
 */
export function storeFor(model) {
  const key = keyOf(model);
  const existing = STORES.get(key);
  if (existing) return existing;
  const store = new Store();
  STORES.set(key, store);
  /** @param {any} msg */
  const onMsg = (msg) => {
    if (!msg || typeof msg !== "object") return;
    if (msg.kind === "patches") {
      if (store.receive(msg.patches, msg.seq) === "gap") model.send({ kind: "sync", id: uuid() });
    } else if (msg.kind === "reset") {
      store.reset(msg.blocks, msg.seq);
    }
  };
  model.on("msg:custom", onMsg);
  store.handle = onMsg;
  /** Drop the store (the model closed). */
  store.dispose = () => {
    model.off("msg:custom", onMsg);
    if (STORES.get(key) === store) STORES.delete(key);
    store.listeners.clear();
  };
  model.send({ kind: "sync", id: uuid() });
  return store;
}

/** @param {Store} store @param {any} model */
function context(store, model) {
  const outputs = new Map();
  const names = new Map();
  const calls = new Set();
  let answerStarted = false;
  for (const b of store.ordered()) {
    if (b.kind === "function_call_output") outputs.set(b.item.call_id, b.item.output);
    if (b.kind === "function_call") calls.add(b.item.call_id);
    if (b.item && b.item.call_id && b.item.name) names.set(b.item.call_id, b.item.name);
    if (b.kind === "message") answerStarted = true;
  }
  const hd = model.get("header") || {};
  return {
    outputs, names, calls, answerStarted, finished: !!model.get("finished"),
    formatName: typeof hd.format_name === "string" ? hd.format_name : "",
    fetchHosts: Array.isArray(model.get("fetch_hosts")) ? model.get("fetch_hosts") : [],
  };
}

/** The renderer of one block: stateful for streaming text, rebuilt otherwise. @param {HTMLElement} node @param {string} kind */
function blockView(node, kind) {
  if (kind === "message") return new MessageView(node);
  if (kind === "reasoning") return new ReasoningView(node);
  return {
    /** @param {any} block @param {any} ctx */
    update(block, ctx) {
      rebuild(node, (n) => renderBlock(n, block, ctx));
      return false;
    },
  };
}

/** @param {{model: any, el: HTMLElement}} args */
function render({ model, el }) {
  const store = storeFor(model);
  const startedAt = Date.now() / 1000;
  const header = h("div", { class: "rv-header" });
  const body = h("div", { class: "rv-body", "aria-live": "polite" });
  const banner = h("div", { class: "rv-error", role: "alert", hidden: true });
  const usage = h("span", { class: "rv-usage" });
  const cancel = h("button", { class: "rv-button rv-cancel", type: "button", text: "Cancel" });
  const stopHint = h("span", { class: "rv-stop-hint" });
  const footer = h("div", { class: "rv-footer" }, usage, h("span", { class: "rv-spacer" }), stopHint,
    cancel, copyButton(() => store.text()));
  el.replaceChildren(h("div", { class: "respnb-view", "data-testid": "respnb-view",
    "data-uid": String(model.get("uid") || "") }, header, body, banner, footer));

  /** @type {Map<number, {node: HTMLElement, kind: string, view: {update: (b: any, c: any) => boolean}}>} */
  const views = new Map();
  /** @type {Set<number>} */
  const dirty = new Set();
  let everything = true; // every block (a reset, the run finished)
  let timer = /** @type {any} */ (0);
  let lastDraw = 0;
  let answerStarted = false;

  const root = /** @type {HTMLElement} */ (el.firstChild);
  function draw() {
    timer = 0;
    lastDraw = Date.now();
    const ctx = context(store, model);
    const blocks = store.ordered();
    const answered = new Set();
    for (const index of dirty) {
      const b = store.blocks.get(index);
      if (b && b.kind === "function_call_output") answered.add(b.item.call_id);
    }
    let reorder = false;
    /** @type {number[]} */
    const again = [];
    const startedNow = ctx.answerStarted !== answerStarted;
    answerStarted = ctx.answerStarted;
    for (const block of blocks) {
      let entry = views.get(block.index);
      if (!entry || entry.kind !== block.kind) {
        entry?.node.remove();
        const node = h("div", { class: "rv-block", "data-index": block.index, "data-kind": block.kind });
        entry = { node, kind: block.kind, view: blockView(node, block.kind) };
        views.set(block.index, entry);
        reorder = true;
        dirty.add(block.index);
      }
      const touched = everything || dirty.has(block.index)
        || (startedNow && block.kind === "reasoning")
        || (block.kind === "function_call" && answered.has(block.item.call_id));
      if (touched && entry.view.update(block, ctx)) again.push(block.index);
    }
    for (const [index, entry] of views) {
      if (!store.blocks.has(index)) { entry.node.remove(); views.delete(index); reorder = true; }
    }
    if (reorder) body.replaceChildren(...blocks.map((b) => /** @type {any} */ (views.get(b.index)).node));
    dirty.clear();
    everything = false;
    // text still being revealed: keep drawing its block
    if (again.length) {
      for (const index of again) dirty.add(index);
      schedule();
    } else {
      delete root.dataset.busy; // everything received is on screen
    }
  }

  function schedule() {
    root.dataset.busy = "1";
    if (timer) return;
    const wait = Math.max(0, TICK_MS - (Date.now() - lastDraw));
    const raf = globalThis.requestAnimationFrame;
    timer = setTimeout(() => { if (raf) raf(draw); else draw(); }, wait);
  }

  const unsubscribe = store.subscribe((changed) => {
    if (changed === "all") everything = true;
    else for (const i of changed) dirty.add(i);
    schedule();
  });

  const drawHeader = () => header.replaceChildren(...headerNodes(model, startedAt));
  function drawFooter() {
    usage.textContent = formatUsage(model.get("usage"));
    const err = model.get("error") || {};
    banner.hidden = !err.message;
    banner.replaceChildren(err.message ? h("strong", { text: `Error${err.code ? ` (${err.code})` : ""}: ` }) : "", err.message || "");
    const live = running(model);
    cancel.hidden = !live || !model.get("cancellable");
    const hint = model.get("stop_hint") || "";
    stopHint.hidden = !live || !hint || !cancel.hidden;
    stopHint.textContent = hint;
  }

  cancel.addEventListener("click", () => {
    cancel.setAttribute("disabled", "");
    cancel.textContent = "Cancelling…";
    model.send({ kind: "cancel", id: uuid() });
  });

  const onFooter = () => { drawFooter(); drawHeader(); };
  const onFinished = () => { onFooter(); everything = true; schedule(); };
  const events = /** @type {[string, () => void][]} */ ([["change:header", drawHeader], ["change:status", onFooter],
    ["change:finished", onFinished], ["change:usage", onFooter], ["change:error", onFooter],
    ["change:cancellable", onFooter], ["change:stop_hint", onFooter]]);
  for (const [name, fn] of events) model.on(name, fn);
  const ticker = setInterval(() => {
    if (!model.get("finished") && !(model.get("header") || {}).completed_at) drawHeader();
  }, 1000);

  drawHeader();
  drawFooter();
  schedule();

  return () => {
    clearInterval(ticker);
    unsubscribe();
    clearTimeout(timer);
    for (const [name, fn] of events) model.off(name, fn);
  };
}

export default {
  /** @param {{model: any, early?: any[]}} args `early`: messages a loader held while loading */
  initialize({ model, early }) {
    const store = storeFor(model);
    // applied in order once each (a message also seen by the store's own listener is stale)
    for (const msg of early || []) store.handle?.(msg);
    return () => store.dispose?.();
  },
  render,
};
