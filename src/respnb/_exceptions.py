"""Every error respnb raises.

The tree::

    RespnbError
    ├── APIError                      (anything that went wrong talking to a service)
    │   ├── APIStatusError            (the service answered 4xx/5xx; status_code, code, param,
    │   │   │                          type, request_id, body)
    │   │   ├── BadRequestError           400
    │   │   ├── AuthenticationError       401
    │   │   ├── PermissionDeniedError     403
    │   │   ├── NotFoundError             404
    │   │   ├── ConflictError             409
    │   │   ├── UnprocessableEntityError  422
    │   │   ├── RateLimitError            429
    │   │   └── InternalServerError       >= 500
    │   ├── APIResponseValidationError (a 2xx answer that is not what the call returns:
    │   │                              not JSON, not an object, not a response; carries the body)
    │   └── APIConnectionError        (no answer: DNS, refused, reset)
    │       ├── APITimeoutError       (no answer in time)
    │       └── StreamInterruptedError (a stream dropped and could not be continued;
    │                                  ``snapshot`` keeps what arrived, ``__cause__`` the drop)
    ├── StreamError                   (malformed SSE/JSON from a server, or a stream that
    │                                  cannot be followed; carries the text)
    ├── UnsupportedFeatureError       (the profile's service does not offer this call)
    ├── ConfigurationError            (missing key, unknown or bad profile; says how to fix)
    └── WaitTimeoutError              (``responses.wait`` gave up; carries the last Response)

Messages never contain API keys: the client redacts the profile's key from service
messages before raising.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx

from ._redact import redact_text, redact_value

if TYPE_CHECKING:
    from .types import Response

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RespnbError",
    "StreamError",
    "StreamInterruptedError",
    "UnprocessableEntityError",
    "UnsupportedFeatureError",
    "WaitTimeoutError",
    "make_status_error",
]


class RespnbError(Exception):
    """Base of every respnb error."""


class APIError(RespnbError):
    """An error while talking to a service. ``request`` is the httpx request, when there was one."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIResponseValidationError(APIError):
    """The service answered 2xx, but not with what the call returns (``body`` has the text)."""

    def __init__(
        self, message: str, *, request: httpx.Request | None = None, body: Any = None
    ) -> None:
        super().__init__(message, request=request)
        self.body = body


class APIStatusError(APIError):
    """The service answered with an error status.

    ``message`` is the service's own message; ``code``, ``param`` and ``type`` come from its
    ``{"error": {...}}`` envelope when present; ``request_id`` from ``x-request-id``.
    """

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any = None,
        code: str | int | None = None,
        param: str | None = None,
        type: str | None = None,
    ) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.code = code
        self.param = param
        self.type = type
        self.request_id: str | None = response.headers.get("x-request-id")
        self.method = response.request.method
        self.path = response.request.url.path
        self.feature: str | None = None
        """The capability to switch off when the server lacks the endpoint (404/405)."""

    def __str__(self) -> str:
        rid = f" (request id {self.request_id})" if self.request_id else ""
        code = ""
        if self.code not in (None, "") and str(self.code) != str(self.status_code):
            code = f" [{self.code}]"
        where = f" ({self.method} {self.path})" if self.method else ""
        hint = ""
        if self.feature is not None:
            hint = (
                f". The server may not offer this endpoint: if so, switch the capability off "
                f"with capabilities={{{self.feature!r}: False}} or [profiles.NAME.capabilities] "
                f"{self.feature} = false (`respnb doctor URL` finds what it supports)"
            )
        return f"Error code {self.status_code}{code}{where}: {self.message}{hint}{rid}"


class BadRequestError(APIStatusError):
    """400: the request was malformed or a parameter was invalid."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the key is valid but not allowed to do this."""


class NotFoundError(APIStatusError):
    """404: no such object (or the service does not offer this endpoint)."""


class ConflictError(APIStatusError):
    """409: the object is in a state that forbids this call."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but could not be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests; respnb retried and gave up."""


class InternalServerError(APIStatusError):
    """>= 500: the service failed."""


