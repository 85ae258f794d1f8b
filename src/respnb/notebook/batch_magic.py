"""``%%respond --over df``: the cell is a template sent once per row of a DataFrame.

The options are the magic's own (parsed and checked by :func:`._magic_options.build_options`);
``{column}`` fields come from the row, any other ``{name}`` from the notebook, with the magic's
interpolation. The result DataFrame (see :func:`respnb.batch.batch`) goes to ``--out``
(default ``_r``). With ``-b`` the cell returns at once and the variable is set when the batch
ends; the view's Cancel button works then (a busy kernel cannot hear it: interrupt instead).
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Mapping
from typing import Any

from IPython.core.error import UsageError

from .._exceptions import ConfigurationError, RespnbError
from .._prompt import interpolate
from ..batch import batch, start_batch
from ._magic_options import RespondOptions

__all__ = ["run_over"]

_NOT_PER_ROW = (
    ("cont", "--continue"),
    ("conversation", "--conversation"),
    ("attachments", "--attach"),
    ("confirm_tools", "--confirm-tools"),
)


def batch_kwargs(args: argparse.Namespace, opts: RespondOptions) -> dict[str, Any]:
    """The :func:`respnb.batch.batch` options of the magic's options."""
    for attr, flag in _NOT_PER_ROW:
        if getattr(opts, attr):
            raise UsageError(f"{flag} cannot be combined with --over: drop it.")
    if args.concurrency is not None and args.concurrency < 1:
        raise UsageError(f"--concurrency must be at least 1, got {args.concurrency}.")
    kwargs: dict[str, Any] = {
        "model": opts.model,
        "profile": opts.profile,
        "instructions": opts.instructions,
        "schema": opts.schema,
        "tools": [*opts.function_tools, *opts.hosted_tools],
        "reasoning": opts.reasoning,
        "max_output_tokens": opts.max_output_tokens,
        "temperature": opts.temperature,
        "extra": dict(opts.extra),
        "keep": args.keep,
        "mode": args.mode or "auto",
        "stream": False,
        "progress": None if opts.quiet else "auto",
        "confirm": True if args.yes else None,
    }
    if opts.store is False:
        kwargs["extra"]["store"] = False
    if args.concurrency is not None:
        kwargs["concurrency"] = args.concurrency
    return kwargs


def run_over(
    shell: Any,
    args: argparse.Namespace,
    opts: RespondOptions,
    template: str,
    user_ns: Mapping[str, Any],
) -> None:
    """Run the batch of ``%%respond --over NAME``; the frame goes to ``user_ns[opts.out]``."""
    import pandas as pd

    df = user_ns.get(args.over)
    if df is None:
        raise UsageError(f"--over: no variable named {args.over!r} in the notebook.")
    if not isinstance(df, pd.DataFrame):
        raise UsageError(f"--over {args.over!r} is a {type(df).__name__}, not a pandas DataFrame.")
    kwargs = batch_kwargs(args, opts)
    kwargs.update(namespace=user_ns, fill=interpolate)
    try:
        if opts.background:
            job = start_batch(df, template, **kwargs)

            def finish() -> None:
                frame = job.result()
                if shell is not None:
                    shell.user_ns[opts.out] = frame

            threading.Thread(target=finish, name="respnb-batch-result", daemon=True).start()
            if shell is not None:
                shell.user_ns[f"{opts.out}_job"] = job
            return
        frame = batch(df, template, **kwargs)
    except (ValueError, TypeError, ConfigurationError, RespnbError) as exc:
        raise UsageError(str(exc)) from None
    if shell is not None:
        shell.user_ns[opts.out] = frame
