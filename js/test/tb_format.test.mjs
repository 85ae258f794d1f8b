// node --test: the TaskBoard's pure formatting helpers.
import assert from "node:assert/strict";
import { test } from "node:test";
import { elapsedOf, formatCost, formatElapsed, formatUsd, safeUrl, statusWord } from "../tb_format.js";

test("costs: dollars, credits, or n/a", () => {
  assert.equal(formatUsd(0), "$0");
  assert.equal(formatUsd(0.00003), "<$0.0001");
  assert.equal(formatUsd(0.0003), "$0.0003");
  assert.equal(formatUsd(0.0581), "$0.058");
  assert.equal(formatUsd(12.345), "$12.35");
  assert.equal(formatCost({ usd: 0.029, credits: null, note: "estimate" }), "$0.029");
  assert.equal(formatCost({ usd: null, credits: 1, note: "Manus" }), "1 credit");
  assert.equal(formatCost({ usd: null, credits: 5, note: "Manus" }), "5 credits");
  assert.equal(formatCost({ usd: null, credits: null, note: "no price" }), "n/a");
  assert.equal(formatCost(null), "");
});

test("statuses read as words", () => {
  assert.equal(statusWord("requires_input"), "waiting for input");
  assert.equal(statusWord("in_progress"), "running");
  assert.equal(statusWord(null), "unknown");
  assert.equal(statusWord("toString"), "toString");
});

test("elapsed time runs while in flight and stops when settled", () => {
  assert.equal(formatElapsed(3725), "1h 02m");
  assert.equal(formatElapsed(65), "1m 05s");
  assert.equal(formatElapsed(-1), "");
  assert.equal(elapsedOf({ created: 100, nstatus: "in_progress" }, 130), 30);
  assert.equal(elapsedOf({ created: 100, completed: 110, nstatus: "completed" }, 130), 10);
});

test("only http(s) links", () => {
  assert.equal(safeUrl("https://manus.im/app/x"), "https://manus.im/app/x");
  assert.equal(safeUrl("javascript:alert(1)"), null);
  assert.equal(safeUrl("https://a.b/\u0000x"), null);
});
