"""Routes of the imports area: submit (both forms), preflight, conflicts, children."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from .. import imports
from .handler import EXIM, call, query

router = APIRouter(prefix=EXIM)


@router.post("/packages/import")
async def submit_import(request: Request) -> Any:
    return await call(request, lambda e, c, b: imports.submit(e, c, b), "required")


@router.get("/packages/preflight/{package_id}")
async def get_preflight(request: Request, package_id: str) -> Any:
    return await call(request, lambda e, c, _: imports.preflight(e, c, package_id, query(request)))


@router.get("/packages/{package_id}/import")
async def get_conflicts(request: Request, package_id: str) -> Any:
    return await call(request, lambda e, c, _: imports.conflicts(e, c, package_id, query(request)))


@router.post("/packages/{package_id}/import")
async def submit_import_by_path(request: Request, package_id: str) -> Any:
    return await call(
        request,
        lambda e, c, b: imports.submit(e, c, b, package_id, query(request)),
        "optional",
    )


@router.post("/packages/{package_id}/children")
async def post_children(request: Request, package_id: str) -> Any:
    return await call(request, lambda e, c, b: imports.children(e, c, package_id, b), "optional")
