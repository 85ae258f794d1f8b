"""The ``respnb`` command. Subcommands: ``serve`` (the local Responses API server; ``serve
status`` / ``serve stop`` for the on-demand one), ``history purge`` and ``doctor`` (probe a
server's capabilities).

Other modules add subcommands by appending to :data:`SUBCOMMANDS`: a function taking the
argparse subparsers object that registers its parser and sets ``func`` (``args -> int``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

__all__ = ["SUBCOMMANDS", "build_parser", "main"]


def _serve(args: argparse.Namespace) -> int:
    import os

    if args.action is not None:
        from respnb.server._cli import serve_action

        return serve_action(args.action)

    import uvicorn

    from respnb._home import home
    from respnb.server.app import ServerConfig, create_app
    from respnb.server.dialects import DIALECTS
    from respnb.server.exposure import ExposureError, server_api_key
    from respnb.server.guard import limits_for

    if args.dialect not in DIALECTS:  # pragma: no cover - argparse checks choices
        raise SystemExit(f"unknown dialect {args.dialect!r}")
    from respnb.server.upstream import UpstreamConfig

    db = Path(args.db) if args.db else home() / "server.sqlite3"
    try:
        api_key = server_api_key(args.host, args.api_key, args.api_key_file)
        upstream = (
            UpstreamConfig.from_flags(args.upstream, args.upstream_key_env, args.upstream_model)
            if args.upstream
            else None
        )
    except (ExposureError, ValueError) as exc:
        print(f"respnb serve: {exc}", file=sys.stderr, flush=True)
        return 2
    config = ServerConfig(
        db_path=db,
        dialect=args.dialect,
        api_key=api_key,
        host=args.host,
        limits=limits_for(args.host, tuple(args.allow_host), args.max_body_mb),
        faults=args.faults,
        pace=args.pace,
        webhook_url=args.webhook_url or None,
        webhook_secret=args.webhook_secret or os.environ.get("RESPNB_WEBHOOK_SECRET") or None,
        lenient=args.lenient,
        upstream=upstream,
    )
    try:
        app = create_app(config)
    except ValueError as exc:
        print(f"respnb serve: {exc}", file=sys.stderr, flush=True)
        return 2
    if args.idle_timeout:
        from respnb.server.idle import IdleExit

        inner = cast(Any, app)
        while not hasattr(inner, "state"):  # the Starlette app inside create_app's wrappers
            inner = inner.app
        service = inner.state.service
        watcher = IdleExit(
            app, args.idle_timeout, busy=lambda: any(not r.done for r in service.runs.values())
        )
        watcher.start()
        app = watcher
    auth = "required" if config.api_key else "not required"
    print(
        f"respnb serve: http://{args.host}:{args.port}/v1  dialect={config.dialect}  "
        f"db={db}  api key {auth}  faults={'on' if config.faults else 'off'}  "
        f"pace={config.pace or 'max'}"
        + (f"  webhooks -> {config.webhook_url}" if config.webhook_url else "")
        + (f"  upstream -> {upstream.endpoint}" if upstream else "")
        + ("  lenient" if config.lenient else ""),
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        lifespan="on",
        timeout_graceful_shutdown=5,
        timeout_keep_alive=75,
    )
    return 0


def _add_serve(sub: Any) -> None:
    p = sub.add_parser(
        "serve",
        help="run the local Responses API server",
        description="Run respnb's local Responses API server (Starlette + "
        "uvicorn, SQLite WAL store). `respnb serve status` shows the on-demand server "
        "(started by the local profile); `respnb serve stop` stops it.",
    )
    p.add_argument(
        "action",
        nargs="?",
        choices=["status", "stop"],
        default=None,
        help="status: where the on-demand local server runs; stop: stop it",
    )
    p.add_argument("--host", default="127.0.0.1", help="bind address (default: loopback)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--db", default=None, help="SQLite file (default <home>/server.sqlite3)")
    p.add_argument(
        "--dialect",
        default="openai",
        choices=["openai", "manus", "maniac"],
        help="wire dialect to speak (default openai)",
    )
    p.add_argument(
        "--api-key",
        default=None,
        help="require this key on every request (visible in ps: prefer --api-key-file or "
        "$RESPNB_SERVER_API_KEY); needed to bind an address other than loopback",
    )
    p.add_argument(
        "--api-key-file",
        default=None,
        metavar="PATH",
        help="read the required API key from this file (first line)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests whose Host header names NAME (repeatable; '*': any). "
        "Loopback names and the bound address are always allowed",
    )
    p.add_argument(
        "--max-body-mb",
        type=float,
        default=None,
        metavar="MB",
        help="largest JSON request body in MiB (default 16; uploads: 64)",
    )
    p.add_argument(
        "--faults",
        action="store_true",
        help="honour the x-respnb-fault request header (tests only)",
    )
    p.add_argument(
        "--pace",
        type=float,
        default=None,
        help="tokens per second of streamed deltas (default: as fast as possible)",
    )
    p.add_argument(
        "--webhook-url",
        default=None,
        help="loopback URL to POST a signed event to when a background response ends",
    )
    p.add_argument(
        "--webhook-secret",
        default=None,
        help="whsec_<base64> signing secret of the webhooks (default: $RESPNB_WEBHOOK_SECRET)",
    )
    p.add_argument(
        "--lenient",
        action="store_true",
        help="accept unknown parameters, tool types and enum values (default: refuse them "
        "with a 400, as the real services do)",
    )
    p.add_argument(
        "--upstream",
        default=None,
        metavar="URL",
        help="answer with this Chat Completions endpoint (e.g. http://127.0.0.1:11434/v1 for "
        "Ollama) instead of the demo engine",
    )
    p.add_argument(
        "--upstream-key-env",
        default=None,
        metavar="VAR",
        help="environment variable holding the upstream's API key (sent as a bearer token)",
    )
    p.add_argument(
        "--upstream-model",
        default=None,
        metavar="NAME",
        help="model name sent upstream (default: each request's model)",
    )
    p.add_argument("--log-level", default="warning", help="uvicorn log level")
    p.add_argument(
        "--idle-timeout",
        type=float,
        default=0,
        metavar="SECONDS",
        help="exit after this long with no request and no live run (0: never; the local "
        "profile's on-demand server uses 1800)",
    )
    p.set_defaults(func=_serve)


def _add_history(sub: Any) -> None:
    from respnb.tasks._cli import add_history

    add_history(sub)


def _add_doctor(sub: Any) -> None:
    from respnb._doctor import add_doctor

    add_doctor(sub)


SUBCOMMANDS: list[Callable[[Any], None]] = [_add_serve, _add_history, _add_doctor]
"""Registrars of subcommands; each adds one parser to the subparsers object."""


def build_parser() -> argparse.ArgumentParser:
    """The ``respnb`` argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(prog="respnb", description="respnb command line")
    sub = parser.add_subparsers(dest="command", required=True)
    for register in SUBCOMMANDS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``respnb`` command."""
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    return func(args)


if __name__ == "__main__":
    sys.exit(main())
