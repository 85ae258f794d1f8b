"""The sync resources are derived from the async ones (generated, current, same signatures), and
the client core has no import cycles or function-level imports between its sync modules."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import respnb
from respnb.resources import _sync_resources as sync_mod
from respnb.resources._responses import AsyncResponses

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "respnb"

PAIRS = [
    ("AsyncResponses", "Responses"),
    ("AsyncConversations", "Conversations"),
    ("AsyncConversationItems", "ConversationItems"),
    ("AsyncFiles", "Files"),
    ("AsyncTasks", "Tasks"),
    ("AsyncVectorStores", "VectorStores"),
    ("AsyncVectorStoreFiles", "VectorStoreFiles"),
]


def test_generated_sync_resources_are_current():
    script = ROOT / "scripts" / "gen_sync_resources.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(("async_name", "sync_name"), PAIRS)
def test_every_async_method_has_a_twin_with_the_same_parameters(async_name, sync_name):
    import respnb.resources as res

    async_cls = getattr(res, async_name)
    sync_cls = getattr(sync_mod, sync_name)
    public = [n for n in vars(async_cls) if not n.startswith("_")]
    assert public
    for name in public:
        theirs = inspect.signature(getattr(async_cls, name))
        ours = inspect.signature(getattr(sync_cls, name))
        assert list(ours.parameters) == list(theirs.parameters), name
        assert [p.kind for p in ours.parameters.values()] == [
            p.kind for p in theirs.parameters.values()
        ]


def test_create_parameters_are_typed_for_both_clients():
    sig = inspect.signature(AsyncResponses.create)
    assert "Unpack[ResponseCreateParams]" in str(sig.parameters["params"].annotation)
    sync_sig = inspect.signature(sync_mod.Responses.create)
    assert str(sync_sig.parameters["params"].annotation) == str(sig.parameters["params"].annotation)


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, at module level?) for every import in ``path``."""
    tree = ast.parse(path.read_text())
    top = set()
    for stmt in tree.body:
        top.add(id(stmt))
        if isinstance(stmt, ast.If):
            top |= {id(s) for s in stmt.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            out.append(("." * node.level + (node.module or ""), id(node) in top))
        elif isinstance(node, ast.Import):
            out += [(a.name, id(node) in top) for a in node.names]
    return out


def test_sync_modules_import_each_other_only_at_module_level_and_one_way():
    sync_client = _imports(SRC / "_sync.py")
    assert all(top for _, top in sync_client), sync_client
    generated = sorted((SRC / "resources").glob("_sync*.py"))
    assert len(generated) >= 7
    for path in generated:
        resources = _imports(path)
        assert all(top for _, top in resources), (path.name, resources)
        assert not any(mod.endswith("._sync") for mod, _ in resources), path.name
    loop = _imports(SRC / "_loop_thread.py")
    assert not any(mod.startswith(".") for mod, _ in loop)  # LoopThread stands alone


def test_client_core_does_not_import_the_server():
    for name in (
        "_profiles.py",
        "_profile_config.py",
        "_base_client.py",
        "_client.py",
        "_sync.py",
        "_stream.py",
        "_stream_reader.py",
    ):
        mods = [m for m, _ in _imports(SRC / name)]
        assert not any("server" in m for m in mods), (name, mods)


def test_sync_client_exposes_the_twins():
    client = respnb.Client("compatible", base_url="http://127.0.0.1:9/v1")
    assert isinstance(client.responses, sync_mod.Responses)
    assert isinstance(client.conversations.items, sync_mod.ConversationItems)
    assert isinstance(client.vector_stores.files, sync_mod.VectorStoreFiles)
    client.close()
