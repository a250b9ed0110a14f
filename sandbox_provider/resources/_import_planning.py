"""What an ImportJob works out before it submits: missing permissions, conflicts settled by
`alternatives` and the policy (which leaves types unsafe to reuse to the import), the earlier
import it may take over instead, and how a job given to `import_` compares with the program."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sandbox_provider.client import JobRequestType, JobStatus, prop
from sandbox_provider.client.enums import UNSAFE_TO_REUSE

from ._base import ProviderError
from ._common import difference

if TYPE_CHECKING:
    from sandbox_provider.client import Conflict, ExImClient, Job

RUNNING = (JobStatus.PENDING, JobStatus.IN_PROGRESS)
SUCCESS = JobStatus.SUCCESS


def missing_permissions(client: ExImClient, package_id: str, target: str) -> list[str]:
    """One line per artifact the credentials can't create: its missing permissions."""
    result = client.preflight(package_id, target)
    lines = []
    for perm in result.permission_response:
        missing = [
            f"{r.palm_resource_type}[{', '.join(r.resource_permissions)}]"
            for r in perm.missing_permissions.resources
            if r.resource_permissions
        ]
        if missing or not perm.creation_allowed:
            lines.append(
                f"{perm.artifact_id} ({perm.artifact_type or '?'}): missing "
                + (", ".join(missing) or "a permission")
            )
    return lines


def reuse_skipped(
    conflicts: list[Conflict], alternatives: Mapping[str, Any], policy: str
) -> list[Conflict]:
    """The conflicts `use_existing` leaves to the import to create new, as `create_new` would:
    those of a type unsafe to reuse (UNSAFE_TO_REUSE) that `alternatives` doesn't name."""
    if policy != "use_existing":
        return []
    return [
        c
        for c in conflicts
        if c.suggestion_list
        and c.artifact.type.upper() in UNSAFE_TO_REUSE
        and c.artifact.id not in alternatives
    ]


def settle_conflicts(
    conflicts: list[Conflict], alternatives: Mapping[str, Mapping[str, str]], policy: str
) -> tuple[dict[str, dict[str, str]], list[Conflict]]:
    """(alternatives to send, conflicts left unsettled by the policy `fail`)."""
    chosen = {k: {"id": v["id"], "type": v["type"]} for k, v in alternatives.items()}
    unsettled = []
    skipped = {c.artifact.id for c in reuse_skipped(conflicts, alternatives, policy)}
    for conflict in conflicts:
        source = conflict.artifact.id
        if source in chosen or source in skipped:
            continue
        if policy == "use_existing" and conflict.suggestion_list:
            best = conflict.suggestion_list[0]
            chosen[source] = {"id": best.id, "type": best.type}
        elif policy == "fail":
            unsettled.append(conflict)
    return chosen, unsettled


def settle(
    client: ExImClient, inputs: Mapping[str, Any], what: str
) -> tuple[list[Conflict], dict[str, dict[str, str]]]:
    """Preflight, then the conflicts settled by `alternatives` and the policy: (the conflicts
    seen, the alternatives to send)."""
    package_id, target = inputs["package_id"], inputs["target_sandbox"]
    if inputs.get("check_permissions", True):
        missing = missing_permissions(client, package_id, target)
        if missing:
            raise ProviderError(
                f"{what} failed: the credentials lack permissions for "
                f"{len(missing)} artifact(s): grant them to the API credential's role "
                "in the target sandbox (or set check_permissions=False to let the "
                "platform decide)" + "".join(f"\n  - {line}" for line in missing)
            )
    conflicts = client.import_conflicts(package_id, target)
    alternatives, unsettled = settle_conflicts(
        conflicts, inputs.get("alternatives") or {}, inputs.get("conflict_policy", "fail")
    )
    if unsettled:
        raise ProviderError(
            f"{what} failed: {len(unsettled)} conflict(s) with existing objects: "
            "settle each with alternatives={source id: {'id': ..., 'type': ...}}, or "
            "set conflict_policy='use_existing' or 'create_new'"
            + "".join(f"\n  - {describe_conflict(c)}" for c in unsettled)
        )
    return conflicts, alternatives


