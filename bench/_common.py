"""Helpers shared by the benchmarks: the machine description and a counting transport.

Not a benchmark itself (``run_all.py`` runs only the ``bench_*.py`` scripts it lists).
"""

from __future__ import annotations

import os
import platform
import sys
import time
from typing import Any

import httpx

__all__ = ["CountingTransport", "machine_info"]


def machine_info() -> dict[str, Any]:
    """Where and when a figure was measured: cores, Python, library versions, load average."""
    info: dict[str, Any] = {
        "date_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "cpus": os.cpu_count(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "argv": sys.argv[1:],
    }
    for name in ("openai", "httpx", "pydantic", "pandas", "IPython"):
        try:
            module = __import__(name)
            info[f"{name}_version"] = getattr(module, "__version__", "?")
        except ImportError:
            info[f"{name}_version"] = None
    return info


class CountingTransport(httpx.AsyncBaseTransport):
    """Wraps a real transport and counts the HTTP requests a client makes, per method."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport(
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64)
        )
        self.requests = 0
        self.by_method: dict[str, int] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        self.by_method[request.method] = self.by_method.get(request.method, 0) + 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
