"""``%%respond`` against a hostile Responses server: what it sends never becomes markup.

The server (a few lines of ``http.server`` on loopback) answers every request with a stream
whose text, JSON values and function names are XSS payloads. A ``-b --schema`` run then shows
the pydantic error that quotes the payload, a tool run shows the model-chosen names and the
round-limit note: every output the cell gets (displays and their updates) is audited.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from pydantic import BaseModel

from respnb._session import session
from respnb.notebook._static_css import STATIC_CSS
from respnb.notebook.magics import RespondMagics
from tests.core.streams import StreamBuilder
from tests.view.test_fallback import audit_html, audit_markdown
from tests.view.xss_corpus import PAYLOADS

PAYLOAD = "<img src=x onerror=__xss(1)>"
HOSTILE_JSON = json.dumps({"a": PAYLOAD, "b": "[x](javascript:__xss(1))"})


class Foo(BaseModel):
    a: int
    b: str


class _Hostile(BaseHTTPRequestHandler):
    def log_message(self, *_args: Any) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        b = StreamBuilder("resp_hostile_000001", model=PAYLOAD).created()
        if body.get("tools"):
            b.function_call(PAYLOAD, ['{"x": "', PAYLOAD.replace('"', "'"), '"}'])
        else:
            b.message([HOSTILE_JSON[i : i + 7] for i in range(0, len(HOSTILE_JSON), 7)])
        if not body.get("text") and not body.get("tools"):
            b.message([p + "\n\n" for p in PAYLOADS[:60]])
        data = b.completed().sse()
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def hostile(
    ipshell: InteractiveShell,
    magics: RespondMagics,
    _isolated_home: Path,
) -> Iterator[InteractiveShell]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    (_isolated_home / "profiles.toml").write_text(
        f'[profiles.evil]\nkind = "compatible"\nbase_url = "{url}"\nauth = "none"\n'
        'default_model = "m"\n',
        encoding="utf-8",
    )
    session.reset()
    ipshell.user_ns["Foo"] = Foo
    ipshell.user_ns["f"] = lambda x: x
    try:
        yield ipshell
    finally:
        for run in magics.background_runs:
            run.wait(30)
        magics.background_runs.clear()
        magics.close()
        server.shutdown()
        server.server_close()
        session.reset()


def _audit(cap: Any) -> list[str]:
    problems = []
    for output in cap.outputs:
        data = output.data
        if "text/html" in data:
            html = data["text/html"].replace(f"<style>{STATIC_CSS}</style>", "")
            problems += audit_html(html, own_classes=True)
        if "text/markdown" in data:
            problems += audit_markdown(data["text/markdown"])
    return problems


def test_background_schema_error_quoting_the_model_is_text(
    hostile: InteractiveShell, magics: RespondMagics
) -> None:
    with capture_output() as cap:
        hostile.run_cell_magic("respond", "-p evil -b --schema Foo", "give me a Foo")
        run = magics.background_runs[-1]
        result = run.wait(60)
    assert run.error is None and result is not None and result.parse_error
    plain = "\n".join(o.data.get("text/plain", "") for o in cap.outputs)
    assert PAYLOAD in plain, plain  # the parse error quoting the model was shown, as text
    notes = [o.data for o in cap.outputs if "does not fit Foo" in o.data.get("text/plain", "")]
    assert notes and all("<img src=x" in n["text/plain"] for n in notes)
    assert notes and all("<img" not in n.get("text/html", "") for n in notes)
    assert _audit(cap) == []


def test_tool_names_and_round_limit_note_are_text(
    hostile: InteractiveShell, magics: RespondMagics
) -> None:
    with capture_output() as cap:
        hostile.run_cell_magic(
            "respond", "-p evil -b --tools f --max-tool-rounds 1", "call something"
        )
        run = magics.background_runs[-1]
        run.wait(60)
    plain = "\n".join(o.data.get("text/plain", "") for o in cap.outputs)
    assert PAYLOAD in plain  # the model-chosen function name was shown
    assert _audit(cap) == []


def test_foreground_answer_full_of_payloads_is_saved_inert(hostile: InteractiveShell) -> None:
    with capture_output() as cap:
        hostile.run_cell_magic("respond", "-p evil", "say hostile things")
    final = cap.outputs[-1].data
    assert set(final) == {"text/html", "text/markdown", "text/plain"}  # no widget left
    assert "onerror=__xss(1)" in final["text/plain"]  # the payloads were in the answer
    assert _audit(cap) == []
