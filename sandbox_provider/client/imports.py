"""The import endpoints of `ExImClient`: conflicts, preflight, submit, and the jobs they run.

Safety of `submit_import` (POST /packages/import), which is not idempotent (see also
`retry.py`): before sending, the client notes the correlation ids of the jobs already listed
under the job's name; after an ambiguous failure it looks for a new IMPORT job of that package
under that name and, if there is one, reports it instead of submitting again. The server would
accept a second submit, and a timed-out request may still be in flight, so the client keeps
looking for `RetryPolicy.reconcile_grace` seconds (default 3) before it re-sends. (No
idempotency key exists in this API: a request delayed longer than that could still land twice;
that residual risk is accepted and documented.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .models import (
    ArtifactLike,
    Conflict,
    ImportSubmission,
    Job,
    JobRequestType,
    PreflightResult,
    SandboxRef,
)
from .packages import PackagesApi, artifact_wire
from .paging import FilterLike, prop
from .transport import DEFAULT_PAGE_SIZE, as_model, as_models, segment

__all__ = ["ImportsApi"]


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
        The job is listed under `name` (default: the package's name); the answer's `job_name`
        and `correlation_id` feed `wait_for_job`. Never submits twice: see module docstring.
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

        before = {
            j.correlation_id
            for j in self._jobs_named(job_name, package_id=package_id, sandbox=sandbox)
        }

        def landed() -> ImportSubmission | None:
            for job in self._jobs_named(job_name, package_id=package_id, sandbox=sandbox):
                if job.correlation_id not in before and (
                    job.target_sandbox in (None, target_sandbox)
                ):
                    return ImportSubmission(
                        name=job.name,
                        description=job.description,
                        correlation_id=job.correlation_id,
                        destination_sandbox=SandboxRef.model_validate(body["destinationSandbox"]),
                    )
            return None

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

    def _jobs_named(
        self,
        name: str,
        *,
        package_id: str | None = None,
        request_type: str | None = JobRequestType.IMPORT,
        sandbox: str | None = None,
    ) -> list[Job]:
        filters: list[FilterLike] = [] if "," in name else [prop("name").eq(name)]
        if request_type:
            filters.append(prop("requestType").eq(request_type))
        return [
            j
            for j in self.list_jobs(*filters, sandbox=sandbox)
            if j.name == name
            and (package_id is None or j.package_id in (None, package_id))
            and (request_type is None or j.request_type in (None, str(request_type)))
        ]

    def find_job(
        self,
        name: str,
        *,
        correlation_id: str | None = None,
        request_type: str | None = None,
        package_id: str | None = None,
        sandbox: str | None = None,
    ) -> Job | None:
        """The job listed under `name` (the one with `correlation_id` when given, else the
        newest), or None."""
        jobs = self._jobs_named(
            name, package_id=package_id, request_type=request_type, sandbox=sandbox
        )
        if correlation_id is not None:
            jobs = [j for j in jobs if j.correlation_id == correlation_id]
        if not jobs:
            return None
        return max(jobs, key=lambda j: (j.created or 0, j.updated or 0))
