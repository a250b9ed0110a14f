"""Routes of the tools area: a job's details, and (from the earlier tools page) a sandbox's
objects of one type."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from .. import jobs, tools
from .handler import EXIM, call

router = APIRouter(prefix=EXIM)


@router.get("/tools/job/{job_id}")
async def get_job(request: Request, job_id: str) -> Any:
    return await call(request, lambda e, c, _: jobs.job_details(e, c, job_id))


@router.get("/tools/artifacts/{artifact_type}")
async def list_artifacts(request: Request, artifact_type: str) -> Any:
    return await call(request, lambda e, c, _: tools.artifacts_of_type(e, c, artifact_type))
