"""Attachments: parts for URLs, images (inlined) and files (uploaded or inlined)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from respnb._attachments import (
    MAX_INLINE_BYTES,
    AttachmentError,
    attachment_part,
    build_input,
    split_attachments,
)
from respnb._profile_config import builtin_profile


class FakeFiles:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def create(self, *, file: Any, purpose: str = "user_data") -> Any:
        self.calls.append(("create", (Path(file).name, purpose)))
        return type("F", (), {"id": "file_1"})()

    def upload_presigned(self, file: Any, filename: str | None = None) -> Any:
        self.calls.append(("presigned", filename))
        return type("F", (), {"id": "file_m"})()


def test_split() -> None:
    assert split_attachments(["a.png,b.pdf", " c.txt ", ""]) == ["a.png", "b.pdf", "c.txt"]
    assert split_attachments(["https://x.com/q?a=1,2", "d.txt"]) == [
        "https://x.com/q?a=1,2",
        "d.txt",
    ]
    assert split_attachments(None) == []


def test_urls() -> None:
    assert attachment_part("https://x.com/cat.JPG") == {
        "type": "input_image",
        "image_url": "https://x.com/cat.JPG",
        "detail": "auto",
    }
    assert attachment_part("https://x.com/paper.pdf") == {
        "type": "input_file",
        "file_url": "https://x.com/paper.pdf",
    }
    assert attachment_part("data:image/png;base64,AAAA")["type"] == "input_image"


def test_local_image_is_inlined(tmp_path: Path) -> None:
    img = tmp_path / "p.png"
    img.write_bytes(b"\x89PNGdata")
    files = FakeFiles()
    part = attachment_part(str(img), profile=builtin_profile("openai"), files=files)
    assert part["image_url"] == "data:image/png;base64," + base64.b64encode(b"\x89PNGdata").decode()
    assert files.calls == []


@pytest.mark.parametrize(
    ("profile", "expected", "call"),
    [
        ("openai", {"type": "input_file", "file_id": "file_1"}, ("create", ("r.txt", "user_data"))),
        ("manus", {"type": "input_file", "file_id": "file_m"}, ("presigned", "r.txt")),
    ],
)
def test_files_are_uploaded(
    tmp_path: Path, profile: str, expected: dict[str, str], call: tuple[str, Any]
) -> None:
    doc = tmp_path / "r.txt"
    doc.write_text("hello", encoding="utf-8")
    files = FakeFiles()
    assert attachment_part(str(doc), profile=builtin_profile(profile), files=files) == expected
    assert files.calls == [call]


def test_files_are_inlined_without_a_files_api(tmp_path: Path) -> None:
    doc = tmp_path / "r.txt"
    doc.write_text("hello", encoding="utf-8")
    part = attachment_part(str(doc), profile=builtin_profile("maniac"), files=FakeFiles())
    assert part == {
        "type": "input_file",
        "file_data": "data:text/plain;base64," + base64.b64encode(b"hello").decode(),
        "filename": "r.txt",
    }


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(AttachmentError, match="not found"):
        attachment_part(str(tmp_path / "nope.txt"))
    with pytest.raises(AttachmentError, match="is not a file"):
        attachment_part(str(tmp_path))
    big = tmp_path / "big.png"
    with big.open("wb") as fh:
        fh.truncate(MAX_INLINE_BYTES + 1)
    with pytest.raises(AttachmentError, match="too big to send inline"):
        attachment_part(str(big))


def test_build_input(tmp_path: Path) -> None:
    assert build_input("hi") == "hi"
    doc = tmp_path / "a.txt"
    doc.write_text("x", encoding="utf-8")
    files = FakeFiles()
    with pytest.raises(AttachmentError, match=r"missing\.txt"):
        build_input("hi", ["a.txt", "missing.txt"], base_dir=tmp_path, files=files)
    assert files.calls == []  # nothing uploaded before every file was checked
    built = build_input(
        "hi", ["a.txt"], base_dir=tmp_path, profile=builtin_profile("openai"), files=files
    )
    assert built == [
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": "hi"},
                {"type": "input_file", "file_id": "file_1"},
            ],
        }
    ]
