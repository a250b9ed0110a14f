"""The import endpoints of `ExImClient`: conflicts, preflight, submit, and the jobs they run.

Jobs are followed by id, from documented answers only: the submit answer's `jobId`
(packages.md "Submit an import"), `GET /tools/job/{JOB_ID}` for a job's status and
per-artifact outcome (tools.md), and the fields of `GET /packages/jobs` items (id, name,
created, targetSandbox, ...). Nothing here needs a correlation id or a package id on a job.

Safety of `submit_import` (POST /packages/import), which is not idempotent (see also
`retry.py`): before sending, the client notes the ids of the IMPORT jobs listed under the
job's name for the target sandbox; after an ambiguous failure it looks for a job of that name
and target that was not listed before and, if there is one, reports it instead of submitting
again. The server would accept a second submit, and a timed-out request may still be in
flight, so the client keeps looking for `RetryPolicy.reconcile_grace` seconds (default 3)
before it re-sends. (No idempotency key exists in this API: a request delayed longer than
that could still land twice; that residual risk is accepted and documented.)
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .models import (
    Artifact,
    ArtifactLike,
    Conflict,
    ImportSubmission,
    Job,
    JobDetails,
    JobRequestType,
    Package,
    PreflightResult,
    SandboxRef,
)
from .packages import PackagesApi, artifact_wire
from .paging import FilterLike, prop
from .retry import await_effect
from .transport import DEFAULT_PAGE_SIZE, as_model, as_models, segment

__all__ = ["ImportsApi", "job_package"]


class ImportsApi(PackagesApi):
    """Importing a published package into a sandbox, and the export/import jobs
    (`/packages/jobs`). Built on `PackagesApi`: a job is named after its package by default."""

    def import_conflicts(
        self, package_id: str, target_sandbox: str, *, sandbox: str | None = None
    ) -> list[Conflict]:
        """Artifacts of the package with look-alikes in `target_sandbox`, with suggestions
        (`GET /packages/{id}/import?targetSandbox=`)."""
        return self._call(
            "GET",
            f"/packages/{segment(package_id)}/import",
            as_models(Conflict),
            params={"targetSandbox": target_sandbox},
            sandbox=sandbox,
            context=f"import conflicts of package {package_id} in {target_sandbox!r}",
        )

    def submit_import(
        self,
        package_id: str,
        target_sandbox: str,
        *,
        name: str | None = None,
        description: str | None = None,
        alternatives: Mapping[str, ArtifactLike] | None = None,
        target_org_id: str | None = None,
        sandbox: str | None = None,
    ) -> ImportSubmission:
        """Submit an import of a PUBLISHED package into `target_sandbox`.

        `alternatives` maps a source artifact id to an existing target artifact to use instead.
        The answer's `job_id` feeds `wait_for_job`; `job_name` is the name the job is listed
        under (`name`, default: the package's name). Never submits twice: see module docstring.
        """
        job_name = name
        if job_name is None:
            job_name = self.get_package(package_id, sandbox=sandbox).name
        body: dict[str, Any] = {
            "id": package_id,
            "destinationSandbox": {
                "name": target_sandbox,
                "imsOrgId": target_org_id or self._settings.org_id,
            },
        }
        if name is not None:
            body["name"] = name
        if description is not None:
            body["description"] = description
        if alternatives:
            body["alternatives"] = {k: artifact_wire(v) for k, v in alternatives.items()}

        def listed() -> list[Job]:
            return self.find_jobs(
                name=job_name, target_sandbox=target_sandbox, request_type=IMPORT, sandbox=sandbox
            )

        before = {j.id for j in listed()}

        def new_job() -> Job | None:
            fresh = [j for j in listed() if j.id and j.id not in before]
            return max(fresh, key=_job_order) if fresh else None

        def landed() -> ImportSubmission | None:
            job = new_job()
            if job is None:
                return None
            return ImportSubmission(
                name=job.name,
                description=job.description,
                job_id=job.id,
                destination_sandbox=SandboxRef.model_validate(body["destinationSandbox"]),
            )

        result = self._call(
            "POST",
            "/packages/import",
            as_model(ImportSubmission),
            body=body,
            sandbox=sandbox,
            context=f"submit import of package {package_id} into {target_sandbox!r}",
            idempotent=False,
            reconcile_grace=True,
            reconcile=landed,
        )
        if result.job_id is None:
            # An answer without `jobId` (an older platform): the job this call started is the
            # one of that name and target that wasn't listed before.
            job = await_effect(
                new_job,
                grace=self._settings.retry.reconcile_grace,
                until=time.monotonic() + self._settings.retry.reconcile_grace,
            )
            if job is not None:
                result.job_id = job.id
        result.job_name = job_name
        return result

    def preflight(
        self, package_id: str, target_sandbox: str, *, sandbox: str | None = None
    ) -> PreflightResult:
        """Whether the caller's permissions allow importing every artifact into the target."""
        return self._call(
            "GET",
            f"/packages/preflight/{segment(package_id)}",
            as_model(PreflightResult),
            params={"targetSandbox": target_sandbox},
            sandbox=sandbox,
            context=f"preflight of package {package_id} into {target_sandbox!r}",
        )

    def list_jobs(
        self,
        *filters: FilterLike,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        sandbox: str | None = None,
    ) -> Iterator[Job]:
        """Export/import jobs (`GET /packages/jobs`), e.g. `prop("requestType").eq("IMPORT")`."""
        return self._pages(
            "/packages/jobs", Job, filters, order_by=order_by, page_size=page_size, sandbox=sandbox
        )

    def find_jobs(
        self,
        *,
        name: str | None = None,
        target_sandbox: str | None = None,
        request_type: str | None = None,
        created_from: int | None = None,
        sandbox: str | None = None,
    ) -> list[Job]:
        """The jobs listed under `name` for `target_sandbox` (each when given), of
        `request_type` (a documented filter of the list; the items don't show it), created at
        or after `created_from` (epoch ms), newest first. Filters go to the server and are
        checked again here on the documented fields."""
        filters: list[FilterLike] = []
        if name is not None and "," not in name:
            filters.append(prop("name").eq(name))
        if target_sandbox is not None:
            filters.append(prop("targetSandbox").eq(target_sandbox))
        if request_type:
            filters.append(prop("requestType").eq(request_type))
        jobs = [
            j
            for j in self.list_jobs(*filters, sandbox=sandbox)
            if (name is None or j.name == name)
            # Sandbox names are lowercase on the platform; the filter is case-blind too.
            and (
                target_sandbox is None or (j.target_sandbox or "").lower() == target_sandbox.lower()
            )
            and (created_from is None or (j.created or 0) >= created_from)
        ]
        return sorted(jobs, key=_job_order, reverse=True)

    def get_job(self, job_id: str, *, sandbox: str | None = None) -> JobDetails:
        """One job by id with its per-artifact outcome (`GET /tools/job/{JOB_ID}`):
        NotFoundError when unknown."""
        return self._call(
            "GET",
            f"/tools/job/{segment(job_id)}",
            _job_details,
            sandbox=sandbox,
            context=f"get job {job_id}",
        )

    def list_artifacts(self, artifact_type: str, *, sandbox: str | None = None) -> list[Artifact]:
        """The sandbox's objects of one type, with ids and titles (`GET
        /tools/artifacts/{ARTIFACT_TYPE}`). Only an earlier version of the tools page shows
        this route (tools-older-with-artifact-endpoints.md): nothing of ours depends on it."""
        return self._call(
            "GET",
            f"/tools/artifacts/{segment(artifact_type)}",
            _artifact_list,
            sandbox=sandbox,
            context=f"list {artifact_type} artifacts",
        )


IMPORT = JobRequestType.IMPORT


def job_package(
    job: Job | JobDetails, packages: Iterable[Package], details: JobDetails | None = None
) -> Package | None:
    """The package a job most likely imported, from documented fields only (no page ties a
    job to its package): a PUBLISHED package of the job's source sandbox, published at or
    before the job was created, and either named as the job (a job takes its package's name
    unless the submit gave one) or, with the job's `details` (its tasks), one whose every
    artifact the job's tasks name (imported, or failed to import). The latest such
    publication; None when none fits (a package deleted since, or a job given its own name
    whose outcome isn't known)."""
    if isinstance(job, JobDetails):
        details = details or job
        created, source = job.created_timestamp, job.source_sandbox
        source_name = source.name if source else None
    else:
        created, source_name = job.created, job.source_sandbox
    # A failed job's tasks name the artifacts it was importing too.
    imported = details.named_artifacts(failed=True) if details is not None else set()

    def fits(p: Package) -> bool:
        if p.publish_date is None or (created is not None and p.publish_date > created):
            return False
        if source_name and p.source_sandbox and p.source_sandbox.name != source_name:
            return False
        if p.name == job.name:
            return True
        return bool(imported and p.artifacts_list) and all(
            a.base_id in imported for a in p.artifacts_list
        )

    found = [p for p in packages if fits(p)]
    named = [p for p in found if p.name == job.name]
    return max(named or found, key=lambda p: p.publish_date or 0) if found else None


def _job_order(job: Job) -> tuple[int, int]:
    return (job.created or 0, job.updated or 0)


def _unwrap(raw: Any) -> Any:
    # The /tools answers wrap their result: {"status", "type", "message", "object"}.
    if isinstance(raw, dict) and "object" in raw:
        return raw["object"]
    return raw


def _job_details(raw: Any) -> JobDetails:
    return JobDetails.model_validate(_unwrap(raw) or {})


def _artifact_list(raw: Any) -> list[Artifact]:
    items = _unwrap(raw) or []
    return [Artifact.model_validate(a) for a in items if isinstance(a, dict)]
