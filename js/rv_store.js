// The document of one response on the front end: blocks (one per output item) updated by the
// patches respnb._view_state produces. Kept per widget model, so every view of the model (a
// second display, an updated output) shows the same state.

const PART_FIELDS = {
  text: ["content", "output_text", "text"],
  refusal: ["content", "refusal", "refusal"],
  summary: ["summary", "summary_text", "text"],
  reasoning: ["content", "reasoning_text", "text"],
};
const IMPLICIT = {
  text: "message", refusal: "message", summary: "reasoning", reasoning: "reasoning",
  arguments: "function_call", code: "code_interpreter_call", input: "custom_tool_call",
};

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

export class Store {
  constructor() {
    this.blocks = new Map();
    this.listeners = new Set();
    this.seq = 0;
  }

  /** Listen for changes: fn(indices: Set<number> | "all"). Returns an unsubscribe function. */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(changed) {
    for (const fn of this.listeners) fn(changed);
  }

  /** Blocks in output order. */
  ordered() {
    return [...this.blocks.values()].sort((a, b) => a.index - b.index);
  }

  ensure(index, kind) {
    let block = this.blocks.get(index);
    if (!block) {
      const item = { type: kind };
      if (kind === "message") Object.assign(item, { role: "assistant", content: [] });
      block = { index, kind, item, done: false };
      this.blocks.set(index, block);
    }
    return block;
  }

  /** Replace everything (the answer to a sync request). */
  reset(blocks, seq) {
    this.blocks.clear();
    for (const b of blocks || []) {
      this.blocks.set(b.index, { index: b.index, kind: b.kind, item: b.item || {}, done: !!b.done });
    }
    this.seq = seq || 0;
    this.emit("all");
  }

  /** Apply patches; returns the set of block indices that changed. */
  apply(patches, seq) {
    const changed = new Set();
    for (const raw of patches || []) {
      // a delta travels as [index, field, part, delta]
      const p = Array.isArray(raw)
        ? { op: "delta", index: raw[0], field: raw[1], part: raw[2], delta: String(raw[3] ?? "") }
        : raw;
      if (!p || typeof p.index !== "number") continue;
      changed.add(p.index);
      if (p.op === "item") {
        const item = p.item || {};
        this.blocks.set(p.index, {
          index: p.index, kind: String(item.type || "unknown"), item, done: !!p.done,
        });
        continue;
      }
      if (p.op === "delta") {
        const block = this.ensure(p.index, IMPLICIT[p.field] || "unknown");
        const spec = PART_FIELDS[p.field];
        if (spec) {
          const part = ensurePart(block.item, spec[0], p.part || 0, spec[1]);
          part[spec[2]] = (part[spec[2]] || "") + p.delta;
        } else {
          block.item[p.field] = (block.item[p.field] || "") + p.delta;
        }
        continue;
      }
      const block = this.ensure(p.index, "unknown");
      if (p.op === "part") {
        const part = ensurePart(block.item, p.field, p.part || 0, (p.value || {}).type);
        Object.assign(part, p.value || {});
      } else if (p.op === "annotation") {
        const part = ensurePart(block.item, "content", p.part || 0, "output_text");
        (part.annotations ||= []).push(p.annotation);
      } else if (p.op === "set") {
        if (p.unset) delete block.item[p.key];
        else block.item[p.key] = p.value;
        if (p.key === "type") block.kind = String(p.value);
      } else if (p.op === "done") {
        block.done = true;
      }
    }
    if (seq) this.seq = seq;
    if (changed.size) this.emit(changed);
    return changed;
  }

  /** All assistant message text (markdown), for the Copy button. */
  text() {
    const out = [];
    for (const b of this.ordered()) {
      if (b.kind !== "message" || b.item.role === "user") continue;
      const parts = Array.isArray(b.item.content) ? b.item.content : [];
      for (const p of parts) if (p && p.type === "output_text" && p.text) out.push(p.text);
      if (typeof b.item.content === "string") out.push(b.item.content);
    }
    return out.join("\n\n");
  }
}