def describe_conflict(conflict: Conflict) -> str:
    art = conflict.artifact
    suggestions = ", ".join(
        f"{s.id!r} ({s.title!r})" if s.title else repr(s.id) for s in conflict.suggestion_list[:3]
    )
    return f"{art.id} ({art.type}) looks like {suggestions or 'existing objects'}"


def conflicts_output(conflicts: list[Conflict]) -> list[dict[str, Any]]:
    return [
        {
            "artifact_id": c.artifact.id,
            "type": c.artifact.type,
            "suggestions": [
                {k: v for k, v in {"id": s.id, "type": s.type, "title": s.title}.items() if v}
                for s in c.suggestion_list
            ],
        }
        for c in conflicts
    ]


#: A 404 on the package: the input that named it.
PACKAGE_MISSING = (
    "package_id names no package this org can see: pass the package_id of a published "
    "Package (for another org's package: a Transfer to this org first, or `org=` its profile)"
)
#: A 403 from the service on import: another org's public package not pulled yet.
NOT_PULLED = (
    "package_id is another org's package: pull it first with Transfer(request_type='PUBLIC', "
    "source_org_id=...) and import the pulled copy, or act as its owner with `org=`"
)


def earlier_job(client: ExImClient, job_name: str, inputs: Mapping[str, Any]) -> Job | None:
    """The newest import of this package into this target under this job name that is still
    running or ended SUCCESS, and agrees with the program (description, alternatives): what
    an earlier run of this create submitted before it timed out or was interrupted."""
    target = inputs["target_sandbox"]
    alternatives = inputs.get("alternatives") or {}
    jobs = sorted(
        client.list_jobs(prop("name").eq(job_name), prop("requestType").eq(JobRequestType.IMPORT)),
        key=lambda j: (j.created or 0, j.updated or 0),
        reverse=True,
    )
    for job in jobs:
        if (
            job.name != job_name
            or job.package_id not in (None, inputs["package_id"])
            or job.target_sandbox not in (None, target)
            or job.job_status not in (*RUNNING, SUCCESS)
        ):
            continue
        if inputs.get("description") and job.description not in (None, inputs["description"]):
            continue
        imported = job.imported_artifacts or {}
        if any(
            source in imported and imported[source] != alt["id"]
            for source, alt in alternatives.items()
        ):
            continue
        return job
    return None


def job_by_id(client: ExImClient, job_id: str) -> Job | None:
    """The import job with this id (or correlation id), or None."""
    for job in client.list_jobs(prop("requestType").eq(JobRequestType.IMPORT)):
        if job_id in (job.id, job.correlation_id):
            return job
    return None


def adoption_differences(job: Job, inputs: Mapping[str, Any]) -> list[str]:
    """What keeps `job` from being the program's import: each difference with its fix."""
    out = []
    for key, platform in (("package_id", job.package_id), ("target_sandbox", job.target_sandbox)):
        if platform not in (None, inputs[key]):
            out.append(difference(key, platform, inputs[key]))
    for key, platform in (("name", job.name), ("description", job.description)):
        # Left out, the job's own values are the program's.
        if inputs.get(key) and (platform or None) != inputs[key]:
            out.append(difference(key, platform, inputs[key]))
    imported = job.imported_artifacts or {}
    for source, alt in (inputs.get("alternatives") or {}).items():
        if source in imported and imported[source] != alt["id"]:
            out.append(difference(f"alternatives.{source}.id", imported[source], alt["id"]))
    if job.job_status == JobStatus.FAILED:
        out.append(
            f"the job ended FAILED ({job.failure_reason or 'no reason given'}) and imported "
            "nothing, so there is no import to adopt: remove import_ to import the package again"
        )
    return out
