"""Uploaded files in the store: OpenAI multipart uploads and Manus's two-step presigned upload.

OpenAI: ``{id, object:"file", bytes, created_at (unix int), filename, purpose, status:
"processed"}``. Manus: ``POST /v1/files {filename}`` makes a ``pending`` record with an
``upload_url`` on this server (``/upload/{token}``, valid 3 minutes, no auth needed); a PUT of
the bytes there flips it to ``uploaded``; ``created_at`` is unix seconds (as Manus's own
examples print it) and ``expires_at`` 48 hours later: past it the file reads as
``deleted``. Deleting a Manus file marks it ``deleted`` (it stays retrievable, leaves lists
and is no longer readable).
:meth:`Files.check_inputs` refuses ``input_file`` parts naming an unknown, deleted, expired or
not yet uploaded file (400, ``param`` ``input[i].content[j].file_id``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from .engine import EngineFile
from .errors import ApiError, bad_request, not_found
from .store import Store, dumps

__all__ = ["MANUS_FILE_TTL", "UPLOAD_TTL", "Files", "inline_file"]

UPLOAD_TTL = 180.0
"""Seconds a Manus presigned upload URL stays valid."""
MANUS_FILE_TTL = 48 * 3600
"""Seconds a Manus upload lives before it is deleted automatically."""


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).isoformat().replace("+00:00", "Z")


class Files:
    """File records and contents over the :class:`Store`."""

    def __init__(self, store: Store, dialect: str = "openai") -> None:
        self.store = store
        self.dialect = dialect

    @staticmethod
    def _live(record: dict[str, Any]) -> dict[str, Any]:
        """The record as of now: a Manus file past ``expires_at`` reads as ``deleted``."""
        expires = record.get("expires_at")
        if (
            record.get("status") in ("pending", "uploaded")
            and isinstance(expires, (int, float))
            and time.time() > expires
        ):
            record["status"] = "deleted"
        return record

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
            "created_at": int(now),
            "expires_at": int(now) + MANUS_FILE_TTL,
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
        return self._live(dict(json.loads(row[0])))

    async def check_inputs(self, items: list[dict[str, Any]], dialect: str) -> None:
        """400 for an ``input_file`` naming a file that is unknown, deleted, expired or not
        uploaded (``param`` ``input[i].content[j].file_id``)."""
        for i, item in enumerate(items):
            content = item.get("content")
            if not isinstance(content, list):
                continue
            for j, part in enumerate(content):
                if not isinstance(part, dict) or part.get("type") != "input_file":
                    continue
                fid = part.get("file_id")
                if not isinstance(fid, str):
                    continue
                param = f"input[{i}].content[{j}].file_id"
                try:
                    record = await self.get(fid)
                except ApiError:
                    raise bad_request(
                        f"Invalid 'file_id': no file found with id '{fid}'. Upload it first "
                        "(POST /v1/files) and use the id it returns.",
                        param,
                        code="file_not_found",
                    ) from None
                status = record.get("status")
                if status == "deleted":
                    expired = isinstance(record.get("expires_at"), int) and dialect == "manus"
                    why = (
                        "expired (uploads are deleted after 48 hours)"
                        if expired and time.time() > record["expires_at"]
                        else "was deleted"
                    )
                    raise bad_request(
                        f"File '{fid}' {why} and can no longer be used; upload it again.",
                        param,
                        code="file_deleted",
                    )
                if status == "pending":
                    raise bad_request(
                        f"File '{fid}' is still pending: PUT its bytes to the upload_url first.",
                        param,
                        code="file_not_uploaded",
                    )

    async def list_page(
        self, *, after: str | None, limit: int, order: str, purpose: str | None
    ) -> dict[str, Any]:
        rows = await self.store.fetchall("SELECT id, created_at, data FROM files")
        records = [self._live(json.loads(r[2])) for r in sorted(rows, key=lambda r: (r[1], r[0]))]
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
        out: list[EngineFile] = []
        for r in rows:
            record = self._live(json.loads(r[1]))
            if record.get("status") == "deleted":
                continue
            out.append(
                EngineFile(
                    id=r[0],
                    filename=str(record.get("filename") or r[0]),
                    content=bytes(r[2]),
                    direct=True,
                )
            )
        return out


def inline_file(part: dict[str, Any]) -> EngineFile:
    """The file of an ``input_file`` part given inline (``file_data``, base64 or a data URL)."""
    data = str(part.get("file_data") or "")
    raw = data.split(",", 1)[1] if data.startswith("data:") and "," in data else data
    try:
        content = base64.b64decode(raw, validate=False)
    except (binascii.Error, ValueError):
        content = data.encode()
    name = str(part.get("filename") or "file")
    digest = hashlib.sha256(content).hexdigest()[:24]
    return EngineFile(id=f"inline-{digest}", filename=name, content=content, direct=True)
