"""Files, conversations, lists and Manus tasks."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import Field

from ._base import WireModel
from .items import Item

__all__ = [
    "Conversation",
    "DeletedObject",
    "FileObject",
    "InputTokens",
    "ListPage",
    "ManusFileUpload",
]

T = TypeVar("T")


class ListPage(WireModel, Generic[T]):
    """``{object:"list", data, first_id, last_id, has_more}`` (Manus tasks omit ``object``)."""

    object: str | None = "list"
    data: list[T] = Field(default_factory=list)
    first_id: str | None = None
    last_id: str | None = None
    has_more: bool = False


class DeletedObject(WireModel):
    id: str = ""
    object: str | None = None
    deleted: bool = True


class FileObject(WireModel):
    """An OpenAI file (``created_at`` unix int) or a Manus file (ISO string)."""

    id: str
    object: str = "file"
    bytes: int | None = None
    created_at: int | float | str | None = None
    filename: str | None = None
    purpose: str | None = None
    status: str | None = None
    expires_at: int | None = None


class ManusFileUpload(FileObject):
    """Manus's first step: a file record with a presigned ``upload_url`` (3 minutes)."""

    upload_url: str = ""
    upload_expires_at: str | int | None = None


class Conversation(WireModel):
    id: str
    object: str = "conversation"
    created_at: int | float | None = None
    metadata: dict[str, Any] | None = None


class InputTokens(WireModel):
    object: str = "response.input_tokens"
    input_tokens: int = 0


ConversationItemList = ListPage[Item]
