"""The seeds' code examples, run as written (official openai SDK) against the local server in
each dialect; the printed shapes are asserted. Only the client construction and, where a seed
names a file it does not ship, the file itself are supplied by the test."""

from __future__ import annotations

import contextlib
import gc
import io
import os
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openai import OpenAI

from respnb.server.launch import RunningServer

from .faq import faq_pdf


def run(code: str, **names: Any) -> str:
    """Execute a seed's code with ``names`` defined; returns what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        seed = compile(textwrap.dedent(code), "<seed>", "exec", dont_inherit=True)
        exec(seed, {"__name__": "seed", **names})
    return out.getvalue()


@pytest.fixture(scope="module")
def sdk(server: RunningServer) -> Iterator[OpenAI]:
    with OpenAI(base_url=server.base_url, api_key="x", max_retries=0) as c:
        yield c


@pytest.fixture
def in_nbs(tmp_path: Path) -> Iterator[Path]:
    """A working directory whose ``../nbs/airnz-baggage-FAQ.pdf`` is a real multi-page PDF."""
    (tmp_path / "nbs").mkdir()
    (tmp_path / "nbs" / "airnz-baggage-FAQ.pdf").write_bytes(faq_pdf())
    (tmp_path / "work").mkdir()
    old = Path.cwd()
    os.chdir(tmp_path / "work")
    try:
        yield tmp_path
    finally:
        os.chdir(old)


# ----------------------------------------------------------------- seed 004 (OpenAI)
SEED_004_RAG = """
import requests
from io import BytesIO

def create_file(client, file_path):
    if file_path.startswith("http://") or file_path.startswith("https://"):
        # Download the file content from the URL
        response = requests.get(file_path)
        file_content = BytesIO(response.content)
        file_name = file_path.split("/")[-1]
        file_tuple = (file_name, file_content)
        result = client.files.create(
            file=file_tuple,
            purpose="assistants"
        )
    else:
        # Handle local file path
        with open(file_path, "rb") as file_content:
            result = client.files.create(
                file=file_content,
                purpose="assistants"
            )
    print(result.id)
    return result.id

# Replace with your own file path or URL
file_id = create_file(client, "../nbs/airnz-baggage-FAQ.pdf")

vector_store = client.vector_stores.create(
    name="airnz_onsite"
)
print(vector_store.id)

result = client.vector_stores.files.create(
    vector_store_id=vector_store.id,
    file_id=file_id
)
print(result)

status = client.vector_stores.files.list(
    vector_store_id=vector_store.id
)
print(status)

response = client.responses.create(
    model="gpt-4o",
    input="Can I bring more bags than my standard allowance?",
    tools=[{
        "type": "file_search",
        "vector_store_ids": [vector_store.id]
    }],
    include=["file_search_call.results"]
)
print(response)
"""


def test_seed_004_rag_returns_the_right_passage(sdk: OpenAI, in_nbs: Path) -> None:
    printed = run(SEED_004_RAG, client=sdk)
    assert re.search(r"^file-\w+$", printed, re.M) and re.search(r"^vs_\w+$", printed, re.M)
    assert "status='in_progress'" in printed and "status='completed'" in printed
    assert "max_chunk_size_tokens=800" in printed and "chunk_overlap_tokens=400" in printed
    assert "ResponseFileSearchToolCall(" in printed
    assert "queries=['Can I bring more bags than my standard allowance?']" in printed
    assert "filename='airnz-baggage-FAQ.pdf'" in printed
    assert "AnnotationFileCitation(" in printed and "type='file_citation'" in printed
    assert "max_num_results=20" in printed and "score_threshold=0.0" in printed  # tool echo
    resp = sdk.responses.retrieve(printed.strip().splitlines()[-1].split("id='")[1].split("'")[0])
    fs = resp.output[0]
    assert fs.type == "file_search_call" and fs.results
    top = fs.results[0]
    assert top.filename == "airnz-baggage-FAQ.pdf" and 0 < (top.score or 0) <= 1
    assert "Prepaid Extra Bags" in (top.text or "")  # the right passage ranks first
    message = resp.output[1]
    assert message.type == "message"
    part = message.content[0]
    assert part.type == "output_text" and "Prepaid Extra Bags" in part.text
    cite = part.annotations[0]
    assert cite.type == "file_citation" and cite.file_id == top.file_id
    assert 0 < cite.index <= len(part.text)


SEED_004_FILE_INPUT = """
file = client.files.create(
    file=open("../nbs/airnz-baggage-FAQ.pdf", "rb"),
    purpose="user_data"
)

response = client.responses.create(
    model="gpt-4.1",
    input=[
        {
            "role": "user",
            "content": [
                {
                    "type": "input_file",
                    "file_id": file.id,
                },
                {
                    "type": "input_text",
                    "text": "Can I bring more bags than my standard allowance?",
                },
            ]
        }
    ]
)
print(response)
"""


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_seed_004_pdf_file_input_answers_from_the_text(sdk: OpenAI, in_nbs: Path) -> None:
    printed = run(SEED_004_FILE_INPUT, client=sdk)  # as written, it leaves its file open
    gc.collect()
    assert "ResponseOutputMessage(" in printed and "model='gpt-4.1'" in printed
    assert "Prepaid Extra Bags" in printed and "%PDF" not in printed


SEED_004_CHAINS = """
history = [
    {
        "role": "user",
        "content": "hello, nice to meet you. My name is Yunna"
    }
]

