"""Capability probing: find out, with small safe requests, what a Responses server really does.

:func:`probe` sends a handful of tiny requests (a few output tokens each; every response it
creates is deleted again where the server allows) and returns a :class:`ProbeReport`: one
:class:`Finding` per feature with ``yes`` / ``no`` / ``unknown`` and why, the capability flags
to put in a profile, the closest preset, and the profile as TOML. ``respnb doctor URL`` prints
it; ``Client.probe()`` / ``AsyncClient.probe()`` return it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from ._exceptions import APIError, APIStatusError
from ._presets import PRESETS
from ._sse import SSEDecoder

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient

__all__ = ["Finding", "ProbeReport", "probe"]

CAPABILITY_FEATURES = (
    "streaming",
    "background",
    "retrieve",
    "resume",
    "cancel",
    "delete",
    "input_items",
    "input_tokens",
    "previous_response_id",
    "conversations",
    "files",
    "tools",
)
"""Features that are capability flags of a profile (the others are reported only)."""


@dataclass
class Finding:
    """What the probe found about one feature: ``ok`` True / False / None (unknown)."""

    feature: str
    ok: bool | None
    detail: str


@dataclass
class ProbeReport:
    """Every finding, the flags they imply, and the closest preset."""

    base_url: str
    model: str | None
    findings: list[Finding] = field(default_factory=list)

    def get(self, feature: str) -> Finding | None:
        return next((f for f in self.findings if f.feature == feature), None)

    def capabilities(self) -> dict[str, bool]:
        """The capability flags the findings settle (unknown ones are left out)."""
        out: dict[str, bool] = {}
        for finding in self.findings:
            if finding.feature in CAPABILITY_FEATURES and finding.ok is not None:
                out[finding.feature] = finding.ok
        return out

    def closest_preset(self) -> tuple[str, list[str]]:
        """The preset (or ``compatible``) whose flags differ least, and the flags that differ."""
        found = self.capabilities()
        best: tuple[str, list[str]] | None = None
        for name, overrides in {"compatible": {}, **PRESETS}.items():
            diff = [k for k, v in found.items() if overrides.get(k, True) != v]
            if best is None or len(diff) < len(best[1]):
                best = (name, diff)
        assert best is not None
        return best

    def table(self) -> str:
        """A plain-text table: feature, yes/no/unknown, detail."""
        marks = {True: "yes", False: "no", None: "?"}
        width = max(len(f.feature) for f in self.findings) if self.findings else 8
        lines = [f"{'feature':<{width}}  ok   detail", f"{'-' * width}  ---  ------"]
        for f in self.findings:
            lines.append(f"{f.feature:<{width}}  {marks[f.ok]:<3}  {f.detail}")
        preset, diff = self.closest_preset()
        extra = f" (differs in: {', '.join(diff)})" if diff else " (matches)"
        lines.append("")
        lines.append(f"closest preset: {preset}{extra}")
        return "\n".join(lines)

    def profile_spec(self, *, api_key_env: str | None = None) -> dict[str, Any]:
        """The ``[profiles.NAME]`` table of a profile for this server."""
        preset, _ = self.closest_preset()
        spec: dict[str, Any] = {"kind": "compatible", "base_url": self.base_url}
        if preset != "compatible":
            spec["preset"] = preset
        if api_key_env:
            spec["api_key_env"] = api_key_env
        if self.model:
            spec["default_model"] = self.model
        spec["capabilities"] = self.capabilities()
        return spec


Step = Callable[["_Probe"], Awaitable[None]]


class _Probe:
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


def _why(exc: BaseException) -> str:
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


async def _create(p: _Probe) -> None:
    data = await p.create(**p.body("Reply with the single word OK."))
    p.first_id = data["id"]
    p.add("create", True, f"status {data.get('status')!r}")


async def _stream(p: _Probe) -> None:
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


async def _retrieve(p: _Probe) -> None:
    data = await p.get(f"/responses/{p.first_id}")
    p.add("retrieve", isinstance(data, dict) and data.get("id") == p.first_id, "GET by id")


async def _input_items(p: _Probe) -> None:
    data = await p.get(f"/responses/{p.first_id}/input_items")
    ok = isinstance(data, dict) and isinstance(data.get("data"), list)
    p.add("input_items", ok, f"{len(data['data'])} items" if ok else "no item list")


async def _input_tokens(p: _Probe) -> None:
    data = await p.api.request_json(
        "POST", "/responses/input_tokens", body={"model": p.model, "input": "hi"}, max_retries=0
    )
    ok = isinstance(data, dict) and isinstance(data.get("input_tokens"), int)
    p.add("input_tokens", ok, f"{data.get('input_tokens')} tokens" if ok else str(data)[:60])


def _usage_in(data: dict[str, Any]) -> int | None:
    usage = data.get("usage")
    value = usage.get("input_tokens") if isinstance(usage, dict) else None
    return value if isinstance(value, int) else None


async def _previous(p: _Probe) -> None:
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


async def _background(p: _Probe) -> None:
    data = await p.create(**p.body("Reply with the single word OK.", background=True, store=True))
    p.background_id = data["id"]
    p.add("background", True, f"status {data.get('status')!r}")


async def _resume(p: _Probe) -> None:
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


async def _cancel(p: _Probe) -> None:
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


async def _delete(p: _Probe) -> None:
    rid = p.created[0]
    data = await p.api.request_json("DELETE", f"/responses/{rid}", max_retries=0)
    p.created.remove(rid)
    ok = not isinstance(data, dict) or data.get("deleted", True) is not False
    p.add("delete", ok, "DELETE by id")


async def _conversations(p: _Probe) -> None:
    data = await p.api.request_json("POST", "/conversations", body={}, max_retries=0)
    ok = isinstance(data, dict) and isinstance(data.get("id"), str)
    if ok:
        await p.api.request_json("DELETE", f"/conversations/{data['id']}", max_retries=0)
    p.add("conversations", ok, "create + delete")


async def _files(p: _Probe) -> None:
    data = await p.get("/files", limit=1)
    ok = isinstance(data, dict) and isinstance(data.get("data"), list)
    p.add("files", ok, "GET /files")


async def _summaries(p: _Probe) -> None:
    data = await p.create(**p.body("What is 2+2?", reasoning={"summary": "auto"}))
    summary = [
        s
        for item in data.get("output") or []
        if isinstance(item, dict) and item.get("type") == "reasoning"
        for s in item.get("summary") or []
    ]
    p.add("reasoning summaries", bool(summary), f"{len(summary)} summary parts")


async def _tools(p: _Probe) -> None:
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


async def _json_schema(p: _Probe) -> None:
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


async def probe(api: AsyncAPIClient, *, model: str | None = None) -> ProbeReport:
    """Probe the server behind ``api`` (whatever its profile's flags say)."""
    chosen = model or api.profile.default_model or await _first_model(api)
    report = ProbeReport(base_url=api.base_url, model=chosen)
    if chosen is None:
        report.findings.append(
            Finding("create", False, "no model: pass --model (GET /models listed none)")
        )
        return report
    p = _Probe(api, chosen)
    for feature, step in STEPS:
        if feature != "create" and p.first_id is None:
            p.add(feature, None, "skipped: create failed")
            continue
        try:
            await step(p)
        except (APIError, httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            status = exc.status_code if isinstance(exc, APIStatusError) else None
            ok = False if status is not None and (status < 500 or status == 501) else None
            p.add(feature, ok, _why(exc))
    report.findings = p.findings
    deleted = report.get("delete")
    if deleted is not None and deleted.ok:
        for rid in p.created:  # leave nothing behind
            try:
                await api.request_json("DELETE", f"/responses/{rid}", max_retries=0)
            except (APIError, httpx.HTTPError):
                continue
    return report


async def _first_model(api: AsyncAPIClient) -> str | None:
    try:
        data = await api.request_json("GET", "/models", max_retries=0)
    except (APIError, httpx.HTTPError):
        return None
    models = data.get("data") if isinstance(data, dict) else None
    if isinstance(models, list) and models and isinstance(models[0], dict):
        first = models[0].get("id")
        return first if isinstance(first, str) else None
    return None
