"""Profiles: built-ins, env vars, config file, capabilities, secrets."""

from __future__ import annotations

import logging

import httpx
import pytest
from pydantic import SecretStr

import respnb
from respnb._profile_config import builtin_profile, load_config, resolve_profile
from respnb._profiles import Profile

from .support import SECRET, response_json


def test_default_resolution(monkeypatch):
    assert resolve_profile().name == "local"
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    assert resolve_profile().name == "openai"
    monkeypatch.setenv("RESPNB_PROFILE", "manus")
    assert resolve_profile().name == "manus"


def test_base_url_with_local_default_is_compatible():
    p = resolve_profile(base_url="http://127.0.0.1:11434/v1")
    assert p.kind == "compatible"
    assert p.resolved_base_url() == "http://127.0.0.1:11434/v1"


def test_openai_env_vars(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("OPENAI_BASE_URL", "https://proxy.example/v1/")
    p = builtin_profile("openai")
    assert p.resolved_base_url() == "https://proxy.example/v1"
    assert p.auth_headers() == {"Authorization": f"Bearer {SECRET}"}


def test_missing_key_is_a_configuration_error_saying_how_to_fix():
    with pytest.raises(respnb.ConfigurationError, match="OPENAI_API_KEY"):
        respnb.AsyncClient("openai")
    with pytest.raises(respnb.ConfigurationError, match="MANUS_API_KEY"):
        respnb.AsyncClient("manus")


def test_unknown_profile():
    with pytest.raises(respnb.ConfigurationError, match=r"profiles\.nosuch"):
        resolve_profile("nosuch")


def test_maniac_needs_base_url(monkeypatch):
    monkeypatch.setenv("MANIAC_API_KEY", SECRET)
    client = respnb.AsyncClient("maniac")
    with pytest.raises(respnb.ConfigurationError, match="MANIAC_BASE_URL"):
        _ = client.base_url


async def test_manus_sends_key_in_api_key_header_and_body_defaults(monkeypatch):
    monkeypatch.setenv("MANUS_API_KEY", SECRET)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=response_json("task_1", "running"))

    client = respnb.AsyncClient("manus", transport=httpx.MockTransport(handler))
    r = await client.responses.create(input="hi", task_id="task_0")
    req = seen[0]
    assert str(req.url) == "https://api.manus.ai/v1/responses"
    assert req.headers["API_KEY"] == SECRET
    assert "authorization" not in req.headers
    import json

    body = json.loads(req.content)
    assert body["task_mode"] == "agent" and body["agent_profile"] == "quality"
    assert body["task_id"] == "task_0"
    assert r.normalized_status == "in_progress"
    with pytest.raises(ValueError, match="not both"):
        await client.responses.create(input="x", task_id="t", previous_response_id="r")
    with pytest.raises(respnb.UnsupportedFeatureError, match="streaming"):
        client.responses.stream(input="x")


async def test_maniac_rejects_tools_before_sending(monkeypatch):
    sent: list[httpx.Request] = []
    client = respnb.AsyncClient(
        "maniac",
        api_key=SECRET,
        base_url="https://maniac.example/v1",
        transport=httpx.MockTransport(
            lambda r: sent.append(r) or httpx.Response(200, json={"id": "resp_1"})
        ),
    )
    with pytest.raises(respnb.UnsupportedFeatureError, match="Maniac does not support managed"):
        await client.responses.create(model="openai/gpt-4o-mini", input="x", tools=[{"type": "x"}])
    assert sent == []
    # an empty list, tags and trace pass through
    await client.responses.create(
        model="openai/gpt-4o-mini", input="x", tools=[], tags=["a"], trace={"id": "t"}
    )
    import json

    body = json.loads(sent[0].content)
    assert body["tags"] == ["a"] and body["trace"] == {"id": "t"}
    assert sent[0].headers["authorization"] == f"Bearer {SECRET}"


