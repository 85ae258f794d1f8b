"""What ``%%respond`` checks and fills in before it sends anything.

``{name}`` fields in option values, the profile's capabilities, and the ``--confirm-tools``
prompt.
"""

from __future__ import annotations

import json
from typing import Any

from IPython.core.error import UsageError

from .._profiles import Profile
from .._prompt import PromptError, interpolate_option
from ..types import FunctionCall
from ._magic_args import RespondOptions

__all__ = ["ask_before_running", "check_capabilities", "fill_options"]


def fill_options(args: Any, user_ns: dict[str, Any]) -> None:
    """``{name}`` fields in option values come from the notebook (``--conversation {conv.id}``)."""

    def fill(value: Any) -> Any:
        if isinstance(value, str):
            return interpolate_option(value, user_ns)
        if isinstance(value, list):  # repeatable options, nargs="+" ones nested in them
            return [fill(v) for v in value]
        return value

    for name, value in vars(args).items():
        if name == "prompt":
            continue
        try:
            setattr(args, name, fill(value))
        except PromptError as exc:
            flag = "--" + name.replace("_", "-")
            raise UsageError(f"option {flag}: {exc}") from None


def check_capabilities(profile: Profile, opts: RespondOptions) -> None:
    """Refuse, before sending anything, what the profile's service cannot do."""
    needs = {
        "background": opts.background,
        "tools": bool(opts.function_tools or opts.hosted_tools),
        "conversations": opts.conversation is not None,
        "previous_response_id": opts.cont,
    }
    for feature, wanted in needs.items():
        if wanted and not profile.supports(feature):
            raise UsageError(
                f"profile {profile.name!r} does not support {feature.replace('_', ' ')}: "
                f"drop that option or use another profile (--profile)."
            )


def ask_before_running(call: FunctionCall) -> bool:
    """``--confirm-tools``: ask on the notebook's stdin before running a call."""
    try:
        args = json.dumps(json.loads(call.arguments or "{}"), ensure_ascii=False)
    except ValueError:
        args = call.arguments
    answer = input(f"Run tool {call.name}({args})? [y/N] ")
    return answer.strip().lower() in ("y", "yes")
