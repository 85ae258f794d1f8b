"""The typed parameters of ``responses.create`` / ``stream`` / ``parse`` / ``input_tokens``.

One :class:`ResponseCreateParams` (a ``TypedDict`` used with ``Unpack``) serves the async and
the sync client, so an IDE completes the fields and mypy checks them. Fields a service adds
beyond OpenAI's (Manus ``task_id``, Maniac ``tags``) are listed too; anything else goes in
``extra_body``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from typing_extensions import TypedDict

from .._exceptions import UnsupportedFeatureError

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient

__all__ = ["InputTokensParams", "ResponseCreateParams", "build_create_body"]


class InputTokensParams(TypedDict, total=False):
    """The fields ``responses.input_tokens`` counts (a subset of a create's)."""

    model: str
    input: str | Sequence[Mapping[str, Any]]
    instructions: str | None
    tools: Iterable[Mapping[str, Any]] | None
    tool_choice: str | Mapping[str, Any] | None
    previous_response_id: str | None
    conversation: str | Mapping[str, Any] | None
    reasoning: Mapping[str, Any] | None
    text: Mapping[str, Any] | None
    truncation: Literal["auto", "disabled"] | None
    parallel_tool_calls: bool | None


class ResponseCreateParams(InputTokensParams, total=False):
    """The body fields of ``POST /responses`` (None values are left out)."""

    background: bool | None
    store: bool | None
    include: Sequence[str] | None
    max_output_tokens: int | None
    max_tool_calls: int | None
    metadata: Mapping[str, str] | None
    temperature: float | None
    top_p: float | None
    top_logprobs: int | None
    user: str | None
    safety_identifier: str | None
    prompt: Mapping[str, Any] | None
    prompt_cache_key: str | None
    service_tier: str | None
    stream_options: Mapping[str, Any] | None
    # Manus
    task_id: str | None
    task_mode: str | None
    agent_profile: str | None
    create_shareable_link: bool | None
    hide_in_task_list: bool | None
    # Maniac
    tags: Sequence[str] | None
    trace: Mapping[str, Any] | None


def build_create_body(
    api: AsyncAPIClient,
    params: Mapping[str, Any],
    extra_body: Mapping[str, Any] | None,
    *,
    stream: bool = False,
) -> dict[str, Any]:
    """The JSON body of a create: profile defaults, then ``params``, then ``extra_body``.

    Checks the profile's capabilities first (nothing is sent when a feature is missing).
    """
    profile = api.profile
    body: dict[str, Any] = dict(profile.body)
    body.update({k: v for k, v in params.items() if v is not None})
    body.update(extra_body or {})
    if body.get("model") is None and profile.default_model:
        body["model"] = profile.default_model
    if body.get("background"):
        profile.require("background")
        body.setdefault("store", True)  # background responses must be stored
    elif "background" in body and not body["background"]:
        del body["background"]
    if stream:
        profile.require("streaming")
        body["stream"] = True
    if body.get("tools"):
        if profile.kind == "maniac":
            raise UnsupportedFeatureError(
                profile.name,
                "tools",
                "Maniac does not support managed tools yet: it rejects a non-empty `tools` "
                "list. Remove tools=... from the request (or use another profile).",
            )
        profile.require("tools")
    if body.get("previous_response_id"):
        profile.require("previous_response_id")
        if body.get("task_id"):
            raise ValueError("pass either previous_response_id or task_id, not both")
        if body.get("conversation"):
            raise ValueError("previous_response_id cannot be combined with conversation")
    if body.get("conversation"):
        profile.require("conversations")
    return body
