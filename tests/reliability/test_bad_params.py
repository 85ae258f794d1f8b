"""Bad request parameters: the local server's 400 + ``param``, and what the client refuses
before sending (Manus task-list options, Maniac tools and features, limits).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import respnb
from respnb.server.launch import RunningServer

from .bad_support import (
    Bad,
    Ctx,
    cases,
    create,
    create_with,
    input_items_with,
    maniac,
    manus,
    param_is,
    raw_request,
    retrieve_with,
    run_case,
    stream_once,
)
from .proxy import FaultProxy

CASES: dict[str, Any] = {
    # parameters the local server rejects with 400 + param
    "max-output-tokens-negative": Bad(
        create(max_output_tokens=-5),
        respnb.BadRequestError,
        ">= 16",
        param_is("max_output_tokens"),
    ),
    "max-output-tokens-string": Bad(
        create(max_output_tokens="many"),
        respnb.BadRequestError,
        "expected an integer",
        param_is("max_output_tokens"),
    ),
    "temperature-high": Bad(
        create(temperature=5), respnb.BadRequestError, "<= 2", param_is("temperature")
    ),
    "top-p-high": Bad(create(top_p=2), respnb.BadRequestError, "<= 1", param_is("top_p")),
    "previous-unknown": Bad(
        create(previous_response_id="resp_nope"),
        respnb.BadRequestError,
        "Previous response with id 'resp_nope' not found",
        param_is("previous_response_id"),
    ),
    "conversation-and-previous-client": Bad(
        lambda c: create_with(c.mock(200, "{}"), previous_response_id="resp_1", conversation="c1"),
        ValueError,
        "cannot be combined with conversation",
        sends_nothing=True,
    ),
    "conversation-and-previous-server": Bad(
        lambda c: raw_request(
            c,
            "POST",
            "/responses",
            json={"input": "x", "conversation": "conv_1", "previous_response_id": "resp_1"},
        ),
        respnb.BadRequestError,
        "Mutually exclusive parameters",
        param_is("conversation"),
    ),
    "tool-parameters-not-object": Bad(
        create(tools=[{"type": "function", "name": "f", "parameters": "int"}]),
        respnb.BadRequestError,
        "must be a JSON schema object",
        param_is("tools[0].parameters"),
    ),
    "tool-name-bad": Bad(
        create(tools=[{"type": "function", "name": "my tool!"}]),
        respnb.BadRequestError,
        "1-64 characters",
        param_is("tools[0].name"),
    ),
    "tool-no-type": Bad(
        create(tools=[{"name": "f"}]),
        respnb.BadRequestError,
        "with a 'type'",
        param_is("tools[0]"),
    ),
    "tool-file-search-no-ids": Bad(
        create(tools=[{"type": "file_search"}]),
        respnb.BadRequestError,
        "vector_store_ids",
        param_is("tools[0].vector_store_ids"),
    ),
    "tool-schema-invalid": pytest.param(
        Bad(
            create(tools=[{"type": "function", "name": "f", "parameters": {"type": "bogus"}}]),
            respnb.BadRequestError,
            "schema",
            param_is("tools[0].parameters"),
        ),
    ),
    "input-int": Bad(
        create(input=42), respnb.BadRequestError, "string or an array", param_is("input")
    ),
    "input-role": Bad(
        create(input=[{"role": "wizard", "content": "x"}]),
        respnb.BadRequestError,
        "'user', 'assistant'",
        param_is("input[0].role"),
    ),
    "json-schema-missing": Bad(
        create(text={"format": {"type": "json_schema", "name": "x"}}),
        respnb.BadRequestError,
        "Missing required parameter",
        param_is("text.format.schema"),
    ),
    "tool-choice-bad": Bad(
        create(tool_choice="sometimes"),
        respnb.BadRequestError,
        "'none', 'auto'",
        param_is("tool_choice"),
    ),
    "metadata-not-string": Bad(
        create(metadata={"a": 1}),
        respnb.BadRequestError,
        "must be strings",
        param_is("metadata.a"),
    ),
    "reasoning-effort-bad": Bad(
        create(reasoning={"effort": "maximum"}),
        respnb.BadRequestError,
        "must be one of",
        param_is("reasoning.effort"),
    ),
    "truncation-bad": Bad(
        create(truncation="sideways"),
        respnb.BadRequestError,
        "'auto' and 'disabled'",
        param_is("truncation"),
    ),
    "fault-header-bad": Bad(
        create(extra_headers={"x-respnb-fault": "explode=1"}),
        respnb.BadRequestError,
        "Unknown fault 'explode'",
        param_is("x-respnb-fault"),
    ),
    "limit-client": Bad(
        lambda c: input_items_with(c.mock(200, "{}"), limit=0),
        ValueError,
        "limit must be between 1 and 100, got 0",
        sends_nothing=True,
    ),
    "limit-server": Bad(
        lambda c: raw_request(c, "GET", "/responses/{rid}/input_items", params={"limit": "abc"}),
        respnb.BadRequestError,
        "expected an integer",
        param_is("limit"),
    ),
    "starting-after-server": Bad(
        lambda c: raw_request(
            c, "GET", "/responses/{rid}", params={"stream": "true", "starting_after": "x"}
        ),
        respnb.BadRequestError,
        "expected an integer",
        param_is("starting_after"),
    ),
    "retrieve-unknown": Bad(
        lambda c: retrieve_with(c.client(max_retries=0), "resp_nope"),
        respnb.NotFoundError,
        "resp_nope",
    ),
    # Manus task list and features
    "manus-limit-zero": Bad(
        manus(lambda cl: cl.tasks.page(limit=0)),
        ValueError,
        "between 1 and 1000, got 0",
        sends_nothing=True,
    ),
    "manus-limit-high": Bad(
        manus(lambda cl: cl.tasks.page(limit=1001)),
        ValueError,
        "between 1 and 1000, got 1001",
        sends_nothing=True,
    ),
    "manus-order": Bad(
        manus(lambda cl: cl.tasks.page(order="sideways")),  # type: ignore[arg-type]
        ValueError,
        r"order must be one of \['asc', 'desc'\], got 'sideways'",
        sends_nothing=True,
    ),
    "manus-order-by": Bad(
        manus(lambda cl: cl.tasks.page(order_by="name")),  # type: ignore[arg-type]
        ValueError,
        "order_by must be one of",
        sends_nothing=True,
    ),
    "manus-stream": Bad(
        manus(lambda cl: stream_once(cl)),
        respnb.UnsupportedFeatureError,
        "profile 'manus' does not support 'streaming'",
        sends_nothing=True,
    ),
    "manus-cancel": Bad(
        manus(lambda cl: cl.responses.cancel("resp_1")),
        respnb.UnsupportedFeatureError,
        "'cancel'",
        sends_nothing=True,
    ),
    # Maniac
    "maniac-tools": Bad(
        maniac(
            lambda cl: cl.responses.create(model="m", input="x", tools=[{"type": "web_search"}])
        ),
        respnb.UnsupportedFeatureError,
        r"Remove tools=\.\.\.",
        sends_nothing=True,
    ),
    "maniac-tools-stream": Bad(
        maniac(lambda cl: stream_once(cl, tools=[{"type": "function", "name": "f"}])),
        respnb.UnsupportedFeatureError,
        "does not support managed tools",
        sends_nothing=True,
    ),
    "maniac-conversations": Bad(
        maniac(lambda cl: cl.responses.create(model="m", input="x", conversation="conv_1")),
        respnb.UnsupportedFeatureError,
        "'conversations'",
        sends_nothing=True,
    ),
    "maniac-input-tokens": Bad(
        maniac(lambda cl: cl.responses.input_tokens(model="m", input="x")),
        respnb.UnsupportedFeatureError,
        "'input_tokens'",
        sends_nothing=True,
    ),
}


def test_enough_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", cases(CASES))
async def test_bad_input(
    case: Bad,
    rel_server: RunningServer,
    keyed_servers: dict[str, RunningServer],
    proxy: FaultProxy,
    tmp_path: Path,
    _isolated_home: Path,  # noqa: PT019 - its value is used
) -> None:
    await run_case(case, Ctx(rel_server, keyed_servers, proxy, tmp_path, _isolated_home))
