"""Access tokens: OAuth server-to-server (client credentials) against IMS, or a fixed token.

One `TokenProvider` is shared by every thread of a client. The token is cached until
`refresh_margin` seconds before it expires; only one thread fetches a new one while the
others wait for it (double-checked under a lock). After a 401 the caller `invalidate()`s the
token it used — only that token, so a burst of 401s from several threads costs one fetch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from .errors import (
    AuthenticationError,
    ExImError,
    ExImTimeoutError,
    RequestInfo,
    TransportError,
    error_for_status,
)
from .timing import HTTP_TIMEOUT_SECONDS, TOKEN_LIFETIME_MAX_SECONDS, TOKEN_REFRESH_MARGIN_SECONDS

__all__ = ["ClientCredentialsProvider", "StaticTokenProvider", "TokenProvider"]

log = logging.getLogger("sandbox_provider.client")

TOKEN_PATH = "/ims/token/v3"


class TokenProvider:
    """Interface: `token()`, `invalidate(token)`, `can_refresh`."""

    can_refresh = False

    def token(self) -> str:
        raise NotImplementedError

    def invalidate(self, token: str) -> None:
        """Forget `token` if it is the cached one (it was refused)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class StaticTokenProvider(TokenProvider):
    """A ready access token (AEP_ACCESS_TOKEN): used as is, cannot be renewed."""

    def __init__(self, access_token: str) -> None:
        self._token = access_token

    def token(self) -> str:
        return self._token


class ClientCredentialsProvider(TokenProvider):
    """Fetches tokens from `{ims_url}/ims/token/v3` with the client-credentials grant."""

    can_refresh = True

    def __init__(
        self,
        *,
        http: httpx.Client,
        ims_url: str,
        client_id: str,
        client_secret: str,
        scopes: tuple[str, ...],
        refresh_margin: float = TOKEN_REFRESH_MARGIN_SECONDS,
        timeout: float = HTTP_TIMEOUT_SECONDS,
        retry: Callable[[Callable[[], tuple[str, float]]], tuple[str, float]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._url = ims_url.rstrip("/") + TOKEN_PATH
        self._client_id = client_id
        self._secret = client_secret
        self._scopes = scopes
        self._margin = refresh_margin
        self._timeout = timeout
        self._retry = retry
        self._clock = clock
        self._lock = threading.Lock()
        # (token, monotonic expiry) replaced as one object, so a reader without the lock
        # never pairs one token with another's expiry.
        self._cached: tuple[str, float] | None = None
        #: How many tokens were fetched (tests and benchmarks read it).
        self.fetches = 0

    def __repr__(self) -> str:
        return f"ClientCredentialsProvider(ims_url={self._url!r}, client_id={self._client_id!r})"

    def _fresh(self) -> str | None:
        cached = self._cached
        if cached is not None and self._clock() < cached[1]:
            return cached[0]
        return None

    def token(self) -> str:
        tok = self._fresh()
        if tok is not None:
            return tok
        with self._lock:
            tok = self._fresh()
            if tok is not None:
                return tok
            try:
                tok, expires_in = self._retry(self._fetch) if self._retry else self._fetch()
            except ExImError as exc:
                # Already retried here: the exim call that needed the token must not retry
                # the whole token fetch again (retries would multiply).
                exc.retries_exhausted = True
                raise
            # Never cache for less than a second: a tiny expires_in must not cause a fetch loop.
            lifetime = (
                max(1.0, expires_in - self._margin)
                if expires_in > self._margin
                else max(1.0, expires_in / 2)
            )
            self._cached = (tok, self._clock() + lifetime)
            return tok

    def invalidate(self, token: str) -> None:
        with self._lock:
            if self._cached is not None and self._cached[0] == token:
                self._cached = None

    def _fetch(self) -> tuple[str, float]:
        info = RequestInfo.build("POST", self._url, keep_body=False)
        try:
            resp = self._http.post(
                self._url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self._client_id,
                    "client_secret": self._secret,
                    "scope": ",".join(self._scopes),
                },
                headers={"Accept": "application/json"},
                timeout=self._timeout,
            )
        except httpx.TimeoutException as exc:
            raise ExImTimeoutError(
                f"IMS token request timed out: {type(exc).__name__}", request=info
            ) from exc
        except httpx.TransportError as exc:
            raise TransportError(
                f"IMS token request failed: {type(exc).__name__}: {exc}", request=info
            ) from exc
        self.fetches += 1
        body: Any
        try:
            body = resp.json()
        except ValueError:
            body = resp.text
        if resp.status_code >= 400:
            err = error_for_status(
                resp.status_code,
                body,
                reason=resp.reason_phrase,
                request=info,
                retry_after=_retry_after(resp),
                context="IMS token request",
            )
            if resp.status_code in (400, 401, 403):
                # Whatever IMS calls it, refused credentials are an authentication problem.
                raise AuthenticationError(
                    err.api_message,
                    status=resp.status_code,
                    error_code=err.error_code,
                    request=info,
                    body=body,
                    context="IMS token request",
                )
            raise err
        if not isinstance(body, dict) or not body.get("access_token"):
            raise AuthenticationError(
                "IMS answered without an access_token",
                status=resp.status_code,
                request=info,
                context="IMS token request",
            )
        try:
            expires_in = float(body.get("expires_in", 3600))
        except (TypeError, ValueError):
            expires_in = 3600.0
        # Some IMS versions answer milliseconds; a day in seconds is 86 399.
        if expires_in > TOKEN_LIFETIME_MAX_SECONDS:
            expires_in /= 1000.0
        log.debug("fetched an access token (expires in %.0fs)", expires_in)
        return str(body["access_token"]), expires_in


def _retry_after(resp: httpx.Response) -> float | None:
    raw = resp.headers.get("Retry-After")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        # HTTP-date form: rare on this API; fall back to the policy's own backoff.
        return None


retry_after = _retry_after
