"""What an ImportJob tells a person: before an import, the conflicts `use_existing` leaves to
the import to create new (types unsafe to reuse); after it, what the import created that the
platform leaves for a person to finish (`needs_attention`)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sandbox_provider.client.enums import ArtifactType

from ._base import is_unknown, warn
from ._import_planning import conflicts_output, reuse_skipped

if TYPE_CHECKING:
    from sandbox_provider.client import Conflict, ExImClient, Job

#: What a person must do about an object of these types that an import created. Sources:
#: /work/shared/reference/exim-api-facts.md ("Some objects land inactive (journeys and
#: dataflows as drafts)") and issue 10 ("source credentials are not copied").
AFTER_IMPORT: dict[str, str] = {
    ArtifactType.JOURNEY: "publish the journey in Journey Optimizer: it was imported as a draft",
    ArtifactType.FLOW: (
        "enter the source connection's credentials and enable the dataflow: imported as a "
        "draft, credentials are not copied"
    ),
}


def _base(artifact_id: str) -> str:
    head, sep, tail = artifact_id.rpartition("@")
    return head if sep and tail.isdigit() else artifact_id


# -- after the import: needs_attention ---------------------------------------------------------
def created(
    imported: Mapping[str, str],
    alternatives: Mapping[str, Mapping[str, str]],
    conflicts: Iterable[Mapping[str, Any]] | None,
) -> dict[str, str]:
    """{source id: target id} of what the import created rather than reused.

    Reused are the artifacts sent as alternatives and those mapped onto one of their conflict's
    suggestions (the platform reuses an object of the same title, and an exact title is always
    a suggestion). Without the conflicts seen before submitting (`None`: an adopted or
    taken-over job), an object reused by name can't be told from one created, and counts as
    created."""
    suggested: dict[str, set[str]] = {}
    for c in conflicts or []:
        suggested[_base(c["artifact_id"])] = {s["id"] for s in c.get("suggestions", [])}
    sent = {_base(k) for k in alternatives}
    return {
        src: tid
        for src, tid in imported.items()
        if _base(src) not in sent and tid not in suggested.get(_base(src), set())
    }


def _types(
    client: ExImClient, package_id: str, target: str, wanted: set[str], known: Mapping[str, str]
) -> dict[str, str]:
    """Source id (base) -> type for `wanted`, asking only for what isn't known, and with GETs
    only (an adoption makes no POST, not even a reading one such as the children endpoint):
    the package's list, and for a FULL package (which lists nothing) the preflight, which
    answers for every artifact. A dependency a PARTIAL package doesn't list is typed only when
    it had a conflict: journeys and dataflows are what other objects depend on least, and are
    the package's own artifacts in practice."""
    types = dict(known)
    if wanted <= types.keys():
        return types
    pkg = client.get_package(package_id)
    types.update({_base(a.id): a.type for a in pkg.artifacts_list})
    if not pkg.artifacts_list:
        preflight = client.preflight(package_id, target)
        for entry in preflight.permission_response:
            if entry.artifact_type:
                types.setdefault(_base(entry.artifact_id), entry.artifact_type)
    return types


def needs_attention(
    client: ExImClient,
    package_id: str,
    target: str,
    imported: Mapping[str, str] | None,
    alternatives: Mapping[str, Mapping[str, str]],
    conflicts: list[dict[str, Any]] | None,
) -> list[dict[str, str]]:
    """`{artifact_id, type, action}` for each object the import created that a person must
    finish (AFTER_IMPORT), target ids, in the job's order."""
    made = created(imported or {}, alternatives, conflicts)
    if not made:
        return []
    known = {_base(c["artifact_id"]): c["type"] for c in conflicts or []}
    types = _types(client, package_id, target, {_base(s) for s in made}, known)
    out = []
    for src, tid in made.items():
        type_ = (types.get(_base(src)) or "").upper()
        if type_ in AFTER_IMPORT:
            out.append({"artifact_id": tid, "type": type_, "action": AFTER_IMPORT[type_]})
    return out


