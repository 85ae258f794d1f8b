"""Where respnb keeps its files: ``$RESPNB_HOME`` or the user's data directory.

The home holds prompts and answers (task history, the local server's store), logs and the
local server's token: it is kept private to its user (directory ``0700``, files ``0600``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

__all__ = ["config_path", "home", "local_token", "private_file"]

TOKEN_FILE = "server.token"


def home() -> Path:
    """The respnb home directory, created if missing (``0700``; tightened if group/other
    could read it).

    ``$RESPNB_HOME`` wins; otherwise the platform's user data directory (platformdirs).
    """
    env = os.environ.get("RESPNB_HOME")
    if env:
        path = Path(env).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("respnb", appauthor=False))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError, AttributeError):  # not ours, or no POSIX modes
        if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            path.chmod(0o700)
    return path


def config_path() -> Path:
    """``<home>/profiles.toml``: the profiles declared by the user."""
    return home() / "profiles.toml"


def private_file(path: Path) -> Path:
    """Create ``path`` if missing and make it ``0600`` (before SQLite or a writer opens it:
    SQLite gives its ``-wal`` and ``-shm`` files the database file's mode)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    with contextlib.suppress(OSError):
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)
    return path


def local_token() -> str:
    """The per-install token of the on-demand local server (``<home>/server.token``, 0600),
    created on first use. respnb's own client sends it as the API key of the ``local``
    profile; a web page or another user of this machine cannot read it."""
    path = home() / TOKEN_FILE
    try:
        token = path.read_text().strip()
    except FileNotFoundError:
        token = ""
    if len(token) < 32:
        token = secrets.token_urlsafe(32)
        tmp = private_file(path.with_name(f".{TOKEN_FILE}.{os.getpid()}"))
        tmp.write_text(token + "\n")
        os.replace(tmp, path)
    return token
