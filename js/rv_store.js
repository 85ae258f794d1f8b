// @ts-check
// The document of one response on the front end: blocks (one per output item) updated by the
// patches respnb._view_state produces. One Store per widget model (keyed by its `uid`), shared by
// every view of the model. Patches are applied once, in sequence: a message whose `seq` is not
// the next one is dropped (a duplicate) or, after a gap, the store asks for a full reset. A store
// created with the widget sees every message from seq 1; one created later (a reloaded page)
// sees a gap first and waits for the reset its sync request brings.
// Items are copied on the way in, so no two stores (or a store and a message) share objects.

/** @typedef {{type?: string, [key: string]: any}} Item */
/** @typedef {{index: number, kind: string, item: Item, done: boolean}} Block */
/** @typedef {Set<number> | "all"} Changed */

/** @type {Record<string, [string, string, string]>} */
const PART_FIELDS = {
  text: ["content", "output_text", "text"],
  refusal: ["content", "refusal", "refusal"],
  summary: ["summary", "summary_text", "text"],
  reasoning: ["content", "reasoning_text", "text"],
};
/** @type {Record<string, string>} */
const IMPLICIT = {
  text: "message", refusal: "message", summary: "reasoning", reasoning: "reasoning",
  arguments: "function_call", code: "code_interpreter_call", input: "custom_tool_call",
};

/** A deep copy of JSON data. @template T @param {T} value @returns {T} */
export function copyJson(value) {
  if (value === undefined || value === null || typeof value !== "object") return value;
  return JSON.parse(JSON.stringify(value));
}

/**
 * @param {Item} item @param {string} container @param {number} index @param {string | undefined} type
 * @returns {Record<string, any>}
 */
function ensurePart(item, container, index, type) {
  if (typeof item[container] === "string") {
    item[container] = [{ type: "output_text", text: item[container] }];
  }
  if (!Array.isArray(item[container])) item[container] = [];
  const parts = item[container];
  while (parts.length <= index) parts.push({ type });
  if (!parts[index] || typeof parts[index] !== "object") parts[index] = { type };
  return parts[index];
}

/** Normalise one wire patch (a delta travels as [index, field, part, delta]). @param {any} raw */
export function decodePatch(raw) {
  if (Array.isArray(raw)) {
    return { op: "delta", index: raw[0], field: raw[1], part: raw[2], delta: String(raw[3] ?? "") };
  }
  return raw;
}

export class Store {
  constructor() {
    /** @type {Map<number, Block>} */
    this.blocks = new Map();
    /** @type {Set<(changed: Changed) => void>} */
    this.listeners = new Set();
    /** Sequence number of the last message applied. */
    this.seq = 0;
    /** A sync was requested and its reset has not arrived. */
    this.waiting = false;
    /** @type {null | (() => void)} drops the store (set by its owner) */
    this.dispose = null;
    /** @type {null | ((msg: any) => void)} handles one custom message (set by its owner) */
    this.handle = null;
  }

  /** Listen for changes. Returns an unsubscribe function. @param {(changed: Changed) => void} fn */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }

  /** @param {Changed} changed */
  emit(changed) {
    for (const fn of this.listeners) fn(changed);
  }

  /** Blocks in output order. @returns {Block[]} */
  ordered() {
    return [...this.blocks.values()].sort((a, b) => a.index - b.index);
  }

  /** @param {number} index @param {string} kind @returns {Block} */
  ensure(index, kind) {
    let block = this.blocks.get(index);
    if (!block) {
      /** @type {Item} */
      const item = { type: kind };
      if (kind === "message") Object.assign(item, { role: "assistant", content: [] });
      block = { index, kind, item, done: false };
      this.blocks.set(index, block);
    }
    return block;
  }

  /**
   * Replace everything (the answer to a sync request). A reset older than what the store holds
   * (it was asked for before messages that are already applied) is ignored.
   * @param {any[]} blocks @param {number} [seq]
   */
  reset(blocks, seq) {
    const at = Number(seq) || 0;
    if (!this.waiting && at < this.seq) return;
    this.blocks.clear();
    for (const b of blocks || []) {
      if (!b || typeof b.index !== "number") continue;
      const item = copyJson(b.item && typeof b.item === "object" ? b.item : {});
      this.blocks.set(b.index, { index: b.index, kind: String(b.kind || item.type || "unknown"), item, done: !!b.done });
    }
    this.seq = at;
    this.waiting = false;
    this.emit("all");
  }

  /**
   * Accept one patches message. Returns "applied", "stale" (already part of the state, dropped)
   * or "gap" (a message is missing: the caller asks for a reset; nothing applied).
   * @param {any[]} patches @param {number} seq
   * @returns {"applied" | "stale" | "gap"}
   */
  receive(patches, seq) {
    if (this.waiting) return "stale";
    if (typeof seq !== "number" || seq <= this.seq) return "stale";
    if (seq !== this.seq + 1) {
      this.waiting = true;
      return "gap";
    }
    this.apply(patches);
    this.seq = seq;
    return "applied";
  }

  /** Apply patches (no sequence check); returns the indices that changed. @param {any[]} patches */
  apply(patches) {
    /** @type {Set<number>} */
    const changed = new Set();
    for (const raw of patches || []) {
      const p = decodePatch(raw);
      if (!p || typeof p.index !== "number") continue;
      changed.add(p.index);
      if (p.op === "item") {
        const item = copyJson(p.item && typeof p.item === "object" ? p.item : {});
        this.blocks.set(p.index, { index: p.index, kind: String(item.type || "unknown"), item, done: !!p.done });
      } else if (p.op === "delta") {
        const block = this.ensure(p.index, IMPLICIT[p.field] || "unknown");
        const spec = PART_FIELDS[p.field];
        if (spec) {
          const part = ensurePart(block.item, spec[0], p.part || 0, spec[1]);
          part[spec[2]] = (part[spec[2]] || "") + p.delta;
        } else {
          block.item[p.field] = (block.item[p.field] || "") + p.delta;
        }
      } else {
        this.applyOther(this.ensure(p.index, "unknown"), p);
      }
    }
    if (changed.size) this.emit(changed);
    return changed;
  }

  /** @param {Block} block @param {any} p */
  applyOther(block, p) {
    if (p.op === "part") {
      const value = copyJson(p.value || {});
      Object.assign(ensurePart(block.item, p.field, p.part || 0, value.type), value);
    } else if (p.op === "annotation") {
      const part = ensurePart(block.item, "content", p.part || 0, "output_text");
      (part.annotations ||= []).push(copyJson(p.annotation));
    } else if (p.op === "set") {
      if (p.unset) delete block.item[p.key];
      else block.item[p.key] = copyJson(p.value);
      if (p.key === "type") block.kind = String(p.value);
    } else if (p.op === "done") {
      block.done = true;
    }
  }

  /** The blocks as JSON (what Python's ResponseViewState.snapshot_blocks() holds). */
  snapshot() {
    return this.ordered().map((b) => copyJson({ index: b.index, kind: b.kind, item: b.item, done: b.done }));
  }

  /** All assistant message text (markdown), for the Copy button. */
  text() {
    /** @type {string[]} */
    const out = [];
    for (const b of this.ordered()) {
      if (b.kind !== "message" || b.item.role === "user") continue;
      if (typeof b.item.content === "string") out.push(b.item.content);
      const parts = Array.isArray(b.item.content) ? b.item.content : [];
      for (const p of parts) if (p && p.type === "output_text" && p.text) out.push(p.text);
    }
    return out.join("\n\n");
  }
}
