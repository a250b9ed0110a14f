"""What an ImportJob works out before it submits: missing permissions, conflicts settled by
`alternatives` and the policy (which leaves types unsafe to reuse to the import), the earlier
import it may take over instead, and how a job given to `import_` compares with the program."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sandbox_provider.client import JobRequestType, JobStatus
from sandbox_provider.client.enums import UNSAFE_TO_REUSE

from ._base import progress, warn
from ._common import difference
from .errors import ProviderError

if TYPE_CHECKING:
    from sandbox_provider.client import Artifact, Conflict, ExImClient, JobDetails, Package

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


def same_title(a: str | None, b: str | None) -> bool:
    """What `use_existing` counts as the same object: equal titles, ignoring case and the
    spaces around them (the type is compared apart)."""
    if not a or not b:
        return False
    return a.strip().casefold() == b.strip().casefold()


def exact_match(conflict: Conflict, title: str | None) -> Artifact | None:
    """The suggestion of the conflict's own type whose title is the source object's: the only
    one `use_existing` reuses. A source whose title isn't known matches nothing."""
    kind = conflict.artifact.type.upper()
    for suggestion in conflict.suggestion_list:
        if suggestion.type.upper() == kind and same_title(suggestion.title, title):
            return suggestion
    return None


def settle_conflicts(
    conflicts: list[Conflict],
    alternatives: Mapping[str, Mapping[str, str]],
    policy: str,
    titles: Mapping[str, str] | None = None,
) -> tuple[dict[str, dict[str, str]], list[Conflict], list[Conflict]]:
    """(alternatives to send, conflicts left unsettled by the policy `fail`, conflicts
    `use_existing` leaves to the import to create because no suggestion is an exact match).

    `titles`: the source objects' titles by id (`source_titles`)."""
    titles = titles or {}
    chosen = {k: {"id": v["id"], "type": v["type"]} for k, v in alternatives.items()}
    unsettled: list[Conflict] = []
    unmatched: list[Conflict] = []
    skipped = {c.artifact.id for c in reuse_skipped(conflicts, alternatives, policy)}
    for conflict in conflicts:
        source = conflict.artifact.id
        if source in chosen or source in skipped:
            continue
        if policy == "use_existing" and conflict.suggestion_list:
            match = exact_match(conflict, titles.get(source) or conflict.artifact.title)
            if match is None:
                unmatched.append(conflict)
            else:
                chosen[source] = {"id": match.id, "type": match.type}
        elif policy == "fail":
            unsettled.append(conflict)
    return chosen, unsettled, unmatched


def source_titles(
    client: ExImClient, package: Package, conflicts: list[Conflict]
) -> dict[str, str]:
    """The titles of the package's objects that have look-alikes: its artifacts list names
    the declared ones; the dependencies an import also carries are named by the children
    endpoint, asked about those (one call, made only when one isn't in the list)."""
    titles = {a.id: a.title for a in package.artifacts_list if a.title}
    unnamed = [{"id": c.artifact.id, "type": c.artifact.type} for c in conflicts]
    unnamed = [a for a in unnamed if a["id"] not in titles]
    if unnamed:
        # The endpoint answers each object asked about with its title (packages.md
        # `#dependent-objects`).
        for item in client.package_children(package.id, unnamed):
            if item.title:
                titles.setdefault(item.id, item.title)
    return titles


def not_reused_message(conflict: Conflict, title: str | None) -> str:
    """Why `use_existing` creates this object, the near matches, and the entry that would
    reuse one."""
    art = conflict.artifact
    near = ", ".join(
        f"{s.id!r} ({s.title!r})" if s.title else repr(s.id) for s in conflict.suggestion_list[:3]
    )
    best = conflict.suggestion_list[0]
    entry = f"alternatives={{{art.id!r}: {{'id': {best.id!r}, 'type': {best.type!r}}}}}"
    named = f" {title!r}" if title else ""
    return (
        f"conflict_policy='use_existing' reuses only an object of the same type and title: "
        f"{art.id} ({art.type}){named} has none in the target, so the import creates it; "
        f"near matches: {near}; to reuse one, name it: {entry}"
    )


def settle(
    client: ExImClient, inputs: Mapping[str, Any], what: str, package: Package | None = None
) -> tuple[list[Conflict], dict[str, dict[str, str]]]:
    """Preflight, then the conflicts settled by `alternatives` and the policy: (the conflicts
    seen, the alternatives to send). Each reuse `use_existing` chooses is printed, and each
    near match it doesn't take is a warning."""
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
    policy = inputs.get("conflict_policy", "fail")
    given = inputs.get("alternatives") or {}
    titles: dict[str, str] = {}
    if policy == "use_existing" and conflicts:
        titles = source_titles(client, package or client.get_package(package_id), conflicts)
    alternatives, unsettled, unmatched = settle_conflicts(conflicts, given, policy, titles)
    if unsettled:
        raise ProviderError(
            f"{what} failed: {len(unsettled)} conflict(s) with existing objects: "
            "settle each with alternatives={source id: {'id': ..., 'type': ...}}, or "
            "set conflict_policy='use_existing' or 'create_new'"
            + "".join(f"\n  - {describe_conflict(c)}" for c in unsettled)
        )
    for conflict in unmatched:
        warn(not_reused_message(conflict, titles.get(conflict.artifact.id)))
    for source, target_ref in alternatives.items():
        how = "named in alternatives" if source in given else "same type and title"
        progress(f"import into {target!r}: {source} -> existing {target_ref['id']} ({how})")
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


