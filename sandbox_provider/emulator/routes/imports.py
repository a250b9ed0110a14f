"""Routes of the imports area: submit (both forms), preflight, conflicts, children."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from .. import imports
from .handler import EXIM, call, query, route

router = APIRouter(prefix=EXIM)

route(router, "/packages/import", imports.submit, methods=("POST",), body="required")
route(router, "/packages/preflight/{package_id}", imports.preflight, with_query=True)
route(router, "/packages/{package_id}/import", imports.conflicts, with_query=True)


@router.post("/packages/{package_id}/import")
async def submit_import_by_path(request: Request, package_id: str) -> Any:
    # The body comes before the package and the query here: `submit` serves both forms.
    return await call(
        request,
        lambda e, c, b: imports.submit(e, c, b, package_id, query(request)),
        "optional",
    )


route(
    router, "/packages/{package_id}/children", imports.children, methods=("POST",), body="optional"
)
