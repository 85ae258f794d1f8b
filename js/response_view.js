// respnb ResponseView: the anywidget front end of respnb.notebook.view.ResponseView.
// Python sends item patches as custom messages {id, kind: "patches", seq, patches} and answers
// {kind: "sync"} with {kind: "reset", blocks}; header, usage, error, status and finished are
// synced traitlets. Rendering is incremental: only changed blocks re-render, once per frame.

import { h, link, rebuild } from "./rv_dom.js";
import { renderBlock } from "./rv_items.js";
import { Store } from "./rv_store.js";

// Keyed by the model's `uid` trait: a widget framework may hand each view (and initialize) its
// own wrapper object around the same model, so the wrapper itself is no key.
const STORES = new Map();
const WRAPPED = new WeakMap();

function keyOf(model) {
  return model.get("uid") || (WRAPPED.get(model) ?? WRAPPED.set(model, uuid()).get(model));
}

function uuid() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;
}

/** The per-model document: created once, fed by custom messages, shared by every view. */
function storeFor(model) {
  const key = keyOf(model);
  let store = STORES.get(key);
  if (store) return store;
  store = new Store();
  STORES.set(key, store);
  model.on("msg:custom", (msg) => {
    if (!msg || typeof msg !== "object") return;
    if (msg.kind === "patches") {
      if (msg.seq && store.seq && msg.seq !== store.seq + 1 && msg.seq > store.seq) {
        model.send({ kind: "sync", id: uuid() }); // a gap: ask for everything
      }
      store.apply(msg.patches, msg.seq);
    } else if (msg.kind === "reset") {
      store.reset(msg.blocks, msg.seq);
    }
  });
  model.send({ kind: "sync", id: uuid() });
  return store;
}

function formatElapsed(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "";
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function copyText(text) {
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text);
  const area = h("textarea", { class: "rv-offscreen" });
  area.value = text;
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
  return Promise.resolve();
}

