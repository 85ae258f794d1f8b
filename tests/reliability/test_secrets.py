"""Secrets scan: a realistic session with a distinctive fake key leaves no trace of it.

Servers of the three dialects are started with the key; clients of the openai, manus
(``API_KEY`` header) and maniac profiles read it from the environment. Everything a user could
save or share is then scanned for the key and for every 8-character piece of it: the DEBUG
log, the task registry's database files, the CSV and DataFrame exports, reprs and strs of
clients, profiles, responses, streams, exceptions (401s included), the ResponseView's widget
state, every file under ``RESPNB_HOME``, and a notebook executed by nbclient with the key in
the kernel's environment and then saved.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import respnb
from respnb import _hooks
from respnb.server.launch import RunningServer
from respnb.tasks import RegistryObserver, TaskRegistry, TaskTable

from .conftest import SECRET

PIECES = sorted({SECRET[i : i + 8] for i in range(len(SECRET) - 7)})
ENCODED = (base64.b64encode(SECRET.encode()), SECRET.encode().hex().encode())
KEY_ENV = {"openai": "OPENAI_API_KEY", "manus": "MANUS_API_KEY", "maniac": "MANIAC_API_KEY"}


def hits(data: str | bytes) -> list[str]:
    """Every 8+ character piece of the key (or an encoding of it) found in ``data``."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    found = [p for p in PIECES if p.encode() in raw]
    found += [e.decode()[:12] + "..." for e in ENCODED if e in raw]
    return found


def scan(artifacts: dict[str, str | bytes]) -> dict[str, list[str]]:
    return {name: h for name, data in artifacts.items() if (h := hits(data))}


