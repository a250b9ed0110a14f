"""Following the source: package versions and update imports (packages.md "Migrate object
configuration updates"; ui-sandbox-tooling.md "Transfer iterative object configurations
updates across sandboxes").

A refresh of a published Package compares its current version with its source sandbox (a
compare job); what changed in its artifacts since is recorded as `source_changes`, and a
change the platform can't carry to the objects earlier imports made (anything but fields
added to a schema, field group or data type, or a new title of one) fails the refresh, naming
the artifact. The diff of a Package or ImportJob recording `source_changes` plans an update:
the Package's saves the next version, each ImportJob's applies it to its target through an
UPDATE import (`overwriteMappings`: the objects keep their ids). Every write is preceded by
the compare it depends on, so a plan made from a stale record, or a run killed after the
save, does nothing twice: an ImportJob finds its update job by its name (`update_job_name`:
the import's name and the version) before it submits one.

Nothing here runs at a plain preview: reads and updates only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sandbox_provider.client.enums import ArtifactType, JobStatus, JobType

from ._base import interruptible, progress
from ._common import or_none, wait_seconds
from ._fields import NAME_MAX
from .errors import ProviderError

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient, JobDetails
    from sandbox_provider.client.models import ArtifactDelta

#: What an update import can change: "Updates are supported for schemas, field groups and data
#: types" (ui-sandbox-tooling.md), by adding fields.
UPDATABLE = (
    ArtifactType.REGISTRY_SCHEMA,
    ArtifactType.REGISTRY_MIXIN,
    ArtifactType.REGISTRY_DATATYPE,
)
ALLOWED = (
    "an update adds fields to (or retitles) schemas, field groups and data types; it can't "
    "remove or redefine a field, nor change another kind of object"
)
#: The capability a package with versions has (`?getCapabilities=true`).
VERSIONABLE = "VERSIONABLE"
#: The jobs list's `jobType` of an UPDATE import (its `requestType` is IMPORT, as an import's).
UPDATE_JOB = JobType.UPDATE


def latest_version(client: ExImClient, package_id: str) -> int | None:
    """The package's current version (0: as published, none saved yet), or None when it has
    no versions (not published, FULL, or nothing a version carries): one PATCH."""
    pkg = client.package_capabilities(package_id)
    caps = pkg.package_capabilities.capabilities if pkg.package_capabilities else []
    if VERSIONABLE not in caps:
        return None
    return int(pkg.latest_package_version or 0)


def imported_version(client: ExImClient, package_id: str) -> int | None:
    """The version an import of the package brings (its current one), None when it has no
    versions or the platform doesn't say: an import never fails for want of it."""
    from sandbox_provider.client import ExImError

    try:
        return latest_version(client, package_id)
    except ExImError:
        return None


def compare(
    client: ExImClient, package_id: str, *, target: str | None = None, timeout: float
) -> list[ArtifactDelta]:
    """The artifacts that differ between the package's current version and its source
    sandbox (or, with `target`, the objects earlier imports made there): a new compare job,
    waited for."""
    job = client.compare_version(package_id, target_sandbox=target, trigger_new=True)
    if job.job_status != JobStatus.SUCCESS:
        job = interruptible(
            lambda: client.wait_for_compare(
                package_id, job.id, target_sandbox=target, timeout=timeout
            ),
            f"the comparison of package {package_id} with {target or 'its source'}",
        )
    delta = job.delta_package_version
    return list(delta.exim_graph_delta.plugin_deltas) if delta else []


def _field(path: str) -> str:
    return path.removeprefix("/fields/").replace("~1", "/").replace("~0", "~")


def change_line(op: str, path: str, old: Any, new: Any) -> str:
    """One JSON-patch change in words: `adds field loyalty.since (string)`."""
    if path.startswith("/fields/"):
        name = _field(path)
        if op == "add":
            return f"adds field {name} ({new})"
        if op == "remove":
            return f"removes field {name} ({old})"
        return f"changes field {name} from {old} to {new}"
    if path == "/title":
        return f"is retitled {old!r} -> {new!r}"
    if path == "/" and op == "remove":
        return "is no longer in the source sandbox"
    return f"{op}s {path}" + (f" ({old!r} -> {new!r})" if op == "replace" else "")


def applicable(type_: str, op: str, path: str) -> bool:
    """Whether an update import carries this change to an imported object."""
    if type_.upper() not in UPDATABLE:
        return False
    return (op == "add" and path.startswith("/fields/")) or (op == "replace" and path == "/title")


