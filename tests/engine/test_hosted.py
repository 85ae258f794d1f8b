"""Hosted tools: file_search over uploaded files, web_search, code_interpreter, MCP (with the
approval round trip) and image_generation; every item type has a producer."""

from __future__ import annotations

import base64
import json
import struct
import zlib

from respnb.server.engine import EngineFile, search_files

BAGS = EngineFile(
    "file-bags",
    "airnz-baggage-FAQ.txt",
    (
        b"airnz-baggage-FAQ\n\nQuestion: Can I bring more bags than my standard allowance?\n\n"
        b"Answer: purchase Prepaid Extra Bags for sports gear or musical instruments.\n\n"
        b"Meals are served on international flights."
    ),
)
PETS = EngineFile("file-pets", "pets.md", b"# Pets\n\nSmall dogs may travel in the cabin.")


def test_search_files_ranks_matching_chunks():
    hits = search_files([BAGS, PETS], "Can I bring extra bags?")
    assert hits and all(h["file_id"] == "file-bags" for h in hits)
    assert hits[0]["score"] >= hits[-1]["score"] > 0
    assert len(hits) == 1 and hits[0]["text"] == BAGS.text  # one 800-token chunk holds it all
    assert search_files([BAGS], "zebra quantum") == []


def test_file_search_call_and_citations(run):
    tool = {"type": "file_search", "vector_store_ids": ["vs_1"]}
    body = {"input": "Can I bring more bags than my allowance?", "tools": [tool]}
    hidden = run(body, files=[BAGS, PETS]).items[0]
    assert hidden["results"] is None  # results only with include, as OpenAI
    r = run({**body, "include": ["file_search_call.results"]}, files=[BAGS, PETS])
    assert [i["type"] for i in r.items] == ["file_search_call", "message"]
    fs = r.items[0]
    assert fs["status"] == "completed" and fs["queries"] == [
        "Can I bring more bags than my allowance?"
    ]
    assert fs["results"][0]["filename"] == "airnz-baggage-FAQ.txt"
    assert set(fs["results"][0]) == {"file_id", "filename", "score", "text", "attributes"}
    phases = [t for t in r.types if t.startswith("response.file_search_call.")]
    assert phases == [
        "response.file_search_call.in_progress",
        "response.file_search_call.searching",
        "response.file_search_call.completed",
    ]
    part = r.items[1]["content"][0]
    cites = [a for a in part["annotations"] if a["type"] == "file_citation"]
    assert cites and cites[0]["file_id"] == "file-bags"
    assert 0 < cites[0]["index"] <= len(part["text"])
    assert "Prepaid Extra Bags" in part["text"]
    assert r.types.count("response.output_text.annotation.added") == len(part["annotations"])


def test_web_search_with_url_citations(run):
    body = {"input": "Latest news on solar panels", "tools": [{"type": "web_search"}]}
    hidden = run(body).items
    assert "sources" not in hidden[0]["action"]  # sources only with include, as OpenAI
    assert hidden[1]["content"][0]["annotations"]  # citations are always there
    r = run({**body, "include": ["web_search_call.action.sources"]})
    ws, msg = r.items
    assert ws["type"] == "web_search_call" and ws["action"]["type"] == "search"
    assert ws["action"]["query"] and len(ws["action"]["sources"]) == 3
    assert all(
        ".example." in s["url"] or "example.com" in s["url"] for s in ws["action"]["sources"]
    )
    text = msg["content"][0]["text"]
    for ann in msg["content"][0]["annotations"]:
        assert ann["type"] == "url_citation"
        assert text[ann["start_index"] : ann["end_index"]].endswith(f"({ann['url']}))")


def test_code_interpreter_computes_logs(run):
    body = {
        "input": "What is the mean of 3, 4 and 8?",
        "tools": [{"type": "code_interpreter", "container": {"type": "auto"}}],
    }
    hidden = run(body).items[0]
    assert hidden["outputs"] is None and "numbers = [3, 4, 8]" in hidden["code"]  # as OpenAI
    r = run({**body, "include": ["code_interpreter_call.outputs"]})
    ci = r.items[0]
    assert ci["type"] == "code_interpreter_call" and ci["container_id"].startswith("cntr_")
    assert "numbers = [3, 4, 8]" in ci["code"]
    assert ci["outputs"] == [{"type": "logs", "logs": "count = 3\nsum = 15\nmean = 5.00\n"}]
    assert "response.code_interpreter_call_code.delta" in r.types
    assert r.types.index("response.code_interpreter_call_code.done") < r.types.index(
        "response.code_interpreter_call.interpreting"
    )
    assert "mean = 5.00" in r.text


MCP = {"type": "mcp", "server_label": "deepwiki", "server_url": "https://mcp.example.com/sse"}


def test_mcp_never_approval_lists_and_calls(run):
    r = run(
        {"input": "Search the docs for streaming", "tools": [{**MCP, "require_approval": "never"}]}
    )
    assert [i["type"] for i in r.items] == ["mcp_list_tools", "mcp_call", "message"]
    listed, call, _ = r.items
    assert {t["name"] for t in listed["tools"]} == {"search", "fetch"}
    assert call["name"] == "search" and json.loads(call["arguments"])["query"]
    assert json.loads(call["output"])["results"]
    assert "response.mcp_call_arguments.delta" in r.types
    assert "deepwiki" in r.text


def test_mcp_approval_round_trip(run):
    first = run({"input": "Search the docs for streaming", "tools": [MCP]})
    assert [i["type"] for i in first.items] == ["mcp_list_tools", "mcp_approval_request"]
    request = first.items[1]
    assert request["id"].startswith("mcpr_") and request["name"] == "search"
    history = [{"role": "user", "content": "Search the docs for streaming"}, *first.items]
    approve = {
        "type": "mcp_approval_response",
        "approval_request_id": request["id"],
        "approve": True,
    }
    second = run({"input": [approve], "tools": [MCP]}, history=history)
    assert [i["type"] for i in second.items] == ["mcp_call", "message"]
    assert second.items[0]["arguments"] == request["arguments"]
    assert second.items[0]["approval_request_id"] == request["id"]
    deny = {**approve, "approve": False}
    third = run({"input": [deny], "tools": [MCP]}, history=history)
    assert [i["type"] for i in third.items] == ["message"] and "declined" in third.text
    # the server's tools are listed only once per conversation
    again = run({"input": "Search again", "tools": [MCP]}, history=history)
    assert [i["type"] for i in again.items] == ["mcp_approval_request"]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos = 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])[0]
        assert zlib.crc32(kind + chunk) & 0xFFFFFFFF == crc
        if kind == b"IHDR":
            size = struct.unpack(">II", chunk[:8])
        pos += 12 + length
    return size


def test_image_generation_partial_images_and_png(run):
    r = run(
        {"input": "Draw a sunset", "tools": [{"type": "image_generation", "partial_images": 2}]}
    )
    ig = r.items[0]
    assert ig["type"] == "image_generation_call" and ig["status"] == "completed"
    assert _png_size(base64.b64decode(ig["result"])) == (32, 32)
    partials = [e for e in r.events if e["type"] == "response.image_generation_call.partial_image"]
    assert [p["partial_image_index"] for p in partials] == [0, 1]
    for p in partials:
        assert _png_size(base64.b64decode(p["partial_image_b64"])) == (32, 32)


def test_tool_choice_none_skips_hosted_tools(run):
    r = run({"input": "Search", "tools": [{"type": "web_search"}], "tool_choice": "none"})
    assert [i["type"] for i in r.items] == ["message"]
