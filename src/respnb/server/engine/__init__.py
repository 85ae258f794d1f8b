"""The deterministic demo engine of respnb's local Responses server.

The server (:mod:`respnb.server`) decides how to deliver; the engine decides what the model
says. Given an :class:`EngineRequest` (create body, prior items, uploaded files, dialect),
:func:`generate` yields the item-level stream events of the response in the canonical order
of protocol.md §3 (no ``sequence_number``, no lifecycle events). The same request gives the
same events. :func:`usage_for`, :func:`incomplete_reason`, :func:`needs_input` and
:func:`pace_for` describe the finished run; :func:`validate_body` rejects what the engine
cannot answer with :class:`EngineRequestError` (message and ``param``).

Models: ``respnb-demo`` (any name works) and ``respnb-slow`` (long answers at
:data:`SLOW_PACE` tokens per second). ``metadata.respnb_pace`` overrides the pace.
"""

from __future__ import annotations

from .context import fit_context
from .core import generate
from .documents import extract_text
from .hosted import search_files
from .manus import REPORT_NAME, manus_file_content, needs_input
from .models import context_window, image_tokens, is_reasoning_model
from .request import EngineFile, EngineRequest, EngineRequestError
from .schema import instance_for
from .text import SLOW_MODEL
from .tokens import count_tokens, split_tokens
from .usage import SLOW_PACE, incomplete_reason, input_tokens_for, pace_for, usage_for
from .validate import validate_body

__all__ = [
    "REPORT_NAME",
    "SLOW_MODEL",
    "SLOW_PACE",
    "EngineFile",
    "EngineRequest",
    "EngineRequestError",
    "context_window",
    "count_tokens",
    "extract_text",
    "fit_context",
    "generate",
    "image_tokens",
    "incomplete_reason",
    "is_reasoning_model",
    "input_tokens_for",
    "instance_for",
    "manus_file_content",
    "needs_input",
    "pace_for",
    "search_files",
    "split_tokens",
    "usage_for",
    "validate_body",
]
