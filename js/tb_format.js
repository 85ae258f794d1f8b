// @ts-check
// Pure helpers of the TaskBoard front end (no DOM): URLs, elapsed time, costs, status words.

/** The board's status filter, in order of urgency, with the word a person reads. */
export const STATUS_WORDS = {
  requires_input: "waiting for input",
  in_progress: "running",
  queued: "queued",
  failed: "failed",
  incomplete: "incomplete",
  cancelled: "cancelled",
  completed: "completed",
  lost: "lost",
  unknown: "unknown",
};

export const IN_FLIGHT = new Set(["queued", "in_progress", null, undefined]);

/** @param {unknown} url */
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

/** @param {number | null | undefined} seconds */
export function formatElapsed(seconds) {
  if (seconds == null || !isFinite(seconds) || seconds < 0) return "";
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  if (h) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m) return `${m}m ${String(r).padStart(2, "0")}s`;
  return `${r}s`;
}

/** @param {{started?: number|null, created?: number|null, completed?: number|null, nstatus?: string|null}} row
 *  @param {number} now */
export function elapsedOf(row, now) {
  const start = row.started ?? row.created;
  if (start == null) return null;
  const end = IN_FLIGHT.has(row.nstatus) ? now : (row.completed ?? now);
  return end - start;
}

/** Dollars with enough digits to tell small costs apart ("$0.0042", "$1.27"). @param {number} usd */
export function formatUsd(usd) {
  if (!isFinite(usd)) return "";
  if (usd === 0) return "$0";
  if (usd < 0.0001) return "<$0.0001";
  if (usd < 0.01) return `$${Number(usd.toPrecision(2))}`;
  return `$${usd.toFixed(usd < 10 ? 3 : 2)}`;
}

/** The cost cell: dollars, credits, or "n/a" (the note says why). @param {any} cost */
export function formatCost(cost) {
  if (!cost || typeof cost !== "object") return "";
  const parts = [];
  if (typeof cost.usd === "number") parts.push(formatUsd(cost.usd));
  if (typeof cost.credits === "number") {
    const n = Number(cost.credits.toFixed(2));
    parts.push(`${n.toLocaleString()} ${n === 1 ? "credit" : "credits"}`);
  }
  return parts.length ? parts.join(" · ") : "n/a";
}

/** @param {string | null | undefined} nstatus */
export function statusWord(nstatus) {
  const key = nstatus ?? "unknown";
  return Object.prototype.hasOwnProperty.call(STATUS_WORDS, key)
    ? STATUS_WORDS[/** @type {keyof typeof STATUS_WORDS} */ (key)] : String(key);
}

/** A message id (uuid4 hex when the browser has crypto.randomUUID). */
export function newId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID().replaceAll("-", "");
  return `${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
}
