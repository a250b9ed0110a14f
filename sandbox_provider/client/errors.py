"""One exception hierarchy for everything the client raises.

    ExImError
    ├── ApiError                      the API answered with an error status
    │   ├── AuthenticationError       401, and IMS refusing the credentials
    │   ├── PermissionDeniedError     403
    │   ├── NotFoundError             404
    │   ├── ConflictError             409
    │   ├── ValidationError           400, 422 and other 4xx
    │   ├── ThrottledError            429 (retry_after from the header)
    │   └── ServerError               5xx
    ├── TransportError                no answer (connection refused/reset, ...) after retries
    ├── ExImTimeoutError              a deadline passed (also a builtin TimeoutError)
    ├── OperationFailedError          a waiter saw the object end in a failed state
    └── ConfigurationError            settings missing or contradictory (also a ValueError)

Every error carries the request that failed (`RequestInfo`, with Authorization redacted and no
body from the token call), and `str()` is one or two readable lines for a terminal. No secret
(client secret, access token) ever ends up in an exception.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ApiError",
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "ExImError",
    "ExImTimeoutError",
    "NotFoundError",
    "OperationFailedError",
    "PermissionDeniedError",
    "RequestInfo",
    "ServerError",
    "ThrottledError",
    "TransportError",
    "ValidationError",
    "error_for_status",
    "redact_headers",
    "redact_url",
]

REDACTED = "***"
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SECRET_PARAMS = re.compile(
    r"(?i)(?P<key>(?:client_secret|access_token|token|code|password)=)[^&#]*"
)
_BODY_EXCERPT = 500


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of `headers` with credentials replaced by `***` (the scheme is kept)."""
    out: dict[str, str] = {}
    for key, value in headers.items():
        if key.lower() in _SECRET_HEADERS:
            scheme = value.split(" ", 1)[0] if " " in value else ""
            out[key] = f"{scheme} {REDACTED}".strip()
        else:
            out[key] = value
    return out


def redact_url(url: str) -> str:
    """The URL with secret-looking query parameters blanked."""
    return _SECRET_PARAMS.sub(lambda m: m.group("key") + REDACTED, url)


@dataclass(frozen=True)
class RequestInfo:
    """What was sent, safe to print: method, URL, redacted headers, an excerpt of the body."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None

    @classmethod
    def build(
        cls,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        body: str | bytes | None = None,
        *,
        keep_body: bool = True,
    ) -> RequestInfo:
        text: str | None = None
        if keep_body and body:
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
            if len(text) > _BODY_EXCERPT:
                text = text[:_BODY_EXCERPT] + "…"
        return cls(
            method=method.upper(),
            url=redact_url(url),
            headers=redact_headers(headers or {}),
            body=text,
        )

    def __str__(self) -> str:
        return f"{self.method} {self.url}"


class ExImError(Exception):
    """Base of every error raised by the exim client."""

    #: Set when the client already retried this failure as far as its policy allows.
    retries_exhausted: bool = False

    def __init__(self, message: str, *, request: RequestInfo | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request

    def __str__(self) -> str:
        if self.request is not None:
            return f"{self.message}\n  request: {self.request}"
        return self.message


class ApiError(ExImError):
    """The API answered with an error status.

    `status` is the HTTP status, `api_message` the API's own words (`detail` of a service
    error, `message` of a gateway error, `error_description` of IMS), `error_code` the
    gateway/IMS code or the service `title`, `body` the parsed answer (dict) when it was JSON.
    """

    default_status = 0

    def __init__(
        self,
        api_message: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        request: RequestInfo | None = None,
        body: Any = None,
        retry_after: float | None = None,
        context: str | None = None,
    ) -> None:
        self.status = status if status is not None else self.default_status
        self.api_message = api_message
        self.error_code = error_code
        self.body = body
        self.retry_after = retry_after
        self.context = context
        label = f"{self.status}"
        if error_code:
            label += f" {error_code}"
        prefix = f"{context}: " if context else ""
        super().__init__(f"{prefix}{label}: {api_message}", request=request)


class AuthenticationError(ApiError):
    default_status = 401


class PermissionDeniedError(ApiError):
    default_status = 403


class NotFoundError(ApiError):
    default_status = 404


class ConflictError(ApiError):
    default_status = 409


class ValidationError(ApiError):
    default_status = 400


class ThrottledError(ApiError):
    default_status = 429


class ServerError(ApiError):
    default_status = 500


class TransportError(ExImError):
    """No HTTP answer at all (connection refused, reset, protocol error), retries exhausted."""


class ExImTimeoutError(ExImError, builtins.TimeoutError):
    """A deadline passed: an HTTP timeout after retries, or a waiter's deadline.

    For waiters, `object_kind`/`object_id`/`last_status` name what was awaited.
    """

    def __init__(
        self,
        message: str,
        *,
        request: RequestInfo | None = None,
        object_kind: str | None = None,
        object_id: str | None = None,
        last_status: str | None = None,
        last_seen: Any = None,
    ) -> None:
        super().__init__(message, request=request)
        self.object_kind = object_kind
        self.object_id = object_id
        self.last_status = last_status
        self.last_seen = last_seen


class OperationFailedError(ExImError):
    """A waited-for object ended in a failed state (PUBLISH_FAILED, FAILED, CANCELLED)."""

    def __init__(
        self,
        message: str,
        *,
        object_kind: str,
        object_id: str,
        last_status: str | None,
        reason: str | None = None,
        last_seen: Any = None,
    ) -> None:
        super().__init__(message)
        self.object_kind = object_kind
        self.object_id = object_id
        self.last_status = last_status
        self.reason = reason
        self.last_seen = last_seen


class ConfigurationError(ExImError, ValueError):
    """The client's settings are missing something or contradict each other."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: ThrottledError,
}


def _api_message(body: Any, fallback: str) -> tuple[str, str | None]:
    """(message, code) from any of the three error shapes: service, gateway, IMS."""
    if isinstance(body, dict):
        if "detail" in body or "title" in body:
            detail = body.get("detail") or body.get("title") or fallback
            return str(detail), (str(body["title"]) if body.get("title") else None)
        if "error_code" in body or "message" in body:
            code = body.get("error_code")
            return str(body.get("message") or fallback), (str(code) if code else None)
        if "error" in body:
            return str(body.get("error_description") or body["error"]), str(body["error"])
    if isinstance(body, str) and body.strip():
        return body.strip()[:_BODY_EXCERPT], None
    return fallback, None


def error_for_status(
    status: int,
    body: Any,
    *,
    reason: str = "",
    request: RequestInfo | None = None,
    retry_after: float | None = None,
    context: str | None = None,
) -> ApiError:
    """The exception for an error answer (status ≥ 400)."""
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else ValidationError
    message, code = _api_message(body, reason or f"HTTP {status}")
    return cls(
        message,
        status=status,
        error_code=code,
        request=request,
        body=body,
        retry_after=retry_after,
        context=context,
    )
