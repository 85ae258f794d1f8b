"""``%%respond`` in a real kernel: the view's Cancel stops a busy foreground cell, a finished
answer is saved as static output, and a failed run fails its cell (nbclient stops).

The kernel is a real ipykernel started by jupyter_client; the Cancel click is the comm message
the view's front end sends (``{"kind": "cancel"}`` on the widget's comm), sent while the cell
still executes; the server is a real local server on loopback.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from respnb import Client
from respnb._profile_config import resolve_profile
from respnb.server.launch import RunningServer, serve_in_thread

pytestmark = pytest.mark.slow

jupyter_client = pytest.importorskip("jupyter_client.manager")
nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

WIDGET = "application/vnd.jupyter.widget-view+json"
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _profiles(home: Path, **servers: str) -> None:
    lines = []
    for name, url in servers.items():
        lines += [f"[profiles.{name}]", 'kind = "compatible"', f'base_url = "{url}"']
        lines += ['api_key_env = "RESPNB_TEST_KEY"', 'default_model = "respnb-demo"', ""]
    (home / "profiles.toml").write_text("\n".join(lines), encoding="utf-8")


def _env(home: Path, tmp: Path) -> dict[str, str]:
    path = os.environ.get("PYTHONPATH", "")
    return {
        **os.environ,
        "RESPNB_HOME": str(home),
        "IPYTHONDIR": str(tmp / "ipython"),
        "PYTHONPATH": f"{SRC}{os.pathsep}{path}" if path else SRC,
        "RESPNB_TEST_KEY": "sk-wrong-key-0000",
    }


@pytest.fixture
def paced(tmp_path: Path) -> Iterator[RunningServer]:
    with serve_in_thread(db_path=tmp_path / "paced.sqlite3", pace=20) as srv:
        yield srv


@pytest.fixture
def kernel(
    tmp_path: Path,
    paced: RunningServer,
    _isolated_home: Path,
) -> Iterator[Any]:
    _profiles(_isolated_home, paced=paced.base_url)
    manager, client = jupyter_client.start_new_kernel(
        kernel_name="python3", env=_env(_isolated_home, tmp_path)
    )
    try:
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_cancel_click_stops_a_busy_foreground_cell(kernel: Any, paced: RunningServer) -> None:
    kernel.execute_interactive("%load_ext respnb", timeout=120)
    msg_id = kernel.execute("%%respond -p paced\nWrite a long essay about otters")
    view_comm = None
    clicked = False
    patches = 0
    outputs: list[dict[str, Any]] = []
    while True:
        msg = kernel.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "comm_open" and content["data"]["state"].get("_model_name") == "AnyModel":
            view_comm = content["comm_id"]
        elif kind == "comm_msg" and content["data"].get("method") == "custom" and not clicked:
            patches += 1
            if patches < 15:
                continue
            # the answer is streaming and the cell is busy: press Cancel
            click = {"method": "custom", "content": {"kind": "cancel"}}
            kernel.shell_channel.send(
                kernel.session.msg("comm_msg", {"comm_id": view_comm, "data": click})
            )
            clicked = True
        elif kind in ("display_data", "update_display_data", "stream", "error"):
            outputs.append({"type": kind, **content})
        elif kind == "status" and content["execution_state"] == "idle":
            break
    reply = kernel.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kernel.get_shell_msg(timeout=60)
    assert clicked and reply["content"]["status"] == "ok"
    final = outputs[-1]
    assert final["type"] == "update_display_data"
    data = final["data"]
    assert WIDGET not in data and set(data) == {"text/html", "text/markdown", "text/plain"}
    assert '<span class="rs-chip rs-cancelled">cancelled</span>' in data["text/html"]
    partial = data["text/plain"].split("\n", 1)[1]
    assert len(partial) > 5, partial  # the partial answer is kept
    response_id = data["text/markdown"].split("`resp_")[1].split("`")[0]
    client = Client(resolve_profile("paced"))
    try:
        stored = client.responses.retrieve("resp_" + response_id)
    finally:
        client.close()
    assert stored.status == "cancelled"  # the server's word


def _refused_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # nothing listens there any more


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_failed_runs_fail_the_cell_once(
    tmp_path: Path,
    _isolated_home: Path,  # noqa: PT019 - its value is used
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with serve_in_thread(db_path=tmp_path / "keyed.sqlite3", api_key="sk-right-key-1111") as srv:
        _profiles(_isolated_home, keyed=srv.base_url, refused=_refused_url())
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_code_cell("%load_ext respnb"),
            nbformat.v4.new_code_cell("%%respond -p keyed\nHello"),
            nbformat.v4.new_code_cell("%%respond -p refused\nHello"),
            nbformat.v4.new_code_cell("after = 1"),
        ]
        nb.cells[1].metadata["tags"] = ["raises-exception"]  # go on to the refused server
        runner = nbclient.NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(tmp_path)}},
        )
        for name, value in _env(_isolated_home, tmp_path).items():
            monkeypatch.setenv(name, value)
        with pytest.raises(nbclient.exceptions.CellExecutionError) as stopped:
            runner.execute()
    assert "APIConnectionError" in str(stopped.value)
    assert nb.cells[3].get("execution_count") is None  # Run All stopped at the failed cell
    for cell, status, words in (
        (nb.cells[1], "failed", "AuthenticationError"),
        (nb.cells[2], "failed", "APIConnectionError"),
    ):
        kinds = [o["output_type"] for o in cell.outputs]
        assert kinds == ["display_data", "error"], kinds
        shown, error = cell.outputs
        assert WIDGET not in shown["data"]  # the static rendering replaced the widget
        html = shown["data"]["text/html"]
        assert f'<span class="rs-chip rs-{status}">{status}</span>' in html
        assert '<div class="rs-error">' in html and "rs-elapsed" in html
        assert error["ename"] == "RunFailed" and words in error["evalue"]
        # the message is in the view once; the error output only points at it
        assert error["traceback"] == [
            f"respnb: the run failed ({words}); the error is shown above."
        ]
    assert "sk-right" not in json.dumps(nb) and "sk-wrong" not in json.dumps(nb)
