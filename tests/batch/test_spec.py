"""Rendering a batch: the magic's interpolation per row, row keys, batch ids, option checks."""

from __future__ import annotations

import pandas as pd
import pytest
from pydantic import BaseModel

from respnb._prompt import PromptError
from respnb.batch._spec import BatchOptions, build_spec, text_format


class Label(BaseModel):
    label: str


def _spec(df: pd.DataFrame, template: str, **kw: object):  # type: ignore[no-untyped-def]
    opts = BatchOptions(**kw)  # type: ignore[arg-type]
    return build_spec(df, template, opts, model="m", scope="local http://x/v1")


def test_fields_follow_the_magic_rules() -> None:
    df = pd.DataFrame({"title": ["Dune"], "price": [9.5], "tags": [["a", "b"]]}, index=["x"])
    spec = _spec(df, "{title!r} costs {price:.2f} ({tags[0]}) {{literal}} row {index}")
    (req,) = spec.requests.values()
    assert req.body["input"] == "'Dune' costs 9.50 (a) {literal} row x"
    assert req.body["model"] == "m"


def test_row_columns_shadow_the_namespace_and_instructions_are_templates() -> None:
    df = pd.DataFrame({"lang": ["French", "German"]})
    opts = BatchOptions(instructions="Answer in {lang}, {tone}.")
    spec = build_spec(
        df, "Say hi", opts, model="m", scope="s", namespace={"tone": "briefly", "lang": "no"}
    )
    bodies = [spec.requests[k].body for k in spec.row_keys]
    assert [b["instructions"] for b in bodies] == [
        "Answer in French, briefly.",
        "Answer in German, briefly.",
    ]


def test_an_unknown_field_names_the_row() -> None:
    df = pd.DataFrame({"text": ["a"]}, index=[42])
    with pytest.raises(PromptError, match=r"row 42: .*\{txet\}"):
        _spec(df, "Classify {txet}")


def test_identical_requests_share_a_key_and_ids_follow_the_call() -> None:
    df = pd.DataFrame({"text": ["same", "same", "other"]})
    spec = _spec(df, "Q: {text}")
    assert len(spec.row_keys) == 3 and len(spec.requests) == 2
    assert spec.row_keys[0] == spec.row_keys[1] != spec.row_keys[2]
    assert _spec(df, "Q: {text}").id == spec.id
    assert _spec(df, "Q2: {text}").id != spec.id
    assert _spec(df.iloc[:2], "Q: {text}").id != spec.id
    assert _spec(df, "Q: {text}", temperature=0.5).id != spec.id


def test_options_become_body_fields() -> None:
    df = pd.DataFrame({"text": ["a"]})
    spec = _spec(
        df,
        "{text}",
        schema=Label,
        reasoning="low",
        tools=["web_search"],
        max_output_tokens=64,
        extra={"metadata": {"k": "v"}},
        headers={"x-respnb-fault": "{text}", "x-empty": ""},
    )
    (req,) = spec.requests.values()
    assert req.body["text"] == {"format": text_format(Label)}
    assert req.body["reasoning"] == {"effort": "low"}
    assert req.body["tools"] == [{"type": "web_search"}]
    assert req.body["max_output_tokens"] == 64
    assert req.body["metadata"] == {"k": "v"}
    assert req.headers == {"x-respnb-fault": "a"}
    assert "x-respnb-fault" in req.body_json() and '"a"' not in req.body_json().split("headers")[1]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"reasoning": "extreme"}, "reasoning='extreme' is not an effort"),
        ({"max_output_tokens": 3}, "at least 16"),
        ({"temperature": 3.0}, "between 0 and 2"),
        ({"schema": dict}, "pydantic model class"),
    ],
)
def test_bad_options_say_what_to_fix(kw: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BatchOptions(**kw).check()  # type: ignore[arg-type]


def test_unknown_hosted_tool_and_non_frames_are_refused() -> None:
    with pytest.raises(ValueError, match="not a hosted tool"):
        _spec(pd.DataFrame({"a": [1]}), "{a}", tools=["nope"])
    with pytest.raises(TypeError, match="needs a pandas DataFrame"):
        _spec([1, 2], "{a}")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="template is empty"):
        _spec(pd.DataFrame({"a": [1]}), "  ")
