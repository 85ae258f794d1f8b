// @ts-check
// One renderer per (non-streaming-text) output item kind; messages and reasoning live in
// rv_message.js. Model-produced strings enter the DOM as text, through highlight() (sanitized)
// or the JSON tree; URLs through safeUrl() (rv_dom.js).

import { details, h, image, link, prettyJson } from "./rv_dom.js";
import { icon } from "./rv_icons.js";
import { jsonView, parseJsonDoc } from "./rv_json.js";
import { highlight } from "./rv_markdown.js";

/** @typedef {import("./rv_store.js").Block} Block */
/** @typedef {import("./rv_message.js").Context} Context */

function statusChip(block) {
  const status = block.item.status || (block.done ? "completed" : "in_progress");
  return h("span", { class: `rv-chip rv-status-${String(status).replace(/[^a-z_]/gi, "")}`,
    text: String(status).replace(/_/g, " ") });
}

function titleBar(block, label, ...extra) {
  return h("div", { class: "rv-item-title" },
    icon(block.kind),
    h("span", { class: "rv-label", text: label }), ...extra, statusChip(block));
}

function pre(text, lang, cls = "") {
  return h("pre", { class: `rv-pre ${cls}`.trim() },
    h("code", { class: lang ? `hljs language-${lang}` : "" }, highlight(text, lang)));
}

/** JSON (a string or a value) as a collapsible tree when it parses, else highlighted text. @param {unknown} value @param {string} title @param {string} key @param {boolean} done */
function jsonOrText(value, title, key, done) {
  const doc = done ? parseJsonDoc(value) : undefined;
  if (doc !== undefined) return jsonView(doc, title, key);
  return pre(typeof value === "string" ? value : prettyJson(value), "json", "rv-args");
}

/** @param {Block} block @param {Context} ctx */
function functionCall(block, ctx) {
  const { item } = block;
  const output = ctx.outputs.get(item.call_id);
  const done = block.done || ctx.finished;
  return h("div", { class: "rv-tool" },
    titleBar(block, item.name || "function", h("span", { class: "rv-dim", text: item.call_id ? ` ${item.call_id}` : "" })),
    jsonOrText(item.arguments || "", "arguments", `a${block.index}`, done),
    output !== undefined ? h("div", { class: "rv-output" },
      jsonOrText(output, "result", `o${block.index}`, true)) : null);
}

/** @param {Block} block @param {Context} ctx */
function functionOutput(block, ctx) {
  const { item } = block;
  if (ctx.calls.has(item.call_id)) return h("span", { class: "rv-hidden-output" }); // shown in its call
  const name = ctx.names.get(item.call_id) || item.call_id || "";
  return h("div", { class: "rv-tool" }, titleBar(block, `result of ${name}`),
    jsonOrText(item.output, "result", `o${block.index}`, true));
}

function customTool(block) {
  return h("div", { class: "rv-tool" }, titleBar(block, block.item.name || "tool"),
    pre(block.item.input || ""));
}

function fileSearch(block) {
  const { item } = block;
  const results = item.results || [];
  return h("div", { class: "rv-tool" }, titleBar(block, "File search"),
    h("ul", { class: "rv-list" }, (item.queries || []).map((q) => h("li", { text: q }))),
    results.length ? details("results", `${results.length} results`, h("ol", { class: "rv-list" },
      results.map((r) => h("li", {}, h("strong", { text: r.filename || r.file_id || "file" }),
        typeof r.score === "number" ? h("span", { class: "rv-dim", text: ` ${r.score.toFixed(3)}` }) : null,
        r.text ? h("div", { class: "rv-snippet", text: String(r.text).slice(0, 600) }) : null)))) : null);
}

function webSearch(block) {
  const action = block.item.action || {};
  const what = action.query || action.url || "";
  const sources = action.sources || [];
  return h("div", { class: "rv-tool" }, titleBar(block, "Web search"),
    what ? h("div", { class: "rv-query" }, action.url && !action.query ? link(action.url) : what,
      action.pattern ? h("span", { class: "rv-dim", text: ` find “${action.pattern}”` }) : null) : null,
    sources.length ? h("ol", { class: "rv-list rv-sources" },
      sources.map((s) => h("li", {}, link(s.url, s.title || s.url)))) : null);
}

