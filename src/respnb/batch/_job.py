"""One batch run: the spec, its store rows, the runner on the client's loop thread, the result.

:func:`start` renders the rows, opens the job in the batch store (rows already done are kept and
skipped), estimates the size, and starts the runner (one request per row, or the provider's
Batch API) on :func:`respnb._sync.loop_thread`. The :class:`BatchJob` it returns can be waited
for (``result()`` -> DataFrame), cancelled, and watched (``progress``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._client import AsyncClient
from .._sync import LoopThread, loop_thread
from ..tasks.batch_store import BatchStore, shared_batch_store
from ._batch_api import ApiConfig, BatchApiRunner
from ._estimate import BatchEstimate, ConfirmationRequired, estimate_requests, pricer
from ._frame import results_frame
from ._limiter import AdaptiveLimiter
from ._progress import BatchProgress
from ._runner import RowRunner, RunConfig
from ._spec import BatchOptions, BatchSpec, RowRequest

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BatchJob", "JobSettings", "running_jobs", "start"]

_BATCH_KINDS = ("openai", "local")
_running: dict[str, BatchJob] = {}
_running_lock = threading.Lock()


def running_jobs() -> dict[str, BatchJob]:
    """Jobs running in this process, by batch id."""
    with _running_lock:
        return dict(_running)


@dataclass
class JobSettings:
    """How the job runs (the options that do not change what is sent)."""

    mode: str = "auto"
    batch_above: int = 20_000
    run: RunConfig = field(default_factory=RunConfig)
    api: ApiConfig = field(default_factory=ApiConfig)
    confirm: Any = None
    confirm_above: float | None = 2_000_000
    keep: bool = False


class BatchJob:
    """A running (or finished) batch."""

    def __init__(
        self,
        spec: BatchSpec,
        options: BatchOptions,
        settings: JobSettings,
        client: AsyncClient,
        store: BatchStore,
        source: pd.DataFrame,
        loop: LoopThread,
    ) -> None:
        self.spec = spec
        self.id = spec.id
        self.options = options
        self.settings = settings
        self.client = client
        self.store = store
        self.source = source
        self.loop = loop
        self.mode = "rows"
        self.cancel_event = threading.Event()
        self.progress = BatchProgress(spec.id, len(spec.requests))
        self.estimate: BatchEstimate | None = None
        self.requests_sent = 0
        """HTTP requests this run sent (rows mode; retries included)."""
        self.future: concurrent.futures.Future[str] | None = None
        self.finished = threading.Event()
        """Set once the run ended and recorded everything (whatever the way it ended)."""
        self.limiter: AdaptiveLimiter | None = None
        """The rows mode's limiter (429s seen, decreases, current concurrency)."""

    def __repr__(self) -> str:
        return f"<BatchJob {self.id} {self.progress.line()}>"

    @property
    def done(self) -> bool:
        return self.future is not None and self.future.done()

    def cancel(self) -> None:
        """Stop sending: rows in flight are abandoned (they stay pending for a re-run);
        provider batches are cancelled (their finished requests are kept)."""
        self.cancel_event.set()
        self.store.request_cancel(self.id)

    def wait(self, timeout: float | None = None) -> str:
        """Block until the run ends; its status (``completed``, ``cancelled``, ``stopped``...)."""
        assert self.future is not None
        future = self.future
        if timeout is None:  # Ctrl-C here cancels the run (finished rows are recorded)

            async def until_done() -> str:
                return await asyncio.wrap_future(future)

            return self.loop.run(until_done())
        return future.result(timeout)

    def settle(self, timeout: float = 30.0) -> None:
        """After an interrupt: stop the run and wait until it recorded its last results."""
        if self.future is None:
            return
        self.future.cancel()  # (a cancelled future is done at once; its task unwinds after)
        self.finished.wait(timeout)

    def result(self, timeout: float | None = None) -> pd.DataFrame:
        """Wait for the run, then the results frame (aligned to the input's index)."""
        if self.future is not None and not self.future.done():
            self.wait(timeout)
        return self.frame()

    def frame(self) -> pd.DataFrame:
        """The results recorded so far (rows not done yet have status ``pending``)."""
        frame = results_frame(
            self.spec.index,
            self.spec.row_keys,
            self.store.results(self.id),
            schema=self.options.schema,
            source=self.source if self.settings.keep else None,
        )
        frame.attrs["batch_id"] = self.id
        return frame

    # -- running -------------------------------------------------------------------------------

    def pending(self) -> list[RowRequest]:
        results = self.store.results(self.id)
        return [r for k, r in self.spec.requests.items() if not (k in results and results[k].done)]

    async def prepare(self) -> None:
        """Estimate and confirm (raises :class:`ConfirmationRequired`)."""
        todo = self.pending()
        self.progress.skipped = len(self.spec.requests) - len(todo)
        est = await estimate_requests(
            self.client, todo, rows=len(self.spec), requests=len(self.spec.requests)
        )
        self.estimate = est
        self.progress.pricer = pricer(self.client, self.spec.model)
        self.progress.estimate = f"estimate: {est}"
        s = self.settings
        if s.confirm_above is not None and est.input_tokens > s.confirm_above:
            ok = s.confirm(est) if callable(s.confirm) else s.confirm is True
            if not ok:
                raise ConfirmationRequired(est, s.confirm_above)
        mode = s.mode
        if mode == "auto":
            big = est.to_send >= s.batch_above
            mode = "batch" if big and self.client.profile.kind in _BATCH_KINDS else "rows"
        if mode == "batch" and self.options.function_tools():
            raise ValueError(
                "mode='batch' cannot run Python function tools (the provider runs the batch): "
                "use mode='rows', or hosted tools only."
            )
        self.mode = mode
        self.progress.mode = mode

    async def execute(self) -> str:
        todo = self.pending()
        self.progress.status = "running"
        with _running_lock:
            _running[self.id] = self
        status = "failed"
        try:
            if self.mode == "batch":
                api_runner = BatchApiRunner(
                    self.client,
                    self.id,
                    todo,
                    store=self.store,
                    progress=self.progress,
                    config=self.settings.api,
                    cancel=self.cancel_event,
                    schema=self.options.schema,
                    title=self.spec.template,
                )
                status = await api_runner.run()
            else:
                runner = RowRunner(
                    self.client._api,
                    self.id,
                    todo,
                    store=self.store,
                    progress=self.progress,
                    config=self.settings.run,
                    cancel=self.cancel_event,
                    schema=self.options.schema,
                    tools=self.options.function_tools(),
                    max_tool_rounds=self.options.max_tool_rounds,
                )
                self.limiter = runner.limiter
                try:
                    status = await runner.run()
                finally:
                    self.requests_sent = runner.sent
        except asyncio.CancelledError:
            status = "interrupted"
            raise
        except BaseException as exc:
            self.store.set_status(self.id, "failed", f"{type(exc).__name__}: {exc}")
            status = "failed"
            raise
        finally:
            with _running_lock:
                if _running.get(self.id) is self:
                    del _running[self.id]
            if status != "failed":
                self.store.set_status(self.id, status)
            self.progress.finish(status)
            self.finished.set()
            await self.client.close()
        return status


def start(
    spec: BatchSpec,
    options: BatchOptions,
    settings: JobSettings,
    client: AsyncClient,
    source: pd.DataFrame,
    *,
    loop: LoopThread | None = None,
    store: BatchStore | None = None,
) -> BatchJob:
    """Open the job, estimate (may raise), then start it on the loop thread."""
    loop = loop or loop_thread()
    store = store or shared_batch_store()
    profile = client.profile
    store.open_job(
        spec.id,
        profile=profile.name,
        base_url=client.base_url,
        model=spec.model,
        mode=settings.mode,
        template=spec.template,
        rows={k: r.body_json() for k, r in spec.requests.items()},
    )
    job = BatchJob(spec, options, settings, client, store, source, loop)
    try:
        loop.run(job.prepare())
    except BaseException:
        store.set_status(spec.id, "not started")
        loop.run(client.close())
        raise
    job.future = asyncio.run_coroutine_threadsafe(job.execute(), loop.loop)
    return job
