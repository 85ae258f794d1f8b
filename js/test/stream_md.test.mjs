import assert from "node:assert/strict";
import { test } from "node:test";
import { document } from "./dom.mjs";

const { MarkdownStream } = await import("../rv_stream_md.js");
const { renderMarkdown } = await import("../rv_markdown.js");

const ANSWER = [
  "## Title", "", "Intro with **bold** and `code` and $x^2$.", "", "- one", "- two", "",
  "| a | b |", "|---|---|", "| 1 | 2 |", "", "```python", "print('hi')", "```", "",
  "Setext", "---", "", "> quote", "", "Last paragraph.",
].join("\n");

function alnum(s) {
  return [...s].filter((c) => /[\p{L}\p{N}]/u.test(c)).join("");
}

function whole(text) {
  const el = document.createElement("div");
  el.append(renderMarkdown(text));
  return el;
}

test("streamed in pieces, the result is the one-shot rendering", () => {
  const el = document.createElement("div");
  const md = new MarkdownStream(el);
  for (let i = 1; i <= ANSWER.length; i += 7) md.update(ANSWER.slice(0, i));
  md.update(ANSWER, true);
  assert.equal(el.textContent.replace(/Copy/g, ""), whole(ANSWER).textContent.replace(/Copy/g, ""));
  assert.ok(el.querySelector("h2") && el.querySelector("table") && el.querySelector("code.hljs"));
  assert.ok(el.querySelector(".katex"), "math is typeset");
});

test("finished blocks are rendered once; only the open block re-renders", () => {
  const el = document.createElement("div");
  const md = new MarkdownStream(el);
  const paragraphs = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} ${"word ".repeat(20)}`);
  let text = "";
  const firstNodes = [];
  for (const [i, p] of paragraphs.entries()) {
    text += `${p}\n\n`;
    md.update(text);
    if (i === 1) firstNodes.push(el.querySelector("p")); // committed once the second one began
  }
  assert.equal(md.stats.committed >= 38, true, JSON.stringify(md.stats));
  assert.equal(el.querySelector("p"), firstNodes[0], "the first paragraph's node survived");
  assert.equal(el.querySelectorAll(".rv-open").length, 1);
  assert.ok(md.done.length > text.length - 200, "all but the last block are committed");
});

test("every intermediate rendering's letters are a prefix of the final one's", () => {
  const el = document.createElement("div");
  const md = new MarkdownStream(el);
  md.update(ANSWER, true);
  const final = alnum(el.textContent.replace(/Copy/g, ""));
  const el2 = document.createElement("div");
  const md2 = new MarkdownStream(el2);
  for (let i = 1; i <= ANSWER.length; i += 3) {
    md2.update(ANSWER.slice(0, i));
    const now = alnum(el2.textContent.replace(/Copy/g, ""));
    assert.ok(final.startsWith(now), `at ${i}: ${now.slice(-40)}`);
  }
});

test("a text that changes other than by growing is rendered afresh", () => {
  const el = document.createElement("div");
  const md = new MarkdownStream(el);
  md.update("First para.\n\nSecond");
  md.update("Other text.\n\nMore", true);
  assert.ok(!el.textContent.includes("First"));
  assert.deepEqual([...el.querySelectorAll("p")].map((p) => p.textContent), ["Other text.", "More"]);
});

test("pathological markdown is shown raw, quickly", () => {
  for (const text of [
    Array.from({ length: 3000 }, (_, i) => `${"  ".repeat(i)}- level`).join("\n"),
    Array.from({ length: 50_000 }, (_, i) => `[l${i}](https://e.org/${i})`).join(" "),
    `${"x".repeat(100)}\n\n`.repeat(52_000),
  ]) {
    const el = document.createElement("div");
    const t0 = performance.now();
    new MarkdownStream(el).update(text, true);
    assert.ok(el.querySelector(".rv-raw"), "a raw fallback");
    assert.match(el.querySelector(".rv-raw-note").textContent, /Shown as plain text/);
    assert.ok(performance.now() - t0 < 10_000);
  }
});

test("markup DOMPurify cannot give a body (a frameset) renders as text, not nothing", () => {
  for (const payload of ['<frameset onload="window.__pwned=1">', "<html><frameset></frameset>"]) {
    const el = whole(payload);
    assert.equal(el.querySelector("frameset, [onload]"), null);
    assert.ok(el.textContent.includes("frameset"), el.innerHTML);
  }
});
