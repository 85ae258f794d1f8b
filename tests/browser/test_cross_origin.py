"""A web page of another origin cannot drive the local server (real Chromium).

The attacker page is served from another loopback port. It tries what any page can do
without the user's help: ``fetch`` simple requests (``text/plain`` JSON, multipart file
upload, ``no-cors``), a CORS request, and HTML form posts (``text/plain`` forging JSON,
multipart). Each attack is sent to a recording sink too, which proves Chromium really sends
it; the local server refuses them all and stores nothing. A page reached through DNS
rebinding (a foreign name resolved to 127.0.0.1) is refused as well.
"""

from __future__ import annotations

import http.server
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from respnb.server.launch import RunningServer, serve_in_thread
from tests.waiting import wait_until

from .jupyter import ARGS, CHROMIUM

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is missing (/usr/bin/chromium)", allow_module_level=True)

REBIND = "rebind.test"
ATTACK = """<!doctype html><meta charset="utf-8"><title>attacker</title>
<iframe name="f1"></iframe><iframe name="f2"></iframe>
<form id="plain" method="POST" enctype="text/plain" target="f1" action="TARGET/responses">
 <input name='{"model":"respnb-demo","input":"planted-form","background":true,"x":"' value='"}'>
</form>
<form id="multi" method="POST" enctype="multipart/form-data" target="f2" action="TARGET/files">
 <input name="purpose" value="assistants"><input name="file" value="planted-form-file">
</form>
<script>
const T = "TARGET";
const body = JSON.stringify({model: "respnb-demo", input: "planted-fetch", background: true});
async function attack() {
  const out = {};
  const tries = {
    plain: () => fetch(T + "/responses", {method: "POST", mode: "no-cors", body,
                       headers: {"Content-Type": "text/plain"}}),
    multipart: () => {
      const fd = new FormData();
      fd.append("purpose", "assistants");
      fd.append("file", new Blob(["planted-fetch-file"]), "planted.txt");
      return fetch(T + "/files", {method: "POST", mode: "no-cors", body: fd});
    },
    cors_json: () => fetch(T + "/responses", {method: "POST", body,
                           headers: {"Content-Type": "application/json"}}),
    read_files: () => fetch(T + "/files").then((r) => r.text()),
  };
  for (const [name, run] of Object.entries(tries)) {
    try { const r = await run(); out[name] = typeof r === "string" ? r : "opaque:" + r.type; }
    catch (e) { out[name] = "blocked"; }
  }
  document.getElementById("plain").submit();
  document.getElementById("multi").submit();
  window.__results = out;
}
attack();
</script>"""


class _Sink(http.server.BaseHTTPRequestHandler):
    """Serves the attacker page on GET and records every POST it receives."""

    pages: ClassVar[dict[str, bytes]] = {}
    posts: ClassVar[list[tuple[str, str, bytes]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        page = self.pages.get(self.path)
        self.send_response(200 if page else 404)
        self.send_header("content-type", "text/html")
        self.end_headers()
        self.wfile.write(page or b"")

    def do_POST(self) -> None:
        size = int(self.headers.get("content-length") or 0)
        self.posts.append((self.path, self.headers.get("content-type", ""), self.rfile.read(size)))
        self.send_response(200)
        self.send_header("content-type", "text/plain")
        self.end_headers()

    def do_OPTIONS(self) -> None:
        self.posts.append((self.path, "OPTIONS", b""))
        self.send_response(204)
        self.end_headers()


@pytest.fixture(scope="module")
def sink() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db = tmp_path_factory.mktemp("target") / "server.sqlite3"
    with serve_in_thread(db_path=db) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        args = [*ARGS, f"--host-resolver-rules=MAP {REBIND} 127.0.0.1"]
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)
        yield b
        b.close()


def _planted(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT data FROM responses").fetchall()
        files = conn.execute("SELECT * FROM files").fetchall()
    found = [r[0] for r in rows if "planted" in r[0]]
    return found + [repr(f) for f in files if "planted" in repr(f)]


def _attack(browser: Any, sink: str, api: str) -> dict[str, str]:
    _Sink.pages["/attack-" + api.replace("/", "_")] = ATTACK.replace("TARGET", api).encode()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{sink}/attack-{api.replace('/', '_')}")
        page.wait_for_function("window.__results !== undefined", timeout=60_000)
        results: dict[str, str] = page.evaluate("window.__results")
        page.wait_for_load_state("load")
    finally:
        context.close()
    return results


def test_cross_origin_page_cannot_create_or_read(
    browser: Any, sink: str, target: RunningServer
) -> None:
    # the same page against a permissive server: Chromium really sends each attack
    _Sink.posts.clear()
    _attack(browser, sink, f"{sink}/v1")
    wait_until(lambda: len(_Sink.posts) >= 5, what="the attacks reaching the sink")
    bodies = b" ".join(p[2] for p in _Sink.posts)
    for word in (b"planted-fetch", b"planted-form", b"planted-fetch-file", b"planted-form-file"):
        assert word in bodies

    results = _attack(browser, sink, target.base_url)
    assert results["cors_json"] == "blocked"  # no CORS: the preflight is refused
    assert results["read_files"] == "blocked"  # nothing readable from another origin
    # a marker through the same write queue: anything the attacks started is stored by now
    with httpx.Client(base_url=target.base_url) as h:
        h.post("/responses", json={"model": "respnb-demo", "input": "marker", "background": True})
        listed = h.get("/files").json()["data"]

    def marker_stored() -> bool:
        with sqlite3.connect(target.config.db_path) as conn:
            sql = "SELECT count(*) FROM responses WHERE data LIKE '%marker%'"
            return bool(conn.execute(sql).fetchone()[0])

    wait_until(marker_stored, what="the marker response stored")
    assert _planted(target.config.db_path) == []
    assert [f for f in listed if "planted" in json.dumps(f)] == []


def test_dns_rebinding_is_refused(browser: Any, target: RunningServer) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        answer = page.goto(f"http://{REBIND}:{target.port}/v1/files")
        assert answer is not None and answer.status == 403
        assert "host_not_allowed" in page.content()
        own = page.goto(f"{target.base_url}/health")  # the real loopback name still works
        assert own is not None and own.status == 200
    finally:
        context.close()
