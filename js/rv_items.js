// One renderer per output item kind. Model-produced strings enter the DOM as text, through
// renderMarkdown() (sanitized) or through highlight() (sanitized); URLs through safeUrl().

import { details, h, image, link, prettyJson, safeUrl } from "./rv_dom.js";
import { highlight, renderMarkdown } from "./rv_markdown.js";

const ICONS = {
  reasoning: "💭", function_call: "ƒ", function_call_output: "↳", custom_tool_call: "ƒ",
  file_search_call: "🔎", web_search_call: "🌐", code_interpreter_call: "▶",
  mcp_list_tools: "🧰", mcp_call: "🔌", mcp_approval_request: "✋", mcp_approval_response: "✋",
  image_generation_call: "🖼", computer_call: "🖱", apply_patch_call: "±",
  local_shell_call: "$", shell_call: "$",
};

function statusChip(block) {
  const status = block.item.status || (block.done ? "completed" : "in_progress");
  return h("span", { class: `rv-chip rv-status-${String(status).replace(/[^a-z_]/gi, "")}`,
    text: String(status).replace(/_/g, " ") });
}

function titleBar(block, label, ...extra) {
  return h("div", { class: "rv-item-title" },
    h("span", { class: "rv-icon", text: ICONS[block.kind] || "•" }),
    h("span", { class: "rv-label", text: label }), ...extra, statusChip(block));
}

function pre(text, lang, cls = "") {
  return h("pre", { class: `rv-pre ${cls}`.trim() },
    h("code", { class: lang ? `hljs language-${lang}` : "" }, highlight(text, lang)));
}

function messagePart(part, i) {
  if (!part || typeof part !== "object") return null;
  const type = part.type;
  if (type === "output_text" || type === "input_text" || type === "text") {
    const body = h("div", { class: "rv-markdown" }, renderMarkdown(part.text || ""));
    const notes = (part.annotations || []).filter((a) => a && typeof a === "object");
    if (!notes.length) return body;
    const seen = new Set();
    const list = h("ol", { class: "rv-citations" });
    for (const a of notes) {
      const key = a.url || a.file_id || a.filename;
      if (!key || seen.has(key)) continue;
      seen.add(key);
      if (a.url) list.append(h("li", {}, link(a.url, a.title || a.url)));
      else list.append(h("li", { text: a.filename || a.file_id || a.type }));
    }
    return [body, list.children.length ? list : null];
  }
  if (type === "refusal") {
    return h("div", { class: "rv-refusal", role: "note" },
      h("strong", { text: "Refusal: " }), part.refusal || "");
  }
  if (type === "output_file") return outputFile(part, i);
  if (type === "input_image") return image(part.image_url, "input image");
  return details(`part-${i}`, `${type || "part"}`, pre(prettyJson(part), "json"));
}

function outputFile(part, i) {
  const name = part.fileName || part.filename || "file";
  const mime = String(part.mimeType || "");
  const box = h("div", { class: "rv-file" }, h("span", { class: "rv-icon", text: "📄" }),
    link(part.fileUrl, name), h("span", { class: "rv-dim", text: mime ? ` ${mime}` : "" }));
  const url = safeUrl(part.fileUrl);
  if (url && mime.startsWith("image/")) box.append(image(url, name) || "");
  if (url && (mime === "text/markdown" || /\.md$/i.test(name))) {
    const body = h("div", { class: "rv-markdown rv-preview", text: "loading preview…" });
    box.append(details(`file-${i}`, "preview", body));
    fetch(url).then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
      .then((text) => body.replaceChildren(renderMarkdown(text.slice(0, 200000))))
      .catch(() => body.replaceChildren("preview unavailable (open the link)"));
  }
  return box;
}

function message(block, ctx) {
  const { item } = block;
  const user = item.role && item.role !== "assistant";
  const parts = typeof item.content === "string"
    ? [{ type: "output_text", text: item.content }] : item.content || [];
  return h("div", { class: `rv-message${user ? " rv-user" : ""}` },
    user ? h("div", { class: "rv-role", text: item.role }) : null,
    parts.map((p, i) => messagePart(p, i)),
    block.done || ctx.finished ? null : h("span", { class: "rv-cursor", "aria-hidden": "true" }));
}

function reasoning(block, ctx) {
  const summaries = (block.item.summary || []).map((p) => (p && p.text) || "").filter(Boolean);
  const raw = (Array.isArray(block.item.content) ? block.item.content : [])
    .map((p) => (p && p.text) || "").join("");
  const last = summaries.length ? summaries[summaries.length - 1] : "";
  const teaser = last.replace(/[*_#`]/g, "").split("\n")[0].slice(0, 90);
  const title = h("span", {}, h("span", { class: "rv-icon", text: ICONS.reasoning }),
    h("span", { class: "rv-label", text: block.done || ctx.finished ? "Reasoning" : "Thinking…" }),
    h("span", { class: "rv-dim rv-teaser", text: teaser ? ` ${teaser}` : "" }));
  const body = h("div", { class: "rv-reasoning-body" },
    summaries.map((s) => h("div", { class: "rv-markdown" }, renderMarkdown(s))),
    raw ? details("raw", "raw reasoning", pre(raw)) : null,
    !summaries.length && !raw ? h("div", { class: "rv-dim", text: "(no summary)" }) : null);
  return details("reasoning", title, body, { cls: "rv-reasoning" });
}

function functionCall(block, ctx) {
  const { item } = block;
  const args = block.done ? prettyJson(item.arguments || "") : item.arguments || "";
  const output = ctx.outputs.get(item.call_id);
  return h("div", { class: "rv-tool" },
    titleBar(block, item.name || "function", h("span", { class: "rv-dim", text: item.call_id ? ` ${item.call_id}` : "" })),
    pre(args, "json", "rv-args"),
    output !== undefined ? h("div", { class: "rv-output" }, h("div", { class: "rv-dim", text: "output" }),
      pre(typeof output === "string" ? prettyJson(output) : prettyJson(output), "json")) : null);
}

function functionOutput(block, ctx) {
  const { item } = block;
  const name = ctx.names.get(item.call_id) || item.call_id || "";
  return h("div", { class: "rv-tool" }, titleBar(block, `output of ${name}`),
    pre(typeof item.output === "string" ? prettyJson(item.output) : prettyJson(item.output), "json"));
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
    pre(block.done ? prettyJson(item.arguments || "") : item.arguments || "", "json", "rv-args"),
    item.output ? pre(String(item.output), null, "rv-output") : null,
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
  return details("json", `${ICONS[block.kind] || "•"} ${block.kind}`,
    pre(JSON.stringify(block.item, null, 2), "json"), { cls: "rv-unknown" });
}

const RENDERERS = {
  message, reasoning, function_call: functionCall, function_call_output: functionOutput,
  custom_tool_call: customTool, file_search_call: fileSearch, web_search_call: webSearch,
  code_interpreter_call: codeInterpreter, mcp_list_tools: mcpListTools, mcp_call: mcpCall,
  mcp_approval_request: mcpCall, image_generation_call: imageGeneration,
  computer_call: computerCall, apply_patch_call: applyPatch, local_shell_call: shellCall,
  shell_call: shellCall,
};

/** Render one block into el (replacing its children). ctx: {outputs, names} by call_id. */
export function renderBlock(el, block, ctx) {
  const render = RENDERERS[block.kind] || unknown;
  try {
    el.append(render(block, ctx));
  } catch (err) {
    el.append(unknown(block));
  }
}
