"""mypy checks the create / stream / parse parameters of both clients (one TypedDict)."""

from __future__ import annotations

from pathlib import Path

from mypy import api

SNIPPET = """
import respnb

client = respnb.Client("compatible", base_url="http://127.0.0.1:1/v1")
client.responses.create(model="m", input="x", max_output_tokens=5)   # fine
client.responses.create(model="m", inptu="x")                         # line 6: typo
client.responses.stream(model="m", input="x", background="yes")       # line 7: wrong type


async def main() -> None:
    aclient = respnb.AsyncClient("compatible", base_url="http://127.0.0.1:1/v1")
    await aclient.responses.parse(model="m", input="x", temperature="hot")  # line 12
    stream = aclient.responses.stream(model="m", input="x")
    reveal_type(stream)
"""


def test_mypy_flags_wrong_parameters(tmp_path: Path) -> None:
    src = tmp_path / "snippet.py"
    src.write_text(SNIPPET)
    out, _, _ = api.run(
        [str(src), "--cache-dir", str(tmp_path / "cache"), "--follow-imports=silent"]
    )
    errors = {int(line.split(":")[1]) for line in out.splitlines() if ": error:" in line}
    assert errors == {6, 7, 12}, out
    assert 'Revealed type is "respnb._stream.AsyncResponseStream"' in out
