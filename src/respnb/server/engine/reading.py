"""Answers from the documents given in ``input_file`` parts.

The demo model reads each attached file as text (:mod:`.documents`), finds the passage most
relevant to the question with the same BM25 ranking as file_search (:func:`.search.best_passage`)
and answers by quoting it, naming the file. A file with no passage matching the question is
described by its opening lines instead.
"""

from __future__ import annotations

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


def file_answer(req: EngineRequest, notes: list[str] | None = None) -> str | None:
    """The answer quoting the most relevant passage of the attached files, or None.

    ``notes`` (about other attachments, such as images) are added after the passages."""
    from .search import best_passage

    files = attached_files(req)
    if not files:
        return None
    prompt = prompt_of(req)
    lines: list[str] = [_quote(prompt) if prompt else "", ""]
    for name, f in files:
        text = f.text.strip() if f is not None else ""
        passage = best_passage(prompt, text) if text else None
        if passage:
            lines += [f"I read **{name}**. The passage that answers this:", "", _quote(passage), ""]
        elif text:
            opening = text[:300].rstrip() + ("…" if len(text) > 300 else "")
            lines += [f"I read **{name}**. It begins:", "", _quote(opening), ""]
        else:
            lines += [f"I could not read any text in **{name}**.", ""]
    lines += notes or []
    return "\n".join(lines).strip()
