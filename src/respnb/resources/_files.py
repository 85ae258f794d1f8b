"""``client.files``: OpenAI multipart upload, list/retrieve/delete/content, Manus presigned."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, Union
from urllib.parse import urljoin, urlsplit

import httpx
from pydantic import TypeAdapter

from .._base_client import shared_ssl_context
from .._exceptions import APIConnectionError, APIError, make_status_error
from ..types import DeletedObject, FileObject, ListPage, ManusFileUpload
from ..types.parts import OutputFile
from ._pagination import AsyncPager
from ._responses import _check_choice

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient

__all__ = ["AsyncFiles", "FileInput", "read_file_input"]

FileInput = Union[
    str, "os.PathLike[str]", bytes, tuple[str, bytes], tuple[str, bytes, str], IO[bytes]
]
"""A path, raw bytes, ``(filename, bytes)``, ``(filename, bytes, content_type)`` or a binary
file object."""

_FILES_PAGE: TypeAdapter[ListPage[FileObject]] = TypeAdapter(ListPage[FileObject])


def read_file_input(file: FileInput, filename: str | None = None) -> tuple[str, bytes, str | None]:
    """``(filename, content, content_type)`` of any :data:`FileInput`."""
    if isinstance(file, (str, os.PathLike)):
        path = Path(file)
        return filename or path.name, path.read_bytes(), None
    if isinstance(file, bytes):
        return filename or "upload", file, None
    if isinstance(file, tuple):
        ctype = file[2] if len(file) == 3 else None
        return filename or file[0], file[1], ctype
    content = file.read()
    name = filename or os.path.basename(str(getattr(file, "name", "") or "")) or "upload"
    return name, content, None


class AsyncFiles:
    """``/files``."""

    def __init__(self, api: AsyncAPIClient) -> None:
        self._api = api

    async def create(self, *, file: FileInput, purpose: str = "user_data") -> FileObject:
        """OpenAI multipart upload (``file`` and ``purpose`` fields)."""
        self._api.profile.require("files")
        name, content, ctype = read_file_input(file)
        part: tuple[str, bytes] | tuple[str, bytes, str] = (
            (name, content) if ctype is None else (name, content, ctype)
        )
        data = await self._api.request_json(
            "POST", "/files", files={"file": part}, data={"purpose": purpose}
        )
        return self._api.parse(FileObject, data, what="file")

    def list(
        self,
        *,
        purpose: str | None = None,
        limit: int | None = None,
        after: str | None = None,
        order: Literal["asc", "desc"] | None = None,
    ) -> AsyncPager[FileObject]:
        """``GET /files``, auto-paginating (``await`` it for one page)."""
        self._api.profile.require("files")
        _check_choice("order", order, ("asc", "desc"))

        async def fetch(cursor: str | None) -> ListPage[FileObject]:
            query = {"purpose": purpose, "limit": limit, "after": cursor, "order": order}
            data = await self._api.request_json("GET", "/files", query=query)
            return _FILES_PAGE.validate_python(data)

        return AsyncPager(fetch, after=after)

    async def retrieve(self, file_id: str) -> FileObject:
        """``GET /files/{id}``."""
        self._api.profile.require("files")
        data = await self._api.request_json("GET", f"/files/{file_id}")
        return self._api.parse(FileObject, data, what="file")

    async def delete(self, file_id: str) -> DeletedObject:
        """``DELETE /files/{id}``."""
        self._api.profile.require("files")
        data = await self._api.request_json("DELETE", f"/files/{file_id}")
        return DeletedObject.model_validate({"id": file_id, **(data or {})})

    async def content(self, file_id: str) -> bytes:
        """``GET /files/{id}/content``: the raw bytes."""
        self._api.profile.require("files")
        response = await self._api.request(
            "GET", f"/files/{file_id}/content", headers={"Accept": "*/*"}
        )
        return response.content

    async def download(
        self,
        file: str | OutputFile | Mapping[str, Any],
        *,
        to: str | os.PathLike[str] | None = None,
    ) -> bytes | Path:
        """Download a file the service produced: a Manus ``output_file`` part (or its dict),
        a URL, or a file id (``GET /files/{id}/content``).

        A relative ``fileUrl`` is resolved against ``base_url``. The profile's auth goes only
        to the service's own origin; a URL elsewhere (a presigned store) gets a plain request.
        Returns the bytes, or with ``to`` (a file, or a directory to put ``fileName`` in) the
        path written.
        """
        name: str | None = None
        if isinstance(file, OutputFile):
            url, name = file.fileUrl, file.fileName
        elif isinstance(file, Mapping):
            url = file.get("fileUrl") or file.get("file_url") or file.get("url")
            name = file.get("fileName") or file.get("filename")
        else:
            url = file
        if not isinstance(url, str) or not url:
            raise ValueError(
                f"nothing to download: {file!r} has no fileUrl; pass an output_file part, "
                "a URL or a file id"
            )
        if "/" not in url and not url.startswith(("http:", "https:")):
            content = await self.content(url)  # a file id
        else:
            content = await self._get_url(url)
        if to is None:
            return content
        target = Path(to)
        if target.is_dir():
            fallback = Path(url.split("?", 1)[0]).name or "download"
            target = target / Path(name or fallback).name
        target.write_bytes(content)
        return target

    async def _get_url(self, url: str) -> bytes:
        base = self._api.base_url
        absolute = urljoin(base + "/", url.lstrip("/") if not url.startswith("/") else url)
        if urlsplit(absolute)[:2] == urlsplit(base)[:2]:  # the service itself: its auth
            response = await self._api.request("GET", absolute, headers={"Accept": "*/*"})
            return response.content
        async with httpx.AsyncClient(
            transport=self._api.transport,
            timeout=self._api.timeout,
            verify=shared_ssl_context(),
            follow_redirects=True,
        ) as plain:
            try:
                response = await plain.get(absolute)
            except httpx.TransportError as exc:
                raise APIConnectionError(
                    f"download failed: {type(exc).__name__}: {exc} (GET {absolute})"
                ) from exc
            if response.status_code >= 400:
                raise make_status_error(response, redact=self._api.profile.secrets())
            return response.content

    async def upload_presigned(
        self, file: FileInput, filename: str | None = None
    ) -> ManusFileUpload:
        """Manus two-step upload: ``POST /files {filename}``, then PUT the bytes to the
        returned presigned ``upload_url`` with a separate plain request that carries no API
        key or default header. Returns the file record (its status becomes ``uploaded`` on
        the service once the PUT is done; check with :meth:`retrieve`)."""
        self._api.profile.require("presigned_files")
        name, content, _ = read_file_input(file, filename)
        data = await self._api.request_json("POST", "/files", body={"filename": name})
        record = self._api.parse(ManusFileUpload, data, what="file record")
        if not record.upload_url:
            raise APIError(f"the service answered without an upload_url for {name!r}: {data!r}")
        await self._put_presigned(record.upload_url, content)
        return record

    async def _put_presigned(self, url: str, content: bytes) -> None:
        # A fresh client: nothing of the profile (auth, headers) can leak to a third party.
        async with httpx.AsyncClient(
            transport=self._api.transport,
            timeout=self._api.timeout,
            verify=shared_ssl_context(),
        ) as plain:
            try:
                response = await plain.put(url, content=content)
            except httpx.TransportError as exc:
                raise APIConnectionError(
                    f"presigned upload failed: {type(exc).__name__}: {exc}"
                ) from exc
            if response.status_code >= 400:
                await response.aread()
                raise make_status_error(response, redact=self._api.secrets())
