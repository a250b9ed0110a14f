"""Routes of the jobs area: the export and import job list."""

from __future__ import annotations

from fastapi import APIRouter

from .. import jobs
from .handler import EXIM, route

router = APIRouter(prefix=EXIM)

route(router, "/packages/jobs", jobs.list_jobs, with_query=True)