class APIConnectionError(APIError):
    """The service could not be reached, or the connection broke."""

    def __init__(
        self, message: str = "Connection error.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)


class APITimeoutError(APIConnectionError):
    """The service did not answer within the timeout."""

    def __init__(
        self, message: str = "Request timed out.", *, request: httpx.Request | None = None
    ):
        super().__init__(message, request=request)


class StreamInterruptedError(APIConnectionError):
    """A stream dropped and could not be continued.

    ``snapshot`` is the Response as it stood (partial output kept), ``response_id`` and
    ``cursor`` say where it stopped, ``resume_error`` is why continuing failed (if it was
    tried); the drop itself is ``__cause__``. The message's advice fits the stream: resume
    advice only where resuming can work.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        snapshot: Response | None = None,
        response_id: str | None = None,
        cursor: int | None = None,
        resume_error: BaseException | None = None,
    ) -> None:
        super().__init__(message, request=request)
        self.snapshot = snapshot
        self.response_id = response_id
        self.cursor = cursor
        self.resume_error = resume_error


class StreamError(RespnbError):
    """A server sent a stream respnb cannot read; ``text`` is the offending payload."""

    def __init__(self, message: str, *, text: str = "") -> None:
        super().__init__(message)
        self.text = text


class UnsupportedFeatureError(RespnbError):
    """The profile's service does not offer a feature (``profile`` and ``feature`` say which)."""

    def __init__(self, profile: str, feature: str, detail: str | None = None) -> None:
        self.profile = profile
        self.feature = feature
        msg = detail or (
            f"profile {profile!r} does not support {feature!r}. Use a profile whose service "
            f"offers it, or enable it with capabilities={{{feature!r}: True}} if it does."
        )
        super().__init__(msg)


class ConfigurationError(RespnbError):
    """respnb is not configured well enough to make the call; the message says how to fix it."""


class WaitTimeoutError(RespnbError, TimeoutError):
    """``responses.wait`` timed out; ``response`` is the last state seen (may be None)."""

    def __init__(self, message: str, *, response: Response | None = None) -> None:
        super().__init__(message)
        self.response = response


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


_GENERIC_NOT_FOUND = frozenset({"", "not found", "not_found", "404 page not found", "error"})


def endpoint_feature(method: str, path: str) -> str | None:
    """The capability flag a request needs (``None`` for a plain create or an unknown path)."""
    parts = [p for p in path.split("?", 1)[0].strip("/").split("/") if p]
    if parts and parts[0] == "v1":
        parts = parts[1:]
    if not parts:
        return None
    head, method = parts[0], method.upper()
    if head == "responses":
        if len(parts) == 1:
            return None
        if parts[1] == "input_tokens":
            return "input_tokens"
        if len(parts) >= 3:
            return {"input_items": "input_items", "cancel": "cancel"}.get(parts[2])
        return {"DELETE": "delete", "GET": "retrieve"}.get(method)
    return {"conversations": "conversations", "files": "files", "tasks": "tasks"}.get(head)


def make_status_error(
    response: httpx.Response, *, redact: tuple[str, ...] = (), streaming: bool = False
) -> APIStatusError:
    """Build the typed error for an error response whose body has been read.

    Reads OpenAI's ``{"error": {"message", "type", "param", "code"}}`` envelope, a flat
    ``{"message": ...}``, ``{"detail": ...}`` or plain text. Strings in ``redact`` (API keys)
    and URL userinfo are replaced by ``***`` wherever they appear: message, body, ``code``,
    ``param``, ``type`` and the ``x-request-id``.
    """
    text = response.text
    body: Any
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = text
    err: Any = body.get("error", body) if isinstance(body, dict) else body
    code = param = kind = None
    if isinstance(err, dict):
        message = err.get("message") or err.get("detail") or err.get("msg")
        code, param, kind = err.get("code"), err.get("param"), err.get("type")
        if message is None:
            message = json.dumps(err)
    elif isinstance(err, str) and err:
        message = err
    else:
        message = response.reason_phrase or "error"
    secrets = tuple(s for s in redact if s)
    message = redact_text(str(message), secrets)
    body = redact_value(body, secrets)
    status = response.status_code
    cls = _STATUS_CLASSES.get(status, InternalServerError if status >= 500 else APIStatusError)
    error = cls(
        message,
        response=response,
        body=body,
        code=redact_value(code, secrets) if isinstance(code, (str, int)) else None,
        param=redact_text(param, secrets) if isinstance(param, str) else None,
        type=redact_text(kind, secrets) if isinstance(kind, str) else None,
    )
    if error.request_id:  # a header the service chose: it may echo anything
        error.request_id = redact_text(error.request_id, secrets)
    generic = str(message).strip().lower() in _GENERIC_NOT_FOUND or message == (
        response.reason_phrase
    )
    if status == 405 or (status == 404 and generic):
        feature = endpoint_feature(response.request.method, response.request.url.path)
        if feature == "retrieve" and streaming:
            feature = "resume"
        error.feature = feature
    return error