def earlier_job(
    client: ExImClient, job_name: str, inputs: Mapping[str, Any], package: Package
) -> JobDetails | None:
    """What an earlier run of this create submitted before it timed out or was interrupted:
    the newest import under this job name into this target, from this package's source
    sandbox, created at or after the package was published (a job created before is never
    this package's job), still running or ended SUCCESS, that agrees with the program
    (description; the targets of `alternatives`, read from the job's outcome). Documented
    fields only: the jobs list shows no package id, so these are what tie a job to a
    publication. Answers the job with its outcome (`GET /tools/job/{id}`)."""
    if package.publish_date is None:
        return None
    target = inputs["target_sandbox"]
    alternatives = inputs.get("alternatives") or {}
    source = package.source_sandbox.name if package.source_sandbox else None
    for job in client.find_jobs(
        name=job_name,
        target_sandbox=target,
        request_type=JobRequestType.IMPORT,
        created_from=package.publish_date,
    ):
        if job.job_status not in (*RUNNING, SUCCESS) or not job.id:
            continue
        if source and job.source_sandbox not in (None, source):
            continue
        if inputs.get("description") and job.description not in (None, inputs["description"]):
            continue
        details = client.get_job(job.id)
        if not_imported(details, package):
            continue
        imported = details.imported_artifacts
        if any(
            source_id in imported and imported[source_id] != alt["id"]
            for source_id, alt in alternatives.items()
        ):
            continue
        return details
    return None


def not_imported(job: JobDetails, package: Package) -> list[str]:
    """The package's own artifacts a job that ended SUCCESS did not import: [] when it
    imported them all, or when that can't be told (a FULL package lists none; a job not
    finished has no outcome yet). A job's tasks name each artifact it imported, so a job of
    another package shows at once."""
    if job.job_status != JobStatus.SUCCESS or not package.artifacts_list:
        return []
    named = job.named_artifacts()
    if not named:
        return []
    return [a.id for a in package.artifacts_list if a.base_id not in named]


def adoption_differences(
    job: JobDetails, inputs: Mapping[str, Any], package: Package | None
) -> list[str]:
    """What keeps `job` from being the program's import: each difference with its fix.
    `package`: the program's package (None: it doesn't exist). The job shows no package id:
    it can be this package's import only if it is an IMPORT from the package's source
    sandbox, created at or after the package was published."""
    out = []
    if job.request_type and job.request_type != JobRequestType.IMPORT:
        out.append(f"the job is an {job.request_type} job, not an import")
    if package is not None:
        source = package.source_sandbox.name if package.source_sandbox else None
        job_source = job.source_sandbox.name if job.source_sandbox else None
        if source and job_source and source != job_source:
            out.append(
                f"the job imported from sandbox {job_source!r}, but package "
                f"{package.id} is of sandbox {source!r}: pass the package_id of the package "
                "the job imported"
            )
        elif package.publish_date is None or (
            job.created_timestamp is not None and job.created_timestamp < package.publish_date
        ):
            out.append(
                f"the job was created before package {package.id} was published, so it "
                "imported another package: pass the package_id of the package the job imported"
            )
        elif missing := not_imported(job, package):
            out.append(
                f"the job did not import {', '.join(missing)} of package {package.id}, so it "
                "imported another package: pass the package_id of the package the job imported"
            )
    target = job.target_sandbox
    if target not in (None, inputs["target_sandbox"]):
        out.append(difference("target_sandbox", target, inputs["target_sandbox"]))
    for key, platform in (("name", job.name), ("description", job.description)):
        # Left out, the job's own values are the program's.
        if inputs.get(key) and (platform or None) != inputs[key]:
            out.append(difference(key, platform, inputs[key]))
    imported = job.imported_artifacts
    for source_id, alt in (inputs.get("alternatives") or {}).items():
        if source_id in imported and imported[source_id] != alt["id"]:
            out.append(difference(f"alternatives.{source_id}.id", imported[source_id], alt["id"]))
    if job.job_status == JobStatus.FAILED:
        out.append(
            f"the job ended FAILED ({job.failure_reason or 'no reason given'}) and imported "
            "nothing, so there is no import to adopt: remove import_ to import the package again"
        )
    return out
