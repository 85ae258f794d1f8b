"""Capability probing: find out, with small safe requests, what a Responses server really does.

:func:`probe` sends a handful of tiny requests (a few output tokens each; every response it
creates is deleted again where the server allows) and returns a :class:`ProbeReport`: one
:class:`Finding` per feature with ``yes`` / ``no`` / ``unknown`` and why, the capability flags
to put in a profile, the closest preset, and the profile as TOML. ``respnb doctor URL`` prints
it; ``Client.probe()`` / ``AsyncClient.probe()`` return it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from ._exceptions import APIError, APIStatusError
from ._presets import PRESETS
from ._probe_steps import STEPS, Finding, Probe, why

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient

__all__ = ["Finding", "ProbeReport", "probe"]

CAPABILITY_FEATURES = (
    "streaming",
    "background",
    "retrieve",
    "resume",
    "cancel",
    "delete",
    "input_items",
    "input_tokens",
    "previous_response_id",
    "conversations",
    "files",
    "tools",
)
"""Features that are capability flags of a profile (the others are reported only)."""


@dataclass
class ProbeReport:
    """Every finding, the flags they imply, and the closest preset."""

    base_url: str
    model: str | None
    findings: list[Finding] = field(default_factory=list)

    def get(self, feature: str) -> Finding | None:
        return next((f for f in self.findings if f.feature == feature), None)

    def capabilities(self) -> dict[str, bool]:
        """The capability flags the findings settle (unknown ones are left out)."""
        out: dict[str, bool] = {}
        for finding in self.findings:
            if finding.feature in CAPABILITY_FEATURES and finding.ok is not None:
                out[finding.feature] = finding.ok
        return out

    def closest_preset(self) -> tuple[str, list[str]]:
        """The preset (or ``compatible``) whose flags differ least, and the flags that differ."""
        found = self.capabilities()
        best: tuple[str, list[str]] | None = None
        for name, overrides in {"compatible": {}, **PRESETS}.items():
            diff = [k for k, v in found.items() if overrides.get(k, True) != v]
            if best is None or len(diff) < len(best[1]):
                best = (name, diff)
        assert best is not None
        return best

    def table(self) -> str:
        """A plain-text table: feature, yes/no/unknown, detail."""
        marks = {True: "yes", False: "no", None: "?"}
        width = max(len(f.feature) for f in self.findings) if self.findings else 8
        lines = [f"{'feature':<{width}}  ok   detail", f"{'-' * width}  ---  ------"]
        for f in self.findings:
            lines.append(f"{f.feature:<{width}}  {marks[f.ok]:<3}  {f.detail}")
        lines.append("")
        if not self.capabilities():
            lines.append("closest preset: unknown (nothing could be checked)")
        else:
            preset, diff = self.closest_preset()
            extra = f" (differs in: {', '.join(diff)})" if diff else " (matches)"
            lines.append(f"closest preset: {preset}{extra}")
        return "\n".join(lines)

    def profile_spec(self, *, api_key_env: str | None = None) -> dict[str, Any]:
        """The ``[profiles.NAME]`` table of a profile for this server."""
        preset, _ = self.closest_preset()
        spec: dict[str, Any] = {"kind": "compatible", "base_url": self.base_url}
        if preset != "compatible":
            spec["preset"] = preset
        if api_key_env:
            spec["api_key_env"] = api_key_env
        if self.model:
            spec["default_model"] = self.model
        spec["capabilities"] = self.capabilities()
        return spec


async def probe(api: AsyncAPIClient, *, model: str | None = None) -> ProbeReport:
    """Probe the server behind ``api`` (whatever its profile's flags say)."""
    chosen = model or api.profile.default_model or await _first_model(api)
    report = ProbeReport(base_url=api.base_url, model=chosen)
    if chosen is None:
        report.findings.append(
            Finding("create", False, "no model: pass --model (GET /models listed none)")
        )
        return report
    p = Probe(api, chosen)
    for feature, step in STEPS:
        if feature != "create" and p.first_id is None:
            p.add(feature, None, "skipped: create failed")
            continue
        try:
            await step(p)
        except (APIError, httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            status = exc.status_code if isinstance(exc, APIStatusError) else None
            ok = False if status is not None and (status < 500 or status == 501) else None
            p.add(feature, ok, why(exc))
    report.findings = p.findings
    deleted = report.get("delete")
    if deleted is not None and deleted.ok:
        for rid in p.created:  # leave nothing behind
            try:
                await api.request_json("DELETE", f"/responses/{rid}", max_retries=0)
            except (APIError, httpx.HTTPError):
                continue
    return report


async def _first_model(api: AsyncAPIClient) -> str | None:
    try:
        data = await api.request_json("GET", "/models", max_retries=0)
    except (APIError, httpx.HTTPError):
        return None
    models = data.get("data") if isinstance(data, dict) else None
    if isinstance(models, list) and models and isinstance(models[0], dict):
        first = models[0].get("id")
        return first if isinstance(first, str) else None
    return None
