"""What ``%%respond`` checks and fills in before it sends anything.

``{name}`` fields in option values, the profile's capabilities, the ``--confirm-tools``
prompt, and ``did you mean`` for a misspelt option.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
from typing import Any

from IPython.core.error import UsageError

from .._profiles import Profile
from .._prompt import PromptError, interpolate_option
from ..types import FunctionCall
from ._magic_options import RespondOptions

__all__ = ["ask_before_running", "check_capabilities", "fill_options", "suggest_options"]


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


def suggest_options(message: str, parser: argparse.ArgumentParser) -> str:
    """``message`` (an argparse error) with ``did you mean --x?`` for each misspelt option."""
    found = re.search(r"unrecognized arguments: (.*)$", message)
    if found is None:
        return message
    flags = [f for f in parser._option_string_actions if f.startswith("--")]
    hints = []
    for word in found.group(1).split():
        if not word.startswith("-"):
            continue
        name = word.split("=", 1)[0]
        close = difflib.get_close_matches(name, flags, n=1, cutoff=0.6)
        if close:
            hints.append(f"{name}: did you mean {close[0]}?")
    if not hints:
        return message + " (see %%respond? for every option)"
    return message + "; " + "; ".join(hints)