function render({ model, el }) {
  const store = storeFor(model);
  const startedAt = Date.now() / 1000;
  const root = h("div", { class: "respnb-view", "data-testid": "respnb-view" });
  const header = h("div", { class: "rv-header" });
  const body = h("div", { class: "rv-body", "aria-live": "polite" });
  const banner = h("div", { class: "rv-error", role: "alert", hidden: true });
  const usage = h("span", { class: "rv-usage" });
  const cancel = h("button", { class: "rv-button rv-cancel", type: "button", text: "Cancel" });
  const stopHint = h("span", { class: "rv-stop-hint" });
  const copy = h("button", { class: "rv-button rv-copy", type: "button", text: "Copy" });
  const footer = h("div", { class: "rv-footer" }, usage, h("span", { class: "rv-spacer" }), stopHint, cancel, copy);
  root.append(header, body, banner, footer);
  el.replaceChildren(root);

  const nodes = new Map(); // block index -> element
  const dirty = new Set();
  let rerender = true; // every block (a reset, the run finished)
  let reorder = true; // blocks were added or removed
  let frame = 0;

  function context() {
    const outputs = new Map();
    const names = new Map();
    for (const b of store.ordered()) {
      if (b.kind === "function_call_output") outputs.set(b.item.call_id, b.item.output);
      if (b.item && b.item.call_id && b.item.name) names.set(b.item.call_id, b.item.name);
    }
    return { outputs, names, finished: !!model.get("finished") };
  }

  function draw() {
    frame = 0;
    const ctx = context();
    const blocks = store.ordered();
    const answered = new Set(); // call_ids whose output block changed
    for (const index of dirty) {
      const b = store.blocks.get(index);
      if (b && b.kind === "function_call_output") answered.add(b.item.call_id);
    }
    for (const block of blocks) {
      let node = nodes.get(block.index);
      const fresh = !node;
      if (fresh) {
        node = h("div", { class: "rv-block", "data-index": block.index });
        nodes.set(block.index, node);
        reorder = true;
      }
      const answeredCall = block.kind === "function_call" && answered.has(block.item.call_id);
      if (rerender || fresh || dirty.has(block.index) || answeredCall) {
        node.dataset.kind = block.kind;
        rebuild(node, (n) => renderBlock(n, block, ctx));
      }
    }
    if (reorder) {
      for (const [index, node] of nodes) {
        if (!store.blocks.has(index)) { node.remove(); nodes.delete(index); }
      }
      body.replaceChildren(...blocks.map((b) => nodes.get(b.index)));
    }
    dirty.clear();
    rerender = false;
    reorder = false;
  }

  function schedule() {
    if (frame) return;
    frame = (globalThis.requestAnimationFrame || ((f) => setTimeout(f, 16)))(draw);
  }

  const unsubscribe = store.subscribe((changed) => {
    if (changed === "all") { rerender = true; reorder = true; }
    else for (const i of changed) dirty.add(i);
    schedule();
  });

  function drawHeader() {
    const hd = model.get("header") || {};
    const status = model.get("status") || hd.status || "pending";
    const finished = model.get("finished");
    const created = typeof hd.created_at === "number" ? hd.created_at : startedAt;
    const end = typeof hd.completed_at === "number" ? hd.completed_at
      : finished ? null : Date.now() / 1000;
    const elapsed = end === null ? "" : formatElapsed(end - created);
    header.replaceChildren(...[
      h("span", { class: "rv-model", text: hd.model || "response" }),
      hd.profile ? h("span", { class: "rv-chip rv-profile", text: hd.profile }) : null,
      h("span", { class: `rv-chip rv-status rv-status-${String(status).replace(/[^a-z_]/gi, "")}`,
        "data-testid": "status", text: String(status).replace(/_/g, " ") }),
      hd.status_raw && hd.status_raw !== status ? h("span", { class: "rv-dim", text: `(${hd.status_raw})` }) : null,
      h("span", { class: "rv-elapsed rv-dim", text: elapsed }),
      hd.title ? h("span", { class: "rv-title", text: hd.title }) : null,
      h("span", { class: "rv-spacer" }),
      hd.task_url ? link(hd.task_url, "task") : null,
      hd.share_url ? link(hd.share_url, "share") : null,
      hd.id ? h("code", { class: "rv-id", title: "response id", text: hd.id }) : null,
    ].filter((node) => node !== null));
  }

  function drawFooter() {
    const u = model.get("usage") || {};
    usage.textContent = Object.keys(u).length
      ? `input ${u.input_tokens ?? 0} (cached ${u.cached_tokens ?? 0}) · output ${u.output_tokens ?? 0} (reasoning ${u.reasoning_tokens ?? 0}) tokens`
      : "";
    const err = model.get("error") || {};
    banner.hidden = !err.message;
    banner.replaceChildren(err.message ? h("strong", { text: `Error${err.code ? ` (${err.code})` : ""}: ` }) : "", err.message || "");
    const terminal = ["completed", "failed", "cancelled", "incomplete"].includes(model.get("status"));
    const running = !model.get("finished") && !terminal;
    cancel.hidden = !running || !model.get("cancellable");
    const hint = model.get("stop_hint") || "";
    stopHint.hidden = !running || !hint || !cancel.hidden;
    stopHint.textContent = hint;
  }

  cancel.addEventListener("click", () => {
    cancel.disabled = true;
    cancel.textContent = "Cancelling…";
    model.send({ kind: "cancel", id: uuid() });
  });
  copy.addEventListener("click", () => {
    copyText(store.text()).then(() => {
      copy.textContent = "Copied";
      setTimeout(() => { copy.textContent = "Copy"; }, 1200);
    }, () => { copy.textContent = "Copy failed"; });
  });

  const onHeader = () => drawHeader();
  const onFooter = () => { drawFooter(); drawHeader(); };
  const onFinished = () => { onFooter(); rerender = true; schedule(); };
  model.on("change:header", onHeader);
  model.on("change:status", onFooter);
  model.on("change:finished", onFinished);
  model.on("change:usage", onFooter);
  model.on("change:error", onFooter);
  const ticker = setInterval(() => {
    if (!model.get("finished") && !(model.get("header") || {}).completed_at) drawHeader();
  }, 1000);

  drawHeader();
  drawFooter();
  schedule();

  return () => {
    clearInterval(ticker);
    unsubscribe();
    if (frame && globalThis.cancelAnimationFrame) cancelAnimationFrame(frame);
    model.off("change:header", onHeader);
    model.off("change:finished", onFinished);
    for (const name of ["status", "usage", "error"]) model.off(`change:${name}`, onFooter);
  };
}

export default {
  initialize({ model }) {
    storeFor(model);
  },
  render,
};
