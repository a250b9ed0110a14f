"""The FastAPI application: its routers (`routes/`), error shapes and middleware.

Middleware order (outermost first): the request log, fault injection, the clock tick and
trailing-slash normalisation; so faults answer before any state changes and every path
works with and without its trailing slash.
"""

from __future__ import annotations

import tempfile
import traceback
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import imports, openapi, publish, sharing, updates, versions
from . import seed as seed_mod
from .errors import WireError, service_body
from .faults import inject
from .routes import admin as admin_routes
from .routes import imports as imports_routes
from .routes import ims as ims_routes
from .routes import jobs as jobs_routes
from .routes import packages as packages_routes
from .routes import sharing as sharing_routes
from .routes import tools as tools_routes
from .routes import versions as versions_routes
from .state import Emulator
from .timing import Stepper, TimingSettings

# Starlette tries routes in order and a `{package_id}` segment also matches `jobs`,
# `preflight` or `payload`: this order (the jobs list before `/packages/{package_id}`,
# packages before imports before sharing) is part of the wire.
ROUTERS = (
    admin_routes.router,
    ims_routes.router,
    jobs_routes.router,
    packages_routes.router,
    imports_routes.router,
    sharing_routes.router,
    tools_routes.router,
    versions_routes.router,
)


def _logged(path: str) -> bool:
    return path.startswith("/data/") or path.startswith("/ims/")


class EmulatorMiddleware:
    """Request log, faults, clock tick and trailing-slash tolerance, as plain ASGI."""

    def __init__(self, app: ASGIApp, emu: Emulator) -> None:
        self.app = app
        self.emu = emu

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        query = scope.get("query_string", b"").decode("latin-1")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        logged = _logged(path)
        status_box = [500]

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = int(message["status"])
            await send(message)

        if logged:
            # Read the whole body first: a request that reached the server is handled even
            # if its client gives up during injected latency (as a real backend would).
            messages, gone = await _buffer_body(receive)
            if gone:
                self.emu.log_request(
                    method, path, query, 499, headers.get("x-gw-ims-org-id"), False
                )
                return
            receive = _replay(messages, receive)
            fault, after = await inject(self.emu.faults, method, path)
            if fault is not None and not after:
                await fault(scope, receive, send)
                self.emu.log_request(
                    method, path, query, fault.status_code, headers.get("x-gw-ims-org-id"), True
                )
                return
            if fault is not None:
                # Handled, and the answer lost: the client gets the fault's instead.
                lost = fault

                async def swallow(message: Message) -> None:
                    if message["type"] == "http.response.start":
                        status_box[0] = int(message["status"])

                await self._handle(scope, path, receive, swallow, dict(scope.get("state") or {}))
                await lost(scope, receive, send)
                self.emu.log_request(
                    method, path, query, lost.status_code, headers.get("x-gw-ims-org-id"), True
                )
                return
        state: dict[str, Any] = dict(scope.get("state") or {})
        try:
            await self._handle(scope, path, receive, send_wrapper, state)
        finally:
            if logged:
                org = state.get("org") or headers.get("x-gw-ims-org-id")
                self.emu.log_request(method, path, query, status_box[0], org, False)

    async def _handle(
        self, scope: Scope, path: str, receive: Receive, send: Send, state: dict[str, Any]
    ) -> None:
        """The clock tick, trailing-slash tolerance, then the app; `state` gets the
        request state (the caller's org, for the log)."""
        self.emu.tick()
        inner = dict(scope)
        if len(path) > 1 and path.endswith("/"):
            inner["path"] = path.rstrip("/") or "/"
            raw = scope.get("raw_path")
            if isinstance(raw, bytes | bytearray) and raw.endswith(b"/"):
                inner["raw_path"] = bytes(raw).rstrip(b"/") or b"/"
        inner["state"] = state
        await self.app(inner, receive, send)


async def _buffer_body(receive: Receive) -> tuple[list[Message], bool]:
    """The request's body messages, and whether the client disconnected before sending it."""
    messages: list[Message] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return messages, True
        messages.append(message)
        if message["type"] == "http.request" and not message.get("more_body", False):
            return messages, False


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(WireError)  # ApiError, GatewayError, ImsError
    async def wire_error(_: Request, exc: WireError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            detail = f"no such endpoint: {request.method} {request.url.path}"
        elif exc.status_code == 405:
            detail = f"method {request.method} is not allowed on {request.url.path}"
        else:
            detail = str(exc.detail)
        return JSONResponse(service_body(exc.status_code, detail), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p not in ('body', 'query'))}: "
            f"{e.get('msg')}"
            for e in exc.errors()
        )
        return JSONResponse(service_body(400, f"invalid request: {problems}"), status_code=400)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        traceback.print_exception(exc)
        return JSONResponse(
            service_body(500, f"emulator bug: {type(exc).__name__}: {exc}"), status_code=500
        )


def steppers() -> dict[str, Stepper]:
    """Op kind → the function applying one of its state changes (timing.OP_KINDS)."""
    return {
        "publish": publish.finish_publish,
        "import": imports.step_import,
        "transfer": sharing.step_transfer,
        "compare": versions.step_compare,
        "save": versions.step_save,
        "update": updates.step_update,
    }


def create_app(
    db_path: str | Path | None = None,
    seed: str = "demo",
    timing: TimingSettings | None = None,
    ticker: bool = True,
) -> FastAPI:
    """The emulator application over the SQLite file `db_path` (a temp file when None)."""
    if db_path is None:
        db_path = Path(tempfile.mkdtemp(prefix="exim-emulator-")) / "exim.db"
    emu = Emulator(str(db_path), steppers=steppers(), seed=seed, timing=timing, ticker=ticker)
    seed_mod.load(emu, seed, replace=False)
    emu.start()
    app = FastAPI(
        title="exim emulator",
        redirect_slashes=False,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.emu = emu
    for router in ROUTERS:
        app.include_router(router)
    openapi.mount(app)
    _install_handlers(app)
    app.add_middleware(EmulatorMiddleware, emu=emu)
    return app
