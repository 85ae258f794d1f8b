"""``respnb serve``: the local Responses API server (Starlette + uvicorn, SQLite WAL).

Modules: :mod:`.app` (the ASGI app and its gate: request ids, auth, faults),
:mod:`.api_responses` and :mod:`.api_resources` (HTTP routes), :mod:`.service` (responses:
create, chain, replay, cancel), :mod:`.runs` (one engine run: sequence numbers, lifecycle,
pacing), :mod:`.store` (SQLite with group commit), :mod:`.conversations`, :mod:`.files`,
:mod:`.vector_stores` (and its routes :mod:`.api_vector_stores`), :mod:`.webhooks` (signed events
to a loopback receiver when a background response ends), :mod:`.dialects`, :mod:`.faults`,
:mod:`.validation`, :mod:`.sse`, :mod:`.launch` (thread or subprocess) and :mod:`.engine` (what
the demo model says).

Decisions where the protocol leaves room:

* A background stream starts ``response.created`` (status ``queued``), ``response.queued``,
  ``response.in_progress``; a foreground one ``response.created``, ``response.in_progress``.
* Cancel: background only (foreground 400, unknown 404); a finished response is returned
  unchanged. No stream event marks a cancel (OpenAI has none); followers' streams just end.
* A foreground stream whose client goes away stops its run, stored as ``cancelled``.
* A run interrupted by a crash is marked ``failed`` (``server_restarted``) at the next start,
  with a final ``response.failed`` event; a run still going when the server stops gracefully
  is stored ``failed`` (``server_stopped``). Runs are not resumed.
* A Manus task waiting for the user ends its stream with ``response.completed`` carrying
  status ``pending``; ``task_id`` continues the same task id and sequence numbers.
* ``GET /v1/responses/{id}?stream=true`` of a response created without stream or background
  is a 400 (nothing was recorded).
"""

from __future__ import annotations

__all__: list[str] = []
