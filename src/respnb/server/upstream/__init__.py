"""``respnb serve --upstream URL``: the local server in front of a Chat Completions model.

:class:`UpstreamConfig` says where the endpoint is; :class:`Upstream` writes each run's output
with it (see :mod:`.bridge`), mapping requests (:mod:`.messages`) and streamed chunks
(:mod:`.translate`).
"""

from __future__ import annotations

from .bridge import Upstream, UpstreamError
from .config import UpstreamConfig

__all__ = ["Upstream", "UpstreamConfig", "UpstreamError"]
