"""How each dialect (openai, manus, maniac) differs on the wire.

The server keeps one internal response shape (OpenAI statuses, plus ``requires_input`` for a
Manus task waiting for the user, plus a private ``_respnb`` dict of server state) and each
dialect decides:

* **auth** — openai/maniac: ``Authorization: Bearer KEY``; manus: ``API_KEY: KEY`` (the bearer
  is a placeholder there).
* **the public view** — manus maps statuses (queued/in_progress -> running, requires_input ->
  pending, failed/cancelled/incomplete -> error), fills ``metadata.task_url`` / ``share_url`` (once
  shared) / ``credit_usage`` / ``task_title`` and adds ``createdAt`` (string of unix seconds);
  maniac adds ``provider`` (the part of ``provider/model`` before the slash, else ``respnb``).
* **the stream** — maniac records and sends only the reduced taxonomy
  (``response.created -> response.output_text.delta xN -> response.completed``, plus the
  terminal ``response.failed``/``response.incomplete``/``error``).
* **extra create checks** — maniac rejects a non-empty ``tools``; manus rejects ``task_id``
  together with ``previous_response_id`` and runs every non-streamed create in the background
  (Manus tasks are asynchronous: create answers ``running`` at once).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from .errors import ApiError, bad_request

__all__ = ["DIALECTS", "PRIVATE", "Dialect"]

DIALECTS = ("openai", "manus", "maniac")
PRIVATE = "_respnb"
"""Key of the server-private state inside a stored response; never sent."""

_MANUS_STATUS = {
    "queued": "running",
    "in_progress": "running",
    "requires_input": "pending",
    "completed": "completed",
    "failed": "error",
    "cancelled": "error",
    "incomplete": "error",
}
_REDUCED = frozenset(
    {
        "response.created",
        "response.output_text.delta",
        "response.completed",
        "response.failed",
        "response.incomplete",
        "error",
    }
)


class Dialect:
    """One dialect's auth, checks, response view and stream filter."""

    def __init__(self, name: str) -> None:
        if name not in DIALECTS:
            raise ValueError(f"unknown dialect {name!r}; choose one of {', '.join(DIALECTS)}")
        self.name = name

    def __repr__(self) -> str:
        return f"Dialect({self.name!r})"

    # ------------------------------------------------------------------ auth
    def check_auth(self, headers: Mapping[str, str], api_key: str | None) -> None:
        """401 unless the request carries ``api_key`` the way this dialect sends it."""
        if not api_key:
            return
        if self.name == "manus":
            given = headers.get("api_key") or ""
            where = "the API_KEY header"
        else:
            auth = headers.get("authorization") or ""
            given = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
            where = "an 'Authorization: Bearer <key>' header"
        if not given:
            raise ApiError(
                401,
                f"You didn't provide an API key. Send your key in {where}.",
                code="missing_api_key",
            )
        if not hmac.compare_digest(given.encode(), api_key.encode()):
            raise ApiError(
                401,
                "Incorrect API key provided. Check the key this server was started with.",
                code="invalid_api_key",
            )

    # ------------------------------------------------------------------ create
    def check_create(self, body: dict[str, Any]) -> None:
        """Dialect-specific 400s on a create body."""
        if self.name == "maniac" and body.get("tools"):
            raise bad_request(
                "Managed tools are not yet supported: a non-empty 'tools' list is rejected.",
                "tools",
                code="unsupported_parameter",
            )
        if self.name == "manus":
            if body.get("task_id") is not None and body.get("previous_response_id") is not None:
                raise bad_request(
                    "Use either 'previous_response_id' or 'task_id', not both.", "task_id"
                )
            for key in ("task_id", "task_mode", "agent_profile"):
                value = body.get(key)
                if value is not None and not isinstance(value, str):
                    raise bad_request(f"Invalid type for '{key}': expected a string.", key)
            for key in ("create_shareable_link", "hide_in_task_list"):
                value = body.get(key)
                if value is not None and not isinstance(value, bool):
                    raise bad_request(f"Invalid type for '{key}': expected a boolean.", key)
        elif body.get("task_id") is not None:
            raise bad_request(
                "Unknown parameter: 'task_id' (a Manus extension; start the server with "
                "--dialect manus).",
                "task_id",
                code="unknown_parameter",
            )

    def runs_in_background(self, body: dict[str, Any]) -> bool:
        """Whether this create runs as a background run."""
        if self.name == "manus" and not body.get("stream"):
            return True
        return bool(body.get("background"))

    def display_model(self, body: dict[str, Any], given: str | None) -> str:
        """The ``model`` shown on the response."""
        if self.name == "manus" and not given:
            return f"manus-agent-{body.get('agent_profile') or 'quality'}"
        return str(body["model"])

    # ------------------------------------------------------------------ stream
    def keeps_event(self, event_type: str) -> bool:
        """Whether an event of this type is recorded and sent in this dialect."""
        return self.name != "maniac" or event_type in _REDUCED

    # ------------------------------------------------------------------ view
    def view(self, resp: dict[str, Any], origin: str) -> dict[str, Any]:
        """The public JSON of an internal response (private state stripped)."""
        out = {k: v for k, v in resp.items() if k != PRIVATE}
        private: dict[str, Any] = resp.get(PRIVATE) or {}
        status = out.get("status")
        if self.name == "manus":
            out["status"] = _MANUS_STATUS.get(str(status), status)
            meta = dict(out.get("metadata") or {})
            rid = out.get("id", "")
            meta["task_url"] = f"{origin}/app/{rid}"
            if private.get("shared"):
                meta["share_url"] = f"{origin}/share/{rid}"
            usage = out.get("usage") or {}
            meta["credit_usage"] = (
                str(max(1, int(usage.get("total_tokens", 0)) // 50)) if usage else "0"
            )
            meta["task_title"] = private.get("title") or "Untitled"
            out["metadata"] = meta
            out["createdAt"] = str(int(out.get("created_at") or 0))
        elif self.name == "maniac":
            model = str(out.get("model") or "")
            out["provider"] = model.split("/", 1)[0] if "/" in model else "respnb"
        elif status == "requires_input":  # pragma: no cover - only manus makes it
            out["status"] = "completed"
        return out
