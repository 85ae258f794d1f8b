import assert from "node:assert/strict";
import { test } from "node:test";
import { Store, copyJson } from "../rv_store.js";

const item = (text) => ({ op: "item", index: 0, item: { type: "message", role: "assistant", content: [{ type: "output_text", text }] }, done: false });

test("a store made with the widget applies from seq 1; its late sync answer changes nothing", () => {
  const s = new Store();
  assert.equal(s.receive([item("early")], 1), "applied");
  assert.equal(s.receive([[0, "text", 0, " late"]], 2), "applied");
  s.reset([{ index: 0, kind: "message", item: item("early").item, done: false }], 1); // stale
  assert.equal(s.text(), "early late");
  s.reset([{ index: 0, kind: "message", item: item("early late").item, done: false }], 2);
  assert.equal(s.receive([[0, "text", 0, "!"]], 3), "applied");
  assert.equal(s.text(), "early late!");
});

test("a store made later (a reloaded page) waits for the reset", () => {
  const s = new Store();
  assert.equal(s.receive([[0, "text", 0, "tail"]], 7), "gap");
  assert.equal(s.receive([[0, "text", 0, "more"]], 8), "stale");
  s.reset([{ index: 0, kind: "message", item: item("all of it").item }], 8);
  assert.equal(s.text(), "all of it");
});

test("a message applies once: a repeated seq is stale", () => {
  const s = new Store();
  s.reset([], 0);
  assert.equal(s.receive([item("Hello")], 1), "applied");
  assert.equal(s.receive([[0, "text", 0, " world"]], 2), "applied");
  assert.equal(s.receive([[0, "text", 0, " world"]], 2), "stale");
  assert.equal(s.receive([[0, "text", 0, " world"]], 1), "stale");
  assert.equal(s.text(), "Hello world");
});

test("a gap asks for a reset and applies nothing until it comes", () => {
  const s = new Store();
  s.reset([], 0);
  s.receive([item("a")], 1);
  assert.equal(s.receive([[0, "text", 0, "c"]], 3), "gap");
  assert.equal(s.receive([[0, "text", 0, "d"]], 4), "stale");
  assert.equal(s.text(), "a");
  s.reset([{ index: 0, kind: "message", item: item("abcd").item }], 4);
  assert.equal(s.receive([[0, "text", 0, "e"]], 5), "applied");
  assert.equal(s.text(), "abcde");
});

test("items are copied: two stores fed the same message objects do not share state", () => {
  const a = new Store();
  const b = new Store();
  const reset = [{ index: 0, kind: "message", item: item("x").item, done: false }];
  a.reset(reset, 0);
  b.reset(reset, 0);
  const msg = [item("Hi")];
  a.receive(msg, 1);
  b.receive(msg, 1);
  const delta = [[0, "text", 0, " there"]];
  a.receive(delta, 2);
  b.receive(delta, 2);
  assert.equal(a.text(), "Hi there");
  assert.equal(b.text(), "Hi there");
  assert.notEqual(a.blocks.get(0).item, b.blocks.get(0).item);
  assert.equal(msg[0].item.content[0].text, "Hi"); // the message itself is untouched
});

test("every op: item, delta by field, part, annotation, set, unset, done", () => {
  const s = new Store();
  s.reset([], 0);
  s.receive([
    [1, "summary", 0, "Think"], [1, "summary", 0, "ing"],
    [2, "arguments", 0, '{"a":'], [2, "arguments", 0, "1}"],
    { op: "part", index: 3, field: "content", part: 1, value: { type: "refusal", refusal: "no" } },
    { op: "annotation", index: 3, part: 0, annotation: { type: "url_citation", url: "https://e.org" } },
    { op: "set", index: 2, key: "name", value: "f" },
    { op: "set", index: 2, key: "status", value: "x" },
    { op: "set", index: 2, key: "status", unset: true },
    { op: "done", index: 2 },
  ], 1);
  const snap = s.snapshot();
  assert.deepEqual(snap.map((b) => b.kind), ["reasoning", "function_call", "unknown"]);
  assert.equal(snap[0].item.summary[0].text, "Thinking");
  assert.deepEqual(snap[1].item, { type: "function_call", arguments: '{"a":1}', name: "f" });
  assert.equal(snap[1].done, true);
  assert.equal(snap[2].item.content[1].refusal, "no");
  assert.equal(snap[2].item.content[0].annotations[0].url, "https://e.org");
});

test("listeners hear the changed indices, and a reset as 'all'", () => {
  const s = new Store();
  const heard = [];
  const off = s.subscribe((c) => heard.push(c === "all" ? c : [...c]));
  s.reset([], 0);
  s.receive([[4, "text", 0, "x"], [5, "code", 0, "y"]], 1);
  off();
  s.receive([[4, "text", 0, "z"]], 2);
  assert.deepEqual(heard, ["all", [4, 5]]);
  assert.deepEqual(copyJson({ a: [1] }), { a: [1] });
});
