// Batch progress front end (anywidget ESM). No dependencies; all text (errors come from the
// model or the server) is set with textContent, never innerHTML. Python syncs one small
// `state` dict (fixed size whatever the number of rows); we send {kind:"cancel"}.

const FINISHED = new Set(["completed", "cancelled", "stopped", "interrupted", "failed",
  "expired"]);

export function formatDuration(seconds) {
  if (seconds == null || !isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  if (h) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m) return `${m}m${String(r).padStart(2, "0")}s`;
  return `${r}s`;
}

export function formatCount(n) {
  if (n == null || !isFinite(n)) return "0";
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return Math.round(n).toLocaleString("en-US");
}

/** The bar's segment widths in percent: [done, failed, running]. */
export function segments(state) {
  const total = Math.max(1, state.total || 0);
  const pct = (n) => Math.max(0, Math.min(100, (100 * (n || 0)) / total));
  return [pct(state.done), pct(state.failed), pct(state.running)];
}

/** The figures shown under the bar, as [label, text] pairs. */
export function figures(state) {
  const out = [
    ["rows/min", formatCount(state.rpm)],
    ["ETA", FINISHED.has(state.status) ? "-" : formatDuration(state.eta)],
    ["tokens", formatCount((state.input_tokens || 0) + (state.output_tokens || 0))],
  ];
  if (state.cost != null && isFinite(state.cost)) out.push(["cost", `~$${state.cost.toFixed(2)}`]);
  if (state.concurrency) out.push(["concurrency", String(state.concurrency)]);
  return out;
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text != null) node.textContent = String(text);
  return node;
}

function render({ model, el: root }) {
  const box = el("div", "respnb-batch");
  const head = el("div", "rbp-head");
  const title = el("span", "rbp-title");
  const chip = el("span", "rbp-chip");
  const cancel = el("button", "rbp-cancel", "Cancel");
  cancel.type = "button";
  head.append(title, chip, cancel);
  const bar = el("div", "rbp-bar");
  const parts = ["rbp-done", "rbp-failed", "rbp-running"].map((c) => el("div", c));
  bar.append(...parts);
  const counts = el("div", "rbp-counts");
  const countEls = {};
  for (const key of ["done", "running", "failed", "queued"]) {
    const span = el("span", `rbp-count rbp-${key}-count`);
    span.dataset.key = key;
    countEls[key] = span;
    counts.append(span);
  }
  const stats = el("div", "rbp-stats");
  const detail = el("div", "rbp-detail");
  const errors = el("ul", "rbp-errors");
  box.append(head, bar, counts, stats, detail, errors);
  root.append(box);

  cancel.addEventListener("click", () => {
    cancel.disabled = true;
    cancel.textContent = "Cancelling…";
    model.send({ kind: "cancel" });
  });

  function update() {
    const s = model.get("state") || {};
    title.textContent = `${s.mode === "batch" ? "Batch API" : "batch"} ${s.id || ""}`;
    chip.textContent = s.status || "";
    chip.dataset.status = s.status || "";
    box.dataset.status = s.status || "";
    const [d, f, r] = segments(s);
    parts[0].style.width = `${d}%`;
    parts[1].style.width = `${f}%`;
    parts[2].style.width = `${r}%`;
    for (const [key, span] of Object.entries(countEls)) {
      span.textContent = `${formatCount(s[key] || 0)} ${key}`;
      span.dataset.value = String(s[key] || 0);
    }
    stats.replaceChildren(...figures(s).map(([label, text]) => {
      const item = el("span", "rbp-stat");
      item.append(el("span", "rbp-label", label), el("span", "rbp-value", text));
      return item;
    }));
    detail.textContent = s.detail || s.estimate || "";
    errors.replaceChildren(...(s.errors || []).map((e) => {
      const li = el("li", "rbp-error");
      li.append(el("span", "rbp-row", `row ${e.row}`), el("span", "rbp-msg", e.message));
      return li;
    }));
    if (FINISHED.has(s.status) || !model.get("cancellable")) {
      cancel.disabled = true;
      if (!model.get("cancellable")) cancel.title = "Interrupt the kernel to stop this batch";
      if (FINISHED.has(s.status)) cancel.style.display = "none";
    }
  }
  model.on("change:state", update);
  model.on("change:cancellable", update);
  update();
  return () => {
    model.off("change:state", update);
    model.off("change:cancellable", update);
  };
}

export default { render };
