"""Routes of the tools area: a job's details, and (from the earlier tools page) a sandbox's
objects of one type."""

from __future__ import annotations

from fastapi import APIRouter

from .. import jobs, tools
from .handler import EXIM, route

router = APIRouter(prefix=EXIM)

route(router, "/tools/job/{job_id}", jobs.job_details)
route(router, "/tools/artifacts/{artifact_type}", tools.artifacts_of_type)
