// @ts-check
// Rendering budgets: markdown that would take the tab too long to parse or lay out (very deep
// nesting, tens of thousands of links, megabytes of text) is shown as plain text instead, with
// the reason. Counting is one linear pass; nothing here parses markdown.

export const LIMITS = {
  /** characters of one markdown chunk rendered as markdown */
  chunk: 200_000,
  /** characters of one answer rendered as markdown; the rest is plain text */
  total: 1_000_000,
  /** links (or bare URLs / images) in one chunk */
  links: 2_000,
  /** nesting depth (lists, quotes, indentation) in one chunk */
  depth: 48,
  /** characters of plain text shown before a "show all" button */
  raw: 2_000_000,
};

const LINKISH = /\]\(|\]\[|<https?:|https?:\/\/|!\[/g;
const NESTING = /^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))+/;

/** Nesting depth of one line: indentation (2 columns a level) plus the markers it opens. @param {string} line */
export function lineDepth(line) {
  const m = NESTING.exec(line);
  const lead = /^[ \t]*/.exec(line)?.[0] ?? "";
  const indent = lead.replace(/\t/g, "    ").length;
  if (!m) return Math.floor(indent / 4);
  const markers = (m[0].match(/>|[-*+]|\d{1,9}[.)]/g) || []).length;
  return Math.floor(indent / 2) + markers;
}

/**
 * Why `text` should not be rendered as markdown, or null when it fits the budget.
 * @param {string} text @param {Partial<typeof LIMITS>} [limits] @returns {string | null}
 */
export function overBudget(text, limits = {}) {
  const lim = { ...LIMITS, ...limits };
  if (text.length > lim.chunk) return `${text.length.toLocaleString("en")} characters in one block (limit ${lim.chunk.toLocaleString("en")})`;
  let links = 0;
  LINKISH.lastIndex = 0;
  while (LINKISH.exec(text)) {
    if (++links > lim.links) return `more than ${lim.links.toLocaleString("en")} links`;
  }
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    // only the first few hundred columns can open levels
    const depth = lineDepth(text.slice(start, Math.min(end, start + 4 * lim.depth + 400)));
    if (depth > lim.depth) return `nesting deeper than ${lim.depth} levels`;
    start = end + 1;
  }
  return null;
}