def files_under(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_scanner_finds_the_key() -> None:
    assert hits(f"Authorization: Bearer {SECRET}") == PIECES
    assert hits(b"xx" + SECRET[5:14].encode() + b"yy")  # any 8-char piece is enough
    assert hits(base64.b64encode(SECRET.encode()))
    assert not hits("sk-tes*** and SECRET and 4242 and q7Zr9xW")


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """Every logger at DEBUG into a file (httpx and httpcore included)."""
    path = tmp_path / "debug.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(old)
        handler.close()


def _reprs(name: str, *objects: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, obj in enumerate(objects):
        out[f"{name}[{i}].repr"] = repr(obj)
        out[f"{name}[{i}].str"] = str(obj)
    return out


def _exception(name: str, exc: BaseException) -> dict[str, str]:
    out = _reprs(name, exc)
    out[f"{name}.args"] = repr(exc.args)
    if isinstance(exc, respnb.APIStatusError):
        out[f"{name}.body"] = json.dumps(exc.body, default=str)
        out[f"{name}.message"] = exc.message
    return out


async def _openai_session(srv: RunningServer) -> dict[str, Any]:
    art: dict[str, Any] = {}
    async with respnb.AsyncClient("openai", base_url=srv.base_url) as client:
        created = await client.responses.create(model="respnb-demo", input="Hello there")
        async with client.responses.stream(
            model="respnb-demo", input="Tell me about rivers", max_output_tokens=32
        ) as stream:
            streamed = await stream.get_final_response()
        bg = await client.responses.create(
            model="respnb-demo", input="A background essay", background=True
        )
        waited = await client.responses.wait(bg.id, poll_interval=0.02)
        items = [i async for i in client.responses.input_items(created.id)]
        uploaded = await client.files.create(file=("notes.txt", b"some notes"))
        conv = await client.conversations.create()
        chained = await client.responses.create(
            model="respnb-demo", input="And then?", previous_response_id=created.id
        )
        art.update(_reprs("openai", client, client.profile, client._api, stream))
        art.update(_reprs("openai.objects", created, streamed, waited, items, uploaded, conv))
        art["openai.profile.json"] = client.profile.model_dump_json()
        art["openai.profile.dump"] = repr(client.profile.model_dump())
        art["openai.profile.public"] = json.dumps(client.profile.public_dict())
        art["openai.responses.json"] = "".join(
            r.model_dump_json() for r in (created, streamed, waited, chained)
        )
        art["_positive_control"] = json.dumps(client._api.headers())
    return art


async def _manus_session(srv: RunningServer) -> dict[str, Any]:
    art: dict[str, Any] = {}
    async with respnb.AsyncClient("manus", base_url=srv.base_url) as client:
        task = await client.responses.create(input="Plan a trip to Lisbon")
        done = await client.responses.wait(task.id, poll_interval=0.02)
        page = await client.tasks.page(limit=10)
        upload = await client.files.upload_presigned(b"a,b\n1,2\n", filename="t.csv")
        art.update(_reprs("manus", client, client.profile, task, done, page, upload))
        art["manus.profile.json"] = client.profile.model_dump_json()
        art["_positive_control.manus"] = json.dumps(client._api.headers())
    return art


async def _maniac_session(srv: RunningServer) -> dict[str, Any]:
    art: dict[str, Any] = {}
    async with respnb.AsyncClient("maniac", base_url=srv.base_url) as client:
        r = await client.responses.create(model="respnb-demo", input="Classify: great product")
        async with client.responses.stream(model="respnb-demo", input="Again") as s:
            final = await s.get_final_response()
        art.update(_reprs("maniac", client, client.profile, r, final, s))
    return art


async def _errors(keyed: dict[str, RunningServer]) -> dict[str, Any]:
    """401s (the wrong key contains the real one), and a service that echoes the key."""
    art: dict[str, Any] = {}
    for dialect, profile in (("openai", "openai"), ("manus", "manus"), ("maniac", "maniac")):
        async with respnb.AsyncClient(
            profile, base_url=keyed[dialect].base_url, api_key=SECRET + "-wrong"
        ) as client:
            with pytest.raises(respnb.AuthenticationError) as info:
                await client.responses.create(model="respnb-demo", input="x")
            art.update(_exception(f"401.{profile}", info.value))

    def echo(request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("authorization", "")
        body = {"error": {"message": f"Key {auth} is revoked", "param": auth, "code": "revoked"}}
        return httpx.Response(401, json=body)

    async with respnb.AsyncClient(
        "openai", base_url="http://echo.invalid/v1", transport=httpx.MockTransport(echo)
    ) as client:
        with pytest.raises(respnb.AuthenticationError) as info:
            await client.responses.create(model="m", input="x")
        art.update(_exception("401.echo", info.value))
        assert "revoked" in str(info.value)
    return art


async def test_session_leaves_no_secret(
    keyed_servers: dict[str, RunningServer],
    debug_log: Path,
    tmp_path: Path,
    _isolated_home: Path,  # noqa: PT019 - its value is used
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in KEY_ENV.values():
        monkeypatch.setenv(name, SECRET)
    registry = TaskRegistry(tmp_path / "registry" / "tasks.sqlite3")
    observer = RegistryObserver(registry)
    _hooks.add_observer(observer)
    try:
        art: dict[str, Any] = {}
        art.update(await _openai_session(keyed_servers["openai"]))
        art.update(await _manus_session(keyed_servers["manus"]))
        art.update(await _maniac_session(keyed_servers["maniac"]))
        art.update(await _errors(keyed_servers))
        sync = respnb.Client("openai", base_url=keyed_servers["openai"].base_url)
        art.update(_reprs("sync", sync, sync.profile))
        sync.close()
    finally:
        _hooks.remove_observer(observer)

    table = TaskTable(registry)
    assert len(table) >= 7, "the registry recorded the session"
    frame = table.frame()
    assert set(frame["profile"]) >= {"openai", "manus", "maniac"}
    csv = table.to_csv(tmp_path / "tasks.csv")
    art["frame.repr"] = repr(frame)
    art["frame.json"] = frame.to_json(date_format="iso")
    art["records"] = repr(registry.records())
    art["registry.repr"] = repr(registry)
    art["view.state"] = _view_state(registry)
    registry.close()

    positive = {k: art.pop(k) for k in list(art) if k.startswith("_positive_control")}
    assert all(hits(v) == PIECES for v in positive.values()), "the session did use the key"

    logging.getLogger("respnb.test").debug("end of session")
    for handler in logging.getLogger().handlers:
        handler.flush()
    log_text = debug_log.read_text(encoding="utf-8")
    assert "end of session" in log_text and "/responses" in log_text  # the log is real
    art["debug.log"] = log_text
    art["tasks.csv"] = csv.read_bytes()
    files = {**files_under(tmp_path / "registry"), **files_under(_isolated_home)}
    for srv in keyed_servers.values():
        files.update(files_under(Path(srv.config.db_path).parent))
    assert any(name.endswith("tasks.sqlite3") for name in files)
    art.update(files)
    art.update(
        _reprs("servers", *keyed_servers.values(), *(s.config for s in keyed_servers.values()))
    )
    assert len(art) > 60
    assert scan(art) == {}


def _view_state(registry: TaskRegistry) -> str:
    """The ResponseView's synced traitlets for a recorded response (with an error shown)."""
    view_mod = pytest.importorskip("respnb.notebook.view")
    record = registry.records()[0]
    response = respnb.Response.model_validate(
        {
            "id": record.id,
            "object": "response",
            "status": "completed",
            "output": [],
            "model": record.model,
        }
    )
    view = view_mod.ResponseView.from_response(response, profile=record.profile)
    view.set_error("AuthenticationError: Incorrect API key provided", code=401)
    try:
        return json.dumps(view.get_state(), default=str)
    finally:
        view.close()


NOTEBOOK = [
    "import logging, os\n"
    "logging.basicConfig(filename=os.environ['RESPNB_SCAN_LOG'], level=logging.DEBUG, force=True)\n"
    "import respnb\n"
    "client = respnb.Client('openai')\n"
    "client",
    "r = client.responses.create(model='respnb-demo', input='Hello from a notebook')\n"
    "print(r.output_text[:60])\n"
    "r",
    "with client.responses.stream(model='respnb-demo', input='Stream please',\n"
    "                             max_output_tokens=32) as s:\n"
    "    for ev in s:\n"
    "        pass\n"
    "print(s.snapshot().status)\n"
    "client.profile",
    "%load_ext respnb",
    "%%respond -p openai -m respnb-demo --max-output-tokens 32\nSay hi",
    "bad = respnb.Client('openai', api_key=os.environ['OPENAI_API_KEY'] + '-wrong')\n"
    "try:\n"
    "    bad.responses.create(model='respnb-demo', input='x')\n"
    "except respnb.AuthenticationError as exc:\n"
    "    print(repr(exc), exc.body)\n"
    "    err = exc\n"
    "err",
    "bad.responses.create(model='respnb-demo', input='x')  # an uncaught 401: a traceback",
    "import respnb.tasks\nrespnb.tasks().frame()[['id', 'profile', 'status', 'prompt']]",
]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_saved_notebook_leaves_no_secret(
    keyed_servers: dict[str, RunningServer],
    tmp_path: Path,
    _isolated_home: Path,  # noqa: PT019 - its value is used
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    log = tmp_path / "kernel-debug.log"
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("OPENAI_BASE_URL", keyed_servers["openai"].base_url)
    monkeypatch.setenv("RESPNB_SCAN_LOG", str(log))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in NOTEBOOK]
    nb.cells[6].metadata["tags"] = ["raises-exception"]
    runner = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    runner.execute()
    path = tmp_path / "session.ipynb"
    nbformat.write(nb, path)

    saved = path.read_text(encoding="utf-8")
    outputs = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "AuthenticationError" in outputs and "Incorrect API key" in outputs
    assert "completed" in outputs  # the stream ran to the end against the keyed server
    assert nb.cells[6].outputs[-1]["output_type"] == "error"
    errors = [
        o
        for c in nb.cells
        if c is not nb.cells[6]
        for o in c.outputs
        if o["output_type"] == "error"
    ]
    assert errors == []
    assert nb.cells[4].outputs, "%%respond showed its answer"
    assert "widgets" in nb.metadata  # the saved widget state is part of what is scanned
    assert log.read_text(encoding="utf-8").count("/responses") >= 3
    art: dict[str, str | bytes] = {"session.ipynb": saved, "kernel-debug.log": log.read_bytes()}
    art.update(files_under(_isolated_home))
    assert scan(art) == {}


# --- the key planted where a careless server, URL or config puts it -------------------------
GATEWAY = {
    "cf-aig-authorization": f"Bearer {SECRET}",
    "x-portkey-api-key": SECRET,
    "Helicone-Auth": f"Bearer {SECRET}",
    "x-gw-pass": SECRET,  # secret only because RESPNB_SECRET_HEADERS names it
}


def _echo_everywhere(request: httpx.Request) -> httpx.Response:
    """A hostile service: the caller's credentials in every error field and header."""
    sent = " ".join(f"{k}={v}" for k, v in request.headers.items())
    body = {
        "error": {
            "message": f"rejected {sent} for {request.url}",
            "param": request.headers.get("x-portkey-api-key"),
            "code": request.headers.get("x-gw-pass"),
            "type": request.headers.get("helicone-auth"),
        }
    }
    echo = {"x-request-id": "req_" + request.headers.get("cf-aig-authorization", "")}
    return httpx.Response(400, json=body, headers=echo)


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("silent", request=request)


async def test_keys_planted_everywhere_leave_no_trace(
    keyed_servers: dict[str, RunningServer],
    debug_log: Path,
    tmp_path: Path,
    _isolated_home: Path,  # noqa: PT019 - its value is used
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RESPNB_SECRET_HEADERS", "x-gw-pass")
    art: dict[str, Any] = {}
    # 1. a profiles.toml typo puts the key in an unknown field
    (_isolated_home / "profiles.toml").write_text(
        f'[profiles.typo]\nkind = "compatible"\nbase_url = "http://x/v1"\napikey = "{SECRET}"\n'
    )
    with pytest.raises(respnb.ConfigurationError) as bad:
        respnb.AsyncClient("typo")
    assert "apikey" in str(bad.value)  # the message still says what is wrong
    art.update(_exception("profiles.typo", bad.value))
    (_isolated_home / "profiles.toml").unlink()

    # 2. the key in the base URL's userinfo, against the real keyed server
    srv = keyed_servers["openai"]
    host = srv.base_url.removeprefix("http://")
    registry = TaskRegistry(tmp_path / "registry" / "tasks.sqlite3")
    observer = RegistryObserver(registry)
    _hooks.add_observer(observer)
    try:
        async with respnb.AsyncClient(
            "compatible", base_url=f"http://user:{SECRET}@{host}", api_key=SECRET
        ) as client:
            bg = await client.responses.create(
                model="respnb-demo", input="userinfo", background=True
            )
            done = await client.responses.wait(bg.id, poll_interval=0.02)
            assert done.status == "completed"
            art.update(_reprs("userinfo", client, client.profile, done))
            art["userinfo.public"] = json.dumps(client.profile.public_dict())
        closed = f"http://user:{SECRET}@127.0.0.1:9/v1"
        async with respnb.AsyncClient("compatible", base_url=closed, max_retries=0) as client:
            with pytest.raises(respnb.APIConnectionError) as refused:
                await client.responses.create(model="m", input="x")
            art.update(_exception("userinfo.refused", refused.value))
        async with respnb.AsyncClient(
            "compatible", base_url=closed, max_retries=1, transport=httpx.MockTransport(_timeout)
        ) as client:
            with pytest.raises(respnb.APITimeoutError) as late:
                await client.responses.create(model="m", input="x")
            assert "POST http://127.0.0.1:9/v1/responses" in str(late.value)
            art.update(_exception("userinfo.timeout", late.value))
        # 3. gateway and configured secret headers, echoed back in every error field
        async with respnb.AsyncClient(
            "compatible",
            base_url=f"http://user:{SECRET}@echo.invalid/v1",
            api_key=SECRET,
            default_headers=GATEWAY,
            transport=httpx.MockTransport(_echo_everywhere),
        ) as client:
            with pytest.raises(respnb.BadRequestError) as echoed:
                await client.responses.create(model="m", input="x")
            err = echoed.value
            assert "rejected" in str(err) and err.request_id and err.code and err.param
            art.update(_exception("echo", err))
            art["echo.fields"] = repr([err.code, err.param, err.type, err.request_id])
            art["echo.headers"] = json.dumps(client._api.headers())
        gateway_profile = respnb.Profile(name="gw", headers=GATEWAY)
        art["gateway.profile"] = gateway_profile.model_dump_json() + repr(gateway_profile)
        art["gateway.public"] = json.dumps(gateway_profile.public_dict())
    finally:
        _hooks.remove_observer(observer)

    positive = art.pop("echo.headers")
    assert hits(positive), "the echo session sent the key"
    table = TaskTable(registry)
    assert len(table) >= 1 and table.frame()["base_url"].str.contains("127.0.0.1").any()
    art["tasks.csv"] = table.to_csv(tmp_path / "planted.csv").read_bytes()
    art["tasks.parquet"] = table.to_parquet(tmp_path / "planted.parquet").read_bytes()
    art["records"] = repr(registry.records())
    art.update(files_under(tmp_path / "registry"))  # the DB with its -wal, still open
    art["view.state"] = _view_state(registry)
    registry.close()
    art.update(files_under(tmp_path / "registry"))
    for handler in logging.getLogger().handlers:
        handler.flush()
    art["debug.log"] = debug_log.read_text(encoding="utf-8")
    assert "127.0.0.1" in art["debug.log"]  # the log is real
    art.update(files_under(_isolated_home))
    assert scan(art) == {}
