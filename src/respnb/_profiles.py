"""Profiles: which service to talk to, how to authenticate, and what it can do.

A :class:`Profile` names one service: its base URL, how it authenticates (a key read from
the profile or from the environment variable it names; ``Authorization: Bearer`` or Manus's
``API_KEY`` header), default headers and body fields, and its :class:`Capabilities`. The
built-ins, ``<home>/profiles.toml`` and the default resolution are in
:mod:`respnb._profile_config`.

API keys are :class:`pydantic.SecretStr`; headers are hidden from ``repr``. Use
:meth:`Profile.public_dict` to store or display a profile.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_serializer

from ._exceptions import ConfigurationError, UnsupportedFeatureError
from ._redact import is_secret_header, strip_userinfo, userinfo_secrets

__all__ = [
    "LocalStarter",
    "Capabilities",
    "Profile",
    "ProfileKind",
    "set_local_starter",
]

LocalStarter = Callable[[], str]
"""Starts (or finds) the local server of the ``local`` profile; returns its base URL."""
_local_starter: LocalStarter | None = None


def set_local_starter(starter: LocalStarter | None) -> LocalStarter | None:
    """Install the function the ``local`` profile gets its server from; returns the previous
    one. ``respnb`` installs its own server's on import; the client core never starts one."""
    global _local_starter
    previous, _local_starter = _local_starter, starter
    return previous


ProfileKind = Literal["openai", "manus", "maniac", "compatible", "local"]


