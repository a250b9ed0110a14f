"""Routes of the packages area: create, PUT, look up, list, delete, publish."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from .. import packages, publish
from ..auth import Caller
from ..state import Emulator
from .handler import EXIM, call, emu_of, query

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


@router.get("/packages")
async def list_packages(request: Request) -> Any:
    return await call(request, lambda e, c, _: packages.list_packages(e, c, query(request)))


@router.get("/packages/{package_id}")
async def get_package(request: Request, package_id: str) -> Any:
    return await call(request, lambda e, c, _: packages.get(e, c, package_id))


@router.delete("/packages/{package_id}")
async def delete_package(request: Request, package_id: str) -> Any:
    return await call(request, lambda e, c, _: packages.delete(e, c, package_id))


@router.get("/packages/{package_id}/export")
async def publish_package(request: Request, package_id: str) -> Any:
    return await call(request, lambda e, c, _: publish.publish(e, c, package_id, query(request)))
