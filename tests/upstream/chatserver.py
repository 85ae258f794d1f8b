"""A small Chat Completions server on loopback (stdlib ``http.server``, no respnb code).

It answers ``POST /v1/chat/completions`` (streamed as SSE when ``stream`` is true, else one
JSON completion) and records every request body in :attr:`ChatServer.requests`. What it says
depends on the last user message:

* tools declared and "weather" in it: a ``get_weather`` tool call (arguments in two pieces);
* a ``response_format`` of ``json_schema``: ``{"city": "Paris", "temp_c": 21}``;
* "think": ``reasoning_content`` first, then the answer;
* "slow": 4000 small chunks, one every 5 ms; a client that hangs up sets :attr:`hung_up`;
* "paced": 300 chunks, one every 5 ms;
* "fail": HTTP 500;
* "whole": one JSON completion even when a stream was asked for;
* "nousage": no ``usage`` chunk;
* ``max_tokens`` below the number of chunks: cut there, ``finish_reason: "length"``;
  ``logprobs``: each content chunk carries its token's logprobs;
* else ``Echo: <last user text> (N messages)``; with a ``tool`` message, ``Tool said: ...``.

The final chunk carries ``usage`` (prompt tokens = characters of the messages // 4).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["ChatServer"]


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
        owner = self.server.owner
        owner.requests.append(body)
        owner.headers.append({k.lower(): v for k, v in self.headers.items()})
        messages = body.get("messages") or []
        last = next((m for m in reversed(messages) if m.get("role") == "user"), {})
        prompt = _text(last.get("content"))
        if owner.refuse_stream_options and "stream_options" in body:
            self._json(422, {"detail": "unknown field: stream_options"})
            return
        if "fail" in prompt:
            self._json(500, {"error": {"message": "upstream exploded", "type": "server_error"}})
            return
        chunks = self._plan(body, messages, prompt)
        prompt_tokens = sum(len(_text(m.get("content"))) for m in messages) // 4
        completion = sum(len(c.get("content") or "") for c in chunks) // 4 or 1
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": prompt_tokens + completion,
            "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 3 if "think" in prompt else 0},
        }
        finish = "tool_calls" if any("tool_calls" in c for c in chunks) else "stop"
        if isinstance(body.get("max_tokens"), int) and len(chunks) > body["max_tokens"]:
            chunks, finish = chunks[: body["max_tokens"]], "length"
        if not body.get("stream") or "whole" in prompt:
            message: dict[str, Any] = {"role": "assistant", "content": ""}
            for c in chunks:
                message["content"] += c.get("content") or ""
                if "tool_calls" in c:
                    message["tool_calls"] = c["tool_calls"]
            self._json(
                200,
                {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "model": body.get("model"),
                    "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                    "usage": usage,
                },
            )
            return
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        pause = 0.005 if "slow" in prompt or "paced" in prompt else 0.0
        try:
            for delta in chunks:
                choice: dict[str, Any] = {"index": 0, "delta": delta, "finish_reason": None}
                if body.get("logprobs") and delta.get("content"):
                    token = delta["content"]
                    top = [{"token": token.upper(), "logprob": -2.0, "bytes": None}]
                    entry = {"token": token, "logprob": -0.25, "bytes": list(token.encode())}
                    choice["logprobs"] = {
                        "content": [{**entry, "top_logprobs": top[: body.get("top_logprobs", 0)]}]
                    }
                self._sse({"choices": [choice]})
                if pause:
                    time.sleep(pause)
            self._sse({"choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
            if "nousage" not in prompt:
                self._sse({"choices": [], "usage": usage})
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            owner.hung_up.set()

    def _plan(self, body: dict[str, Any], messages: list[Any], prompt: str) -> list[Any]:
        fmt = body.get("response_format") or {}
        tool_msgs = [m for m in messages if m.get("role") == "tool"]
        if tool_msgs and messages[-1].get("role") == "tool":
            return [{"role": "assistant", "content": f"Tool said: {tool_msgs[-1]['content']}"}]
        if body.get("tools") and "weather" in prompt:
            return [
                {
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_up_1",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city":'},
                        }
                    ]
                },
                {"tool_calls": [{"index": 0, "function": {"arguments": ' "Paris"}'}}]},
            ]
        if fmt.get("type") == "json_schema":
            return [{"content": '{"city": "Paris",'}, {"content": ' "temp_c": 21}'}]
        if "slow" in prompt:
            return [{"content": f"w{i} "} for i in range(4000)]
        if "paced" in prompt:
            return [{"content": f"p{i} "} for i in range(300)]
        out: list[Any] = []
        if "think" in prompt:
            out += [{"reasoning_content": "Let me "}, {"reasoning_content": "think."}]
        text = f"Echo: {prompt} ({len(messages)} messages)"
        out += [{"content": piece + " "} for piece in text.split(" ")]
        out[-1]["content"] = out[-1]["content"].rstrip()
        return out

    def _sse(self, data: dict[str, Any]) -> None:
        self.wfile.write(b"data: " + json.dumps(data).encode() + b"\n\n")
        self.wfile.flush()

    def _json(self, status: int, data: dict[str, Any]) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: ChatServer


class ChatServer:
    """The server, started on a free loopback port; ``url`` is its ``/v1`` root."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.hung_up = threading.Event()
        self.refuse_stream_options = False
        """Answer 422 naming ``stream_options`` when it is sent (as some servers do)."""
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> ChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
