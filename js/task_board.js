// TaskBoard front end (anywidget ESM). Every piece of data is set with textContent, never
// innerHTML. Python owns the query: we send {id, kind:"query", search, status, sort, desc, page}
// and draw the {kind:"page"} it answers (or sends unasked when the history changes); row actions
// are {id, kind:"action", action, task, text?}, answered by {kind:"reply", reply_to, ok, text}.
// {kind:"patch", rows} replaces just the rows that changed on an unchanged page.
// The first page arrives in the synced `first_page` trait, so the history shows at once.
import {
  IN_FLIGHT, STATUS_WORDS, elapsedOf, formatElapsed, formatUsd, newId, safeUrl,
} from "./tb_format.js";
import { COLUMNS, SORTABLE, el, replyBox, rowNode } from "./tb_rows.js";

export { formatElapsed, safeUrl };

const PENDING_WORDS = { cancel: "cancelling…", delete: "deleting…", continue: "sending reply…",
  open: "opening…" };
const EMPTY_TEXT = "No tasks yet. Background runs (%%respond -b) and every response respnb "
  + "records appear here.";

function render({ model, el: root }) {
  let data = model.get("first_page") || {};
  const query = { search: model.get("search") || "", status: "", sort: "created", desc: true,
    page: data.page || 0 };
  const replies = new Map(); // task id -> {pending, ok, text}
  let replyFor = null;
  let waitingFor = null; // id of the query whose answer we wait for
  let scheduled = false;
  let searchTimer = null;

  const box = el("div", "respnb-taskboard");
  const bar = el("div", "rtb-bar");
  const heading = el("span", "rtb-heading", model.get("heading"));
  const search = el("input", "rtb-search");
  search.type = "search";
  search.placeholder = "search";
  search.setAttribute("aria-label", "search tasks");
  search.value = query.search;
  const statusSel = el("select", "rtb-status-filter");
  statusSel.setAttribute("aria-label", "filter by status");
  const count = el("span", "rtb-count");
  bar.append(heading, search, statusSel, count);

  const table = el("table", "rtb-table");
  const thead = el("thead");
  const headRow = el("tr");
  for (const [key, label] of COLUMNS) {
    const th = el("th", SORTABLE.has(key) ? "rtb-sort" : null, label);
    th.dataset.key = key;
    if (SORTABLE.has(key)) {
      th.addEventListener("click", () => {
        query.desc = query.sort === key ? !query.desc : true;
        query.sort = key;
        ask();
      });
    }
    headRow.appendChild(th);
  }
  headRow.appendChild(el("th", null, "Actions"));
  thead.appendChild(headRow);
  const tbody = el("tbody");
  table.append(thead, tbody);
  const empty = el("div", "rtb-empty");

  const pager = el("div", "rtb-pager");
  const prev = el("button", "rtb-prev", "‹ prev");
  const pageLabel = el("span", "rtb-page");
  const next = el("button", "rtb-next", "next ›");
  const footCost = el("span", "rtb-foot-cost");
  pager.append(prev, pageLabel, next, footCost);
  box.append(bar, table, empty, pager);
  root.appendChild(box);

  function ask() {
    waitingFor = newId();
    model.send({ id: waitingFor, kind: "query", search: query.search, status: query.status,
      sort: query.sort, desc: query.desc, page: query.page });
    schedule();
  }

  function act(action, row, text) {
    const msg = { id: newId(), kind: "action", action, task: row.id };
    if (text != null) msg.text = text;
    replies.set(row.id, { pending: true, ok: true, text: PENDING_WORDS[action] || "…",
      msgId: msg.id });
    model.send(msg);
    schedule();
  }

  function onAction(action, row) {
    if (action !== "continue") {
      act(action, row);
      return;
    }
    replyFor = replyFor === row.id ? null : row.id;
    schedule();
  }

  let replyRow = null; // {id, node}: kept across redraws, so a half-typed reply survives updates

  function replyNode(row) {
    if (replyRow && replyRow.id === row.id) return replyRow.node;
    const node = replyBox(row, (text) => {
      act("continue", row, text);
      replyFor = null;
      replyRow = null;
    });
    replyRow = { id: row.id, node };
    return node;
  }

  let optionsKey = "";

  function drawStatusOptions() {
    const counts = data.counts || {};
    const key = JSON.stringify([counts, query.status]);
    if (key === optionsKey) return;
    optionsKey = key;
    const all = Object.values(counts).reduce((a, b) => a + b, 0);
    const opts = [["", `all statuses (${all})`]];
    for (const [key, word] of Object.entries(STATUS_WORDS)) {
      if (counts[key] || key === query.status) opts.push([key, `${word} (${counts[key] || 0})`]);
    }
    statusSel.replaceChildren(...opts.map(([value, label]) => {
      const opt = el("option", null, label);
      opt.value = value;
      return opt;
    }));
    statusSel.value = query.status;
  }

  function draw() {
    scheduled = false;
    const now = Date.now() / 1000;
    const rows = data.rows || [];
    const frag = document.createDocumentFragment();
    for (const row of rows) {
      frag.appendChild(rowNode(row, now, replies.get(row.id), onAction));
      if (replyFor === row.id) frag.appendChild(replyNode(row));
    }
    tbody.replaceChildren(frag);
    const total = data.total || 0, matching = data.matching || 0;
    table.hidden = rows.length === 0;
    empty.hidden = rows.length !== 0;
    empty.textContent = !Array.isArray(data.rows) ? "loading…"
      : total === 0 ? EMPTY_TEXT : "No task matches this search or filter.";
    count.textContent = `${matching} of ${total} tasks`;
    pageLabel.textContent = `page ${(data.page || 0) + 1} / ${data.pages || 1}`;
    prev.disabled = (data.page || 0) === 0;
    next.disabled = (data.page || 0) >= (data.pages || 1) - 1;
    const c = data.cost || {};
    const parts = [];
    if (typeof c.usd === "number") parts.push(`${formatUsd(c.usd)} estimated`);
    if (typeof c.credits === "number") parts.push(`${c.credits.toLocaleString()} credits`);
    footCost.textContent = parts.length ? `this page: ${parts.join(" · ")}` : "";
    drawStatusOptions();
    box.dataset.loading = waitingFor ? "true" : "false";
    for (const th of headRow.querySelectorAll("th[data-key]")) {
      th.dataset.sorted = th.dataset.key === query.sort ? (query.desc ? "desc" : "asc") : "";
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    (globalThis.requestAnimationFrame ?? setTimeout)(draw);
  }

  function tick() {
    const now = Date.now() / 1000;
    const byId = new Map((data.rows || []).map((r) => [r.id, r]));
    for (const tr of tbody.querySelectorAll("tr.rtb-row")) {
      const row = byId.get(tr.dataset.id);
      if (!row || !IN_FLIGHT.has(row.nstatus)) continue;
      const cell = tr.querySelector(".rtb-elapsed");
      if (cell) cell.textContent = formatElapsed(elapsedOf(row, now));
    }
  }

  function onMsg(msg) {
    if (!msg || typeof msg !== "object") return;
    if (msg.kind === "page" && Array.isArray(msg.rows)) {
      if (waitingFor && msg.reply_to !== waitingFor) return; // an older answer
      if (msg.reply_to) waitingFor = null;
      data = msg;
      query.page = msg.page || 0;
    } else if (msg.kind === "patch" && Array.isArray(msg.rows) && Array.isArray(data.rows)) {
      if (waitingFor) return; // the answer to our query brings the whole page
      const byId = new Map(msg.rows.map((r) => [r.id, r]));
      data = { ...data, rows: data.rows.map((r) => byId.get(r.id) ?? r), counts: msg.counts,
        cost: msg.cost };
    } else if (msg.kind === "reply" && msg.task) {
      const known = replies.get(msg.task);
      if (known && known.msgId && msg.reply_to && known.msgId !== msg.reply_to) return;
      replies.set(msg.task, { pending: false, ok: !!msg.ok, text: String(msg.text ?? "") });
    } else {
      return;
    }
    schedule();
  }

  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { query.search = search.value; query.page = 0; ask(); }, 150);
  });
  statusSel.addEventListener("change", () => { query.status = statusSel.value; query.page = 0; ask(); });
  prev.addEventListener("click", () => { query.page -= 1; ask(); });
  next.addEventListener("click", () => { query.page += 1; ask(); });
  const onHeading = () => { heading.textContent = model.get("heading"); };
  model.on("msg:custom", onMsg);
  model.on("change:heading", onHeading);
  model.on("change:page_size", ask);
  const timer = setInterval(tick, 1000);
  draw();
  ask(); // the current page (the history may have changed since first_page was made)

  return () => {
    clearInterval(timer);
    clearTimeout(searchTimer);
    model.off("msg:custom", onMsg);
    model.off("change:heading", onHeading);
    model.off("change:page_size", ask);
  };
}

export default { render };
