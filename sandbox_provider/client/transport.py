"""The transport core of `ExImClient`: session, auth headers, retries, parsed calls, paging.

One pooled `httpx.Client` underneath, safe to share between threads (the Pulumi provider calls
one client from four). `Transport._call` is the one way an endpoint method talks to the API:
one exchange (re-sent once with a new token after a 401) under `retry.retry_call`, with the
reconciliation hooks that make the non-idempotent calls safe to retry (see `retry.py` and the
endpoint groups: `packages.py`, `imports.py`, `sharing.py`). Every call takes `sandbox=` to
override the client's sandbox for that call (the `x-sandbox-name` header).
"""

from __future__ import annotations

import json as jsonlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Self, TypeVar, cast
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from .auth import ClientCredentialsProvider, StaticTokenProvider, TokenProvider, retry_after
from .config import (
    DEFAULT_HTTP_TIMEOUT_SECONDS,
    DEFAULT_IMS_URL,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PLATFORM_URL,
    DEFAULT_SCOPES,
)
from .errors import ExImError, ExImTimeoutError, RequestInfo, TransportError, error_for_status
from .paging import DEFAULT_PAGE_SIZE, FilterLike, filter_params, iterate_pages
from .retry import AMBIGUOUS, NOT_SENT, REFUSED, RetryPolicy, exchange_timeout, retry_call
from .settings import ClientSettings

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "EXIM_PREFIX",
    "Transport",
    "as_model",
    "as_models",
    "segment",
]

log = logging.getLogger("sandbox_provider.client")

EXIM_PREFIX = "/data/foundation/exim"

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def segment(value: str) -> str:
    """One path segment: ids are URL-encoded so a `/` in them can't change the path."""
    return quote(value, safe="@:")


def as_model(model: type[M]) -> Callable[[Any], M]:
    """A `_call` parser: `model` from the answer, with its defaults for an empty answer."""
    return lambda raw: model.model_validate(raw or {})


def as_models(model: type[M]) -> Callable[[Any], list[M]]:
    """A `_call` parser: a list of `model` from a JSON array, [] for an empty answer."""
    return lambda raw: [model.model_validate(item) for item in (raw or [])]


def _decoded(resp: httpx.Response) -> Any:
    if not resp.content:
        return None
    try:
        return resp.json()
    except ValueError:
        return resp.text


def _page(raw: Any) -> dict[str, Any]:
    if isinstance(raw, list):
        # Some list endpoints answer a bare array: one page with everything.
        return {"data": raw, "hasNextPage": False}
    return cast(dict[str, Any], raw or {})


