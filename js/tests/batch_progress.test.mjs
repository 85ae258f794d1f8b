// node --test js/tests/batch_progress.test.mjs : the pure helpers of the batch progress view.
import { test } from "node:test";
import assert from "node:assert/strict";
import { figures, formatCount, formatDuration, segments } from "../batch_progress.js";

test("durations read like the Python text line", () => {
  assert.equal(formatDuration(null), "?");
  assert.equal(formatDuration(-1), "?");
  assert.equal(formatDuration(42), "42s");
  assert.equal(formatDuration(75), "1m15s");
  assert.equal(formatDuration(3725), "1h02m");
});

test("counts are compact", () => {
  assert.equal(formatCount(999), "999");
  assert.equal(formatCount(1234), "1,234");
  assert.equal(formatCount(45_600), "46k");
  assert.equal(formatCount(2_500_000), "2.5M");
  assert.equal(formatCount(undefined), "0");
});

test("bar segments are percentages of the total, clamped", () => {
  assert.deepEqual(segments({ total: 200, done: 100, failed: 20, running: 10 }), [50, 10, 5]);
  assert.deepEqual(segments({ total: 0, done: 5 }), [100, 0, 0]);
  assert.deepEqual(segments({ total: 10, done: 50 }), [100, 0, 0]);
});

test("figures hide the ETA once finished and show a cost only when known", () => {
  const running = figures({ status: "running", rpm: 600, eta: 90, input_tokens: 10, output_tokens: 5 });
  assert.deepEqual(running.slice(0, 3), [["rows/min", "600"], ["ETA", "1m30s"], ["tokens", "15"]]);
  assert.equal(running.find(([k]) => k === "cost"), undefined);
  const done = figures({ status: "completed", eta: 0, cost: 1.234 });
  assert.deepEqual(done.find(([k]) => k === "ETA"), ["ETA", "-"]);
  assert.deepEqual(done.find(([k]) => k === "cost"), ["cost", "~$1.23"]);
});