function codeInterpreter(block) {
  const { item } = block;
  const outputs = item.outputs || [];
  return h("div", { class: "rv-tool" }, titleBar(block, "Code interpreter"),
    pre(item.code || "", "python"),
    outputs.map((o) => (o && o.type === "logs" ? pre(o.logs || "", null, "rv-logs")
      : o && o.type === "image" ? image(o.url, "code output") : null)));
}

function mcpListTools(block) {
  const tools = block.item.tools || [];
  return h("div", { class: "rv-tool" },
    titleBar(block, `MCP tools · ${block.item.server_label || "server"}`),
    details("tools", `${tools.length} tools`, h("ul", { class: "rv-list" },
      tools.map((t) => h("li", {}, h("code", { text: t.name || "" }),
        t.description ? h("span", { class: "rv-dim", text: ` ${t.description}` }) : null)))),
    block.item.error ? h("div", { class: "rv-error-inline", text: block.item.error }) : null);
}

function mcpCall(block) {
  const { item } = block;
  const approval = block.kind === "mcp_approval_request";
  return h("div", { class: `rv-tool${approval ? " rv-approval" : ""}` },
    titleBar(block, `${approval ? "Approval requested: " : ""}${item.server_label || "mcp"} · ${item.name || ""}`),
    jsonOrText(item.arguments || "", "arguments", `a${block.index}`, block.done),
    item.output ? jsonOrText(String(item.output), "result", `o${block.index}`, true) : null,
    item.error ? h("div", { class: "rv-error-inline", text: typeof item.error === "string" ? item.error : JSON.stringify(item.error) }) : null);
}

function imageGeneration(block) {
  const { item } = block;
  const img = image(item.result || item.partial_image_b64, "generated image");
  return h("div", { class: "rv-tool" }, titleBar(block, item.result ? "Image" : "Generating image…"),
    img || h("div", { class: "rv-dim", text: "…" }));
}

function computerCall(block) {
  const { item } = block;
  const actions = item.actions || (item.action ? [item.action] : []);
  return h("div", { class: "rv-tool" }, titleBar(block, "Computer use"),
    h("ol", { class: "rv-list" }, actions.map((a) => h("li", {},
      h("code", { text: a.type || "action" }), " ",
      Object.entries(a).filter(([k]) => k !== "type").map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ")))),
    (item.pending_safety_checks || []).map((c) => h("div", { class: "rv-refusal", text: `safety check: ${c.message || c.code || ""}` })));
}

function applyPatch(block) {
  const op = block.item.operation || {};
  const lines = String(op.diff || "").split("\n");
  const diff = h("pre", { class: "rv-pre rv-diff" }, lines.map((line) => h("span", {
    class: line.startsWith("+") ? "rv-add" : line.startsWith("-") ? "rv-del" : line.startsWith("@@") ? "rv-hunk" : "",
    text: `${line}\n` })));
  return h("div", { class: "rv-tool" }, titleBar(block, `${(op.type || "patch").replace(/_/g, " ")} ${op.path || ""}`), diff);
}

function shellCall(block) {
  const action = block.item.action || {};
  const command = Array.isArray(action.command) ? action.command.join(" ")
    : action.command || (action.commands || []).join("\n");
  return h("div", { class: "rv-tool" }, titleBar(block, "Shell"), pre(String(command || ""), "bash"),
    block.item.output ? pre(prettyJson(block.item.output)) : null);
}

function unknown(block) {
  return details("json", h("span", {}, icon(block.kind), ` ${block.kind}`),
    pre(JSON.stringify(block.item, null, 2), "json"), { cls: "rv-unknown" });
}

const RENDERERS = {
  function_call: functionCall, function_call_output: functionOutput,
  custom_tool_call: customTool, file_search_call: fileSearch, web_search_call: webSearch,
  code_interpreter_call: codeInterpreter, mcp_list_tools: mcpListTools, mcp_call: mcpCall,
  mcp_approval_request: mcpCall, image_generation_call: imageGeneration,
  computer_call: computerCall, apply_patch_call: applyPatch, local_shell_call: shellCall,
  shell_call: shellCall,
};

/** Render one block into el (appending). @param {HTMLElement} el @param {Block} block @param {Context} ctx */
export function renderBlock(el, block, ctx) {
  const render = /** @type {Record<string, (b: Block, c: Context) => Node>} */ (RENDERERS)[block.kind] || unknown;
  try {
    el.append(render(block, ctx));
  } catch {
    el.append(unknown(block));
  }
}