response = client.responses.create(
    model="gpt-4o-mini",
    input=history,
    store=False
)

print(response.output_text)

# Add the response to the conversation
history += [{"role": el.role, "content": el.content} for el in response.output]

history.append({ "role": "user", "content": "what is my name" })

second_response = client.responses.create(
    model="gpt-4o-mini",
    input=history,
    store=False
)

print(second_response.output_text)

response = client.responses.create(
    model="gpt-4o-mini",
    input="hello, this is Yunna Speaking. I was born in China",
)
print(response.output_text)

second_response = client.responses.create(
    model="gpt-4o-mini",
    previous_response_id=response.id,
    input=[{"role": "user", "content": "Do you know what my name is "}],
)
print(second_response.output_text)
"""


def test_seed_004_manual_history_and_chaining(sdk: OpenAI) -> None:
    printed = run(SEED_004_CHAINS, client=sdk)
    assert printed.count("Yunna") >= 3


SEED_004_CONVERSATION = """
conversation = client.conversations.create(
  metadata={"topic": "demo"},
  items=[
    {"type": "message", "role": "user", "content": "Hello,my name is Yunna. How are you doing"}
  ]
)
print(conversation.id)
response = client.responses.create(
  model="gpt-4.1",
  input=[{"role": "user", "content": "What is my name?"}],
  conversation=conversation.id
)
print(response)
print(response.output[0].content[0].text)
"""


def test_seed_004_conversation(sdk: OpenAI) -> None:
    printed = run(SEED_004_CONVERSATION, client=sdk)
    assert printed.startswith("conv_") and "conversation=Conversation(id='conv_" in printed
    assert "Yunna" in printed.strip().splitlines()[-1]


SEED_004_BACKGROUND = """
resp = client.responses.create(
  model="o3",
  input="Write a very long novel about otters in space.",
  background=True,
)

print(resp.status)

from time import sleep
while resp.status in {"queued", "in_progress"}:
  print(f"Current status: {resp.status}")
  sleep(2)
  resp = client.responses.retrieve(resp.id)

print(f"Final status: {resp.status}\\nOutput:\\n{resp.output_text}")
"""


def test_seed_004_background_polling(sdk: OpenAI) -> None:
    printed = run(SEED_004_BACKGROUND, client=sdk)
    assert printed.startswith("queued\n") and "Final status: completed\nOutput:\n" in printed


SEED_004_FUNCTION_AND_REASONING = """
tools = [{
    "type": "function",
    "name": "get_weather",
    "description": "Get current temperature for a given location.",
    "parameters": {
        "type": "object",
        "properties": {
            "location": {
                "type": "string",
                "description": "City and country e.g. Bogotá, Colombia"
            }
        },
        "required": [
            "location"
        ],
        "additionalProperties": False
    }
}]

response = client.responses.create(
    model="gpt-4.1",
    input=[{"role": "user", "content": "What is the weather like in Paris today?"}],
    tools=tools
)

print(response)

response = client.responses.create(
    model="o4-mini",
    reasoning={"effort": "medium", "summary":"auto"},
    input=[
        {
            "role": "user",
            "content": prompt
        }
    ]
)
print(response)

stream = client.responses.create(
    model="gpt-4.1",
    input=[
        {
            "role": "user",
            "content": "Say 'double bubble bath' ten times fast.",
        },
    ],
    stream=True,
)

for event in stream:
    print(event)
"""


def test_seed_004_function_call_reasoning_and_stream(sdk: OpenAI) -> None:
    prompt = "Write a bash script that prints the transpose of '[1,2],[3,4],[5,6]'."
    printed = run(SEED_004_FUNCTION_AND_REASONING, client=sdk, prompt=prompt)
    assert "ResponseFunctionToolCall(" in printed and "name='get_weather'" in printed
    assert "Paris" in printed
    assert "ResponseReasoningItem(" in printed and "summary=[Summary(" in printed
    assert "ResponseCreatedEvent(" in printed and "ResponseTextDeltaEvent(" in printed
    assert "ResponseCompletedEvent(" in printed


def test_seed_004_parse_with_pydantic(sdk: OpenAI) -> None:
    from pydantic import BaseModel

    class CalendarEvent(BaseModel):
        name: str
        date: str
        participants: list[str]

    response = sdk.responses.parse(
        model="gpt-4o-2024-08-06",
        input=[
            {"role": "system", "content": "Extract the event information."},
            {
                "role": "user",
                "content": "Alice and Bob are going to a science fair on Friday.",
            },
        ],
        text_format=CalendarEvent,
    )
    event = response.output_parsed
    assert isinstance(event, CalendarEvent)
