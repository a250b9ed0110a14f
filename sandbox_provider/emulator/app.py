"""The FastAPI application: exim routes, IMS, admin router, error shapes and middleware.

Middleware order (outermost first): the request log, fault injection, the clock tick and
trailing-slash normalisation; so faults answer before any state changes and every path
works with and without its trailing slash.
"""

from __future__ import annotations

import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import imports, jobs, openapi, packages, sharing
from .admin import router as admin_router
from .auth import Caller, authenticate, ims_params, issue_token
from .bodies import parse_json
from .core import Emulator
from .errors import ApiError, GatewayError, ImsError, service_body
from .faults import inject
from .timing import Stepper, TimingSettings

EXIM = "/data/foundation/exim"


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
            fault = await inject(self.emu.faults, method, path)
            if fault is not None:
                await fault(scope, receive, send)
                self.emu.log_request(
                    method, path, query, fault.status_code, headers.get("x-gw-ims-org-id"), True
                )
                return
        self.emu.tick()
        inner = dict(scope)
        if len(path) > 1 and path.endswith("/"):
            inner["path"] = path.rstrip("/") or "/"
            raw = scope.get("raw_path")
            if isinstance(raw, bytes | bytearray) and raw.endswith(b"/"):
                inner["raw_path"] = bytes(raw).rstrip(b"/") or b"/"
        state = inner.setdefault("state", {})
        try:
            await self.app(inner, receive, send_wrapper)
        finally:
            if logged:
                org = state.get("org") or headers.get("x-gw-ims-org-id")
                self.emu.log_request(method, path, query, status_box[0], org, False)


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


def _emu(request: Request) -> Emulator:
    emu: Emulator = request.app.state.emu
    return emu


def _params(request: Request) -> list[tuple[str, str]]:
    return list(request.query_params.multi_items())


async def _call(
    request: Request, fn: Callable[[Emulator, Caller, Any], Any], body: str = "none"
) -> Any:
    """Authenticate, parse the body ("none" | "required" | "optional") and run `fn` in a
    single transaction."""
    emu = _emu(request)
    raw = await request.body() if body != "none" else b""
    with emu.store.tx():
        caller = authenticate(emu, request.headers)
        request.state.org = caller.org_id
        parsed = parse_json(raw, required=(body == "required")) if body != "none" else None
        return fn(emu, caller, parsed)


def exim_router() -> APIRouter:
    r = APIRouter(prefix=EXIM)

    @r.post("/packages")
    async def create_package(request: Request) -> Any:
        return packages.answer(_emu(request), await _call(request, packages.create, "required"))

    @r.put("/packages")
    async def put_package(request: Request) -> Any:
        def run(emu: Emulator, caller: Caller, body: Any) -> Any:
            return packages.answer(emu, packages.update(emu, caller, body))

        return await _call(request, run, "required")

    @r.get("/packages")
    async def list_packages(request: Request) -> Any:
        return await _call(request, lambda e, c, _: packages.list_packages(e, c, _params(request)))

    @r.get("/packages/jobs")
    async def list_jobs(request: Request) -> Any:
        return await _call(request, lambda e, c, _: jobs.list_jobs(e, c, _params(request)))

    @r.get("/packages/{package_id}")
    async def get_package(request: Request, package_id: str) -> Any:
        return await _call(request, lambda e, c, _: packages.get(e, c, package_id))

    @r.delete("/packages/{package_id}")
    async def delete_package(request: Request, package_id: str) -> Any:
        return await _call(request, lambda e, c, _: packages.delete(e, c, package_id))

    @r.get("/packages/{package_id}/export")
    async def publish_package(request: Request, package_id: str) -> Any:
        return await _call(
            request, lambda e, c, _: packages.publish(e, c, package_id, _params(request))
        )

    _extend_exim(r)
    return r


def _extend_exim(r: APIRouter) -> None:
    """Routes for imports and sharing (their modules keep their own route tables)."""
    imports.register(r, _call, _params)
    sharing.register(r, _call, _params)


def ims_router() -> APIRouter:
    r = APIRouter()

    @r.post("/ims/token/v3")
    async def token(request: Request) -> Any:
        emu = _emu(request)
        params = ims_params(
            list(request.query_params.multi_items()),
            await request.body(),
            request.headers.get("content-type", ""),
        )
        with emu.store.tx():
            answer = issue_token(emu, params)
        request.state.org = answer.pop("_org")
        return answer

    return r


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(GatewayError)
    async def gateway_error(_: Request, exc: GatewayError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(ImsError)
    async def ims_error(_: Request, exc: ImsError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

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
        "publish": packages.finish_publish,
        "import": imports.step_import,
        "transfer": sharing.step_transfer,
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
    app = FastAPI(
        title="exim emulator",
        redirect_slashes=False,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.emu = emu
    app.include_router(admin_router)
    app.include_router(ims_router())
    app.include_router(exim_router())
    openapi.mount(app)
    _install_handlers(app)
    app.add_middleware(EmulatorMiddleware, emu=emu)
    return app
