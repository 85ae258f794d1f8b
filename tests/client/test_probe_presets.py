"""Capability probing (``Client.probe``, ``respnb doctor``) against real servers, presets chosen by
name / ``preset=`` / ``$RESPNB_PRESET``, and the local profile's injected server starter."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import respnb
from respnb.__main__ import main
from respnb._presets import PRESETS
from respnb._profile_config import load_config, resolve_profile
from respnb._profiles import set_local_starter
from respnb.server.launch import serve_in_thread

ROOT = Path(__file__).resolve().parents[2]


def test_probe_of_respnb_server_finds_everything(local_server):
    with respnb.Client("compatible", base_url=local_server.base_url) as client:
        report = client.probe(model="respnb-demo")
    caps = report.capabilities()
    assert caps == {k: True for k in caps} and len(caps) == 12
    for extra in ("event lines", "sequence numbers", "json_schema", "reasoning summaries"):
        assert report.get(extra).ok is True, report.table()
    assert report.closest_preset() == ("compatible", [])


async def test_probe_of_a_maniac_dialect_server_finds_what_it_lacks(tmp_path):
    with serve_in_thread(db_path=tmp_path / "m.sqlite3", dialect="maniac", pace=5000) as srv:
        async with respnb.AsyncClient("compatible", base_url=srv.base_url) as client:
            report = await client.probe(model="respnb-demo")
    table = report.table()
    assert report.get("create").ok is True, table
    assert report.get("tools").ok is False, table  # Maniac refuses a non-empty tools list
    assert report.get("streaming").ok is True, table
    assert "tools" in report.profile_spec()["capabilities"]


def test_doctor_prints_a_table_and_writes_a_profile(local_server, capsys, monkeypatch):
    monkeypatch.setenv("PROBE_KEY", "sk-probe-0000")
    code = main(
        [
            "doctor",
            local_server.base_url,
            "--key-env",
            "PROBE_KEY",
            "--model",
            "respnb-demo",
            "--write",
            "mine",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "previous_response_id" in out and "closest preset: compatible" in out
    assert "sk-probe-0000" not in out
    declared, _ = load_config()
    prof = declared["mine"]
    assert prof.base_url == local_server.base_url and prof.api_key_env == "PROBE_KEY"
    assert prof.default_model == "respnb-demo" and prof.supports("cancel")
    with respnb.Client("mine") as client:  # the saved profile works
        assert client.responses.create(input="hi").status in ("completed", "incomplete")


def test_doctor_keeps_other_profiles_and_reports_a_missing_key(local_server, capsys):
    path = respnb._home.config_path()
    path.write_text('default = "a"\n\n[profiles.a]\nkind = "openai"\n')
    assert main(["doctor", local_server.base_url, "--model", "respnb-demo", "--write", "b"]) == 0
    data = tomllib.loads(path.read_text())
    assert data["default"] == "a" and data["profiles"]["a"] == {"kind": "openai"}
    assert data["profiles"]["b"]["capabilities"]["resume"] is True
    assert main(["doctor", local_server.base_url, "--key-env", "NOPE_UNSET"]) == 2
    assert "$NOPE_UNSET is not set" in capsys.readouterr().err
    dead = local_server.base_url.replace("/v1", "/nowhere/v1")
    assert main(["doctor", dead, "--model", "respnb-demo", "--write", "c"]) == 2
    captured = capsys.readouterr()
    assert "no response could be created" in captured.err and "Check the URL" in captured.err
    assert "closest preset: unknown" in captured.out
    assert "c" not in tomllib.loads(path.read_text())["profiles"]  # nothing written


def test_litellm_preset_counts_tokens_and_refuses_previous_response_id():
    prof = resolve_profile("litellm", base_url="http://127.0.0.1:4000/v1")
    assert prof.kind == "compatible" and prof.name == "litellm"
    assert prof.supports("input_tokens")
    assert not prof.supports("previous_response_id")
    assert not prof.supports("resume") and not prof.supports("cancel")
    client = respnb.Client(prof)
    with pytest.raises(respnb.UnsupportedFeatureError, match="previous_response_id"):
        client.responses.create(model="m", input="x", previous_response_id="resp_1")
    client.close()


@pytest.mark.parametrize("alias", ["llamastack", "llama-stack", "Llama_Stack"])
def test_llama_stack_preset_by_name_and_alias(alias):
    prof = resolve_profile(alias, base_url="http://127.0.0.1:8321/v1/openai/v1")
    assert prof.name == "llamastack"
    assert prof.supports("previous_response_id") and prof.supports("input_items")
    assert not prof.supports("background") and not prof.supports("delete")


def test_preset_argument_and_environment(monkeypatch):
    client = respnb.AsyncClient(preset="llama.cpp", base_url="http://127.0.0.1:8080/v1")
    assert client.profile.name == "llamacpp" and not client.profile.supports("retrieve")
    monkeypatch.setenv("RESPNB_PRESET", "vllm")
    prof = resolve_profile("compatible", base_url="http://127.0.0.1:8000/v1")
    assert prof.name == "vllm" and not prof.supports("files")
    # a declared profile keeps its own flags whatever the environment says
    respnb._home.config_path().write_text(
        '[profiles.box]\nkind = "compatible"\nbase_url = "http://127.0.0.1:1/v1"\n'
    )
    assert resolve_profile("box").supports("files")
    # preset= on another kind applies the preset's flags and keeps the name
    openai_like = resolve_profile("openai", api_key="k", preset="litellm")
    assert openai_like.name == "openai" and not openai_like.supports("cancel")


def test_unknown_preset_names_the_choices_and_an_existing_doc():
    with pytest.raises(respnb.ConfigurationError, match=r"docs/providers\.md") as info:
        respnb.Client(preset="nope", base_url="http://127.0.0.1:1/v1")
    for name in PRESETS:
        assert name in str(info.value)
    doc = (ROOT / "docs" / "providers.md").read_text()
    for name in PRESETS:
        assert f"`{name}`" in doc


def test_local_profile_uses_the_installed_starter():
    previous = set_local_starter(lambda: "http://127.0.0.1:5/v1/")
    try:
        assert respnb.AsyncClient("local").base_url == "http://127.0.0.1:5/v1"
        set_local_starter(None)
        with pytest.raises(respnb.ConfigurationError, match="set_local_starter"):
            _ = respnb.AsyncClient("local").base_url
    finally:
        set_local_starter(previous)


def test_a_preset_name_is_a_profile_for_the_magic(monkeypatch):
    # %%respond -p litellm resolves the name like this, with the base URL from the environment
    monkeypatch.setenv("RESPNB_BASE_URL", "http://127.0.0.1:4000/v1")
    prof = resolve_profile("litellm")
    assert prof.base_url == "http://127.0.0.1:4000/v1" and not prof.supports("cancel")
