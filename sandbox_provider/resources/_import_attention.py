"""What an ImportJob tells a person: before an import, the conflicts `use_existing` leaves to
the import to create new (types unsafe to reuse); after it, what the import created that the
platform leaves for a person to finish (`needs_attention`)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from sandbox_provider.client.enums import (
    CAMPAIGN,
    CHANNEL_CONFIGURATION,
    CUSTOM_ACTION,
    TASK_CREATED,
    ArtifactType,
    JobStatus,
)

from ._base import is_unknown, warn
from ._import_planning import reuse_skipped

if TYPE_CHECKING:
    from sandbox_provider.client import Conflict, ExImClient, JobDetails

#: What a person must do about an object of these types that an import created, per the UI
#: guide (`current/ui-sandbox-tooling.md`: "The following objects are imported but are in a
#: draft or disabled status", and the notes of each object): journeys and source dataflows
#: land as drafts (a dataflow without its account credentials), datasets with Profile off,
#: schemas without the Profile option, data governance policies disabled, custom actions
#: needing their configuration (authentication, headers) again, campaigns as drafts.
AFTER_IMPORT: dict[str, str] = {
    ArtifactType.JOURNEY: "publish the journey in Journey Optimizer: it was imported as a draft",
    ArtifactType.FLOW: (
        "enter the source account's credentials and enable the dataflow: imported as a "
        "draft, credentials are not copied"
    ),
    ArtifactType.DULE_CONSENT_POLICY: (
        "enable the policy: data governance policies are imported disabled"
    ),
    ArtifactType.CATALOG_DATASET: (
        "enable the dataset for Real-Time Customer Profile if its data should feed profiles: "
        "datasets are imported with Profile disabled"
    ),
    ArtifactType.REGISTRY_SCHEMA: (
        "enable the schema for Real-Time Customer Profile if it should feed profiles: schemas "
        "are imported without the Profile option"
    ),
    CUSTOM_ACTION: (
        "enter the custom action's authentication, headers and query parameters again: its "
        "secrets are not copied"
    ),
    CAMPAIGN: "review and activate the campaign: it was imported as a draft",
}

#: What a person must do about an object the import did not create because the target held
#: none to reuse: "If no matching configuration is found, the channel configuration is skipped
#: during import, and users must manually update the channel settings in the target sandbox".
SKIPPED: dict[str, str] = {
    CHANNEL_CONFIGURATION: (
        "set up the channel configuration in the target sandbox and select it where the "
        "imported campaigns and journeys use it: no identical one existed, so the import "
        "skipped it"
    ),
}


# -- after the import: needs_attention ---------------------------------------------------------
def needs_attention(job: JobDetails) -> list[dict[str, str]]:
    """`{artifact_id, type, action}` for each object the import created that a person must
    finish (AFTER_IMPORT; target ids), and each it skipped that a person must set up
    (SKIPPED; source ids), in the job's order: read from the job's tasks, which say what was
    created and what was reused."""
    out = []
    for source, (type_name, target, outcome) in job.outcomes().items():
        type_ = (type_name or "").upper()
        if outcome == TASK_CREATED and target and type_ in AFTER_IMPORT:
            out.append({"artifact_id": target, "type": type_, "action": AFTER_IMPORT[type_]})
        elif type_ in SKIPPED and not target:
            out.append({"artifact_id": source, "type": type_, "action": SKIPPED[type_]})
    return out


def outputs_of(
    job: JobDetails | None, inputs: Mapping[str, Any], extra: Mapping[str, Any]
) -> dict[str, Any]:
    """The ImportJob's outputs: its inputs, `extra` (what this run recorded: job id and name
    as submitted, correlation id, conflicts, alternatives sent), then what the job says."""
    outs: dict[str, Any] = {k: v for k, v in inputs.items() if v is not None}
    outs.update({k: v for k, v in extra.items() if v is not None})
    if job is not None:
        outs["job_id"] = job.id
        outs["job_status"] = job.job_status
        if job.name:
            outs["job_name"] = job.name
        if job.job_status == JobStatus.SUCCESS:
            outs["imported_artifacts"] = job.imported_artifacts
            outs["created_artifacts"] = job.created_artifacts
            outs["reused_artifacts"] = job.reused_artifacts
    return {k: v for k, v in outs.items() if v is not None}


def finished(
    job: JobDetails, inputs: Mapping[str, Any], extra: Mapping[str, Any]
) -> dict[str, Any]:
    """The outputs of an import that ended SUCCESS, `needs_attention` included, each of whose
    entries is printed as a warning."""
    outs = outputs_of(job, inputs, extra)
    items = needs_attention(job)
    outs["needs_attention"] = items
    for item in items:
        verb = "skipped" if item["type"] in SKIPPED else "created"
        warn(
            f"import job {job.name!r} {verb} {item['type']} {item['artifact_id']} in sandbox "
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


def preview_lookups(olds: Mapping[str, Any], inputs: Mapping[str, Any]) -> str | None:
    """What an ImportJob's check looks up at preview, through one client making one attempt
    per call (no retries), and only when there is something to look up:

    - an import into a sandbox not seen before (a new import, or a new `target_sandbox`):
      whether the sandbox exists. Answers the check failure's reason when it certainly doesn't
      (a 404), else None: any other answer, or none, leaves it to the create, which checks
      again before its first write;
    - a new import with `use_existing` whose package id is known: its conflicts, with a warning
      for each it won't reuse (`warn_skips`). Best effort: a failure says nothing; the create
      warns for certain, from the conflicts it settles.
    """
    target = inputs.get("target_sandbox")
    if not isinstance(target, str) or not target or is_unknown(inputs.get("org")):
        return None
    new_target = not olds or olds.get("target_sandbox") != target
    keys = ("package_id", "alternatives", "conflict_policy")
    skips = (
        not olds
        and inputs.get("conflict_policy") == "use_existing"
        and bool(inputs.get("package_id"))
        and not any(is_unknown(inputs.get(k)) for k in keys)
    )
    if not (new_target or skips):
        return None
    from ._common import sandbox_exists

    try:
        with _one_attempt_client(inputs.get("org")) as client:
            if new_target and sandbox_exists(client, target) is False:
                return f"{target!r} is not a sandbox of this org: fix target_sandbox"
            if skips:
                warn_skips(client.import_conflicts(inputs["package_id"], target), inputs)
    except Exception:  # noqa: BLE001 - a preview's look-up fails it only on a certain answer
        return None
    return None


@contextlib.contextmanager
def _one_attempt_client(org: str | None) -> Iterator[ExImClient]:
    """A client of `org`'s profile making one attempt per call, no retries: a preview's
    look-ups must stay quick, whatever the platform does."""
    # Imported here: a preview that looks nothing up never loads the wire.
    from sandbox_provider.client import ExImClient, RetryPolicy

    from ._base import client_for

    settings = client_for(org).settings
    once = settings.with_overrides(retry=RetryPolicy(max_attempts=1, deadline=10.0))
    with ExImClient.from_settings(once) as client:
        yield client
