"""The OpenAI error envelope and the exception that carries it through the server.

Every error the server returns is ``{"error": {"message", "type", "param", "code"}}`` with the
HTTP status of protocol.md §1 (400 invalid parameter with ``param`` set, 401 bad key, 404
unknown id, 429/500 injected faults).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

__all__ = [
    "ApiError",
    "bad_request",
    "error_body",
    "not_found",
]

_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "invalid_request_error",
    404: "invalid_request_error",
    409: "invalid_request_error",
    429: "rate_limit_error",
}


def error_body(
    message: str, *, type: str, param: str | None = None, code: str | None = None
) -> dict[str, Any]:
    """The JSON envelope ``{"error": {...}}``."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


class ApiError(Exception):
    """An HTTP error answered with the OpenAI envelope; raise it anywhere in a handler."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.type = type or _TYPES.get(status, "server_error")
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The envelope for this error."""
        return error_body(self.message, type=self.type, param=self.param, code=self.code)

    def response(self) -> JSONResponse:
        """A Starlette response carrying the envelope, status and extra headers."""
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def bad_request(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    """400 for an invalid parameter (``param`` names it)."""
    return ApiError(400, message, param=param, code=code)


def not_found(kind: str, ident: str, param: str | None = None) -> ApiError:
    """404 for an unknown id, worded like OpenAI's."""
    return ApiError(
        404, f"No {kind} found with id '{ident}'.", param=param, code=f"{kind}_not_found"
    )
