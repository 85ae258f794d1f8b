// TaskBoard front end (anywidget ESM). No dependencies; every piece of data is set with
// textContent, never innerHTML. Python sends {id, kind:"rows"|"row"|"remove"|"notice"};
// we send {kind:"sync"} on render and {kind:"action", action, task, text?} for row actions.

const STATUS_ORDER = ["requires_input", "in_progress", "queued", "failed", "incomplete",
  "cancelled", "completed"];
const IN_FLIGHT = new Set(["queued", "in_progress", null, undefined]);

export function safeUrl(url) {
  if (typeof url !== "string" || !/^https?:\/\//i.test(url)) return null;
  if (/[\u0000-\u001f\s"<>`\\]/.test(url)) return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

export function formatElapsed(seconds) {
  if (seconds == null || !isFinite(seconds) || seconds < 0) return "";
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  if (h) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m) return `${m}m ${String(r).padStart(2, "0")}s`;
  return `${r}s`;
}

function elapsedOf(row, now) {
  const start = row.started ?? row.created;
  if (start == null) return null;
  const end = IN_FLIGHT.has(row.nstatus) ? now : (row.completed ?? now);
  return end - start;
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text != null) node.textContent = String(text);
  return node;
}

const COLUMNS = [
  ["status", "Status"], ["title", "Title"], ["model", "Model"], ["profile", "Profile"],
  ["tokens", "Tokens"], ["elapsed", "Elapsed"], ["created", "Created"],
];

function sortValue(row, key, now) {
  if (key === "status") return STATUS_ORDER.indexOf(row.nstatus);
  if (key === "elapsed") return elapsedOf(row, now) ?? -1;
  const v = row[key];
  return v == null ? "" : v;
}

function render({ model, el: root }) {
  const rows = new Map();
  const state = { sortKey: "created", sortDir: -1, status: "", search: model.get("search") || "",
    page: 0, replyFor: null, notice: "" };
  let scheduled = false;

  const box = el("div", "respnb-taskboard");
  const bar = el("div", "rtb-bar");
  const heading = el("span", "rtb-heading", model.get("heading"));
  const search = el("input", "rtb-search");
  search.type = "search";
  search.placeholder = "search";
  search.value = state.search;
  const statusSel = el("select", "rtb-status-filter");
  for (const s of ["", ...STATUS_ORDER]) {
    const opt = el("option", null, s || "all statuses");
    opt.value = s;
    statusSel.appendChild(opt);
  }
  const count = el("span", "rtb-count");
  const notice = el("span", "rtb-notice");
  bar.append(heading, search, statusSel, count, notice);

  const table = el("table", "rtb-table");
  const thead = el("thead");
  const headRow = el("tr");
  for (const [key, label] of COLUMNS) {
    const th = el("th", "rtb-sort", label);
    th.dataset.key = key;
    th.addEventListener("click", () => {
      state.sortDir = state.sortKey === key ? -state.sortDir : -1;
      state.sortKey = key;
      schedule();
    });
    headRow.appendChild(th);
  }
  headRow.appendChild(el("th", null, "Actions"));
  thead.appendChild(headRow);
  const tbody = el("tbody");
  table.append(thead, tbody);

  const pager = el("div", "rtb-pager");
  const prev = el("button", "rtb-prev", "‹ prev");
  const pageLabel = el("span", "rtb-page");
  const next = el("button", "rtb-next", "next ›");
  pager.append(prev, pageLabel, next);
  box.append(bar, table, pager);
  root.appendChild(box);

  function visibleRows() {
    const q = state.search.trim().toLowerCase();
    const now = Date.now() / 1000;
    let list = [...rows.values()];
    if (state.status) list = list.filter((r) => r.nstatus === state.status);
    if (q) {
      list = list.filter((r) => [r.id, r.title, r.model, r.profile, r.status]
        .some((v) => v != null && String(v).toLowerCase().includes(q)));
    }
    const k = state.sortKey, d = state.sortDir;
    list.sort((a, b) => {
      const x = sortValue(a, k, now), y = sortValue(b, k, now);
      return x < y ? -d : x > y ? d : 0;
    });
    return list;
  }

  function actionButton(label, action, row) {
    const b = el("button", `rtb-act rtb-${action}`, label);
    b.dataset.action = action;
    b.addEventListener("click", (ev) => {
      ev.stopPropagation();
      if (action === "continue") {
        state.replyFor = state.replyFor === row.id ? null : row.id;
        schedule();
        return;
      }
      model.send({ kind: "action", action, task: row.id });
    });
    return b;
  }

  function rowNode(row, now) {
    const tr = el("tr", "rtb-row");
    tr.dataset.id = row.id;
    tr.dataset.status = row.nstatus ?? "";
    if (row.nstatus === "requires_input") tr.classList.add("rtb-pending");
    const chip = el("span", `rtb-chip rtb-chip-${row.nstatus ?? "unknown"}`,
      row.nstatus === "requires_input" ? "waiting for input" : (row.status ?? "unknown"));
    chip.title = row.error ?? row.status ?? "";
    const statusTd = el("td", "rtb-status");
    statusTd.appendChild(chip);
    const titleTd = el("td", "rtb-title", row.title ?? row.id);
    titleTd.title = row.id;
    const elapsed = el("td", "rtb-elapsed", formatElapsed(elapsedOf(row, now)));
    const created = el("td", "rtb-created",
      row.created ? new Date(row.created * 1000).toLocaleString() : "");
    tr.append(statusTd, titleTd, el("td", "rtb-model", row.model ?? ""),
      el("td", "rtb-profile", row.profile ?? ""),
      el("td", "rtb-tokens", row.tokens == null ? "" : row.tokens.toLocaleString()),
      elapsed, created);
    const acts = el("td", "rtb-actions");
    if (IN_FLIGHT.has(row.nstatus)) acts.appendChild(actionButton("cancel", "cancel", row));
    acts.appendChild(actionButton("open", "open", row));
    acts.appendChild(actionButton("continue", "continue", row));
    acts.appendChild(actionButton("delete", "delete", row));
    const url = safeUrl(row.url);
    if (url) {
      const a = el("a", "rtb-link", "task ↗");
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      acts.appendChild(a);
    }
    tr.appendChild(acts);
    return tr;
  }

  function replyNode(row) {
    const tr = el("tr", "rtb-reply");
    const td = el("td");
    td.colSpan = COLUMNS.length + 1;
    const input = el("input", "rtb-reply-text");
    input.placeholder = `reply to ${row.title ?? row.id}`;
    const send = el("button", "rtb-reply-send", "send");
    const go = () => {
      if (!input.value.trim()) return;
      model.send({ kind: "action", action: "continue", task: row.id, text: input.value });
      state.replyFor = null;
      schedule();
    };
    send.addEventListener("click", go);
    input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") go(); });
    td.append(input, send);
    tr.appendChild(td);
    return tr;
  }

  function draw() {
    scheduled = false;
    const now = Date.now() / 1000;
    const list = visibleRows();
    const size = Math.max(1, model.get("page_size") || 50);
    const pages = Math.max(1, Math.ceil(list.length / size));
    state.page = Math.min(state.page, pages - 1);
    const slice = list.slice(state.page * size, (state.page + 1) * size);
    const frag = document.createDocumentFragment();
    for (const row of slice) {
      frag.appendChild(rowNode(row, now));
      if (state.replyFor === row.id) frag.appendChild(replyNode(row));
    }
    tbody.replaceChildren(frag);
    count.textContent = `${list.length} of ${rows.size} tasks`;
    pageLabel.textContent = `page ${state.page + 1} / ${pages}`;
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
    notice.textContent = state.notice;
    for (const th of headRow.querySelectorAll("th[data-key]")) {
      th.dataset.sorted = th.dataset.key === state.sortKey ? (state.sortDir > 0 ? "asc" : "desc") : "";
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    (globalThis.requestAnimationFrame ?? setTimeout)(draw);
  }

  function tick() {
    const now = Date.now() / 1000;
    for (const tr of tbody.querySelectorAll("tr.rtb-row")) {
      const row = rows.get(tr.dataset.id);
      if (!row || !IN_FLIGHT.has(row.nstatus)) continue;
      const cell = tr.querySelector(".rtb-elapsed");
      if (cell) cell.textContent = formatElapsed(elapsedOf(row, now));
    }
  }

  function onMsg(msg) {
    if (!msg || typeof msg !== "object") return;
    if (msg.kind === "rows" && Array.isArray(msg.rows)) {
      rows.clear();
      for (const r of msg.rows) if (r && r.id) rows.set(r.id, r);
    } else if (msg.kind === "row" && msg.row && msg.row.id) {
      rows.set(msg.row.id, msg.row);
    } else if (msg.kind === "remove") {
      rows.delete(msg.task);
    } else if (msg.kind === "notice") {
      state.notice = String(msg.text ?? "");
    } else {
      return;
    }
    schedule();
  }

  search.addEventListener("input", () => { state.search = search.value; state.page = 0; schedule(); });
  statusSel.addEventListener("change", () => { state.status = statusSel.value; state.page = 0; schedule(); });
  prev.addEventListener("click", () => { state.page -= 1; schedule(); });
  next.addEventListener("click", () => { state.page += 1; schedule(); });
  const onHeading = () => { heading.textContent = model.get("heading"); };
  const onSize = () => schedule();
  model.on("msg:custom", onMsg);
  model.on("change:heading", onHeading);
  model.on("change:page_size", onSize);
  const timer = setInterval(tick, 1000);
  model.send({ kind: "sync" });
  draw();

  return () => {
    clearInterval(timer);
    model.off("msg:custom", onMsg);
    model.off("change:heading", onHeading);
    model.off("change:page_size", onSize);
  };
}

export default { render };