async def test_compatible_preset_capability_errors_name_profile_and_feature():
    p = builtin_profile("compatible", preset="ollama").with_overrides(
        base_url="http://127.0.0.1:11434/v1"
    )
    client = respnb.AsyncClient(p, transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    with pytest.raises(respnb.UnsupportedFeatureError) as info:
        await client.responses.cancel("resp_1")
    assert info.value.profile == "ollama" and info.value.feature == "cancel"
    assert "'ollama'" in str(info.value) and "'cancel'" in str(info.value)
    with pytest.raises(respnb.UnsupportedFeatureError):
        await client.responses.create(model="m", input="x", background=True)


def test_capabilities_override():
    client = respnb.AsyncClient(
        "compatible", base_url="http://x/v1", capabilities={"cancel": False}
    )
    assert not client.profile.supports("cancel")
    assert client.profile.supports("retrieve")


def test_config_file(monkeypatch):
    from respnb._home import config_path

    config_path().write_text(
        """
default = "myvllm"

[profiles.myvllm]
kind = "compatible"
preset = "vllm"
base_url = "http://gpu:8000/v1"
api_key_env = "MY_VLLM_KEY"
default_model = "qwen"
[profiles.myvllm.capabilities]
cancel = false
[profiles.myvllm.headers]
X-Team = "ml"

[profiles.openai]
base_url = "https://gateway.example/v1"
""",
        encoding="utf-8",
    )
    profiles, default = load_config()
    assert set(profiles) == {"myvllm", "openai"}
    assert default == "myvllm"
    p = resolve_profile()
    assert p.name == "myvllm" and p.kind == "compatible"
    assert p.resolved_base_url() == "http://gpu:8000/v1"
    assert not p.supports("cancel") and not p.supports("delete") and p.supports("retrieve")
    assert p.headers == {"X-Team": "ml"}
    monkeypatch.setenv("MY_VLLM_KEY", SECRET)
    assert p.resolved_api_key() == SECRET
    o = resolve_profile("openai")
    assert o.resolved_base_url() == "https://gateway.example/v1"
    assert o.api_key_env == "OPENAI_API_KEY"


def test_bad_config_file():
    from respnb._home import config_path

    config_path().write_text("[profiles.x\n", encoding="utf-8")
    with pytest.raises(respnb.ConfigurationError, match="TOML"):
        load_config()
    config_path().write_text('[profiles.x]\nkind = "nope"\n', encoding="utf-8")
    with pytest.raises(respnb.ConfigurationError, match="bad profile 'x'"):
        load_config()


async def test_secrets_never_in_repr_str_logs_or_errors(caplog):
    p = Profile(
        name="t",
        kind="openai",
        base_url="https://api.test/v1",
        api_key=SecretStr(SECRET),
        headers={"X-Api-Key": SECRET},
    )
    client = respnb.AsyncClient(
        p,
        max_retries=1,
        sleep=_nosleep,
        transport=httpx.MockTransport(
            lambda r: httpx.Response(401, json={"error": {"message": f"bad key {SECRET}"}})
        ),
    )
    caplog.set_level(logging.DEBUG)
    texts = [repr(p), str(p), repr(client), repr(client.profile), str(p.public_dict())]
    texts.append(p.model_dump_json())
    with pytest.raises(respnb.AuthenticationError) as info:
        await client.responses.retrieve("resp_1")
    texts += [str(info.value), repr(info.value), repr(info.value.body)]
    texts.append(caplog.text)
    for text in texts:
        assert SECRET not in text


async def _nosleep(_: float) -> None:
    return None


async def test_local_profile_starts_server_lazily(monkeypatch):
    import respnb.server.launch as launch

    calls: list[int] = []

    def fake_ensure() -> str:
        calls.append(1)
        return "http://127.0.0.1:1/v1/"

    monkeypatch.setattr(launch, "ensure_local_server", fake_ensure)
    seen: list[httpx.Request] = []
    client = respnb.AsyncClient(
        transport=httpx.MockTransport(
            lambda r: seen.append(r) or httpx.Response(200, json=response_json())
        )
    )
    assert client.profile.name == "local" and calls == []
    await client.responses.retrieve("resp_1")
    await client.responses.retrieve("resp_1")
    assert calls == [1]
    assert str(seen[0].url) == "http://127.0.0.1:1/v1/responses/resp_1"
    from respnb._home import local_token

    assert seen[0].headers["authorization"] == f"Bearer {local_token()}"  # per-install token
