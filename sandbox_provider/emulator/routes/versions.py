"""Routes of package versions (packages.md "Migrate object configuration updates"), each on
the method its API format line gives: PATCH (versions.py says why)."""

from __future__ import annotations

from fastapi import APIRouter

from .. import updates, versions
from .handler import EXIM, route

router = APIRouter(prefix=EXIM)

PATCH = ("PATCH",)
route(router, "/packages/{package_id}", versions.get_capabilities, methods=PATCH, with_query=True)
route(
    router,
    "/packages/{package_id}/version/compare",
    versions.compare,
    methods=PATCH,
    body="optional",
)
route(router, "/packages/{package_id}/version/save", versions.save, methods=PATCH)
route(router, "/packages/{package_id}/history", versions.history, methods=PATCH)
route(
    router, "/packages/{package_id}/import", updates.submit_update, methods=PATCH, body="required"
)
