"""Routes of the packages area: create, PUT, look up, list, delete, publish."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from .. import packages, publish
from ..auth import Caller
from ..state import Emulator
from .handler import EXIM, call, emu_of, route

router = APIRouter(prefix=EXIM)


@router.post("/packages")
async def create_package(request: Request) -> Any:
    return packages.created_answer(
        emu_of(request), await call(request, packages.create, "required")
    )


@router.put("/packages")
async def put_package(request: Request) -> Any:
    def run(emu: Emulator, caller: Caller, body: Any) -> Any:
        return packages.answer(emu, packages.update(emu, caller, body))

    return await call(request, run, "required")


route(router, "/packages", packages.list_packages, with_query=True)
route(router, "/packages/{package_id}", packages.get)
route(router, "/packages/{package_id}", packages.delete, methods=("DELETE",))
route(router, "/packages/{package_id}/export", publish.publish, with_query=True)
