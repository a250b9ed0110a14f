"""Error types the emulator raises and the three wire shapes they turn into.

Service errors use the platform's problem shape, gateway (auth) errors the gateway's
`error_code` shape, and IMS errors the OAuth shape, because clients branch on each.
"""

from __future__ import annotations

from typing import Any

TITLES: dict[int, str] = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    409: "ConflictError",
    415: "UnsupportedMediaTypeError",
    422: "UnprocessableEntityError",
    429: "TooManyRequestsError",
    500: "InternalServerError",
    502: "BadGatewayError",
    503: "ServiceUnavailableError",
    504: "GatewayTimeoutError",
}


def service_body(status: int, detail: str) -> dict[str, Any]:
    """The platform's service error body for `status`."""
    return {
        "type": f"https://ns.adobe.com/aep/errors/EXIM-{status}",
        "status": status,
        "title": TITLES.get(status, "Error"),
        "detail": detail,
    }


class WireError(Exception):
    """An error the emulator answers with `status`, its `body()` and `headers`."""

    def __init__(
        self, status: int, text: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(text)
        self.status = status
        self.headers = headers or {}
        self._body = body

    def body(self) -> dict[str, Any]:
        return self._body


class ApiError(WireError):
    """A service error: answered as `service_body(status, detail)`."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, detail, service_body(status, detail), headers)
        self.detail = detail


class GatewayError(WireError):
    """An API-gateway error (auth): `{"error_code", "message"}`."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(status, message, {"error_code": code, "message": message})


class ImsError(WireError):
    """An IMS token endpoint error: `{"error", "error_description"}`."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(status, description, {"error": error, "error_description": description})


def bad_request(detail: str) -> ApiError:
    return ApiError(400, detail)


def not_found(detail: str) -> ApiError:
    return ApiError(404, detail)


def conflict(detail: str) -> ApiError:
    return ApiError(409, detail)


def forbidden(detail: str) -> ApiError:
    return ApiError(403, detail)
