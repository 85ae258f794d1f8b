"""``respnb serve status`` / ``respnb serve stop``: the on-demand local server's lifecycle."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .launch import local_server_status, stop_local_server

__all__ = ["describe", "serve_action"]


def describe(record: dict[str, Any]) -> str:
    """Lines saying where the on-demand server runs."""
    started = record.get("started_at")
    when = (
        dt.datetime.fromtimestamp(started, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        if isinstance(started, (int, float))
        else "?"
    )
    idle = record.get("idle_timeout")
    lines = [
        f"running: {record.get('base_url')}  (pid {record.get('pid')}, started {when})",
        f"store:   {record.get('db')}",
    ]
    if record.get("log"):
        lines.append(f"log:     {record.get('log')}")
    if isinstance(idle, (int, float)):
        lines.append(f"stops after {idle / 60:.0f} idle minutes; `respnb serve stop` stops it now")
    return "\n".join(lines)


def serve_action(action: str) -> int:
    """Run ``status`` (exit 0 when running, 1 when not) or ``stop`` (0; 1 when none ran)."""
    if action == "status":
        record = local_server_status()
        if record is None:
            print("respnb: no on-demand local server is running")
            return 1
        print(describe(record))
        return 0
    if action == "stop":
        try:
            record = stop_local_server()
        except TimeoutError as exc:
            print(f"respnb serve stop: {exc}")
            return 2
        if record is None:
            print("respnb: no on-demand local server is running")
            return 1
        print(f"stopped the local server at {record.get('base_url')} (pid {record.get('pid')})")
        return 0
    raise ValueError(f"unknown serve action {action!r}; use status or stop")
