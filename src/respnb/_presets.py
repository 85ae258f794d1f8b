"""Capability presets of the ``compatible`` profile: what each server people run really offers.

docs/providers.md has the table, what is verified (the ``litellm`` preset against LiteLLM's
proxy in tests/peers) and how to check your own server with ``respnb doctor``. A preset is
chosen by name: ``Client("litellm", base_url=...)``, ``Client(preset="litellm", base_url=...)``,
``$RESPNB_PRESET``, ``%%respond -p litellm`` or ``preset = "litellm"`` in profiles.toml.
"""

from __future__ import annotations

__all__ = ["PRESETS", "PRESET_ALIASES", "canonical_preset"]

_STATELESS = {
    "background": False,
    "retrieve": False,
    "resume": False,
    "cancel": False,
    "delete": False,
    "input_items": False,
    "input_tokens": False,
    "previous_response_id": False,
    "conversations": False,
    "files": False,
}

PRESETS: dict[str, dict[str, bool]] = {
    # vLLM's /v1/responses: stored responses, background, no conversations or files API
    "vllm": {
        "delete": False,
        "input_items": False,
        "input_tokens": False,
        "conversations": False,
        "files": False,
    },
    # Ollama and llama.cpp's server: stateless Responses over chat models
    "ollama": dict(_STATELESS),
    "llamacpp": dict(_STATELESS),
    # LiteLLM proxy: answers input_tokens; a background create comes back as JSON `queued`
    # (no stream tail, no cancel); without its database previous_response_id silently loses
    # the history, so it is refused here (the tool loop replays the input instead)
    "litellm": {
        "cancel": False,
        "resume": False,
        "previous_response_id": False,
        "conversations": False,
    },
    # Llama Stack: stored responses chained by previous_response_id, input_items, files;
    # no background runs (so no tail, cancel), no delete, no input_tokens, no conversations
    "llamastack": {
        "background": False,
        "resume": False,
        "cancel": False,
        "delete": False,
        "input_tokens": False,
        "conversations": False,
    },
}
"""Capability overrides of each preset (what is not listed stays on)."""

PRESET_ALIASES = {
    "llama.cpp": "llamacpp",
    "llama-cpp": "llamacpp",
    "llama_cpp": "llamacpp",
    "llama-stack": "llamastack",
    "llama_stack": "llamastack",
    "lite-llm": "litellm",
}


def canonical_preset(name: str) -> str | None:
    """The preset a name means (aliases such as ``llama.cpp`` included), or None."""
    key = name.strip().lower()
    key = PRESET_ALIASES.get(key, key)
    return key if key in PRESETS else None
