"""Batching a prompt over a DataFrame: ``respnb.batch(df, "Classify: {text}", schema=Label)``.

Every row fills the template's ``{column}`` fields (the rules of ``%%respond``) and becomes one
request; the answer is a DataFrame aligned to ``df.index`` (``output_text``, one typed column per
schema field, ``status``, ``error``, token usage, ``response_id``). Each row's request and result
is recorded in the task registry's database under a batch id derived from the call: re-running
the same call after an interrupt, a cancel or a kernel restart sends only the rows not done.
Large batches go through the provider's Batch API (``mode="batch"``, or automatically from
``batch_above`` requests). :func:`batches` lists the batches, :func:`cancel` stops one.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._client import AsyncClient
from .._profiles import Profile
from ..tasks.batch_store import JOB_FIELDS, shared_batch_store
from ._batch_api import MAX_BYTES, MAX_LINES, ApiConfig
from ._estimate import BatchEstimate, ConfirmationRequired
from ._job import BatchJob, JobSettings, running_jobs, start
from ._progress import BatchProgress, TextProgress
from ._runner import RunConfig
from ._spec import BatchOptions, build_spec

if TYPE_CHECKING:
    import pandas as pd
    from pydantic import BaseModel

__all__ = [
    "BatchEstimate",
    "BatchJob",
    "BatchOptions",
    "BatchProgress",
    "ConfirmationRequired",
    "batch",
    "batches",
    "cancel",
    "start_batch",
]


def _in_kernel() -> bool:
    ipython = sys.modules.get("IPython")
    if ipython is None or "ipykernel" not in sys.modules:
        return False
    shell = ipython.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _show(job: BatchJob, progress: str | None, *, blocking: bool) -> None:
    kind = progress
    if kind == "auto":
        kind = "widget" if _in_kernel() else "text"
    if kind == "widget":
        import respnb  # the root wires the notebook layer in

        respnb._show_batch_progress(job, cancellable=not blocking)  # a busy kernel hears no click
    elif kind == "text":
        TextProgress(job.progress)
    elif kind is not None:
        raise ValueError(f"progress={progress!r}: use 'auto', 'widget', 'text' or None.")


def start_batch(
    df: pd.DataFrame,
    prompt: str,
    *,
    model: str | None = None,
    profile: str | Profile | None = None,
    instructions: str | None = None,
    schema: type[BaseModel] | None = None,
    tools: Sequence[Any] = (),
    reasoning: str | dict[str, str] | None = None,
    max_output_tokens: int | None = None,
    temperature: float | None = None,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    keep: bool = False,
    mode: str = "auto",
    concurrency: int = 16,
    retries: int = 4,
    stream: bool = False,
    max_rows: int | None = None,
    confirm: bool | Callable[[BatchEstimate], bool] | None = None,
    confirm_above: float | None = 2_000_000,
    batch_above: int = 20_000,
    poll_interval: float = 2.0,
    poll_max: float = 60.0,
    max_lines: int = MAX_LINES,
    max_bytes: int = MAX_BYTES,
    batch_metadata: Mapping[str, str] | None = None,
    progress: str | None = "auto",
    base_url: str | None = None,
    api_key: str | None = None,
    namespace: Mapping[str, Any] | None = None,
    fill: Callable[[str, Mapping[str, Any]], str] | None = None,
    _blocking: bool = False,
) -> BatchJob:
    """Start a batch and return at once: a :class:`BatchJob` (``result()``, ``cancel()``,
    ``progress``). Same arguments as :func:`batch`."""
    if mode not in ("auto", "rows", "batch"):
        raise ValueError(f"mode={mode!r}: use 'auto', 'rows' or 'batch'.")
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}.")
    if max_rows is not None and max_rows < 0:
        raise ValueError(f"max_rows must be 0 or more, got {max_rows}.")
    options = BatchOptions(
        model=model,
        profile=profile,
        instructions=instructions,
        schema=schema,
        tools=list(tools),
        reasoning=reasoning,
        max_output_tokens=max_output_tokens,
        temperature=temperature,
        extra=dict(extra or {}),
        headers=dict(headers or {}),
    )
    options.check()
    client = AsyncClient(profile, base_url=base_url, api_key=api_key, max_retries=0)
    chosen = model or client.profile.default_model
    scope = f"{client.profile.name} {client.base_url}"
    kwargs = {"fill": fill} if fill is not None else {}
    spec = build_spec(df, prompt, options, model=chosen, scope=scope, namespace=namespace, **kwargs)
    settings = JobSettings(
        mode=mode,
        batch_above=batch_above,
        run=RunConfig(concurrency=concurrency, retries=retries, stream=stream, max_rows=max_rows),
        api=ApiConfig(
            max_lines=max_lines,
            max_bytes=max_bytes,
            poll_interval=poll_interval,
            poll_max=poll_max,
            metadata=dict(batch_metadata or {}),
        ),
        confirm=confirm,
        confirm_above=confirm_above,
        keep=keep,
    )
    job = start(spec, options, settings, client, df)
    _show(job, progress, blocking=_blocking)
    return job


def batch(df: pd.DataFrame, prompt: str, **options: Any) -> pd.DataFrame:
    """Send ``prompt`` once per row of ``df``; the results as a DataFrame aligned to its index.

    Options: ``model``, ``profile``, ``instructions`` (a template too), ``schema`` (a pydantic
    model: its fields become typed columns), ``tools`` (Python functions run per row by the tool
    loop, hosted tool names, tool dicts), ``reasoning``, ``max_output_tokens``, ``temperature``,
    ``extra`` (provider body fields), ``headers`` (values may use ``{column}``); ``keep=True``
    keeps the input columns; ``mode`` (``auto``, ``rows``, ``batch``), ``concurrency`` (16),
    ``retries``, ``stream``, ``max_rows`` (stop after that many rows; re-run to go on),
    ``confirm`` / ``confirm_above`` (input tokens above which ``confirm=True`` is needed),
    ``batch_above`` (requests from which ``auto`` uses the Batch API), ``progress`` (``auto``,
    ``widget``, ``text``, None). Interrupting the kernel stops the batch and returns what is done.
    """
    job = start_batch(df, prompt, _blocking=True, **options)
    try:
        job.wait()
    except KeyboardInterrupt:
        job.settle()  # its last results are recorded before the frame is read
        print(
            f"respnb: batch {job.id} interrupted; {job.progress.settled:,} of "
            f"{job.progress.total:,} requests done. Run the same call again to send the rest.",
            file=sys.stderr,
        )
    return job.frame()


def batches() -> pd.DataFrame:
    """Every recorded batch, newest first: status, mode, rows, done, failed, pending, tokens."""
    import pandas as pd

    rows = shared_batch_store().jobs()
    columns = [c for c in JOB_FIELDS if c not in ("error", "template")]
    frame = pd.DataFrame([{c: r[c] for c in columns} for r in rows], columns=columns)
    for col in ("created_at", "updated_at"):
        frame[col] = pd.to_datetime(frame[col], unit="s", utc=True)
    for col in ("rows", "done", "failed", "pending", "input_tokens", "output_tokens"):
        frame[col] = frame[col].astype("Int64")
    return frame.set_index("id")


def cancel(batch_id: str) -> bool:
    """Cancel a batch: a run in this process stops now, one in another kernel within a second,
    and its provider batches are cancelled. False when the id is unknown."""
    import json as _json

    store = shared_batch_store()
    if not store.request_cancel(batch_id):
        return False
    job = running_jobs().get(batch_id)
    if job is not None:
        job.cancel()
        return True
    record = store.job(batch_id) or {}
    ids = _json.loads(record.get("provider_batches") or "[]")
    if ids:
        from .._sync import Client

        with Client(record.get("profile"), base_url=record.get("base_url")) as client:
            for pid in ids:
                try:
                    client.batches.cancel(pid)
                except Exception as exc:
                    print(f"respnb: cancelling {pid} failed: {exc}", file=sys.stderr)
    return True


class _CallableModule(types.ModuleType):
    """Lets ``respnb.batch(df, prompt)`` work although ``respnb.batch`` is this package."""

    def __call__(self, df: pd.DataFrame, prompt: str, **options: Any) -> pd.DataFrame:
        return batch(df, prompt, **options)


sys.modules[__name__].__class__ = _CallableModule
