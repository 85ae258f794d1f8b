"""``%%respond`` / ``%respond`` against respnb's local server: the happy paths."""

from __future__ import annotations

from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

import respnb
from respnb._session import RespondResult, session
from respnb.notebook._run_display import RunFailed
from respnb.notebook.magics import LOCAL_NOTICE, RespondMagics


def test_cell_magic_streams_into_a_view(
    shell: InteractiveShell, magics: RespondMagics, respond: Any
) -> None:
    from respnb.notebook._run_display import make_view

    views: list[Any] = []

    def factory(profile: str, model: str | None) -> Any:
        views.append(make_view(None, profile, model))
        return views[-1]

    magics.view_factory = factory
    shell.user_ns["topic"] = "sea otters"
    cap = respond("", "Tell me about {topic}")
    result = shell.user_ns["_r"]
    assert isinstance(result, RespondResult)
    assert result.status == "completed"
    assert "> Tell me about sea otters" in result.output_text
    assert respnb.last is result
    assert len(views) == 1
    assert views[0].state.text == result.output_text
    assert views[0].state.header["id"] == result.id
    assert "Sea Otters" in "".join(o.data.get("text/plain", "") for o in cap.outputs)


def test_line_magic_prompt_is_the_rest_of_the_line(shell: InteractiveShell, respond: Any) -> None:
    cap = respond("-q --out answer What's the {{weather}} like? -not an option")
    result = shell.user_ns["answer"]
    assert "> What's the {weather} like? -not an option" in result.output_text
    assert cap.outputs == [] and cap.stdout == ""
    assert "_r" not in shell.user_ns


def test_options_reach_the_request(shell: InteractiveShell, respond: Any) -> None:
    respond(
        "-q -m respnb-demo -i 'Be brief.' --temperature 0.5 --max-output-tokens 400 "
        '--reasoning low --summary concise --extra \'metadata={"k": "v"}\' '
        "--extra 'user=\"u1\"' -- -- starts with dashes",
    )
    result: RespondResult = shell.user_ns["_r"]
    assert result.model == "respnb-demo"
    assert result.instructions == "Be brief."
    assert result.temperature == 0.5
    assert result.max_output_tokens == 400
    assert result.reasoning == {"effort": "low", "summary": "concise"}
    assert result.metadata == {"k": "v"}
    assert result.user == "u1"
    assert "> -- starts with dashes" in result.output_text


def test_instructions_are_interpolated(shell: InteractiveShell, respond: Any) -> None:
    shell.user_ns["tone"] = "brief"
    respond("-q -i 'Be {tone}.' Hello")
    assert shell.user_ns["_r"].instructions == "Be brief."


def test_in_out_references(shell: InteractiveShell, respond: Any) -> None:
    shell.run_cell("6 * 7", store_history=True)
    n = shell.execution_count - 1
    respond("-q", f"Explain {{_}} and {{Out[{n}]}} from {{In[{n}]}} and {{In[-1]}}")
    text = shell.user_ns["_r"].output_text
    assert "> Explain 42 and 42 from 6 * 7 and" in text


def test_no_stream_and_reasoning_summary(shell: InteractiveShell, respond: Any) -> None:
    cap = respond("--no-stream --reasoning high --summary auto Why is the sky blue?")
    result = shell.user_ns["_r"]
    assert result.status == "completed"
    assert result.output[0].type == "reasoning"
    assert result.output_text
    assert any(result.id in o.data.get("text/plain", "") for o in cap.outputs)


def test_continue_chains_per_profile(shell: InteractiveShell, respond: Any) -> None:
    respond("-q Tell me about otters")
    first = shell.user_ns["_r"]
    respond("-q -c And their habitat?")
    second = shell.user_ns["_r"]
    assert second.previous_response_id == first.id
    assert "Tell me about otters" in second.output_text
    respond("-q --new Unrelated question")
    third = shell.user_ns["_r"]
    assert third.previous_response_id is None
    respond("-q -c Follow up")
    assert shell.user_ns["_r"].previous_response_id == third.id


def test_no_store_cannot_be_continued(shell: InteractiveShell, respond: Any) -> None:
    from IPython.core.error import UsageError

    respond("-q --no-store Tell me about otters")
    assert shell.user_ns["_r"].store is False
    with pytest.raises(UsageError, match="was not stored"):
        respond("-q -c more")


def test_conversation(shell: InteractiveShell, respond: Any) -> None:
    client = respnb.Client(respnb._profile_config.resolve_profile("local"))
    try:
        conv = client.conversations.create()
        respond(f"-q --conversation {conv.id} Tell me about otters")
        respond(f"-q --conversation {conv.id} And more?")
        assert "Tell me about otters" in shell.user_ns["_r"].output_text
        items = client.conversations.items.list(conv.id).to_list()
        assert len(items) >= 4
    finally:
        client.close()


def test_local_notice_once(shell: InteractiveShell, respond: Any) -> None:
    session.local_notice_shown = False
    first = respond("-q hello")
    second = respond("-q hello again")
    notices = [o.data for o in first.outputs if o.data.get("text/plain") == LOCAL_NOTICE]
    assert len(notices) == 1 and first.stdout == ""
    # a readable note (markdown), not a wrapped monospace print
    assert "`OPENAI_API_KEY`" in notices[0]["text/markdown"]
    assert "--profile openai" in LOCAL_NOTICE and "OPENAI_API_KEY" in LOCAL_NOTICE
    assert not second.outputs and second.stdout == ""
    third = respond("-q -p local explicit")
    assert third.stdout == "" and not third.outputs


def test_api_errors_show_a_banner(
    shell: InteractiveShell, magics: RespondMagics, respond: Any
) -> None:
    from respnb.notebook._run_display import TextView

    views: list[TextView] = []
    magics.view_factory = lambda p, m: views.append(TextView(profile=p, model=m)) or views[-1]
    shell.user_ns["_r"] = "untouched"
    with capture_output() as cap, pytest.raises(RunFailed) as failed:
        shell.run_cell_magic("respond", "--conversation conv_missing", "hi")
    # shown once: in the view (status failed), not again on stderr; the cell fails
    assert cap.stderr == "" and cap.stdout == ""
    assert views[0].state.error is not None and views[0].state.status == "failed"
    assert failed.value._render_traceback_() == [
        "respnb: the run failed (NotFoundError); the error is shown above."
    ]
    assert "conv_missing" not in failed.value._render_traceback_()[0]
    assert shell.user_ns["_r"] == "untouched"


def test_quiet_errors_raise(shell: InteractiveShell, respond: Any) -> None:
    with pytest.raises(respnb.APIStatusError):
        respond("-q --conversation conv_missing hi")


def test_option_values_take_notebook_names(shell: InteractiveShell, respond: Any) -> None:
    """``{name}`` in option values (ids made in the notebook) is filled; JSON is left alone."""
    respond("-q --out one My name is Ada.")
    shell.user_ns["prev"] = shell.user_ns["one"]
    shell.user_ns["label"] = "greeting"
    respond('-q --extra \'metadata={"k": "{label}"}\' -m {prev.model} Hello')
    result = shell.user_ns["_r"]
    assert result.model == shell.user_ns["one"].model
    assert result.metadata == {"k": "greeting"}
    with pytest.raises(Exception, match="option --model"):
        respond("-q -m {nope} Hello")
