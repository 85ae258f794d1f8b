// @ts-check
// DOM pieces of the TaskBoard: one table row per task, the reply box. Every piece of data is
// set with textContent, never innerHTML; links only when they are http(s).
import { elapsedOf, formatCost, formatElapsed, safeUrl, statusWord } from "./tb_format.js";

export const COLUMNS = [
  ["status", "Status"], ["title", "Title"], ["model", "Model"], ["profile", "Profile"],
  ["tokens", "Tokens"], ["cost", "Cost"], ["elapsed", "Elapsed"], ["created", "Created"],
];
export const SORTABLE = new Set(["status", "title", "model", "profile", "tokens", "elapsed",
  "created"]);

/** @param {string} tag @param {string | null} [cls] @param {unknown} [text] */
export function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text != null) node.textContent = String(text);
  return node;
}

/** The row's reply note: busy, done, or the service's error (an alert). @param {any} reply */
function replyNote(reply) {
  const state = reply.pending ? "rtb-busy" : reply.ok ? "rtb-ok" : "rtb-err";
  const note = el("div", `rtb-reply-msg ${state}`,
    reply.ok || reply.pending ? reply.text : `Error: ${reply.text}`);
  if (!reply.ok) note.setAttribute("role", "alert");
  return note;
}

/** @param {number | null | undefined} created */
function createdCell(created) {
  const td = el("td", "rtb-created", created ? new Date(created * 1000).toLocaleString(
    undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }) : "");
  if (created) td.title = new Date(created * 1000).toISOString();
  return td;
}

/**
 * One task's row: status word, title (with its error and the last action's reply), model,
 * profile, tokens, cost, elapsed, created, and the actions the service supports.
 * @param {any} row @param {number} now @param {any} reply
 * @param {(action: string, row: any) => void} onAction
 */
export function rowNode(row, now, reply, onAction) {
  const tr = el("tr", "rtb-row");
  tr.dataset.id = row.id;
  tr.dataset.status = row.nstatus ?? "unknown";
  if (row.nstatus === "requires_input") tr.classList.add("rtb-pending");
  const chip = el("span", `rtb-chip rtb-chip-${row.nstatus ?? "unknown"}`,
    row.word || statusWord(row.nstatus));
  chip.title = row.error ?? (row.status ? `status: ${row.status}` : "");
  const statusTd = el("td", "rtb-status");
  statusTd.appendChild(chip);
  const titleTd = el("td", "rtb-title");
  titleTd.appendChild(el("span", "rtb-title-text", row.title ?? row.id));
  titleTd.title = row.id;
  if (row.error) titleTd.appendChild(el("div", "rtb-error", row.error));
  if (reply) titleTd.appendChild(replyNote(reply));
  const cost = el("td", "rtb-cost", formatCost(row.cost));
  cost.title = row.cost?.note ?? "";
  tr.append(statusTd, titleTd, el("td", "rtb-model", row.model ?? ""),
    el("td", "rtb-profile", row.profile ?? ""),
    el("td", "rtb-tokens", row.tokens == null ? "" : row.tokens.toLocaleString()),
    cost, el("td", "rtb-elapsed", formatElapsed(elapsedOf(row, now))), createdCell(row.created));
  const acts = el("td", "rtb-actions");
  for (const action of row.acts ?? []) {
    const b = el("button", `rtb-act rtb-${action}`, action);
    b.dataset.action = action;
    b.addEventListener("click", (ev) => { ev.stopPropagation(); onAction(action, row); });
    acts.appendChild(b);
  }
  const url = safeUrl(row.url);
  if (url) {
    const a = /** @type {HTMLAnchorElement} */ (el("a", "rtb-link", "task ↗"));
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    acts.appendChild(a);
  }
  tr.appendChild(acts);
  return tr;
}

/**
 * The reply box under a row (continue): sends its text on "send" or Enter.
 * @param {any} row @param {(text: string) => void} onSend
 */
export function replyBox(row, onSend) {
  const tr = el("tr", "rtb-reply");
  const td = /** @type {HTMLTableCellElement} */ (el("td"));
  td.colSpan = COLUMNS.length + 1;
  const input = /** @type {HTMLInputElement} */ (el("input", "rtb-reply-text"));
  input.placeholder = `reply to ${row.title ?? row.id}`;
  input.setAttribute("aria-label", "reply text");
  const send = el("button", "rtb-reply-send", "send");
  const go = () => { if (input.value.trim()) onSend(input.value); };
  send.addEventListener("click", go);
  input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") go(); });
  td.append(input, send);
  tr.appendChild(td);
  queueMicrotask(() => input.focus());
  return tr;
}
