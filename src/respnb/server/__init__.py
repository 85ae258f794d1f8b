"""``respnb serve``: the local Responses API server (Starlette + uvicorn, SQLite WAL).

Modules: :mod:`.app` (the ASGI app and its gate: request ids, auth, faults), :mod:`.api_responses`
and :mod:`.api_resources` (HTTP routes), :mod:`.service` (responses: create, chain, replay,
cancel), :mod:`.runs` (one engine run: sequence numbers, lifecycle, pacing), :mod:`.store`
(SQLite with group commit), :mod:`.dialects`, :mod:`.faults`, :mod:`.launch` (thread or
subprocess) and :mod:`.engine` (what the demo model says).
"""

from __future__ import annotations

__all__: list[str] = []
