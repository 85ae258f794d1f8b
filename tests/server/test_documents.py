"""Documents read as text (PDF, DOCX, HTML, markdown, CSV, JSON, code), chunked with the
documented defaults, ranked with BM25, quoted by the demo engine and cited by file_search."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import pytest
from openai import OpenAI

from respnb.server.engine import EngineFile, extract_text, search_files
from respnb.server.engine.search import best_passage, chunk_text, rank
from respnb.server.engine.tokens import count_tokens
from respnb.server.launch import RunningServer
from respnb.server.pdf import make_pdf

from .faq import FAQ_PAGES, faq_pdf


def _docx(paragraphs: list[str]) -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = f'<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


def test_pdf_pages_are_read_as_text() -> None:
    data = faq_pdf()
    assert data[:5] == b"%PDF-" and b"Prepaid" not in data  # compressed: no plain text inside
    text = extract_text("airnz-baggage-FAQ.pdf", data)
    assert "Can I bring more bags than my standard allowance?" in text
    assert "Prepaid Extra Bags" in text and "pets" in text.lower()
    assert extract_text("broken.pdf", b"%PDF-1.4 garbage") == ""  # never the raw bytes


@pytest.mark.parametrize(
    ("name", "data", "expected", "absent"),
    [
        ("a.docx", _docx(["Quarterly report", "Revenue grew 12%."]), "Revenue grew 12%.", "<w:"),
        (
            "page.html",
            b"<html><head><style>p{color:red}</style><script>var x=1</script></head>"
            b"<body><h1>Title</h1><p>Visible &amp; clear.</p></body></html>",
            "Visible & clear.",
            "var x",
        ),
        ("notes.md", b"# Notes\n\n- item", "# Notes", "\x00"),
        ("t.csv", b"city,pop\nOslo,700000\n", "Oslo,700000", "\x00"),
        ("d.json", json.dumps({"k": "v"}).encode(), '"k"', "\x00"),
        ("m.py", b"def f():\n    return 1\n", "def f()", "\x00"),
    ],
)
def test_formats_read_as_text(name: str, data: bytes, expected: str, absent: str) -> None:
    text = extract_text(name, data)
    assert expected in text and absent not in text


def test_chunks_follow_the_static_strategy() -> None:
    text = " ".join(f"word{i}" for i in range(2000))
    chunks = chunk_text(text)  # 800 tokens, 400 overlap
    assert [count_tokens(c) for c in chunks[:3]] == [800, 800, 800]
    assert chunks[1].split()[0] == "word400"  # starts 400 tokens in: 400 of overlap
    small = chunk_text(text, 200, 50)
    assert small[1].split()[0] == "word150" and count_tokens(small[0]) == 200


def test_bm25_prefers_the_rare_matching_term() -> None:
    texts = ["bags bags bags and more", "pets travel in the cabin", "extra bags for sports gear"]
    ranked = rank("sports bags", texts)
    assert ranked[0].index == 2 and 0 < ranked[-1].score < ranked[0].score < 1
    assert rank("zebra", texts) == []


def test_best_passage_is_the_relevant_paragraph() -> None:
    text = extract_text("faq.pdf", faq_pdf())
    passage = best_passage("Can my dog travel with me in the cabin?", text)
    assert passage is not None and "pet" in passage.lower()
    passage = best_passage("Can I bring more bags than my standard allowance?", text)
    assert passage is not None and "Prepaid Extra Bags" in passage


def test_search_files_chunks_a_long_pdf() -> None:
    f = EngineFile("file-1", "airnz-baggage-FAQ.pdf", faq_pdf())
    hits = search_files([f], "Can I bring more bags than my standard allowance?")
    assert len(hits) >= 2  # several overlapping chunks match
    assert "Prepaid Extra Bags" in hits[0]["text"]
    assert hits[0]["score"] > hits[-1]["score"]
    sized = EngineFile("file-1", "a.pdf", faq_pdf(), chunking=_static(120, 20))
    small = search_files([sized], "Prepaid Extra Bags price")
    assert all(count_tokens(h["text"]) <= 120 for h in small)


def _static(size: int, overlap: int) -> dict[str, object]:
    return {
        "type": "static",
        "static": {"max_chunk_size_tokens": size, "chunk_overlap_tokens": overlap},
    }


@pytest.fixture(scope="module")
def sdk(server: RunningServer) -> Iterator[OpenAI]:
    with OpenAI(base_url=server.base_url, api_key="x", max_retries=0) as c:
        yield c


def test_input_file_pdf_answer_quotes_the_relevant_passage(sdk: OpenAI) -> None:
    up = sdk.files.create(file=("airnz-baggage-FAQ.pdf", faq_pdf()), purpose="user_data")
    for question, expected in [
        ("Can I bring more bags than my standard allowance?", "Prepaid Extra Bags"),
        ("What happens if my bag is lost or delayed?", "Property Irregularity Report"),
    ]:
        resp = sdk.responses.create(
            model="gpt-4.1",
            input=[
                {
                    "role": "user",
                    "content": [
                        {"type": "input_file", "file_id": up.id},
                        {"type": "input_text", "text": question},
                    ],
                }
            ],
        )
        assert "airnz-baggage-FAQ.pdf" in resp.output_text
        assert expected in resp.output_text, resp.output_text
        assert "%PDF" not in resp.output_text


def test_vector_store_file_content_is_the_text(sdk: OpenAI) -> None:
    up = sdk.files.create(file=("faq.pdf", faq_pdf()), purpose="assistants")
    vs = sdk.vector_stores.create(name="faq")
    vf = sdk.vector_stores.files.create(
        vector_store_id=vs.id,
        file_id=up.id,
        chunking_strategy=_static(300, 100),  # type: ignore[arg-type]
    )
    assert vf.chunking_strategy.static.max_chunk_size_tokens == 300  # type: ignore[union-attr]
    pages = sdk.vector_stores.files.content(vector_store_id=vs.id, file_id=up.id)
    assert "Prepaid Extra Bags" in "".join(p.text or "" for p in pages)
    found = sdk.vector_stores.search(vector_store_id=vs.id, query="lost delayed baggage report")
    top = found.data[0]
    assert top.filename == "faq.pdf" and "Property Irregularity Report" in top.content[0].text
    assert top.score > found.data[-1].score or len(found.data) == 1


def test_pages_module_round_trip() -> None:
    assert extract_text("x.pdf", make_pdf(["(paren) \\ back"])) == "(paren) \\ back"
    assert len(FAQ_PAGES) >= 4


def test_vector_store_usage_is_the_text_and_unreadable_files_fail(sdk: OpenAI) -> None:
    pdf = faq_pdf()
    up = sdk.files.create(file=("faq.pdf", pdf), purpose="assistants")
    broken = sdk.files.create(file=("scan.pdf", b"%PDF-1.4 no text here"), purpose="assistants")
    vs = sdk.vector_stores.create(name="sizes", file_ids=[up.id, broken.id])
    files = {f.id: f for f in sdk.vector_stores.files.list(vector_store_id=vs.id)}
    text = extract_text("faq.pdf", pdf)
    assert files[up.id].status == "completed"
    assert files[up.id].usage_bytes == len(text.encode())  # the text, not the PDF bytes
    assert files[broken.id].status == "failed"
    assert files[broken.id].last_error is not None
    assert files[broken.id].last_error.code == "invalid_file"
