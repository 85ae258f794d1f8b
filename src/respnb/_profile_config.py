"""Which profile to use: the built-ins, ``<home>/profiles.toml`` and the environment.

Profiles (:class:`~respnb._profiles.Profile`) are taken from the built-ins (``openai``,
``manus``, ``maniac``, ``compatible``, ``local``) or read from ``<home>/profiles.toml``::

    default = "vllm"                 # optional: the profile used when none is given

    [profiles.vllm]
    kind = "compatible"              # openai | manus | maniac | compatible | local
    preset = "vllm"                  # vllm | ollama | litellm | llamacpp | llamastack
    base_url = "http://localhost:8000/v1"
    api_key_env = "VLLM_API_KEY"     # prefer this to a literal api_key
    default_model = "Qwen/Qwen3-8B"
    [profiles.vllm.headers]          # extra headers on every request
    [profiles.vllm.body]             # default body fields on every create
    [profiles.vllm.capabilities]     # override what the service can do
    cancel = false

Environment variables, as users of openai-python expect: ``OPENAI_API_KEY`` and
``OPENAI_BASE_URL``; ``MANUS_API_KEY`` (sent in the ``API_KEY`` header) and ``MANUS_BASE_URL``;
``MANIAC_API_KEY`` and ``MANIAC_BASE_URL``; ``RESPNB_BASE_URL`` / ``RESPNB_API_KEY`` for
``compatible``. Default resolution (:func:`resolve_profile` with nothing given):
``$RESPNB_PROFILE``, else the config file's ``default``, else ``openai`` when
``OPENAI_API_KEY`` is set, else ``local`` (respnb's offline server, started on demand).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ._exceptions import ConfigurationError
from ._home import config_path
from ._presets import PRESETS, canonical_preset
from ._profiles import Capabilities, Profile
from ._redact import validation_summary

__all__ = [
    "BUILTIN_PROFILES",
    "builtin_profile",
    "load_config",
    "resolve_profile",
]

BUILTIN_PROFILES: tuple[str, ...] = ("openai", "manus", "maniac", "compatible", "local")


def builtin_profile(name: str, *, preset: str | None = None) -> Profile:
    """A built-in profile, reading its environment variables now."""
    env = os.environ.get
    if name == "openai":
        return Profile(
            name="openai",
            kind="openai",
            base_url=env("OPENAI_BASE_URL") or "https://api.openai.com/v1",
            api_key_env="OPENAI_API_KEY",
        )
    if name == "manus":
        return Profile(
            name="manus",
            kind="manus",
            base_url=env("MANUS_BASE_URL") or "https://api.manus.ai/v1",
            api_key_env="MANUS_API_KEY",
            auth="api_key_header",
            body={"task_mode": "agent", "agent_profile": "quality"},
            capabilities=Capabilities(
                streaming=False,
                resume=False,
                cancel=False,
                input_items=False,
                input_tokens=False,
                conversations=False,
                files=True,
                presigned_files=True,
                tasks=True,
                task_list=True,
            ),
        )
    if name == "maniac":
        return Profile(
            name="maniac",
            kind="maniac",
            base_url=env("MANIAC_BASE_URL"),
            api_key_env="MANIAC_API_KEY",
            capabilities=Capabilities(
                tools=False,
                input_items=False,
                input_tokens=False,
                conversations=False,
                files=False,
            ),
        )
    if name == "compatible" or canonical_preset(name) is not None:
        if name != "compatible":
            preset = name
        if preset is not None:
            preset = _check_preset(preset)
        return Profile(
            name="compatible" if preset is None else preset,
            kind="compatible",
            base_url=env("RESPNB_BASE_URL"),
            api_key_env="RESPNB_API_KEY",
            key_required=False,
            capabilities=Capabilities(**PRESETS.get(preset or "", {})),
        )
    if name == "local":
        # key: the on-demand server's per-install token (resolved_api_key)
        return Profile(
            name="local",
            kind="local",
            key_required=False,
            default_model="respnb-demo",
            capabilities=Capabilities(idempotency=True, task_list=True),
        )
    raise ConfigurationError(
        f"unknown profile {name!r}: use one of {list(BUILTIN_PROFILES)}, a preset "
        f"({', '.join(sorted(PRESETS))}) or declare [profiles.{name}] in {config_path()}."
    )


def _check_preset(preset: str) -> str:
    found = canonical_preset(preset)
    if found is None:
        raise ConfigurationError(
            f"unknown compatible preset {preset!r}; choose one of {sorted(PRESETS)} "
            "(docs/providers.md says what each allows; `respnb doctor URL` checks a server)."
        )
    return found


def load_config(path: Path | None = None) -> tuple[dict[str, Profile], str | None]:
    """Read the profiles (and the ``default`` name) declared in a TOML file.

    A missing file gives ``({}, None)``; a malformed one raises :class:`ConfigurationError`.
    """
    path = path or config_path()
    if not path.is_file():
        return {}, None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read {path}: {exc}. Fix the TOML syntax.") from exc
    default = data.get("default")
    profiles: dict[str, Profile] = {}
    for name, spec in (data.get("profiles") or {}).items():
        if not isinstance(spec, dict):
            raise ConfigurationError(f"{path}: [profiles.{name}] must be a table.")
        profiles[name] = _profile_from_spec(name, dict(spec), path)
    return profiles, default if isinstance(default, str) else None


def _profile_from_spec(name: str, spec: dict[str, Any], path: Path) -> Profile:
    kind = spec.pop("kind", name if name in BUILTIN_PROFILES else "compatible")
    preset = spec.pop("preset", None)
    try:
        base = builtin_profile(kind, preset=preset)
        caps = {**base.capabilities.model_dump(), **spec.pop("capabilities", {})}
        fields = {**base.model_dump(exclude={"capabilities"}), **spec}
        fields.update(name=name, capabilities=Capabilities(**caps))
        return Profile(**fields)
    except (ValidationError, TypeError, ConfigurationError) as exc:
        why = validation_summary(exc) if isinstance(exc, ValidationError) else exc
        raise ConfigurationError(f"{path}: bad profile {name!r}: {why}") from None


def resolve_profile(
    profile: str | Profile | None = None,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    preset: str | None = None,
) -> Profile:
    """The profile a client uses; ``base_url``/``api_key`` override the profile's.

    ``preset`` (else ``$RESPNB_PRESET`` for a ``compatible`` profile) applies a preset's
    capabilities: the built-in ``compatible`` profile becomes that preset; any other profile
    keeps its name and gets the preset's capability flags.

    A name is looked up in the config file first, then among the built-ins. With no profile:
    ``$RESPNB_PROFILE``, the config ``default``, ``openai`` if ``$OPENAI_API_KEY`` is set,
    else ``local``; a ``base_url`` given with the ``local`` default makes it ``compatible``.
    """
    if isinstance(profile, Profile):
        resolved = profile
    else:
        declared, default = load_config()
        name = profile
        implicit = name is None
        if name is None:
            name = os.environ.get("RESPNB_PROFILE") or default
        if name is None:
            name = "openai" if os.environ.get("OPENAI_API_KEY") else "local"
        if implicit and name == "local" and base_url is not None:
            name = "compatible"
        resolved = declared[name] if name in declared else builtin_profile(name)
    plain = resolved.kind == "compatible" and resolved.name == "compatible"
    if preset is None and plain:
        preset = os.environ.get("RESPNB_PRESET") or None
    if preset is not None:
        chosen = _check_preset(preset)
        if plain:
            resolved = builtin_profile("compatible", preset=chosen).model_copy(
                update={"base_url": resolved.base_url, "api_key": resolved.api_key}
            )
        else:
            resolved = resolved.with_overrides(capabilities=PRESETS[chosen])
    if base_url is not None or api_key is not None:
        resolved = resolved.with_overrides(base_url=base_url, api_key=api_key)
    return resolved
