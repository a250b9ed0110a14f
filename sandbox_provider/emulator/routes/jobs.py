"""Routes of the jobs area: the export and import job list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from .. import jobs
from .handler import EXIM, call, query

router = APIRouter(prefix=EXIM)


@router.get("/packages/jobs")
async def list_jobs(request: Request) -> Any:
    return await call(request, lambda e, c, _: jobs.list_jobs(e, c, query(request)))
