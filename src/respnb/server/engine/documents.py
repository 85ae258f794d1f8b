"""Uploaded documents read as text: PDF, DOCX, HTML, and every text format.

:func:`extract_text` is what ``input_file`` parts and vector store indexing read:

* PDF (``%PDF`` magic): the text of each page with pypdf, pages separated by a blank line;
* DOCX (a zip holding ``word/document.xml``): one line per paragraph;
* HTML (``.html``/``.htm`` or a document starting with ``<!doctype html`` / ``<html``): the
  visible text, block elements on their own lines, scripts and styles dropped;
* anything else (markdown, CSV, JSON, code, plain text): decoded as UTF-8.

A document that cannot be parsed (a broken PDF) reads as empty text rather than as its bytes.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import threading
import zipfile
from html.parser import HTMLParser
from xml.etree import ElementTree

__all__ = ["extract_text", "kind_of"]

log = logging.getLogger("respnb.server")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "table", "pre", "blockquote", "title"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer"}
)


def kind_of(filename: str, content: bytes) -> str:
    """``pdf``, ``docx``, ``html`` or ``text``."""
    name = filename.lower()
    if content[:5] == b"%PDF-":
        return "pdf"
    if content[:2] == b"PK" and (name.endswith(".docx") or b"word/document.xml" in content[:4096]):
        return "docx"
    head = content[:512].lstrip().lower()
    if name.endswith((".html", ".htm")) or head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def _pdf(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    pages = [(page.extract_text() or "").strip() for page in reader.pages]
    return "\n\n".join(p for p in pages if p)


def _docx(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    lines: list[str] = []
    for para in root.iter(f"{_W}p"):
        text = "".join(
            node.text or "" if node.tag == f"{_W}t" else "\t"
            for node in para.iter()
            if node.tag in (f"{_W}t", f"{_W}tab")
        )
        lines.append(text)
    return "\n".join(lines).strip()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.out.append(data)


def _html(content: bytes) -> str:
    parser = _Text()
    parser.feed(content.decode("utf-8", "replace"))
    parser.close()
    text = "".join(parser.out)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def extract_text(filename: str, content: bytes) -> str:
    """The readable text of an uploaded file (see the module docstring).

    Parsed documents are cached by content digest (the same PDF is read once)."""
    kind = kind_of(filename, content)
    if kind == "text":
        return content.decode("utf-8", "replace")
    key = f"{kind}:{hashlib.sha256(content).hexdigest()}"
    with _LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    text = _parse(kind, filename, content)
    with _LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = text
    return text


_CACHE: dict[str, str] = {}
_CACHE_SIZE = 64
_LOCK = threading.Lock()


def _parse(kind: str, filename: str, content: bytes) -> str:
    try:
        if kind == "pdf":
            return _pdf(content)
        if kind == "docx":
            return _docx(content)
        if kind == "html":
            return _html(content)
    except Exception as exc:  # a malformed document: no text, never its raw bytes
        log.warning("could not read %s as %s: %s", filename, kind, exc)
        return ""
    return content.decode("utf-8", "replace")
