"""Where respnb keeps its files: ``$RESPNB_HOME`` or the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["home"]


def home() -> Path:
    """The respnb home directory, created if missing.

    ``$RESPNB_HOME`` wins; otherwise the platform's user data directory (platformdirs).
    """
    env = os.environ.get("RESPNB_HOME")
    if env:
        path = Path(env).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("respnb", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
