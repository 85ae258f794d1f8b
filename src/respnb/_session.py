"""Per-notebook state of ``%%respond``: the last result and what ``--continue`` chains onto.

One kernel runs one notebook, so the state is per process (:data:`session`). It is
Jupyter-free: the magics write it, ``respnb.last`` / ``respnb.last_parsed`` read it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import Any

from pydantic import PrivateAttr

from ._tools import drop_null_defaults
from .types import Response

__all__ = ["RespondResult", "Session", "session"]


class RespondResult(Response):
    """The Response of a ``%%respond`` run, plus what the run added on top of it.

    * :attr:`parsed`: the ``--schema`` model instance parsed from ``output_text`` (or None);
    * :attr:`parse_error`: why parsing failed, when it did;
    * :attr:`rounds`: every response of a tool loop (the last one is this one);
    * :attr:`interrupted`: the run was cancelled from the notebook (the output is partial);
    * :attr:`notice`: a message about how the run ended (e.g. the tool-round limit).
    """

    _parsed: Any = PrivateAttr(default=None)
    _parse_error: str | None = PrivateAttr(default=None)
    _rounds: list[Response] = PrivateAttr(default_factory=list)
    _interrupted: bool = PrivateAttr(default=False)
    _notice: str | None = PrivateAttr(default=None)

    @classmethod
    def wrap(
        cls,
        response: Response,
        *,
        rounds: Sequence[Response] = (),
        interrupted: bool = False,
        notice: str | None = None,
    ) -> RespondResult:
        """A result carrying every field of ``response`` (extra fields included)."""
        data = dict(response.__dict__)
        data.update(response.__pydantic_extra__ or {})
        result = cls.model_construct(_fields_set=set(response.model_fields_set), **data)
        result._rounds = list(rounds) or [response]
        result._interrupted = interrupted
        result._notice = notice
        return result

    def parse_with(self, model: type[Any]) -> Any:
        """Parse ``output_text`` as JSON into the pydantic ``model``; remember the outcome."""
        try:
            data = json.loads(self.output_text)
            schema = model.model_json_schema()
            # strict schemas make defaulted fields nullable: null means "the default"
            data = drop_null_defaults(data, schema, schema.get("$defs", {}))
            self._parsed = model.model_validate(data)
            self._parse_error = None
        except ValueError as exc:
            self._parsed = None
            self._parse_error = f"the answer does not fit {model.__name__}: {exc}"
        return self._parsed

    @property
    def parsed(self) -> Any:
        """The ``--schema`` object parsed from the answer, or None."""
        return self._parsed

    @property
    def parse_error(self) -> str | None:
        return self._parse_error

    @property
    def rounds(self) -> list[Response]:
        return list(self._rounds)

    @property
    def interrupted(self) -> bool:
        return self._interrupted

    @property
    def notice(self) -> str | None:
        return self._notice


class Session:
    """The last result, and the previous response id per profile for ``--continue``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: RespondResult | None = None
        self._previous: dict[str, str | None] = {}
        self.local_notice_shown = False

    @property
    def last(self) -> RespondResult | None:
        """The result of the latest finished ``%%respond`` run."""
        with self._lock:
            return self._last

    @property
    def last_parsed(self) -> Any:
        """``last.parsed``: the structured object of the latest ``--schema`` run."""
        last = self.last
        return last.parsed if last is not None else None

    def record(self, profile: str, result: RespondResult) -> None:
        """Remember ``result`` as ``last`` and as what ``--continue`` chains onto.

        An unstored response (``store=false``) cannot be chained onto: ``--continue`` then
        says so instead of chaining onto an older one.
        """
        with self._lock:
            self._last = result
            if result.id:
                self._previous[profile] = None if result.store is False else result.id

    def previous_id(self, profile: str) -> str | None:
        """The id ``--continue`` uses; raises LookupError (with the reason) when there is none."""
        with self._lock:
            if profile not in self._previous:
                raise LookupError(
                    f"there is no previous response of profile {profile!r} in this notebook "
                    "to continue: run %%respond without -c first."
                )
            found = self._previous[profile]
        if found is None:
            raise LookupError(
                f"the previous response of profile {profile!r} was not stored (--no-store), "
                "so it cannot be continued: use --new, or run it again without --no-store."
            )
        return found

    def reset(self) -> None:
        """Forget everything (a new notebook; used by tests)."""
        with self._lock:
            self._last = None
            self._previous.clear()
            self.local_notice_shown = False


session = Session()
"""The state of this process's notebook."""
