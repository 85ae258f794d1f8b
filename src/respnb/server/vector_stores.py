"""Vector stores in the store: OpenAI's ``/v1/vector_stores`` objects and their files.

A vector store is ``{id:"vs_...", object:"vector_store", created_at, name, usage_bytes,
file_counts{in_progress, completed, failed, cancelled, total}, status, expires_after,
expires_at, last_active_at, metadata}``; ``usage_bytes``, ``file_counts`` and ``status`` are
computed from its files when read. A vector store file is ``{id (the file's id),
object:"vector_store.file", created_at, usage_bytes, vector_store_id, status, last_error,
attributes, chunking_strategy}``.

Indexing is instant here: the answer to adding a file shows it as it was when added
(``in_progress``, ``usage_bytes`` 0, like OpenAI's), and every later read shows it
``completed`` with the size of its extracted text — or ``failed`` (``last_error.code``
``invalid_file``) when the file has no content or no text can be read from it. The
``file_search`` tool searches the completed files of the vector stores it names
(:meth:`VectorStores.engine_files`); an unknown id is a 400 naming ``tools[i].vector_store_ids``.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from .engine import EngineFile, extract_text, search_files
from .errors import ApiError, bad_request
from .files import Files
from .paging import page_of
from .store import Store, dumps
from .vector_store_params import (
    check_attributes,
    check_chunking,
    check_expires,
    check_metadata,
)

__all__ = ["VectorStores", "vector_store_not_found"]

_STATUSES = ("in_progress", "completed", "failed", "cancelled")


def vector_store_not_found(vsid: str, *, status: int = 404, param: str | None = None) -> ApiError:
    """The error for an unknown vector store id."""
    return ApiError(
        status,
        f"No vector store found with id '{vsid}'; create it with POST /v1/vector_stores.",
        param=param,
        code="vector_store_not_found",
    )


class VectorStores:
    """Vector store records and their file links over the :class:`Store`."""

    def __init__(self, store: Store, files: Files) -> None:
        self.store = store
        self.files = files

    # ------------------------------------------------------------------ stores
    async def _record(self, vsid: str) -> dict[str, Any]:
        row = await self.store.fetchone("SELECT data FROM vector_stores WHERE id = ?", (vsid,))
        if row is None:
            raise vector_store_not_found(vsid)
        return dict(json.loads(row[0]))

    async def _put(self, record: dict[str, Any]) -> None:
        await self.store.write(
            "INSERT OR REPLACE INTO vector_stores VALUES (?, ?, ?)",
            (record["id"], float(record["created_at"]), dumps(record)),
        )

    async def _view(self, record: dict[str, Any]) -> dict[str, Any]:
        rows = await self.store.fetchall(
            "SELECT data FROM vector_store_files WHERE vector_store_id = ?", (record["id"],)
        )
        counts = dict.fromkeys(_STATUSES, 0)
        usage = 0
        for (data,) in rows:
            vs_file = json.loads(data)
            counts[vs_file["status"]] = counts.get(vs_file["status"], 0) + 1
            usage += int(vs_file.get("usage_bytes") or 0)
        expires = record.get("expires_after")
        last_active = int(record["last_active_at"])
        expires_at = last_active + 86400 * int(expires["days"]) if expires else None
        status = "in_progress" if counts["in_progress"] else "completed"
        if expires_at is not None and time.time() > expires_at:
            status = "expired"
        return {
            **record,
            "usage_bytes": usage,
            "file_counts": {**counts, "total": len(rows)},
            "status": status,
            "expires_at": expires_at,
        }

    async def create(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/vector_stores``: name, description, metadata, expires_after, file_ids."""
        name = body.get("name")
        if name is not None and not isinstance(name, str):
            raise bad_request("Invalid 'name': expected a string.", "name")
        file_ids = body.get("file_ids") or []
        if not isinstance(file_ids, list) or not all(isinstance(f, str) for f in file_ids):
            raise bad_request("Invalid 'file_ids': expected a list of file ids.", "file_ids")
        chunking = check_chunking(body.get("chunking_strategy"))
        now = int(time.time())
        record: dict[str, Any] = {
            "id": "vs_" + secrets.token_hex(16),
            "object": "vector_store",
            "created_at": now,
            "name": name or "",
            "description": body.get("description"),
            "metadata": check_metadata(body.get("metadata")),
            "expires_after": check_expires(body.get("expires_after")),
            "last_active_at": now,
        }
        for fid in file_ids:
            await self.files.get(fid)
        await self._put(record)
        for fid in file_ids:
            await self._link(record["id"], fid, {}, chunking)
        return await self._view(record)

    async def get(self, vsid: str) -> dict[str, Any]:
        return await self._view(await self._record(vsid))

    async def list_page(
        self, *, after: str | None, before: str | None, limit: int, order: str
    ) -> dict[str, Any]:
        rows = await self.store.fetchall(
            "SELECT data FROM vector_stores ORDER BY created_at, rowid"
        )
        views = [await self._view(json.loads(r[0])) for r in rows]
        return page_of(views, after=after, before=before, limit=limit, order=order)

    async def update(self, vsid: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/vector_stores/{id}``: name, metadata, expires_after."""
        record = await self._record(vsid)
        if "name" in body:
            if body["name"] is not None and not isinstance(body["name"], str):
                raise bad_request("Invalid 'name': expected a string.", "name")
            record["name"] = body["name"] or ""
        if "metadata" in body:
            record["metadata"] = check_metadata(body["metadata"])
        if "expires_after" in body:
            record["expires_after"] = check_expires(body["expires_after"])
        record["last_active_at"] = int(time.time())
        await self._put(record)
        return await self._view(record)

    async def delete(self, vsid: str) -> dict[str, Any]:
        await self._record(vsid)
        self.store.write_nowait("DELETE FROM vector_store_files WHERE vector_store_id = ?", (vsid,))
        await self.store.write("DELETE FROM vector_stores WHERE id = ?", (vsid,))
        return {"id": vsid, "object": "vector_store.deleted", "deleted": True}

    # ------------------------------------------------------------------ files
    async def _link(
        self, vsid: str, fid: str, attributes: dict[str, Any], chunking: dict[str, Any]
    ) -> dict[str, Any]:
        now = time.time()
        row = await self.store.fetchone(
            "SELECT f.data, c.content FROM files f JOIN file_contents c ON c.id = f.id "
            "WHERE f.id = ?",
            (fid,),
        )
        text = ""
        if row is not None:
            text = extract_text(str(json.loads(row[0]).get("filename") or fid), bytes(row[1]))
        error = None
        if row is None:
            error = f"File '{fid}' has no readable content (not uploaded, or deleted)."
        elif not text.strip() and row[1]:
            error = f"No text could be read from file '{fid}' (an image-only or broken document)."
        vs_file: dict[str, Any] = {
            "id": fid,
            "object": "vector_store.file",
            "created_at": int(now),
            "usage_bytes": len(text.encode()),
            "vector_store_id": vsid,
            "status": "failed" if error else "completed",
            "last_error": {"code": "invalid_file", "message": error} if error else None,
            "attributes": attributes,
            "chunking_strategy": chunking,
        }
        await self.store.write(
            "INSERT OR REPLACE INTO vector_store_files VALUES (?, ?, ?, ?)",
            (vsid, fid, now, dumps(vs_file)),
        )
        return vs_file

    async def add_file(self, vsid: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/vector_stores/{id}/files {file_id, attributes, chunking_strategy}``.

        The answer shows the file as just added (``in_progress``, no bytes yet)."""
        await self._record(vsid)
        fid = body.get("file_id")
        if not isinstance(fid, str) or not fid:
            raise bad_request("Missing required parameter: 'file_id'.", "file_id")
        file = await self.files.get(fid)
        if file.get("status") == "deleted":
            raise bad_request(f"File '{fid}' was deleted.", "file_id")
        vs_file = await self._link(
            vsid,
            fid,
            check_attributes(body.get("attributes")),
            check_chunking(body.get("chunking_strategy")),
        )
        return {**vs_file, "status": "in_progress", "usage_bytes": 0, "last_error": None}

    async def _file(self, vsid: str, fid: str) -> dict[str, Any]:
        await self._record(vsid)
        row = await self.store.fetchone(
            "SELECT data FROM vector_store_files WHERE vector_store_id = ? AND file_id = ?",
            (vsid, fid),
        )
        if row is None:
            raise ApiError(
                404,
                f"No file '{fid}' in vector store '{vsid}'.",
                code="vector_store_file_not_found",
            )
        return dict(json.loads(row[0]))

    async def get_file(self, vsid: str, fid: str) -> dict[str, Any]:
        return await self._file(vsid, fid)

    async def update_file(self, vsid: str, fid: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/vector_stores/{id}/files/{file_id} {attributes}``."""
        vs_file = await self._file(vsid, fid)
        vs_file["attributes"] = check_attributes(body.get("attributes"))
        await self.store.write(
            "UPDATE vector_store_files SET data = ? WHERE vector_store_id = ? AND file_id = ?",
            (dumps(vs_file), vsid, fid),
        )
        return vs_file

    async def list_files(
        self,
        vsid: str,
        *,
        after: str | None,
        before: str | None,
        limit: int,
        order: str,
        status: str | None,
    ) -> dict[str, Any]:
        await self._record(vsid)
        if status is not None and status not in _STATUSES:
            raise bad_request(
                f"Invalid 'filter': '{status}'; expected one of {', '.join(_STATUSES)}.", "filter"
            )
        rows = await self.store.fetchall(
            "SELECT data FROM vector_store_files WHERE vector_store_id = ? "
            "ORDER BY created_at, file_id",
            (vsid,),
        )
        items = [json.loads(r[0]) for r in rows]
        if status is not None:
            items = [i for i in items if i["status"] == status]
        return page_of(items, after=after, before=before, limit=limit, order=order)

    async def delete_file(self, vsid: str, fid: str) -> dict[str, Any]:
        """Remove the file from the vector store (the file itself stays)."""
        await self._file(vsid, fid)
        await self.store.write(
            "DELETE FROM vector_store_files WHERE vector_store_id = ? AND file_id = ?",
            (vsid, fid),
        )
        return {"id": fid, "object": "vector_store.file.deleted", "deleted": True}

    async def file_content(self, vsid: str, fid: str) -> dict[str, Any]:
        """``GET .../files/{file_id}/content``: the parsed text of the file."""
        await self._file(vsid, fid)
        record = await self.files.get(fid)
        raw = await self.files.content(fid)
        text = extract_text(str(record.get("filename") or fid), raw)
        return {
            "object": "vector_store.file_content.page",
            "data": [{"type": "text", "text": text}],
            "has_more": False,
            "next_page": None,
        }

    # ------------------------------------------------------------------ search
    async def engine_files(
        self, ids: list[str], param: str = "vector_store_ids"
    ) -> list[EngineFile]:
        """The completed files of the vector stores ``ids`` (400 naming ``param`` if unknown)."""
        out: list[EngineFile] = []
        seen: set[str] = set()
        for vsid in ids:
            row = await self.store.fetchone("SELECT 1 FROM vector_stores WHERE id = ?", (vsid,))
            if row is None:
                raise vector_store_not_found(vsid, status=400, param=param)
            rows = await self.store.fetchall(
                "SELECT v.file_id, v.data, f.data, c.content FROM vector_store_files v "
                "JOIN files f ON f.id = v.file_id JOIN file_contents c ON c.id = v.file_id "
                "WHERE v.vector_store_id = ? ORDER BY v.created_at, v.file_id",
                (vsid,),
            )
            for fid, vs_data, file_data, content in rows:
                vs_file = json.loads(vs_data)
                if fid in seen or vs_file.get("status") != "completed":
                    continue
                seen.add(fid)
                filename = str(json.loads(file_data).get("filename") or fid)
                attrs = vs_file.get("attributes") or {}
                out.append(
                    EngineFile(
                        id=fid,
                        filename=filename,
                        content=bytes(content),
                        attributes=attrs,
                        chunking=vs_file.get("chunking_strategy"),
                    )
                )
        return out

    async def search(self, vsid: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/vector_stores/{id}/search {query, max_num_results}``: keyword search."""
        query = body.get("query")
        if isinstance(query, list) and all(isinstance(q, str) for q in query):
            queries = list(query)
        elif isinstance(query, str) and query.strip():
            queries = [query]
        else:
            raise bad_request(
                "Missing required parameter: 'query' (a string or a list of strings).", "query"
            )
        options = body.get("ranking_options")
        threshold = options.get("score_threshold") if isinstance(options, dict) else None
        limit = body.get("max_num_results", 10)
        if not isinstance(limit, int) or not 1 <= limit <= 50:
            raise bad_request("Invalid 'max_num_results': expected 1 to 50.", "max_num_results")
        await self._record(vsid)
        files = await self.engine_files([vsid], "vector_store_id")
        hits = search_files(
            files,
            " ".join(queries),
            limit,
            float(threshold) if isinstance(threshold, (int, float)) else 0.0,
        )
        data = [
            {
                "file_id": h["file_id"],
                "filename": h["filename"],
                "score": h["score"],
                "attributes": h["attributes"],
                "content": [{"type": "text", "text": h["text"]}],
            }
            for h in hits
        ]
        return {
            "object": "vector_store.search_results.page",
            "search_query": queries,
            "data": data,
            "has_more": False,
            "next_page": None,
        }