class Capabilities(BaseModel):
    """What a service offers. A call needing a feature that is off raises
    :class:`UnsupportedFeatureError` before anything is sent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    streaming: bool = True
    background: bool = True
    retrieve: bool = True
    resume: bool = True
    """``GET /responses/{id}?stream=true&starting_after=N``."""
    cancel: bool = True
    delete: bool = True
    input_items: bool = True
    input_tokens: bool = True
    previous_response_id: bool = True
    conversations: bool = True
    files: bool = True
    """OpenAI multipart ``POST /files`` (list/retrieve/delete/content use it too)."""
    presigned_files: bool = False
    """Manus two-step upload (``POST /files {filename}`` then PUT to ``upload_url``)."""
    tasks: bool = False
    """Manus ``/tasks`` update (rename, share, hide)."""
    task_list: bool = False
    """``GET /tasks`` lists the account's tasks with status filters (Manus, respnb's own
    server): the refresher follows many background tasks with one listing per sweep."""
    tools: bool = True
    idempotency: bool = False
    """The server honours ``Idempotency-Key`` on ``POST /responses`` (a re-sent create answers
    with the first one's response), so a create cut before its id arrived can be sent again."""


class Profile(BaseModel):
    """One service: its base URL, authentication, default headers/body, and capabilities."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    kind: ProfileKind = "compatible"
    base_url: str | None = None
    """None means: from the environment, or (``local``) the on-demand local server."""
    api_key: SecretStr | None = None
    api_key_env: str | None = None
    """Environment variable read for the key when ``api_key`` is not set."""
    auth: Literal["bearer", "api_key_header", "none"] = "bearer"
    key_required: bool = True
    """False for servers that work without a key (local vLLM, Ollama...): sent if present."""
    headers: dict[str, str] = Field(default_factory=dict, repr=False)
    secret_headers: tuple[str, ...] = ()
    """More header names whose values are secrets (besides respnb._redact.SECRET_HEADERS)."""
    body: dict[str, Any] = Field(default_factory=dict)
    """Default body fields merged under every ``responses.create`` (explicit params win)."""
    default_model: str | None = None
    capabilities: Capabilities = Field(default_factory=Capabilities)

    @field_serializer("base_url")
    def _mask_userinfo(self, base_url: str | None) -> str | None:
        # Dumps never carry a password given in the URL (user:key@host).
        return strip_userinfo(base_url) if base_url else base_url

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            yield name, strip_userinfo(value) if isinstance(value, str) else value

    @field_serializer("headers")
    def _mask_headers(self, headers: dict[str, str]) -> dict[str, str]:
        # Dumps (JSON or dict) never carry credential header values.
        secret = self.secret_headers
        return {k: "***" if is_secret_header(k, secret) else v for k, v in headers.items()}

    # --- resolution -------------------------------------------------------------------
    def resolved_base_url(self) -> str:
        """The base URL (ends without ``/``); starts the local server for ``local``."""
        if self.base_url:
            return self.base_url.rstrip("/")
        if self.kind == "local":
            if _local_starter is None:
                raise ConfigurationError(
                    "the 'local' profile has no server starter installed: `import respnb` "
                    "installs respnb's own (respnb.server), or call "
                    "respnb.set_local_starter(fn) with a function returning a base URL; "
                    "or pass base_url=... / another profile."
                )
            return _local_starter().rstrip("/")
        from ._home import config_path

        env = {"maniac": "MANIAC_BASE_URL", "compatible": "RESPNB_BASE_URL"}.get(self.kind)
        hint = f"set ${env} or " if env else ""
        raise ConfigurationError(
            f"profile {self.name!r} has no base URL: {hint}pass base_url=... to the client "
            f"or set base_url in {config_path()}."
        )

    def resolved_api_key(self) -> str | None:
        """The API key: the literal one, else ``$api_key_env``; None when there is none."""
        if self.api_key is not None and self.api_key.get_secret_value():
            return self.api_key.get_secret_value()
        if self.api_key_env:
            return os.environ.get(self.api_key_env) or None
        if self.kind == "local" and not self.base_url and self.auth != "none":
            from ._home import local_token

            return local_token()
        return None

    def require_api_key(self) -> None:
        """Raise :class:`ConfigurationError` (saying how to fix it) if a needed key is missing."""
        if self.auth == "none" or not self.key_required or self.resolved_api_key():
            return
        where = f"set ${self.api_key_env}" if self.api_key_env else "set api_key in the profile"
        raise ConfigurationError(
            f"profile {self.name!r} needs an API key: {where}, or pass api_key=... to the client."
        )

    def auth_headers(self) -> dict[str, str]:
        """The authentication headers (Manus: ``API_KEY``; others: Bearer)."""
        key = self.resolved_api_key()
        if not key or self.auth == "none":
            return {}
        if self.auth == "api_key_header":
            return {"API_KEY": key}
        return {"Authorization": f"Bearer {key}"}

    def secrets(self) -> tuple[str, ...]:
        """Every secret value this profile may send (to redact from messages)."""
        found = [self.resolved_api_key() or ""]
        found += [v for k, v in self.headers.items() if is_secret_header(k, self.secret_headers)]
        found += userinfo_secrets(self.base_url)
        return tuple(s for s in found if len(s) >= 4)

    # --- capabilities -----------------------------------------------------------------
    def supports(self, feature: str) -> bool:
        """True if the capability flag ``feature`` is on (unknown features: False)."""
        return bool(getattr(self.capabilities, feature, False))

    def require(self, feature: str) -> None:
        """Raise :class:`UnsupportedFeatureError` naming the profile and feature if it is off."""
        if not self.supports(feature):
            raise UnsupportedFeatureError(self.name, feature)

    # --- copies and display -----------------------------------------------------------
    def with_overrides(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        headers: dict[str, str] | None = None,
        capabilities: dict[str, bool] | None = None,
    ) -> Profile:
        """A copy with the given fields replaced (headers merged, capabilities updated)."""
        update: dict[str, Any] = {}
        if base_url is not None:
            update["base_url"] = base_url
        if api_key is not None:
            update["api_key"] = SecretStr(api_key)
            if self.auth == "none":
                update["auth"] = "bearer"
        if headers:
            update["headers"] = {**self.headers, **headers}
        if capabilities:
            caps = {**self.capabilities.model_dump(), **capabilities}
            update["capabilities"] = Capabilities(**caps)
        return self.model_copy(update=update)

    def public_dict(self) -> dict[str, Any]:
        """A JSON-ready description without secrets (header values masked, no key)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "base_url": strip_userinfo(self.base_url) if self.base_url else None,
            "auth": self.auth,
            "has_api_key": self.resolved_api_key() is not None,
            "headers": {k: "***" for k in self.headers},
            "body": dict(self.body),
            "default_model": self.default_model,
            "capabilities": self.capabilities.model_dump(),
        }
