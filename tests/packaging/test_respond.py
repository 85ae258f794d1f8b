"""respnb.respond(): the magic's options and run, in a plain script (text) and from Python."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import respnb
from respnb.notebook.respond import Responded, TextStream, host
from respnb.types import parse_event

ROOT = Path(__file__).resolve().parents[2]


class City(BaseModel):
    name: str
    country: str


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


@pytest.fixture
def local(local_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("RESPNB_BASE_URL", local_server.base_url)
    monkeypatch.setenv("RESPNB_PROFILE", "local")
    return local_server


def test_plain_script_streams_text_and_returns_view_and_result(tmp_path: Path) -> None:
    script = tmp_path / "ask.py"
    script.write_text(
        textwrap.dedent(
            """
            import respnb

            def get_weather(city: str) -> str:
                '''The weather in a city.'''
                return f"sunny in {city}"

            where = "Paris"
            view, result = respnb.respond("What is the weather in {where}?", tools=[get_weather])
            print("RESULT", result.status, type(view).__name__, respnb.last.id == result.id)
            from respnb.server.launch import stop_local_server
            stop_local_server()
            """
        )
    )
    env = {
        **os.environ,
        "RESPNB_HOME": str(tmp_path / "home"),
        "RESPNB_LOCAL_PACE": "0",
        "PYTHONPATH": str(ROOT / "src"),
    }
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "[tool] get_weather" in out and "sunny in Paris" in out  # the tool round, as text
    assert "What is the weather in Paris?" in out  # the prompt was interpolated
    assert "[respnb-demo · completed ·" in out and " tokens]" in out
    assert "RESULT completed TextStream True" in out
    assert "\x1b" not in out


def test_text_stream_neutralises_terminal_escapes() -> None:
    buf = io.StringIO()
    view = TextStream(profile="local", model="m", out=buf)
    view.apply(
        parse_event(
            {
                "type": "response.output_text.delta",
                "delta": "red \x1b[31mALERT\x1b[0m\x07 done",
                "item_id": "msg_1",
                "output_index": 0,
                "content_index": 0,
                "sequence_number": 1,
            }
        )
    )
    view.finish()
    assert "\x1b" not in buf.getvalue() and "\x07" not in buf.getvalue()
    assert "red \ufffd[31mALERT" in buf.getvalue()


def test_options_go_through_the_magics_checks(local: Any) -> None:
    assert host() == "script"
    with pytest.raises(ValueError, match="temperature must be between 0 and 2"):
        respnb.respond("hi", temperature=5)
    with pytest.raises(ValueError, match="reasoning 'loud' is not an effort"):
        respnb.respond("hi", reasoning="loud")
    with pytest.raises(TypeError, match="unknown option"):
        respnb.respond("hi", temprature=1)  # a typo is named
    with pytest.raises(ValueError, match="non-empty"):
        respnb.respond("  ")
    with pytest.raises(ValueError, match="contradict"):
        respnb.respond("hi", continue_=True, new=True)
    with pytest.raises(ValueError, match="max_output_tokens must be at least 16"):
        respnb.respond("hi", max_output_tokens=3)
    with pytest.raises(ValueError, match=r"attach: file 'no--such\.txt' not found"):
        respnb.respond("hi", attach=["no--such.txt"])  # paths keep their dashes


def test_tools_schema_extra_quiet_and_continue(
    local: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    first = respnb.respond("Weather in Oslo?", tools=[get_weather], quiet=True)
    assert isinstance(first, Responded) and first.view is None
    assert first.result is not None and first.result.status == "completed"
    assert len(first.result.rounds) == 2  # the tool loop ran the Python function
    assert capsys.readouterr().out.count("[respnb-demo") == 0  # quiet: nothing shown
    city = respnb.respond("A city as JSON", schema=City, quiet=True).result
    assert city is not None and isinstance(city.parsed, City)
    chained = respnb.respond("And tomorrow?", continue_=True, quiet=True).result
    assert chained is not None and chained.previous_response_id == city.id
    extra = respnb.respond("x", extra={"metadata": {"k": "v"}}, quiet=True, stream=False).result
    assert extra is not None and extra.metadata == {"k": "v"}


def test_background_run_waits_for_its_result(local: Any) -> None:
    answer = respnb.respond("A long essay", background=True, quiet=True)
    result = answer.wait(timeout=120)
    assert result is not None and result.status == "completed"
    assert answer.result is result


def test_in_a_jupyter_kernel_the_views_display_as_the_magics_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    from respnb.server.launch import stop_local_server

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import respnb\n"
            "view, result = respnb.respond('Say hello', reasoning='low', summary='auto')\n"
            "print('HOST', respnb.notebook.respond.host(), type(view).__name__, result.status)"
        )
    ]
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "src"))  # the kernel (same RESPNB_HOME)
    try:
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    finally:
        stop_local_server()
    outputs = nb.cells[0].outputs
    kinds = {k for o in outputs for k in o.get("data", {})}
    # as %%respond: a live ResponseView while it runs, saved as its static rendering
    assert "text/html" in kinds and "application/vnd.jupyter.widget-view+json" not in kinds
    text = "".join(o.get("text", "") for o in outputs)
    assert "HOST jupyter ResponseView completed" in text
