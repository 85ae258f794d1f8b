// @ts-check
// The header (model, profile, status, elapsed time, links, id) and footer (usage and cost,
// error banner, Cancel) of a ResponseView, drawn from the widget's synced traits.

import { h, link } from "./rv_dom.js";

/** @param {number} seconds */
export function formatElapsed(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "";
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** "≈ $0.0123", "12.5 credits", the note, or "" (no cost known). @param {any} cost */
export function formatCost(cost) {
  if (!cost || typeof cost !== "object") return "";
  const parts = [];
  if (typeof cost.usd === "number" && Number.isFinite(cost.usd)) {
    const digits = cost.usd >= 1 ? 2 : cost.usd >= 0.01 ? 4 : 6;
    parts.push(`≈ $${cost.usd.toFixed(digits)}`);
  }
  if (typeof cost.credits === "number" && Number.isFinite(cost.credits)) {
    parts.push(`${Number(cost.credits.toFixed(2))} credits`);
  }
  if (!parts.length && typeof cost.note === "string" && cost.note) parts.push(cost.note);
  return parts.join(" · ");
}

/** The usage line: tokens, and the cost when the state carries one. @param {any} usage */
export function formatUsage(usage) {
  const u = usage && typeof usage === "object" ? usage : {};
  const tokens = ["input_tokens", "output_tokens"].some((k) => k in u)
    ? `input ${u.input_tokens ?? 0} (cached ${u.cached_tokens ?? 0}) · output ${u.output_tokens ?? 0} (reasoning ${u.reasoning_tokens ?? 0}) tokens`
    : "";
  const cost = formatCost(u.cost);
  return [tokens, cost].filter(Boolean).join(" · ");
}

/** @param {unknown} status */
function statusClass(status) {
  return `rv-status-${String(status).replace(/[^a-z_]/gi, "")}`;
}

/** The header's children. @param {any} model the widget model @param {number} startedAt */
export function headerNodes(model, startedAt) {
  const hd = model.get("header") || {};
  const status = model.get("status") || hd.status || "pending";
  const finished = model.get("finished");
  const created = typeof hd.created_at === "number" ? hd.created_at : startedAt;
  const end = typeof hd.completed_at === "number" ? hd.completed_at
    : finished ? null : Date.now() / 1000;
  const elapsed = end === null ? "" : formatElapsed(end - created);
  return [
    h("span", { class: "rv-model", text: hd.model || "response" }),
    hd.profile ? h("span", { class: "rv-chip rv-profile", text: hd.profile }) : null,
    h("span", { class: `rv-chip rv-status ${statusClass(status)}`, "data-testid": "status",
      text: String(status).replace(/_/g, " ") }),
    hd.status_raw && hd.status_raw !== status ? h("span", { class: "rv-dim", text: `(${hd.status_raw})` }) : null,
    h("span", { class: "rv-elapsed rv-dim", text: elapsed }),
    hd.title ? h("span", { class: "rv-title", text: hd.title }) : null,
    h("span", { class: "rv-spacer" }),
    hd.task_url ? link(hd.task_url, "task") : null,
    hd.share_url ? link(hd.share_url, "share") : null,
    hd.id ? h("code", { class: "rv-id", title: "response id", text: hd.id }) : null,
  ].filter((node) => node !== null);
}

/** Is the run still going (no terminal status, not finished)? @param {any} model */
export function running(model) {
  const terminal = ["completed", "failed", "cancelled", "incomplete"].includes(model.get("status"));
  return !model.get("finished") && !terminal;
}