class Transport:
    """The HTTP side of `ExImClient`; the endpoint groups and waiters build on it.

    Build it with keyword settings, `from_env()` (the `AEP_*` variables) or
    `from_settings(ClientSettings(...))`. Close it (or use `with`) to release the
    connection pool.
    """

    def __init__(
        self,
        *,
        org_id: str,
        client_id: str,
        client_secret: str | None = None,
        access_token: str | None = None,
        scopes: Sequence[str] | str = DEFAULT_SCOPES,
        sandbox: str | None = None,
        platform_url: str = DEFAULT_PLATFORM_URL,
        ims_url: str = DEFAULT_IMS_URL,
        timeout: float = DEFAULT_HTTP_TIMEOUT_SECONDS,
        retry: RetryPolicy | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        http_client: httpx.Client | None = None,
    ) -> None:
        settings = ClientSettings(
            org_id=org_id,
            client_id=client_id,
            client_secret=client_secret,
            access_token=access_token,
            scopes=tuple(scopes) if not isinstance(scopes, str) else cast(Any, scopes),
            sandbox=sandbox,
            platform_url=platform_url,
            ims_url=ims_url,
            timeout=timeout,
            retry=retry or RetryPolicy(),
            max_connections=max_connections,
        )
        self._init(settings, http_client)

    def _init(self, settings: ClientSettings, http_client: httpx.Client | None) -> None:
        self._settings = settings
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            timeout=settings.timeout,
            limits=httpx.Limits(
                max_connections=settings.max_connections,
                max_keepalive_connections=settings.max_connections,
            ),
            headers={"User-Agent": settings.user_agent, "Accept": "application/json"},
            follow_redirects=False,
        )
        self._base = settings.platform_url + EXIM_PREFIX
        self._auth: TokenProvider
        if settings.client_secret:
            self._auth = ClientCredentialsProvider(
                http=self._http,
                ims_url=settings.ims_url,
                client_id=settings.client_id,
                client_secret=settings.client_secret,
                scopes=settings.scopes,
                refresh_margin=settings.token_refresh_margin,
                timeout=settings.timeout,
                retry=lambda fetch: retry_call(
                    settings.retry, fetch, retry_on=(NOT_SENT, REFUSED, AMBIGUOUS)
                ),
            )
        else:
            self._auth = StaticTokenProvider(cast(str, settings.access_token))

    @classmethod
    def from_settings(
        cls, settings: ClientSettings, *, http_client: httpx.Client | None = None
    ) -> Self:
        self = cls.__new__(cls)
        self._init(settings, http_client)
        return self

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        http_client: httpx.Client | None = None,
        **overrides: Any,
    ) -> Self:
        """Read AEP_PLATFORM_URL, AEP_IMS_URL, AEP_ORG_ID, AEP_CLIENT_ID, AEP_CLIENT_SECRET,
        AEP_SCOPES (comma-separated), AEP_SANDBOX, AEP_ACCESS_TOKEN. Keyword arguments
        (any `ClientSettings` field) win over the environment."""
        return cls.from_settings(
            ClientSettings.from_env(environ, **overrides), http_client=http_client
        )

    # -- plumbing ----------------------------------------------------------------------------
    @property
    def settings(self) -> ClientSettings:
        return self._settings

    @property
    def org_id(self) -> str:
        return self._settings.org_id

    @property
    def sandbox(self) -> str | None:
        return self._settings.sandbox

    @property
    def token_provider(self) -> TokenProvider:
        return self._auth

    def __repr__(self) -> str:
        s = self._settings
        return (
            f"ExImClient(platform_url={s.platform_url!r}, org_id={s.org_id!r}, "
            f"client_id={s.client_id!r}, sandbox={s.sandbox!r}, auth={s.auth_mode!r})"
        )

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _headers(self, token: str, sandbox: str | None) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {token}",
            "x-api-key": self._settings.client_id,
            "x-gw-ims-org-id": self._settings.org_id,
        }
        sb = sandbox if sandbox is not None else self._settings.sandbox
        if sb:
            headers["x-sandbox-name"] = sb
        return headers

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        body: Any = None,
        sandbox: str | None = None,
        context: str | None = None,
    ) -> httpx.Response:
        """One exchange (plus one re-send with a new token after a 401). Raises ExImError."""
        url = self._base + path
        content = jsonlib.dumps(body).encode() if body is not None else None
        token = self._auth.token()
        for renewed in (False, True):
            headers = self._headers(token, sandbox)
            if content is not None:
                headers["Content-Type"] = "application/json"
            request = self._http.build_request(
                method,
                url,
                params=params,
                content=content,
                headers=headers,
                timeout=exchange_timeout(self._settings.timeout),
            )
            info = RequestInfo.build(method, str(request.url), headers, content)
            try:
                resp = self._http.send(request)
            except httpx.TimeoutException as exc:
                raise ExImTimeoutError(
                    f"{context or method + ' ' + path}: no answer in time ({type(exc).__name__})",
                    request=info,
                ) from exc
            except httpx.TransportError as exc:
                raise TransportError(
                    f"{context or method + ' ' + path}: {type(exc).__name__}: {exc}",
                    request=info,
                ) from exc
            log.debug("%s %s -> %s", method, path, resp.status_code)
            if resp.status_code == 401 and not renewed and self._auth.can_refresh:
                # A 401 is decided at the gateway, before the handler: re-sending is safe.
                self._auth.invalidate(token)
                token = self._auth.token()
                continue
            if resp.status_code >= 400:
                payload: Any
                try:
                    payload = resp.json()
                except ValueError:
                    payload = resp.text
                raise error_for_status(
                    resp.status_code,
                    payload,
                    reason=resp.reason_phrase,
                    request=info,
                    retry_after=retry_after(resp),
                    context=context,
                )
            return resp
        raise AssertionError("unreachable")  # pragma: no cover

    def _call(
        self,
        method: str,
        path: str,
        parse: Callable[[Any], T],
        *,
        params: Any = None,
        body: Any = None,
        sandbox: str | None = None,
        context: str | None = None,
        idempotent: bool = True,
        reconcile: Callable[[], T | None] | None = None,
        on_error_after_ambiguous: Callable[[ExImError], T | None] | None = None,
        reconcile_grace: bool = False,
    ) -> T:
        """Send with retries; return the answer as `parse` makes it (`parse` gets the decoded
        JSON: None for an empty answer, the text for one that is not JSON). `reconcile` and
        `on_error_after_ambiguous` (see `retry.retry_call`) answer in the same type."""

        def once() -> T:
            resp = self._send(
                method, path, params=params, body=body, sandbox=sandbox, context=context
            )
            return parse(_decoded(resp))

        retry_on = (
            (NOT_SENT, REFUSED, AMBIGUOUS) if idempotent or reconcile else (NOT_SENT, REFUSED)
        )
        return retry_call(
            self._settings.retry,
            once,
            retry_on=retry_on,
            reconcile=reconcile,
            on_error_after_ambiguous=on_error_after_ambiguous,
            reconcile_grace=reconcile_grace,
        )

    def _pages(
        self,
        path: str,
        model: type[M],
        filters: Iterable[FilterLike],
        *,
        order_by: str | None,
        page_size: int,
        sandbox: str | None,
        extra: Sequence[tuple[str, str]] = (),
    ) -> Iterator[M]:
        base_params = filter_params(filters) + list(extra)
        if order_by:
            base_params.append(("orderby", order_by))

        def fetch(start: int, limit: int) -> dict[str, Any]:
            params = [*base_params, ("start", str(start)), ("limit", str(limit))]
            return self._call("GET", path, _page, params=params, sandbox=sandbox)

        return iterate_pages(
            fetch,
            model.model_validate,
            page_size=page_size,
            identity=lambda raw: (
                raw.get("id") or raw.get("linkingId") if isinstance(raw, dict) else None
            ),
        )