def outputs_of(job: Job, inputs: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    outs: dict[str, Any] = {k: v for k, v in inputs.items() if v is not None}
    outs.update(extra)
    outs["job_id"] = job.id or job.correlation_id
    outs["job_status"] = job.job_status
    outs["job_name"] = job.name
    outs["correlation_id"] = job.correlation_id
    if job.imported_artifacts is not None:
        outs["imported_artifacts"] = dict(job.imported_artifacts)
    return {k: v for k, v in outs.items() if v is not None}


def finished(
    client: ExImClient,
    job: Job,
    inputs: Mapping[str, Any],
    alternatives: Mapping[str, Mapping[str, str]],
    conflicts: list[Conflict] | None,
) -> dict[str, Any]:
    """The outputs of an import that ended SUCCESS, `needs_attention` included, each of whose
    entries is printed as a warning. `conflicts`: those seen before submitting, None when this
    run didn't submit (an adopted or taken-over job)."""
    seen = conflicts_output(conflicts or [])
    outs = outputs_of(job, inputs, {"conflicts": seen, "alternatives_used": dict(alternatives)})
    items = needs_attention(
        client,
        job.package_id or inputs["package_id"],
        inputs["target_sandbox"],
        job.imported_artifacts,
        alternatives,
        seen if conflicts is not None else None,
    )
    outs["needs_attention"] = items
    for item in items:
        warn(
            f"import job {job.name!r} created {item['type']} {item['artifact_id']} in sandbox "
            f"{inputs['target_sandbox']!r}, which needs a person: {item['action']}"
        )
    return outs


# -- before the import: what use_existing won't reuse ------------------------------------------
#: (package id, target sandbox, source id) already warned about by this provider process: an
#: `up` runs check (which may warn) and then create on the same import.
_WARNED: set[tuple[str, str, str]] = set()
_WARNED_LOCK = threading.Lock()


def skip_message(conflict: Conflict) -> str:
    art = conflict.artifact
    best = conflict.suggestion_list[0]
    entry = f"alternatives={{{art.id!r}: {{'id': {best.id!r}, 'type': {art.type!r}}}}}"
    return (
        f"conflict_policy='use_existing' does not reuse {art.id} ({art.type}): reusing an "
        f"existing {art.type} is documented as unsafe (it can break the journeys that use it), "
        f"so the import creates a new one; to reuse {best.id!r} anyway, name it: {entry}"
    )


def warn_skips(
    conflicts: list[Conflict], inputs: Mapping[str, Any], *, dedupe: bool = True
) -> list[Conflict]:
    """Warn once per conflict `use_existing` leaves to the import to create new; those."""
    skipped = reuse_skipped(
        conflicts, inputs.get("alternatives") or {}, inputs.get("conflict_policy", "fail")
    )
    for conflict in skipped:
        key = (inputs["package_id"], inputs["target_sandbox"], conflict.artifact.id)
        with _WARNED_LOCK:
            seen = key in _WARNED
            _WARNED.add(key)
        if not (seen and dedupe):
            warn(skip_message(conflict))
    return skipped


def preview_skips(inputs: Mapping[str, Any]) -> None:
    """At preview of a new import with `use_existing`: look its conflicts up (one read, the
    only API call an ImportJob preview makes) and warn about each it won't reuse.

    Best effort: one attempt with no retries, and any failure (unknown or unreachable package,
    configuration) says nothing; the create warns for certain, from the conflicts it settles.
    """
    keys = ("package_id", "target_sandbox", "alternatives", "conflict_policy", "org")
    if inputs.get("conflict_policy") != "use_existing" or any(
        is_unknown(inputs.get(k)) for k in keys
    ):
        return
    if not inputs.get("package_id") or not inputs.get("target_sandbox"):
        return
    # Imported here: a preview without use_existing never loads the wire.
    from sandbox_provider.client import ExImClient, RetryPolicy

    from ._base import client_for

    try:
        settings = client_for(inputs.get("org")).settings
        once = settings.with_overrides(retry=RetryPolicy(max_attempts=1, deadline=10.0))
        with ExImClient.from_settings(once) as client:
            conflicts = client.import_conflicts(inputs["package_id"], inputs["target_sandbox"])
    except Exception:  # noqa: BLE001 - a preview's hint must never fail the preview
        return
    warn_skips(conflicts, inputs)
