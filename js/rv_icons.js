// @ts-check
// Icons as inline SVG (24x24 strokes, currentColor), built with createElementNS: no emoji, which
// many machines have no font for, and no HTML parsing.

const NS = "http://www.w3.org/2000/svg";

/** @type {Record<string, string[]>} path data per icon */
const PATHS = {
  thought: ["M12 3a7 7 0 0 0-4 12.7V18h8v-2.3A7 7 0 0 0 12 3z", "M9 21h6"],
  function: ["M14 4h-1a3 3 0 0 0-3 3v10a3 3 0 0 1-3 3H6", "M7 11h8"],
  output: ["M5 4v9a3 3 0 0 0 3 3h11", "M15 12l4 4-4 4"],
  search: ["M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14z", "M21 21l-5-5"],
  globe: ["M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z", "M3 12h18", "M12 3c3 3.5 3 14.5 0 18", "M12 3c-3 3.5-3 14.5 0 18"],
  play: ["M7 4l13 8-13 8z"],
  tools: ["M14 6a4 4 0 0 0 5 5l-8 8a2 2 0 0 1-3-3l8-8a4 4 0 0 0-2-2z"],
  plug: ["M9 3v5", "M15 3v5", "M6 8h12v3a6 6 0 0 1-12 0z", "M12 17v4"],
  hand: ["M7 12V6a1.5 1.5 0 0 1 3 0v5", "M10 11V4a1.5 1.5 0 0 1 3 0v7", "M13 11V5a1.5 1.5 0 0 1 3 0v7", "M16 12V8a1.5 1.5 0 0 1 3 0v6a7 7 0 0 1-7 7h-1a6 6 0 0 1-5-3l-2-4a1.5 1.5 0 0 1 3-1l1 2"],
  image: ["M4 5h16v14H4z", "M4 16l5-5 4 4 3-3 4 4", "M15 9h.01"],
  pointer: ["M5 3l14 8-6 1.5L10 19z"],
  diff: ["M12 4v8", "M8 8h8", "M8 18h8"],
  terminal: ["M4 5h16v14H4z", "M7 10l3 2-3 2", "M12 15h5"],
  file: ["M6 3h8l4 4v14H6z", "M14 3v4h4"],
  dot: ["M12 10a2 2 0 1 0 0 4 2 2 0 0 0 0-4z"],
  copy: ["M9 9h11v11H9z", "M5 15H4V4h11v1"],
  json: ["M8 4H7a2 2 0 0 0-2 2v4l-2 2 2 2v4a2 2 0 0 0 2 2h1", "M16 4h1a2 2 0 0 1 2 2v4l2 2-2 2v4a2 2 0 0 1-2 2h-1"],
};

/** @type {Record<string, string>} item kind -> icon */
export const KIND_ICONS = {
  reasoning: "thought", function_call: "function", function_call_output: "output",
  custom_tool_call: "function", file_search_call: "search", web_search_call: "globe",
  code_interpreter_call: "play", mcp_list_tools: "tools", mcp_call: "plug",
  mcp_approval_request: "hand", mcp_approval_response: "hand", image_generation_call: "image",
  computer_call: "pointer", apply_patch_call: "diff", local_shell_call: "terminal",
  shell_call: "terminal", output_file: "file", json: "json",
};

/** An inline SVG icon (aria-hidden). @param {string} name an icon or an item kind */
export function icon(name) {
  const paths = PATHS[name] || PATHS[KIND_ICONS[name]] || PATHS.dot;
  const svg = document.createElementNS(NS, "svg");
  for (const [k, v] of [["viewBox", "0 0 24 24"], ["width", "14"], ["height", "14"], ["fill", "none"],
    ["stroke", "currentColor"], ["stroke-width", "2"], ["stroke-linecap", "round"],
    ["stroke-linejoin", "round"], ["aria-hidden", "true"], ["class", "rv-icon"]]) {
    svg.setAttribute(k, v);
  }
  for (const d of paths) {
    const path = document.createElementNS(NS, "path");
    path.setAttribute("d", d);
    svg.appendChild(path);
  }
  return svg;
}
