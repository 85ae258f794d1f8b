"""Bad inputs: each gives a clear error (type + a fragment saying what to fix), nothing is lost.

Client options, profiles and their config file, file paths, API keys (servers started with a
key), unreachable servers, malformed JSON and non-JSON error bodies, malformed SSE
(``httpx.MockTransport`` and the real server's faults). More in ``test_bad_params`` and
``test_bad_magics``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import respnb
from respnb.server.launch import RunningServer

from .bad_support import (
    Bad,
    Ctx,
    cases,
    construct,
    create_with,
    cut_early,
    files_retrieve,
    keyed,
    missing_file,
    mock_create,
    names_url,
    no_secret,
    real_partial,
    retried,
    run_case,
    server_stream,
    sse,
    text_is,
    toml,
    unreachable,
    upload,
)
from .conftest import SECRET
from .proxy import FaultProxy

CASES: dict[str, Any] = {
    # client options and profiles (nothing can be sent)
    "timeout-negative": Bad(construct(timeout=-1), ValueError, "timeout must be a positive"),
    "timeout-zero": Bad(construct(timeout=0), ValueError, "timeout must be a positive"),
    "max-retries-negative": Bad(construct(max_retries=-1), ValueError, "max_retries must be >= 0"),
    "profile-typo": Bad(construct("opneai"), respnb.ConfigurationError, "unknown profile 'opneai'"),
    "profile-empty": Bad(construct(""), respnb.ConfigurationError, "unknown profile ''"),
    "openai-no-key": Bad(construct("openai"), respnb.ConfigurationError, r"set \$OPENAI_API_KEY"),
    "manus-no-key": Bad(construct("manus"), respnb.ConfigurationError, r"set \$MANUS_API_KEY"),
    "maniac-no-key": Bad(construct("maniac"), respnb.ConfigurationError, r"set \$MANIAC_API_KEY"),
    "maniac-no-base-url": Bad(
        construct("maniac", base_url=None, api_key="k"),
        respnb.ConfigurationError,
        r"no base URL: set \$MANIAC_BASE_URL",
    ),
    "compatible-no-base-url": Bad(
        construct("compatible", base_url=None),
        respnb.ConfigurationError,
        r"set \$RESPNB_BASE_URL or pass base_url",
    ),
    "base-url-no-scheme": Bad(
        construct(base_url="localhost:8000/v1", max_retries=0),
        respnb.APIConnectionError,
        "missing an 'http://' or 'https://' protocol",
    ),
    "base-url-ftp": Bad(
        construct(base_url="ftp://127.0.0.1/v1", max_retries=0),
        respnb.APIConnectionError,
        "unsupported protocol 'ftp://'",
    ),
    "capability-unknown": Bad(construct(capabilities={"teleport": True}), ValueError, "teleport"),
    "toml-syntax": Bad(
        toml("[profiles.x\nkind=", "x"), respnb.ConfigurationError, "Fix the TOML syntax"
    ),
    "toml-unknown-field": Bad(
        toml('[profiles.x]\nkind = "compatible"\nbase_urll = "http://h/v1"\n', "x"),
        respnb.ConfigurationError,
        "bad profile 'x'",
    ),
    "toml-unknown-preset": Bad(
        toml('[profiles.x]\nkind = "compatible"\npreset = "vllmm"\n', "x"),
        respnb.ConfigurationError,
        "unknown compatible preset 'vllmm'",
    ),
    "toml-bad-kind": Bad(
        toml('[profiles.x]\nkind = "azure"\n', "x"), respnb.ConfigurationError, "'azure'"
    ),
    # file paths
    "file-missing": Bad(upload(missing_file), FileNotFoundError, "report.pdf"),
    "file-is-dir": Bad(upload(lambda c: c.tmp), IsADirectoryError, str(Path("/"))),
    "file-maniac": Bad(
        upload(lambda c: b"x", "maniac", api_key="k"), respnb.UnsupportedFeatureError, "'files'"
    ),
    "file-presigned-openai": Bad(
        upload(lambda c: b"x", "openai", api_key="k", presigned=True),
        respnb.UnsupportedFeatureError,
        "'presigned_files'",
    ),
    "file-unknown-id": Bad(
        lambda c: files_retrieve(c, "file-nope"),
        respnb.NotFoundError,
        "No file found with id 'file-nope'",
    ),
    # keys: servers started with api_key
    "key-wrong": Bad(
        keyed("openai", "openai", "sk-wrong-key"),
        respnb.AuthenticationError,
        "Incorrect API key",
        no_secret,
    ),
    "key-missing": Bad(
        keyed("openai", "compatible", None),
        respnb.AuthenticationError,
        "didn't provide an API key",
        no_secret,
    ),
    "key-wrong-stream": Bad(
        keyed("openai", "openai", "sk-wrong-key", stream=True),
        respnb.AuthenticationError,
        "Incorrect API key",
    ),
    "key-wrong-manus": Bad(
        keyed("manus", "manus", "wrong"),
        respnb.AuthenticationError,
        "API key",
        no_secret,
    ),
    "key-wrong-maniac": Bad(
        keyed("maniac", "maniac", "wrong"),
        respnb.AuthenticationError,
        "Incorrect API key",
        no_secret,
    ),
    "key-echoed-by-service": Bad(
        lambda c: create_with(
            c.mock(401, json.dumps({"error": {"message": f"bad key {SECRET}"}}), api_key=SECRET)
        ),
        respnb.AuthenticationError,
        r"bad key \*\*\*",
        no_secret,
    ),
    # unreachable servers
    "closed-port-create": Bad(
        unreachable("create"), respnb.APIConnectionError, "ConnectError", names_url("/responses")
    ),
    "closed-port-retrieve": Bad(
        unreachable("retrieve"),
        respnb.APIConnectionError,
        "ConnectError",
        names_url("/responses/resp_1"),
    ),
    "closed-port-stream": Bad(
        unreachable("stream"), respnb.APIConnectionError, "ConnectError", names_url("/responses")
    ),
    # malformed answers
    "json-malformed": pytest.param(
        Bad(mock_create(200, '{"id": "resp_1", '), respnb.APIError, "JSON")
    ),
    "json-array": pytest.param(Bad(mock_create(200, "[1, 2]"), respnb.APIError, "JSON")),
    "json-html-200": pytest.param(
        Bad(mock_create(200, "<html>Login</html>", "text/html"), respnb.APIError, "JSON"),
    ),
    "json-not-a-response": pytest.param(
        Bad(mock_create(200, '{"foo": 1}'), respnb.APIError, "response")
    ),
    "error-html-500": Bad(
        mock_create(500, "<html><body>Bad gateway</body></html>", "text/html"),
        respnb.InternalServerError,
        "Bad gateway",
        retried(2),
    ),
    "error-text-400": Bad(
        mock_create(400, "model is required", "text/plain"),
        respnb.BadRequestError,
        "model is required",
        retried(0),
    ),
    "error-empty-404": Bad(mock_create(404, "", "text/plain"), respnb.NotFoundError, "Not Found"),
    "error-detail-502": Bad(
        mock_create(502, '{"detail": "upstream down"}'), respnb.InternalServerError, "upstream down"
    ),
    "error-array-400": Bad(mock_create(400, "[1]"), respnb.BadRequestError, "Bad Request"),
    "error-text-429": Bad(
        mock_create(429, "slow down", "text/plain"), respnb.RateLimitError, "slow down", retried(2)
    ),
    # malformed SSE: an error with the offending text, the partial answer kept
    "sse-not-json": Bad(
        sse("event: x\ndata: not json\n\n"), respnb.StreamError, "not JSON", text_is("not json")
    ),
    "sse-truncated-json": Bad(
        sse('data: {"type":"response.output_text.delta","seq\n\n'),
        respnb.StreamError,
        "not JSON",
        text_is('{"type":"response.output_text.delta","seq'),
    ),
    "sse-array": Bad(
        sse("data: [1,2,3]\n\n"), respnb.StreamError, "not a JSON object", text_is("[1,2,3]")
    ),
    "sse-number": Bad(sse("data: 42\n\n"), respnb.StreamError, "not a JSON object", text_is("42")),
    "sse-string": Bad(
        sse('data: "hello"\n\n'), respnb.StreamError, "not a JSON object", text_is('"hello"')
    ),
    "sse-json-answer-broken": Bad(
        lambda c: c.drain(c.mock(200, '{"id": "resp_1", "out', "application/json")),
        respnb.StreamError,
        "expected a stream, got undecodable JSON",
    ),
    "sse-html-page": pytest.param(
        Bad(
            sse("<html><body><h1>Sign in to the Wi-Fi</h1></body></html>\n", head=False),
            respnb.StreamError,
            "<html>",
        ),
    ),
    # the real server's stream faults: the partial answer survives
    "stream-dropped-foreground": Bad(
        server_stream("drop_after=6"),
        respnb.APIConnectionError,
        r"the stream dropped: .*foreground response .* cannot be resumed",
        real_partial,
    ),
    "stream-cut-before-first-event": pytest.param(
        Bad(
            lambda c: cut_early(c),
            respnb.APIConnectionError,
            "before the response id",
        ),
    ),
}


def test_enough_cases() -> None:
    assert len(CASES) >= 40


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


@pytest.mark.parametrize(
    ("fault", "status", "error"),
    [
        ("fail_after=9;mode=error;message=engine overheated", "failed", "engine overheated"),
        ("fail_after=9;mode=failed;message=quota gone", "failed", "quota gone"),
    ],
)
async def test_failed_stream_keeps_partial_text(
    rel_server: RunningServer, fault: str, status: str, error: str
) -> None:
    """A stream that fails part-way is not an exception: the Response has the error and the
    text that arrived before it."""
    async with (
        respnb.AsyncClient("compatible", base_url=rel_server.base_url) as client,
        client.responses.stream(
            model="respnb-demo",
            input="Tell me about rivers",
            extra_headers={"x-respnb-fault": fault},
        ) as stream,
    ):
        final = await stream.get_final_response()
    assert final.status == status
    assert final.error is not None and error in final.error.message
    assert final.output_text and final.output_text == stream.text
