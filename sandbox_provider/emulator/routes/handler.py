"""What every exim route does: authenticate, parse the body, run in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request

from ..auth import Caller, authenticate
from ..bodies import parse_json
from ..state import Emulator

EXIM = "/data/foundation/exim"


def emu_of(request: Request) -> Emulator:
    emu: Emulator = request.app.state.emu
    return emu


def query(request: Request) -> list[tuple[str, str]]:
    """The query parameters in order, repeats kept (the last one usually wins)."""
    return list(request.query_params.multi_items())


async def call(
    request: Request, fn: Callable[[Emulator, Caller, Any], Any], body: str = "none"
) -> Any:
    """Authenticate, parse the body ("none" | "required" | "optional") and run `fn` in a
    single transaction."""
    emu = emu_of(request)
    raw = await request.body() if body != "none" else b""
    with emu.store.tx():
        caller = authenticate(emu, request.headers)
        # The request log reads the org from here (the middleware sees no Caller).
        request.state.org = caller.org_id
        parsed = parse_json(raw, required=(body == "required")) if body != "none" else None
        return fn(emu, caller, parsed)


def route(
    router: APIRouter,
    path: str,
    fn: Callable[..., Any],
    *,
    methods: tuple[str, ...] = ("GET",),
    with_query: bool = False,
    body: str = "none",
) -> None:
    """Serve `path` with `fn(emu, caller, *path values, query?, body?)` through `call`: the
    query parameters with `with_query`, the body unless `body` is "none". Routes added in
    order: Starlette tries them in that order."""

    async def endpoint(request: Request) -> Any:
        args = [*request.path_params.values(), *([query(request)] if with_query else [])]
        if body == "none":
            return await call(request, lambda e, c, _: fn(e, c, *args))
        return await call(request, lambda e, c, b: fn(e, c, *args, b), body)

    router.add_api_route(path, endpoint, methods=list(methods), name=fn.__name__)
