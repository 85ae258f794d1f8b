"""Where the upstream Chat Completions endpoint is and how to reach it.

``respnb serve --upstream URL [--upstream-key-env VAR] [--upstream-model NAME]``, or the
environment of the magic's ``local`` profile: ``RESPNB_UPSTREAM`` (URL),
``RESPNB_UPSTREAM_KEY_ENV`` (the name of the variable holding the key) and
``RESPNB_UPSTREAM_MODEL``. The URL is the API root (``http://127.0.0.1:11434/v1`` for Ollama);
``/chat/completions`` is appended unless the URL already ends with it. The key is read from
the named variable and never shown in reprs or logs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["UpstreamConfig"]


@dataclass(frozen=True)
class UpstreamConfig:
    """An upstream Chat Completions endpoint."""

    url: str
    api_key: str | None = field(default=None, repr=False)
    model: str | None = None
    """Model sent upstream (None: the ``model`` of each request)."""
    timeout: float = 600.0

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(
                f"--upstream must be an http(s) URL such as http://127.0.0.1:11434/v1; "
                f"got {self.url!r}"
            )

    @property
    def endpoint(self) -> str:
        """The full ``.../chat/completions`` URL."""
        url = self.url.rstrip("/")
        return url if url.endswith("/chat/completions") else f"{url}/chat/completions"

    @classmethod
    def from_flags(
        cls, url: str, key_env: str | None, model: str | None, env: Mapping[str, str] | None = None
    ) -> UpstreamConfig:
        """From the CLI flags: the key is read from the variable ``key_env`` (if given)."""
        environ = os.environ if env is None else env
        key = None
        if key_env:
            key = environ.get(key_env)
            if not key:
                raise ValueError(
                    f"--upstream-key-env names {key_env!r}, but that environment variable is "
                    "empty or unset."
                )
        return cls(url=url, api_key=key, model=model or None)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> UpstreamConfig | None:
        """From ``RESPNB_UPSTREAM*`` (None when ``RESPNB_UPSTREAM`` is unset)."""
        environ = os.environ if env is None else env
        url = environ.get("RESPNB_UPSTREAM")
        if not url:
            return None
        return cls.from_flags(
            url,
            environ.get("RESPNB_UPSTREAM_KEY_ENV"),
            environ.get("RESPNB_UPSTREAM_MODEL"),
            environ,
        )
