"""``respnb doctor URL``: probe a Responses server and print what it supports.

``--key-env VAR`` reads the API key from ``$VAR``; ``--model`` picks the model (default: the
first of ``GET /models``); ``--write NAME`` saves the findings as ``[profiles.NAME]`` in
``<home>/profiles.toml`` (other profiles are kept; comments in that file are not).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_doctor", "dump_toml", "write_profile"]


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def dump_toml(data: dict[str, Any], prefix: str = "") -> str:
    """A TOML document of nested dicts of str / bool / numbers / lists."""
    lines: list[str] = []
    tables: list[tuple[str, dict[str, Any]]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append((key, value))
        else:
            lines.append(f"{key} = {_toml_value(value)}")
    out = "\n".join(lines)
    for key, table in tables:
        name = f"{prefix}.{key}" if prefix else key
        body = dump_toml(table, name)
        has_values = any(not isinstance(v, dict) for v in table.values())
        head = f"[{name}]\n" if has_values or not table else ""
        out += ("\n\n" if out else "") + head + body
    return out.strip("\n") + ("\n" if not prefix else "")


def write_profile(name: str, spec: dict[str, Any], path: Path | None = None) -> Path:
    """Save ``spec`` as ``[profiles.NAME]`` in the profiles file (others kept)."""
    import tomllib

    from ._home import config_path

    path = path or config_path()
    data: dict[str, Any] = {}
    if path.is_file():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    data.setdefault("profiles", {})[name] = spec
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_toml(data), encoding="utf-8")
    return path


def _doctor(args: argparse.Namespace) -> int:
    from ._client import AsyncClient
    from ._exceptions import RespnbError

    key = None
    if args.key_env:
        key = os.environ.get(args.key_env)
        if not key:
            print(f"respnb doctor: ${args.key_env} is not set", file=sys.stderr)
            return 2

    async def run() -> Any:
        async with AsyncClient("compatible", base_url=args.url, api_key=key) as client:
            return await client.probe(model=args.model)

    try:
        report = asyncio.run(run())
    except RespnbError as exc:
        print(f"respnb doctor: {exc}", file=sys.stderr)
        return 2
    print(f"{args.url}  model={report.model}")
    print(report.table())
    created = report.get("create")
    if created is None or created.ok is not True:
        why = created.detail if created is not None else "no answer"
        print(
            f"respnb doctor: no response could be created at {args.url} ({why}). Check the "
            "URL (it ends in /v1), the key (--key-env VAR) and the model (--model).",
            file=sys.stderr,
        )
        return 2
    if args.write:
        path = write_profile(args.write, report.profile_spec(api_key_env=args.key_env))
        print(f"\nsaved [profiles.{args.write}] in {path}; use Client({args.write!r})")
    return 0


def add_doctor(sub: Any) -> None:
    """Register ``respnb doctor``."""
    p = sub.add_parser(
        "doctor",
        help="probe a Responses server and print what it supports",
        description="Send small safe requests to a Responses API server and print which "
        "features it really supports (and the closest preset).",
    )
    p.add_argument("url", help="the server's base URL, e.g. http://localhost:4000/v1")
    p.add_argument("--key-env", default=None, metavar="VAR", help="read the API key from $VAR")
    p.add_argument("--model", default=None, help="model to probe with (default: first listed)")
    p.add_argument("--write", default=None, metavar="NAME", help="save as [profiles.NAME]")
    p.set_defaults(func=_doctor)
