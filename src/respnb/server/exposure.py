"""Who may reach ``respnb serve``: the API key it requires and where the key comes from.

The key is read from ``--api-key-file PATH`` or ``$RESPNB_SERVER_API_KEY`` (``--api-key KEY``
still works but shows in ``ps``). Binding an address other than loopback needs a key: the
server then answers other machines, and without a key anyone on the network could run and
read responses and files.
"""

from __future__ import annotations

import os
from pathlib import Path

from .guard import is_loopback

__all__ = ["KEY_ENV", "ExposureError", "server_api_key"]

KEY_ENV = "RESPNB_SERVER_API_KEY"


class ExposureError(ValueError):
    """The server would be exposed without protection, or its key file is unusable."""


def _read_key_file(path: str) -> str:
    try:
        lines = Path(path).expanduser().read_text().splitlines()
    except OSError as exc:
        raise ExposureError(f"cannot read --api-key-file {path}: {exc.strerror}") from None
    key = lines[0].strip() if lines else ""
    if not key:
        raise ExposureError(f"--api-key-file {path} is empty; put the key on its first line.")
    return key


def server_api_key(host: str, key: str | None, key_file: str | None) -> str | None:
    """The key the server requires (``key``, else ``key_file``'s, else ``$RESPNB_SERVER_API_KEY``);
    :class:`ExposureError` when ``host`` is not loopback and there is no key."""
    if key_file:
        key = key or _read_key_file(key_file)
    key = key or os.environ.get(KEY_ENV) or None
    if key is None and not is_loopback(host):
        raise ExposureError(
            f"binding {host} makes the server reachable from other machines: give it a key "
            f"with --api-key-file PATH (or ${KEY_ENV}), or bind 127.0.0.1."
        )
    return key
