"""What the lookup functions (`lookups`) return: TypedDicts with snake_case keys, plain
enough to export as they are, and the conversions from the client's models.

A private module, with no export list of its own: `lookups` exports the results."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from sandbox_provider.client.models import Artifact, Job, JobDetails
    from sandbox_provider.client.models import Package as ApiPackage


# -- results -----------------------------------------------------------------------------------
class ArtifactRef(TypedDict):
    """An artifact: its id, type and title (None when the platform gives none)."""

    id: str
    type: str
    title: str | None


class PackageInfo(TypedDict):
    """A package as `get_package` / `get_packages` see it; dates are epoch milliseconds."""

    package_id: str
    name: str
    version: int | None
    description: str | None
    status: str | None
    package_type: str | None
    visibility: str | None
    source_sandbox: str | None
    expiry: int | None
    publish_date: int | None
    created_date: int | None
    modified_date: int | None
    artifacts: list[ArtifactRef]


class ImportConflict(TypedDict):
    """An artifact of the package with look-alikes in the target sandbox, best match first."""

    artifact_id: str
    artifact_type: str
    title: str | None
    suggestions: list[ArtifactRef]


class ArtifactPermissions(TypedDict):
    """Whether the caller may create one artifact in the target; `missing_permissions` maps a
    permission resource type to the permissions lacking."""

    artifact_id: str
    artifact_type: str | None
    creation_allowed: bool
    missing_permissions: dict[str, list[str]]


class Preflight(TypedDict):
    """`allowed`: every artifact of the package can be created in `target_sandbox`."""

    package_id: str
    target_sandbox: str
    allowed: bool
    artifacts: list[ArtifactPermissions]


class ArtifactDependencies(TypedDict):
    """One artifact of the package and its direct dependencies (`children`)."""

    id: str
    type: str
    title: str | None
    children: list[ArtifactRef]


class ImportJobInfo(TypedDict):
    """An export or import job; `imported_artifacts` maps source ids to target ids.

    The jobs list shows neither a job's request type, package nor outcome: `request_type` is
    the type asked for (when both were: the finished job's own, else None), `package_id` the
    package the job most likely imported (`client.job_package`), `failure_reason` and
    `imported_artifacts` come from the job's details (`GET /tools/job/{id}`) for a FAILED or
    SUCCESS job."""

    job_id: str | None
    name: str
    status: str | None
    request_type: str | None
    package_id: str | None
    source_sandbox: str | None
    target_sandbox: str | None
    created: int | None
    updated: int | None
    failure_reason: str | None
    imported_artifacts: dict[str, str]


# -- conversions -------------------------------------------------------------------------------
def ref(a: Artifact) -> ArtifactRef:
    return {"id": a.id, "type": a.type, "title": a.title}


def package_info(p: ApiPackage) -> PackageInfo:
    return {
        "package_id": p.id,
        "name": p.name,
        "version": p.version,
        "description": p.description,
        "status": p.status,
        "package_type": p.package_type,
        "visibility": p.package_visibility,
        "source_sandbox": p.source_sandbox.name if p.source_sandbox else None,
        "expiry": p.expiry,
        "publish_date": p.publish_date,
        "created_date": p.created_date,
        "modified_date": p.modified_date,
        "artifacts": [ref(a) for a in p.artifacts],
    }


def job_info(
    j: Job,
    *,
    request_type: str | None,
    package_id: str | None,
    details: JobDetails | None,
) -> ImportJobInfo:
    return {
        "job_id": j.id,
        "name": j.name,
        "status": j.job_status,
        "request_type": request_type,
        "package_id": package_id,
        "source_sandbox": j.source_sandbox,
        "target_sandbox": j.target_sandbox,
        "created": j.created,
        "updated": j.updated,
        "failure_reason": details.failure_reason if details else None,
        "imported_artifacts": details.imported_artifacts if details else {},
    }
