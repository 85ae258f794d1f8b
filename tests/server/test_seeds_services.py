"""The seeds' code examples for Manus (seed 000) and Maniac (seeds 001/002), run as written
against the local server in their dialect, and seed 003's shapes that OpenAI refuses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openai import BadRequestError, OpenAI

from respnb.server.launch import RunningServer

from .conftest import start
from .faq import faq_pdf
from .test_seeds import run


@pytest.fixture(scope="module")
def sdk(server: RunningServer) -> Iterator[OpenAI]:
    with OpenAI(base_url=server.base_url, api_key="x", max_retries=0) as c:
        yield c


# ----------------------------------------------------------------- seed 000 (Manus)
SEED_000 = """
from openai import BadRequestError, OpenAI
client = OpenAI(
base_url=BASE_URL,
api_key="**", # This can be any placeholder value
default_headers={
"API_KEY": API_KEY # Your actual Manus API key
},
)
# Create a simple task
response = client.responses.create(
input=[
{
"role": "user",
"content": [
{
"type": "input_text",
"text": "What's the color of the sky?",
},
],
}
],
extra_body={
"task_mode": "agent",
"agent_profile": "quality",
},
)
print(f"Task created: {response.id}")
print(f"Status: {response.status}")

import requests
from openai import BaseModel
from typing import Literal
class FileCreate(BaseModel):
    id: str
    object: Literal["file"]
    filename: str
    status: str
    upload_url: str
    upload_expires_at: str
    created_at: str
# Step 1: Create file record and get upload URL
file_record = client.post(
"/files",
body={"filename": "berkshire_letter_2024.pdf"},
cast_to=FileCreate
)
print(f"File ID: {file_record.id}")
print(f"Status: {file_record.status}")
print(f"Upload URL: {file_record.upload_url}")
upload_response = requests.put(file_record.upload_url, data=PDF_BYTES)
upload_response.raise_for_status()
print(f"File uploaded successfully: {file_record.id}")

file = client.files.retrieve(file_id=file_record.id)
print(f"Filename: {file.filename}")
print(f"Status: {file.status}")
print(f"Created: {file.created_at}")

response = client.responses.create(
input=[
{
"role": "user",
"content": [
{
"type": "input_text",
"text": "Summarize the key points from Warren Buffett's letter.",
},
{
"type": "input_file",
"file_id": file_record.id, # Reference pre-uploaded file
},
],
},
],
extra_body={"task_mode": "agent", "agent_profile": "quality"},
)
print(f"Task created: {response.id}")
"""


@pytest.fixture(scope="module")
def manus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with start(tmp_path_factory.mktemp("manus"), dialect="manus", api_key="mk-1") as srv:
        yield srv


def test_seed_000_manus_task_and_files(manus: RunningServer) -> None:
    letter = faq_pdf()
    origin = manus.base_url.removesuffix("/v1")
    printed = run(SEED_000, BASE_URL=origin, API_KEY="mk-1", PDF_BYTES=letter)
    assert re.search(r"^Task created: \S+$", printed, re.M)
    assert "Status: running" in printed and "Status: pending" in printed
    assert "Upload URL: http://127.0.0.1:" in printed
    assert re.search(r"^Created: \d{10}$", printed, re.M)  # unix seconds, as the seed prints
    assert "Status: uploaded" in printed


# ----------------------------------------------------------------- seeds 001/002 (Maniac)
SEED_002 = """
response = client.responses.create(
  model="openai/gpt-4o-mini",
  instructions="You are a helpful assistant.",
  input="Summarize the Maniac gateway in one line.",
)
print(response.output_text)

first = client.responses.create(
  model="openai/gpt-4o-mini",
  input="My name is Ada.",
  store=True,
)
second = client.responses.create(
  model="openai/gpt-4o-mini",
  input="What's my name?",
  previous_response_id=first.id,
  store=True,
)
print(second.output_text)

job = client.responses.create(
  model="openai/gpt-4o-mini",
  input="Write a long essay.",
  background=True,
  store=True,
)
print(job.status)
for event in client.responses.create(model="openai/gpt-4o-mini", input="Hi", stream=True):
  print(event.type)
"""


def test_seeds_001_002_maniac(tmp_path: Path) -> None:
    with (
        start(tmp_path, dialect="maniac") as srv,
        OpenAI(base_url=srv.base_url, api_key="mk", max_retries=0) as client,
    ):
        printed = run(SEED_002, client=client)
        with pytest.raises(BadRequestError, match="tools"):  # a non-empty tools list is rejected
            client.responses.create(
                model="openai/gpt-4o-mini", input="Hi", tools=[{"type": "web_search"}]
            )
    lines = printed.splitlines()
    assert "Ada" in printed and "queued" in lines
    types = [ln for ln in lines if ln.startswith("response.")]
    assert types[0] == "response.created" and types[-1] == "response.completed"
    assert set(types) == {"response.created", "response.output_text.delta", "response.completed"}


# ----------------------------------------------------------------- seed 003 (invalid shapes)
@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"input": {"role": "user", "content": "Hello!"}}, "input"),
        (
            {
                "input": [{"role": "user", "content": "Find information about Python."}],
                "tools": [{"type": "file_search"}],
            },
            "tools[0].vector_store_ids",
        ),
        (
            {
                "input": [{"role": "user", "content": "Click the button."}],
                "tools": [
                    {"type": "computer_use", "display_width_px": 1920, "display_height_px": 1080}
                ],
            },
            "tools[0].type",
        ),
        ({"input": "Hi", "extra_body": {"reasoning_effort": "high"}}, "reasoning_effort"),
    ],
)
def test_seed_003_shapes_the_real_service_refuses(
    sdk: OpenAI, kwargs: dict[str, Any], param: str
) -> None:
    """Seed 003 documents shapes OpenAI refuses (a dict input, file_search without vector
    stores, 'computer_use', a top-level reasoning_effort): so does the server, naming them."""
    with pytest.raises(BadRequestError) as info:
        sdk.responses.create(model="gpt-4", **kwargs)
    assert info.value.param == param


def test_seed_003_valid_examples_run(sdk: OpenAI) -> None:
    messages = [
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "4"},
        {"role": "user", "content": "What about 3+3?"},
    ]
    assert sdk.responses.create(model="gpt-4", input=messages).status == "completed"  # type: ignore[arg-type]
    patched = sdk.responses.create(
        model="gpt-4",
        input=[{"role": "user", "content": "Fix the bug in this code."}],
        tools=[{"type": "apply_patch"}],
    )
    assert patched.output[0].type == "apply_patch_call"