def describe(
    deltas: Iterable[ArtifactDelta],
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """(`source_changes`: `{artifact_id, type, title, changes}` per artifact that changed,
    the changes in words; artifact id -> one line, for each artifact with a change the
    platform refuses)."""
    changes: list[dict[str, Any]] = []
    refused: dict[str, str] = {}
    for delta in deltas:
        art = delta.source_artifact or delta.target_artifact
        if art is None or not delta.changes:
            continue
        type_ = str(art.type or "")
        title = (delta.target_artifact or art).title or art.title
        lines = [change_line(c.op, c.path, c.old_value, c.new_value) for c in delta.changes]
        entry = {"artifact_id": art.id, "type": type_, "changes": lines}
        if title:
            entry["title"] = title
        changes.append(entry)
        bad = [
            line
            for c, line in zip(delta.changes, lines, strict=True)
            if not applicable(type_, c.op, c.path)
        ]
        if bad:
            named = f"{type_} {art.id!r}" + (f" ({title})" if title else "")
            refused[art.id] = f"{named}: " + "; ".join(bad)
    return changes, refused


def version_of(value: Any, default: int) -> int:
    """A recorded version as a number: the state gives numbers back as floats."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return int(value)


def changes_text(changes: Sequence[Mapping[str, Any]]) -> str:
    """`source_changes` in one line per artifact, for a warning."""
    return "".join(
        f"\n  - {c.get('type')} {c.get('artifact_id')!r}: {', '.join(c.get('changes') or [])}"
        for c in changes
    )


def refused_error(what: str, sandbox: str | None, refused: Sequence[str]) -> ProviderError:
    return ProviderError(
        f"{what}: {len(refused)} artifact(s) changed in sandbox {sandbox!r} in a way the "
        f"platform can't carry to the sandboxes it was imported into ({ALLOWED}): undo the "
        "change in the source sandbox, or take the artifact out of `artifacts` and give the "
        "change a new package" + "".join(f"\n  - {line}" for line in refused)
    )


def source_state(
    client: ExImClient, package_id: str, what: str, sandbox: str | None, *, strict: bool
) -> tuple[int, list[dict[str, Any]]] | None:
    """(the current version, what changed in the source since) of a package with versions;
    None when it has none. `strict`: a change the platform refuses fails (`refused_error`);
    otherwise only what an update carries is answered."""
    version = latest_version(client, package_id)
    if version is None:
        return None
    changes, refused = describe(compare(client, package_id, timeout=wait_seconds({})))
    if refused and strict:
        raise refused_error(what, sandbox, list(refused.values()))
    if not strict:  # what an update can carry only (the Package's read refuses the rest)
        changes = [c for c in changes if c["artifact_id"] not in refused]
    return version, changes


def history(client: ExImClient, package_id: str) -> list[dict[str, Any]]:
    """The `version_history` output: each saved version, newest first."""
    fields = {"package_version", "created_date", "created_by"}
    return [
        v.model_dump(include=fields, exclude_none=True) for v in client.package_history(package_id)
    ]


def save(client: ExImClient, package_id: str, name: str) -> int:
    """Save the package's next version from its source and wait for it: its number."""
    job = client.save_version(package_id)
    progress(f"package {name!r} ({package_id}): saving version {job.package_version}")
    interruptible(
        lambda: client.wait_for_job(job.id, timeout=wait_seconds({}), label=job.name),
        f"saving version {job.package_version} of package {package_id}",
    )
    return int(job.package_version or 0)


def update_job_name(job_name: str, version: int) -> str:
    """The name of the UPDATE import bringing `version` to an import's target: the import's
    name and the version, so that a run finds the one an earlier run submitted."""
    tail = f" v{version}"
    return job_name[: NAME_MAX - len(tail)].rstrip() + tail


def earlier_update(
    client: ExImClient, name: str, target: str, created_from: int | None
) -> JobDetails | None:
    """An UPDATE job of this name into `target` an earlier run submitted, still running or
    ended SUCCESS."""
    found = [
        job.id
        for job in client.find_jobs(name=name, target_sandbox=target, created_from=created_from)
        if job.job_type == UPDATE_JOB and job.id and job.job_status != JobStatus.FAILED
    ]
    return or_none(lambda: client.get_job(found[0])) if found else None


def overwrite_mappings(
    deltas: Iterable[ArtifactDelta],
) -> tuple[dict[str, dict[str, str]], list[str]]:
    """(source id -> `{id, type}` of the target object, for each object that differs from the
    package's version only by what an update carries; one line per object left as it is,
    because the update would refuse it: an object the import reused that was never the
    source's, a type an update doesn't change)."""
    out: dict[str, dict[str, str]] = {}
    left: list[str] = []
    for delta in deltas:
        src, dest = delta.source_artifact, delta.target_artifact
        if src is None or dest is None or not delta.changes:
            continue
        type_ = str(src.type or "")
        lines = [
            change_line(c.op, c.path, c.old_value, c.new_value)
            for c in delta.changes
            if not applicable(type_, c.op, c.path)
        ]
        if lines:
            left.append(f"{type_} {dest.id!r} (from {src.id!r}): " + "; ".join(lines))
        else:
            out[src.id] = {"id": dest.id, "type": type_}
    return out, left
