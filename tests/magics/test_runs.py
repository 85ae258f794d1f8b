"""Tools, schemas, attachments, interrupts and background runs through the magics."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from pydantic import BaseModel

import respnb
from respnb._session import RespondResult
from respnb.notebook._run_display import TextView
from respnb.notebook.magics import RespondMagics
from respnb.types import FunctionCall, StreamEvent


class Recorder(TextView):
    """A view that records events, and raises KeyboardInterrupt at event ``interrupt_at``."""

    def __init__(self, profile: str, model: str | None, interrupt_at: int | None = None) -> None:
        super().__init__(profile=profile, model=model)
        self.events: list[StreamEvent] = []
        self.finished_with: Any = None
        self.interrupt_at = interrupt_at

    def apply(self, event: StreamEvent) -> None:
        self.events.append(event)
        super().apply(event)
        if self.interrupt_at is not None and len(self.events) == self.interrupt_at:
            raise KeyboardInterrupt

    def finish(self, response: Any = None) -> None:
        self.finished_with = response
        super().finish(response)


@pytest.fixture
def views(magics: RespondMagics) -> list[Recorder]:
    made: list[Recorder] = []

    def factory(profile: str, model: str | None) -> Recorder:
        made.append(Recorder(profile, model))
        return made[-1]

    magics.view_factory = factory
    return made


def _texts(cap: Any) -> str:
    return "\n".join(o.data.get("text/plain", "") for o in cap.outputs) + cap.stdout


# ---------------------------------------------------------------- tools
def test_tool_loop_runs_python_functions(
    shell: InteractiveShell, respond: Any, views: list[Recorder]
) -> None:
    calls: list[str] = []

    def get_weather(city: str, unit: str = "celsius") -> dict[str, Any]:
        """Get the current weather for a city.

        Args:
            city: The city name.
            unit: celsius or fahrenheit.
        """
        calls.append(city)
        return {"city": city, "temperature": 21, "unit": unit}

    shell.user_ns["get_weather"] = get_weather
    cap = respond("--tools get_weather", "What is the weather in Paris? Use get_weather.")
    result: RespondResult = shell.user_ns["_r"]
    assert calls == ["Paris"]
    assert len(result.rounds) == 2
    first = result.rounds[0]
    assert [i.type for i in first.output] == ["function_call"]
    assert isinstance(first.output[0], FunctionCall)
    assert first.output[0].name == "get_weather"
    assert result.previous_response_id == first.id
    assert result.status == "completed"
    assert "21" in result.output_text
    assert len(views) == 2  # a view per round
    shown = _texts(cap)
    assert '[tool] get_weather({"city": "Paris"' in shown
    assert '"temperature": 21' in shown


def test_tool_errors_are_sent_back_and_shown(shell: InteractiveShell, respond: Any) -> None:
    def lookup_stock(symbol: str) -> float:
        """Look up a stock price by symbol."""
        raise ConnectionError("exchange offline")

    shell.user_ns["lookup_stock"] = lookup_stock
    cap = respond("-q --tools lookup_stock Look up the stock price of ACME with lookup_stock")
    result = shell.user_ns["_r"]
    assert result.status == "completed"
    assert "exchange offline" in result.output_text
    assert cap.outputs == []  # quiet


def test_confirm_tools_declined(
    shell: InteractiveShell, respond: Any, magics: RespondMagics, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []

    def delete_files(pattern: str) -> str:
        """Delete files matching a pattern."""
        ran.append(pattern)
        return "deleted"

    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "n")
    shell.user_ns["delete_files"] = delete_files
    cap = respond("--confirm-tools --tools delete_files Please delete_files matching '*.tmp'")
    assert ran == []
    assert len(asked) == 1 and asked[0].startswith("Run tool delete_files(")
    assert "declined" in _texts(cap)
    assert "declined" in shell.user_ns["_r"].output_text


def test_tool_round_limit(shell: InteractiveShell, respond: Any) -> None:
    def get_weather(city: str) -> str:
        """Get the weather for a city."""
        return "sunny"

    shell.user_ns["get_weather"] = get_weather
    cap = respond(
        "--max-tool-rounds 0 --tools get_weather What is the weather in Oslo? get_weather"
    )
    result = shell.user_ns["_r"]
    assert result.notice is not None and "stopped after 0 tool rounds" in result.notice
    assert "--max-tool-rounds" in cap.stdout
    assert result.output[0].type == "function_call"


def test_tools_with_no_store_replay_the_input(shell: InteractiveShell, respond: Any) -> None:
    def get_weather(city: str) -> str:
        """Get the weather for a city."""
        return "sunny and 30 degrees"

    shell.user_ns["get_weather"] = get_weather
    respond("-q --no-store --tools get_weather What is the weather in Rome? get_weather")
    result = shell.user_ns["_r"]
    assert result.previous_response_id is None
    assert "sunny and 30 degrees" in result.output_text


def test_hosted_tools(shell: InteractiveShell, respond: Any) -> None:
    respond("-q --tools web_search,code_interpreter Search the web for otters")
    items = {i.type: i for i in shell.user_ns["_r"].output}
    assert {"web_search_call", "code_interpreter_call"} <= set(items)
    # the views show sources and logs, so the run asks for them (``include``)
    assert items["web_search_call"].action["sources"]
    assert items["code_interpreter_call"].outputs


# ---------------------------------------------------------------- schema
def test_schema_gives_a_parsed_object(shell: InteractiveShell, respond: Any) -> None:
    class CityFacts(BaseModel):
        name: str
        population: int
        landmarks: list[str]

    shell.user_ns["CityFacts"] = CityFacts
    respond("-q --schema CityFacts Facts about Paris")
    result = shell.user_ns["_r"]
    assert isinstance(result.parsed, CityFacts)
    assert respnb.last_parsed is result.parsed
    assert result.text is not None and result.text["format"]["name"] == "CityFacts"
    assert result.parse_error is None


# ---------------------------------------------------------------- attachments
def _png(path: Path) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"\x00\xff\x00\x00"  # one red pixel, filter byte first
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    path.write_bytes(png)
    return path


def test_attach_a_file_and_an_image(shell: InteractiveShell, respond: Any, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Otters hold hands while sleeping.\nSecond line.\n", encoding="utf-8")
    image = _png(tmp_path / "dot.png")
    respond(f"-q --attach {notes},{image} Summarize the attachments")
    result = shell.user_ns["_r"]
    assert "I read **notes.txt**" in result.output_text
    assert "Otters hold hands while sleeping." in result.output_text
    assert "I received an image" in result.output_text
    client = respnb.Client(respnb._profile_config.resolve_profile("local"))
    try:
        items = client.responses.input_items(result.id, order="asc").to_list()
    finally:
        client.close()
    parts = [p.type for p in items[0].content]  # type: ignore[union-attr]
    assert parts == ["input_text", "input_file", "input_image"]
    image_part = items[0].content[2]  # type: ignore[union-attr]
    assert str(image_part.image_url).startswith("data:image/png;base64,")


# ---------------------------------------------------------------- interrupts
def test_interrupt_keeps_the_partial_answer(
    shell: InteractiveShell, respond: Any, magics: RespondMagics, monkeypatch: pytest.MonkeyPatch
) -> None:
    from respnb._sync import ResponseStream

    closed: list[bool] = []
    original = ResponseStream.close

    def spy(self: ResponseStream) -> None:
        closed.append(True)
        original(self)

    monkeypatch.setattr(ResponseStream, "close", spy)
    made: list[Recorder] = []
    magics.view_factory = lambda p, m: made.append(Recorder(p, m, interrupt_at=12)) or made[-1]
    cap = respond("", "Write a long essay about otters")
    result: RespondResult = shell.user_ns["_r"]
    assert result.interrupted
    assert respnb.last is result
    assert closed  # the stream was closed
    assert len(made[0].events) == 12
    assert result.output_text and result.output_text == made[0].state.text
    assert made[0].state.error is not None and made[0].state.error["code"] == "interrupted"
    # the chip tells the server's word (closing the stream stops it, unless it had finished)
    client = respnb.Client(respnb._profile_config.resolve_profile("local"))
    try:
        stored = client.responses.retrieve(result.id)
    finally:
        client.close()
    assert stored.status in ("cancelled", "completed")
    assert result.status == made[0].state.status == stored.status
    assert "interrupted" in cap.stdout


def test_interrupt_of_a_no_stream_run(
    shell: InteractiveShell, respond: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from respnb.resources._sync_resources import Responses

    def boom(self: Any, **params: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(Responses, "create", boom)
    respond("-q --no-stream Hello")
    result = shell.user_ns["_r"]
    assert result.interrupted and result.output_text == ""


# ---------------------------------------------------------------- background
def test_background_returns_at_once_and_finishes(
    shell: InteractiveShell, respond: Any, magics: RespondMagics, views: list[Recorder]
) -> None:
    shell.user_ns["_r"] = "before"
    respond("-b Tell me about otters")
    run = magics.background_runs[-1]
    result = run.wait(60)
    assert run.error is None
    assert isinstance(result, RespondResult)
    assert result.status == "completed" and result.background is True
    assert shell.user_ns["_r"] is result
    assert respnb.last is result
    assert views[0].events and views[0].state.text == result.output_text


def test_background_cancel(
    shell: InteractiveShell, respond: Any, magics: RespondMagics, views: list[Recorder]
) -> None:
    respond("-b -m respnb-slow Write a very long report about otters")
    run = magics.background_runs[-1]
    while run.run.response_id is None and run.thread.is_alive():
        run.thread.join(0.05)
    run.cancel()
    result = run.wait(60)
    assert result is not None
    assert result.status == "cancelled"
    assert shell.user_ns["_r"] is result


def test_background_no_stream_polls(
    shell: InteractiveShell, respond: Any, magics: RespondMagics
) -> None:
    respond("-b -q --no-stream Tell me about otters")
    result = magics.background_runs[-1].wait(60)
    assert result is not None and result.status == "completed"
    assert result.output_text


def test_interrupt_inside_the_stream_iterator(
    shell: InteractiveShell, respond: Any, views: list[Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the stream waits for the next event (raised by the iterator itself)."""
    from respnb._sync import ResponseStream

    original = ResponseStream.__iter__

    def interrupted(self: ResponseStream) -> Any:
        for n, event in enumerate(original(self)):
            if n == 8:
                raise KeyboardInterrupt
            yield event

    monkeypatch.setattr(ResponseStream, "__iter__", interrupted)
    respond("", "Write a long essay about otters")
    result: RespondResult = shell.user_ns["_r"]
    assert result.interrupted
    assert len(views[0].events) == 8
    assert result.output_text == views[0].state.text
    assert views[0].finished_with is result.rounds[0]


def test_background_polled_cancel(
    shell: InteractiveShell, respond: Any, magics: RespondMagics
) -> None:
    respond("-b -q --no-stream -m respnb-slow Write a very long report about otters")
    run = magics.background_runs[-1]
    while run.run.response_id is None and run.thread.is_alive():
        run.thread.join(0.05)
    run.cancel()
    result = run.wait(60)
    assert result is not None and result.status == "cancelled"


def test_background_tool_loop(shell: InteractiveShell, respond: Any, magics: RespondMagics) -> None:
    def get_weather(city: str) -> str:
        """Get the weather for a city."""
        return f"rainy in {city}"

    shell.user_ns["get_weather"] = get_weather
    cap = respond("-b --tools get_weather What is the weather in Lima? get_weather")
    result = magics.background_runs[-1].wait(60)
    assert result is not None and result.status == "completed"
    assert "rainy in Lima" in result.output_text
    assert len(result.rounds) == 2
    assert cap.stdout == ""  # nothing printed from the worker thread into later cells
