"""The requests of :func:`respnb._probe.probe`, one small function per feature.

Each step sends a request or two (a few output tokens each) and records a finding; a step
that raises is recorded by ``probe`` from the error (4xx / 501: no; other errors: unknown).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._exceptions import APIStatusError
from ._sse import SSEDecoder

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient

__all__ = ["STEPS", "Finding", "Probe", "why"]


@dataclass
class Finding:
    """What the probe found about one feature: ``ok`` True / False / None (unknown)."""

    feature: str
    ok: bool | None
    detail: str


Step = Callable[["Probe"], Awaitable[None]]


class Probe:
    def __init__(self, api: AsyncAPIClient, model: str) -> None:
        self.api = api
        self.model = model
        self.findings: list[Finding] = []
        self.created: list[str] = []
        self.first_id: str | None = None
        self.background_id: str | None = None

    def add(self, feature: str, ok: bool | None, detail: str) -> None:
        self.findings.append(Finding(feature, ok, detail))

    def body(self, prompt: str, **extra: Any) -> dict[str, Any]:
        return {"model": self.model, "input": prompt, "max_output_tokens": 32, **extra}

    async def create(self, **extra: Any) -> dict[str, Any]:
        data = await self.api.request_json("POST", "/responses", body=extra, max_retries=0)
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise ValueError(f"not a response: {str(data)[:120]!r}")
        self.created.append(data["id"])
        return data

    async def get(self, path: str, **query: Any) -> Any:
        return await self.api.request_json("GET", path, query=query or None, max_retries=0)


def why(exc: BaseException) -> str:
    if isinstance(exc, APIStatusError):
        return f"{exc.status_code}: {str(exc.message)[:80]}"
    return f"{type(exc).__name__}: {str(exc)[:80]}"


def _text(data: dict[str, Any]) -> str:
    out = []
    for item in data.get("output") or []:
        for part in item.get("content") or [] if isinstance(item, dict) else []:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                out.append(part["text"])
    return "".join(out)


async def _create(p: Probe) -> None:
    data = await p.create(**p.body("Reply with the single word OK."))
    p.first_id = data["id"]
    p.add("create", True, f"status {data.get('status')!r}")


async def _stream(p: Probe) -> None:
    body = p.body("Reply with the single word OK.", stream=True)
    headers = {"Accept": "text/event-stream"}
    response = await p.api.request(
        "POST", "/responses", body=body, headers=headers, stream=True, max_retries=0
    )
    try:
        raw = await response.aread()
    finally:
        await response.aclose()
    if "event-stream" not in response.headers.get("content-type", ""):
        p.add("streaming", False, "stream=true answered with JSON, not an event stream")
        return
    events = SSEDecoder().feed(raw)
    names = [e.event for e in events if e.event]
    seqs = []
    for e in events:
        try:
            seq = json.loads(e.data).get("sequence_number")
        except (ValueError, AttributeError):
            continue
        if isinstance(seq, int):
            seqs.append(seq)
    p.add("streaming", True, f"{len(events)} events")
    p.add("event lines", bool(names), "`event:` lines sent" if names else "data lines only")
    if not seqs:
        p.add("sequence numbers", False, "no sequence_number in events")
    else:
        rising = all(b > a for a, b in itertools.pairwise(seqs))
        p.add("sequence numbers", True, "increasing" if rising else "sparse / restarting")


async def _retrieve(p: Probe) -> None:
    data = await p.get(f"/responses/{p.first_id}")
    p.add("retrieve", isinstance(data, dict) and data.get("id") == p.first_id, "GET by id")


async def _input_items(p: Probe) -> None:
    data = await p.get(f"/responses/{p.first_id}/input_items")
    ok = isinstance(data, dict) and isinstance(data.get("data"), list)
    p.add("input_items", ok, f"{len(data['data'])} items" if ok else "no item list")


async def _input_tokens(p: Probe) -> None:
    data = await p.api.request_json(
        "POST", "/responses/input_tokens", body={"model": p.model, "input": "hi"}, max_retries=0
    )
    ok = isinstance(data, dict) and isinstance(data.get("input_tokens"), int)
    p.add("input_tokens", ok, f"{data.get('input_tokens')} tokens" if ok else str(data)[:60])


def _usage_in(data: dict[str, Any]) -> int | None:
    usage = data.get("usage")
    value = usage.get("input_tokens") if isinstance(usage, dict) else None
    return value if isinstance(value, int) else None


async def _previous(p: Probe) -> None:
    question = "What was the code word? Answer with it only."
    first = await p.create(**p.body("Remember the code word ZEBRA-41. Reply OK.", store=True))
    chained = await p.create(**p.body(question, previous_response_id=first["id"]))
    alone = await p.create(**p.body(question))
    if "ZEBRA" in _text(chained).upper():
        p.add("previous_response_id", True, "the chained answer knew the code word")
        return
    a, b = _usage_in(alone), _usage_in(chained)
    if a is not None and b is not None and (a or b):
        ok = b > a
        why = "history counted in input tokens" if ok else "accepted, but the history was dropped"
        p.add("previous_response_id", ok, f"{why} ({b} vs {a} tokens alone)")
    else:
        p.add("previous_response_id", None, "accepted; no usage to tell whether history kept")


async def _background(p: Probe) -> None:
    data = await p.create(**p.body("Reply with the single word OK.", background=True, store=True))
    p.background_id = data["id"]
    p.add("background", True, f"status {data.get('status')!r}")


async def _resume(p: Probe) -> None:
    if p.background_id is None:
        p.add("resume", None, "no background response to tail")
        return
    response = await p.api.request(
        "GET",
        f"/responses/{p.background_id}",
        query={"stream": True, "starting_after": 0},
        headers={"Accept": "text/event-stream"},
        stream=True,
        max_retries=0,
    )
    try:
        raw = await response.aread()
    finally:
        await response.aclose()
    if "event-stream" not in response.headers.get("content-type", ""):
        p.add("resume", False, "GET ?stream=true answered with JSON (no tail)")
        return
    p.add("resume", bool(SSEDecoder().feed(raw)), "GET ?stream=true&starting_after=0")


async def _cancel(p: Probe) -> None:
    long = p.body("Count from 1 to 2000, one number per line.", background=True, store=True)
    long["max_output_tokens"] = 4000
    data = await p.create(**long)
    rid = data["id"]
    answer = await p.api.request_json("POST", f"/responses/{rid}/cancel", max_retries=0)
    status = answer.get("status") if isinstance(answer, dict) else None
    if status in ("completed", "failed", "incomplete") and data.get("status") == status:
        p.add("cancel", None, f"the task had already ended ({status})")
        return
    later = await p.get(f"/responses/{rid}")
    final = later.get("status") if isinstance(later, dict) else None
    ok = final == "cancelled"
    p.add("cancel", ok, "stays cancelled" if ok else f"answered {status!r}, later {final!r}")


async def _delete(p: Probe) -> None:
    rid = p.created[0]
    data = await p.api.request_json("DELETE", f"/responses/{rid}", max_retries=0)
    p.created.remove(rid)
    ok = not isinstance(data, dict) or data.get("deleted", True) is not False
    p.add("delete", ok, "DELETE by id")


async def _conversations(p: Probe) -> None:
    data = await p.api.request_json("POST", "/conversations", body={}, max_retries=0)
    ok = isinstance(data, dict) and isinstance(data.get("id"), str)
    if ok:
        await p.api.request_json("DELETE", f"/conversations/{data['id']}", max_retries=0)
    p.add("conversations", ok, "create + delete")


async def _files(p: Probe) -> None:
    data = await p.get("/files", limit=1)
    ok = isinstance(data, dict) and isinstance(data.get("data"), list)
    p.add("files", ok, "GET /files")


async def _summaries(p: Probe) -> None:
    data = await p.create(**p.body("What is 2+2?", reasoning={"summary": "auto"}))
    summary = [
        s
        for item in data.get("output") or []
        if isinstance(item, dict) and item.get("type") == "reasoning"
        for s in item.get("summary") or []
    ]
    p.add("reasoning summaries", bool(summary), f"{len(summary)} summary parts")


async def _tools(p: Probe) -> None:
    tool = {
        "type": "function",
        "name": "get_time",
        "description": "The current time in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
        "strict": True,
    }
    body = p.body("What time is it in Oslo? Use the tool.", tools=[tool], tool_choice="required")
    data = await p.create(**body)
    calls = [i for i in data.get("output") or [] if i.get("type") == "function_call"]
    if calls:
        p.add("tools", True, f"{len(calls)} function calls")
    else:  # accepted; a mock or a model that ignores tool_choice proves nothing either way
        p.add("tools", None, "accepted, but no function call came back")


async def _json_schema(p: Probe) -> None:
    schema = {
        "type": "object",
        "properties": {"ok": {"type": "boolean"}},
        "required": ["ok"],
        "additionalProperties": False,
    }
    fmt = {"type": "json_schema", "name": "probe", "schema": schema, "strict": True}
    data = await p.create(**p.body("Is water wet? Answer as JSON.", text={"format": fmt}))
    try:
        ok = isinstance(json.loads(_text(data)), dict)
    except ValueError:
        ok = False
    p.add("json_schema", ok, "JSON answer" if ok else f"text {_text(data)[:40]!r}")


STEPS: list[tuple[str, Step]] = [
    ("create", _create),
    ("streaming", _stream),
    ("retrieve", _retrieve),
    ("input_items", _input_items),
    ("input_tokens", _input_tokens),
    ("previous_response_id", _previous),
    ("background", _background),
    ("resume", _resume),
    ("cancel", _cancel),
    ("conversations", _conversations),
    ("files", _files),
    ("reasoning summaries", _summaries),
    ("tools", _tools),
    ("json_schema", _json_schema),
    ("delete", _delete),
]
