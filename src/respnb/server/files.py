"""Uploaded files in the store: OpenAI multipart uploads and Manus's two-step presigned upload.

OpenAI: ``{id, object:"file", bytes, created_at (unix int), filename, purpose, status:
"processed"}``. Manus: ``POST /v1/files {filename}`` makes a ``pending`` record with an
``upload_url`` on this server (``/upload/{token}``, valid 3 minutes, no auth needed); a PUT of
the bytes there flips it to ``uploaded``; ``created_at`` is an ISO string. Deleting a Manus
file marks it ``deleted`` (it stays retrievable, leaves lists and is no longer readable).
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from .engine import EngineFile
from .errors import ApiError, not_found
from .store import Store, dumps

__all__ = ["UPLOAD_TTL", "Files"]

UPLOAD_TTL = 180.0
"""Seconds a Manus presigned upload URL stays valid."""


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).isoformat().replace("+00:00", "Z")


class Files:
    """File records and contents over the :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def _put(self, record: dict[str, Any], created: float, token: str | None) -> None:
        await self.store.write(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
            (record["id"], created, token, dumps(record)),
        )

    async def create(self, filename: str, purpose: str, content: bytes) -> dict[str, Any]:
        """An OpenAI-style upload (multipart)."""
        now = time.time()
        record = {
            "id": "file-" + secrets.token_hex(12),
            "object": "file",
            "bytes": len(content),
            "created_at": int(now),
            "filename": filename,
            "purpose": purpose,
            "status": "processed",
            "expires_at": None,
        }
        self.store.write_nowait(
            "INSERT OR REPLACE INTO file_contents VALUES (?, ?)", (record["id"], content)
        )
        await self._put(record, now, None)
        return record

    async def create_presigned(self, filename: str, origin: str) -> dict[str, Any]:
        """Manus step one: a pending record and the URL to PUT the bytes to."""
        now = time.time()
        token = secrets.token_urlsafe(24)
        record = {
            "id": "file-" + secrets.token_hex(12),
            "object": "file",
            "filename": filename,
            "status": "pending",
            "upload_url": f"{origin}/upload/{token}",
            "upload_expires_at": _iso(now + UPLOAD_TTL),
            "created_at": _iso(now),
        }
        await self._put(record, now, token)
        return record

    async def upload(self, token: str, content: bytes) -> dict[str, Any]:
        """Manus step two: the bytes PUT to the upload URL."""
        row = await self.store.fetchone(
            "SELECT created_at, data FROM files WHERE upload_token = ?", (token,)
        )
        if row is None:
            raise ApiError(404, "Unknown or already used upload URL.", code="upload_not_found")
        created, data = row
        if time.time() > created + UPLOAD_TTL:
            raise ApiError(
                403,
                "The upload URL has expired (3 minutes); create the file again.",
                code="upload_expired",
            )
        record = json.loads(data)
        record["status"] = "uploaded"
        record["bytes"] = len(content)
        record.pop("upload_url", None)
        record.pop("upload_expires_at", None)
        self.store.write_nowait(
            "INSERT OR REPLACE INTO file_contents VALUES (?, ?)", (record["id"], content)
        )
        await self._put(record, created, None)
        return dict(record)

    async def get(self, file_id: str) -> dict[str, Any]:
        row = await self.store.fetchone("SELECT data FROM files WHERE id = ?", (file_id,))
        if row is None:
            raise not_found("file", file_id)
        return dict(json.loads(row[0]))

    async def list_page(
        self, *, after: str | None, limit: int, order: str, purpose: str | None
    ) -> dict[str, Any]:
        rows = await self.store.fetchall("SELECT id, created_at, data FROM files")
        records = [json.loads(r[2]) for r in sorted(rows, key=lambda r: (r[1], r[0]))]
        records = [r for r in records if r.get("status") != "deleted"]
        if purpose:
            records = [r for r in records if r.get("purpose") == purpose]
        if order == "desc":
            records.reverse()
        if after:
            ids = [r["id"] for r in records]
            records = records[ids.index(after) + 1 :] if after in ids else []
        page = records[:limit]
        return {
            "object": "list",
            "data": page,
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
            "has_more": len(records) > limit,
        }

    async def delete(self, file_id: str, *, soft: bool) -> dict[str, Any]:
        record = await self.get(file_id)
        self.store.write_nowait("DELETE FROM file_contents WHERE id = ?", (file_id,))
        if soft:
            record["status"] = "deleted"
            await self._put(record, time.time(), None)
        else:
            await self.store.write("DELETE FROM files WHERE id = ?", (file_id,))
        return {"id": file_id, "object": "file", "deleted": True}

    async def content(self, file_id: str) -> bytes:
        await self.get(file_id)
        row = await self.store.fetchone(
            "SELECT content FROM file_contents WHERE id = ?", (file_id,)
        )
        if row is None:
            raise ApiError(
                404,
                f"File '{file_id}' has no content (not uploaded, or deleted).",
                code="file_content_not_found",
            )
        return bytes(row[0])

    async def for_engine(self, ids: list[str] | None) -> list[EngineFile]:
        """Files the engine may read: the given ids, or (None) every readable file (max 100)."""
        if ids is None:
            rows = await self.store.fetchall(
                "SELECT f.id, f.data, c.content FROM files f JOIN file_contents c ON c.id = f.id "
                "ORDER BY f.created_at LIMIT 100"
            )
        elif ids:
            marks = ",".join("?" * len(ids))
            rows = await self.store.fetchall(
                "SELECT f.id, f.data, c.content FROM files f JOIN file_contents c ON c.id = f.id "
                f"WHERE f.id IN ({marks})",
                ids,
            )
        else:
            return []
        return [
            EngineFile(
                id=r[0], filename=str(json.loads(r[1]).get("filename") or r[0]), content=bytes(r[2])
            )
            for r in rows
        ]
