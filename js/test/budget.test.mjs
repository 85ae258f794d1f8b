import assert from "node:assert/strict";
import { test } from "node:test";
import { LIMITS, lineDepth, overBudget } from "../rv_budget.js";

test("ordinary markdown fits", () => {
  assert.equal(overBudget("# Title\n\n- a\n  - b\n    - c\n\n> quote\n\n[x](https://e.org)"), null);
});

test("deep nesting is over budget: indented lists, one-line lists, quotes", () => {
  const indented = Array.from({ length: 3000 }, (_, i) => `${"  ".repeat(i)}- level ${i}`).join("\n");
  assert.match(overBudget(indented, { chunk: 1e9 }), /nesting deeper/);
  assert.match(overBudget(`${"- ".repeat(3000)}x`), /nesting deeper/);
  assert.match(overBudget(`${">".repeat(3000)} x`), /nesting deeper/);
  assert.equal(lineDepth("    - a"), 3);
  assert.equal(lineDepth("1. 2. x"), 2);
});

test("too many links, too long", () => {
  const links = Array.from({ length: 50_000 }, (_, i) => `[l${i}](https://e.org/${i})`).join(" ");
  assert.match(overBudget(links, { chunk: 1e9 }), /more than 2,000 links/);
  assert.match(overBudget("a".repeat(LIMITS.chunk + 1)), /characters in one block/);
  assert.equal(overBudget("a".repeat(100), { chunk: 50 }) !== null, true);
});

test("the scan is linear: a 5 MB text is judged quickly", () => {
  const text = "word ".repeat(1_000_000);
  const t0 = performance.now();
  overBudget(text, { chunk: 10_000_000 });
  const ms = performance.now() - t0;
  assert.ok(ms < 5_000, `${ms} ms`); // a generous bound: quadratic would take minutes
});
