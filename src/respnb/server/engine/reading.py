"""Answers from the documents given in ``input_file`` parts.

The demo model reads each attached file as text (:mod:`.documents`), finds the passage most
relevant to the question with the same BM25 ranking as file_search (:func:`.search.best_passage`)
and answers by quoting it, naming the file. A file with no passage matching the question is
described by its opening lines instead.
"""

from __future__ import annotations

from typing import Any

from .request import EngineFile, EngineRequest, input_items, prompt_of

__all__ = ["attached_files", "file_answer"]


def attached_files(req: EngineRequest) -> list[tuple[str, EngineFile | None]]:
    """(shown name, file) of each ``input_file`` part of the new input, in order."""
    by_id = {f.id: f for f in req.files}
    direct = [f for f in req.files if f.direct]
    out: list[tuple[str, EngineFile | None]] = []
    for item in input_items(req.body):
        content = item.get("content")
        if not isinstance(content, list):
            continue
        for part in content:
            if not isinstance(part, dict) or part.get("type") != "input_file":
                continue
            f = by_id.get(str(part.get("file_id")))
            if f is None and part.get("file_data"):
                f = next((d for d in direct if d.filename == part.get("filename")), None)
            name = str(part.get("filename") or (f.filename if f else "the attached file"))
            out.append((name, f))
    return out


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip().splitlines())


def file_answer(req: EngineRequest) -> str | None:
    """The answer quoting the most relevant passage of the attached files, or None."""
    from .search import best_passage

    files = attached_files(req)
    if not files:
        return None
    prompt = prompt_of(req)
    parts: list[str] = []
    best: list[tuple[str, str]] = []
    for name, f in files:
        text = f.text if f is not None else ""
        passage = best_passage(prompt, text) if text.strip() else None
        if passage:
            best.append((name, passage))
        elif text.strip():
            first = text.strip().splitlines()[0][:120]
            parts.append(
                f"I read **{name}**; nothing in it matches the question. It begins: “{first}”."
            )
        else:
            parts.append(f"I could not read any text in **{name}**.")
    lines: list[Any] = [f"> {prompt}" if prompt else "", ""]
    for name, passage in best:
        lines += [f"According to **{name}**:", "", _quote(passage), ""]
    lines += parts
    return "\n".join(str(x) for x in lines).strip()
