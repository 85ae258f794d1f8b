"""Attachments: file and image paths or URLs turned into Responses-API input parts.

* An image (by file name: png, jpg, gif, webp, ...) becomes ``input_image``: a URL is passed as
  is, a local file is inlined as a ``data:`` URL (every service accepts those).
* Any other file becomes ``input_file``: a URL as ``file_url``; a local file is uploaded with the
  client's files API when the profile has one (Manus: the presigned two-step upload) and sent
  as ``file_id``, else inlined as ``file_data`` (a base64 data URL) with its ``filename``.

Jupyter-free; the magics call :func:`build_input`.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from ._profiles import Profile

__all__ = [
    "MAX_INLINE_BYTES",
    "AttachmentError",
    "FilesAPI",
    "attachment_part",
    "build_input",
    "split_attachments",
]

MAX_INLINE_BYTES = 20 * 1024 * 1024
"""The largest file inlined as a data URL (services reject bigger request bodies)."""

_IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff"})


class AttachmentError(ValueError):
    """An attachment cannot be used; the message names it and says what to fix."""


class FilesAPI(Protocol):
    """The part of ``client.files`` attachments need (respnb's sync ``Client``)."""

    def create(self, *, file: Any, purpose: str = ...) -> Any: ...

    def upload_presigned(self, file: Any, filename: str | None = ...) -> Any: ...


def split_attachments(values: Iterable[str] | None) -> list[str]:
    """``--attach a.png,b.pdf --attach c.txt`` -> ``["a.png", "b.pdf", "c.txt"]``.

    A comma inside a URL is kept when what follows does not look like a new attachment.
    """
    out: list[str] = []
    for value in values or ():
        for piece in value.split(","):
            piece = piece.strip()
            if not piece:
                continue
            if out and _is_url(out[-1]) and not (_is_url(piece) or Path(piece).suffix):
                out[-1] = f"{out[-1]},{piece}"
            else:
                out.append(piece)
    return out


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "data:"))


def _is_image(name: str) -> bool:
    if name.startswith("data:"):
        return name.startswith("data:image/")
    return Path(name.split("?", 1)[0]).suffix.lower() in _IMAGE_SUFFIXES


def _data_url(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def attachment_part(
    ref: str,
    *,
    profile: Profile | None = None,
    files: FilesAPI | None = None,
    base_dir: Path | None = None,
) -> dict[str, Any]:
    """The input content part for one attachment (see the module docstring)."""
    if _is_url(ref):
        if _is_image(ref):
            return {"type": "input_image", "image_url": ref, "detail": "auto"}
        if ref.startswith("data:"):
            return {"type": "input_file", "file_data": ref, "filename": "attachment"}
        return {"type": "input_file", "file_url": ref}
    path = Path(ref).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if not path.exists():
        raise AttachmentError(
            f"attachment {ref!r} not found (looked for {path.resolve()}): check the path, "
            "or give an http(s) URL."
        )
    if not path.is_file():
        raise AttachmentError(f"attachment {ref!r} is not a file: attach the files inside it.")
    size = path.stat().st_size
    if _is_image(path.name):
        _check_inline(ref, size)
        return {"type": "input_image", "image_url": _data_url(path), "detail": "auto"}
    file_id = _upload(path, profile, files)
    if file_id is not None:
        return {"type": "input_file", "file_id": file_id}
    _check_inline(ref, size)
    return {"type": "input_file", "file_data": _data_url(path), "filename": path.name}


def _check_inline(ref: str, size: int) -> None:
    if size > MAX_INLINE_BYTES:
        raise AttachmentError(
            f"attachment {ref!r} is {size / 1e6:.1f} MB, too big to send inline "
            f"(limit {MAX_INLINE_BYTES // (1024 * 1024)} MB): upload it with client.files "
            "and reference it, or attach a smaller file."
        )


def _upload(path: Path, profile: Profile | None, files: FilesAPI | None) -> str | None:
    """Upload through the files API the profile has; None when it has none."""
    if files is None or profile is None:
        return None
    if profile.supports("presigned_files"):
        obj = files.upload_presigned(path, filename=path.name)
    elif profile.supports("files"):
        obj = files.create(file=path, purpose="user_data")
    else:
        return None
    file_id = getattr(obj, "id", None)
    if not isinstance(file_id, str) or not file_id:
        raise AttachmentError(f"uploading {path.name!r} returned no file id: {obj!r}")
    return file_id


def build_input(
    prompt: str,
    attachments: Sequence[str] = (),
    *,
    profile: Profile | None = None,
    files: FilesAPI | None = None,
    base_dir: Path | None = None,
) -> str | list[dict[str, Any]]:
    """The request ``input``: the prompt alone, or one user message with the attachments.

    Every attachment is checked before anything is uploaded, so a missing file fails fast.
    """
    if not attachments:
        return prompt
    for ref in attachments:
        if not _is_url(ref):
            path = Path(ref).expanduser()
            path = base_dir / path if not path.is_absolute() and base_dir is not None else path
            if not path.is_file():
                attachment_part(ref, base_dir=base_dir)  # raises the precise error
    parts: list[dict[str, Any]] = [{"type": "input_text", "text": prompt}]
    parts += [
        attachment_part(ref, profile=profile, files=files, base_dir=base_dir) for ref in attachments
    ]
    return [{"role": "user", "content": parts}]
