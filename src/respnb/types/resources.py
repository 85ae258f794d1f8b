"""Files, conversations, lists, vector stores and Manus tasks."""

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
    "VectorStore",
    "VectorStoreFile",
    "VectorStoreFileCounts",
    "VectorStoreSearchPage",
    "VectorStoreSearchResult",
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


class VectorStoreFileCounts(WireModel):
    in_progress: int = 0
    completed: int = 0
    failed: int = 0
    cancelled: int = 0
    total: int = 0


class VectorStore(WireModel):
    """``{id:"vs_...", object:"vector_store", name, status, file_counts, usage_bytes, ...}``."""

    id: str
    object: str = "vector_store"
    created_at: int | None = None
    name: str | None = None
    description: str | None = None
    usage_bytes: int = 0
    file_counts: VectorStoreFileCounts = Field(default_factory=VectorStoreFileCounts)
    status: str | None = None
    """``in_progress``, ``completed`` or ``expired``."""
    expires_after: dict[str, Any] | None = None
    expires_at: int | None = None
    last_active_at: int | None = None
    metadata: dict[str, Any] | None = None


class VectorStoreFile(WireModel):
    """A file in a vector store; ``id`` is the file's id. ``status``: ``in_progress``,
    ``completed``, ``failed`` or ``cancelled`` (then ``last_error`` says why)."""

    id: str
    object: str = "vector_store.file"
    created_at: int | None = None
    usage_bytes: int = 0
    vector_store_id: str | None = None
    status: str | None = None
    last_error: dict[str, Any] | None = None
    attributes: dict[str, Any] | None = None
    chunking_strategy: dict[str, Any] | None = None


class VectorStoreSearchResult(WireModel):
    """One hit of ``POST /vector_stores/{id}/search``: ``content`` is ``[{type:"text", text}]``."""

    file_id: str
    filename: str | None = None
    score: float = 0.0
    attributes: dict[str, Any] | None = None
    content: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def text(self) -> str:
        """The hit's text parts joined."""
        return "\n".join(str(c.get("text", "")) for c in self.content if isinstance(c, dict))


class VectorStoreSearchPage(WireModel):
    object: str = "vector_store.search_results.page"
    search_query: list[str] | str | None = None
    data: list[VectorStoreSearchResult] = Field(default_factory=list)
    has_more: bool = False
    next_page: str | None = None
