"""ImportJob: one import of a published package into a target sandbox.

Lifecycle
---------
- **create**: before anything is submitted,
  1. preflight (unless `check_permissions=False`): any artifact the credentials can't create
     fails the import, listing the missing permissions per artifact;
  2. conflicts: each artifact with look-alikes in the target is settled by an explicit
     `alternatives` entry first, then by `conflict_policy`: `use_existing` maps it to the
     suggestion of the same type and title (case and surrounding spaces aside) and otherwise
     leaves it to the import to create, warning with the near matches; `create_new` lets
     the import create a new object; `fail` (the default)
     stops and lists every unsettled conflict with its suggestions. `use_existing` does not
     reuse a type whose reuse is documented as unsafe (`UNSAFE_TO_REUSE` in client/enums.py:
     custom actions): such a conflict is left to the import to create new, as `create_new`
     would, unless `alternatives` names it; a warning names each one and the `alternatives`
     entry that reuses it anyway. A preview of a new import warns the same, from one read of
     its conflicts (when its package id is known by then; never an error). Nor does it map
     the types the platform always brings as new copies or versions (`NEVER_REUSED`:
     journeys, events): left to the import, each said at `up`.
  Then the import is submitted and waited for until SUCCESS. FAILED is an error (with the
  platform's reason) and nothing is recorded in the stack. What the import created that the
  platform leaves for a person (journeys and dataflows land as drafts, a dataflow without its
  source credentials: `AFTER_IMPORT` below) is the `needs_attention` output,
  `{artifact_id, type, action}` per target object, each printed as a warning.
  Before any of that, an import an earlier run submitted and then lost (it timed out, failed
  after submitting, or was killed) is looked for: a job of the same job name, package and
  target sandbox whose description and explicit `alternatives` agree with the program. Still
  running, it is waited for; ended SUCCESS, it is taken over as this create's result. Either
  way nothing is submitted twice (a FAILED job imported nothing and is ignored).
- **update in place**: `timeout_seconds` and `check_permissions` only (they steer how an
  import is run, not what it does): recorded, nothing sent. An import a create submitted
  but did not see finish (the plugin records it as partial state) is waited for by the
  update, never submitted again; one that ended FAILED is replaced at the next `up`.
- **a new version**: a refresh records in `source_changes` what changed in the package's
  source among what this import brought, or a version newer than `package_version` (the one
  the target holds); the update (after the Package's, which saves the version) submits one
  UPDATE import (`overwriteMappings`: the target objects keep their ids), named after the
  import and the version, so that a run after a kill finds it instead of submitting another
  (`_versions`).
- **replace**: any other input change: a new import. An import can't be undone, so the old
  one is only removed from the stack.
- **delete**: removes the record from the stack only; what the import created stays in the
  target sandbox.
- **read** (refresh): the job by its id (`GET /tools/job/{id}`); its status shows in
  `job_status`. A job the platform no longer knows drops the resource. Given the id alone
  (`pulumi import` on the plugin), its target sandbox, name and description are the inputs,
  and its package is worked out from documented fields (`job_package`).
- **adoption**: `opts=pulumi.ResourceOptions(import_=job_id)`. Create reads the job by its id
  and takes it over without writing when it is an IMPORT from the package's source sandbox
  created after the package was published, of the declared target sandbox, and of the
  program's name and description when it gives them and the target ids of the
  `alternatives` it imported; a running job is waited for. A FAILED job imported nothing
  and can't be adopted. Otherwise it fails naming each difference. `needs_attention` of an
  adopted (or taken-over) job comes from the job's tasks, as a create's does: what it
  created, not what it reused. A refresh keeps the recorded list.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)
from pydantic import Field, StrictBool

from sandbox_provider.client import JobRequestType, JobStatus
from sandbox_provider.client.enums import (
    CAMPAIGN,
    CHANNEL_CONFIGURATION,
    CUSTOM_ACTION,
    NEVER_REUSED,
    TASK_CREATED,
    UNSAFE_TO_REUSE,
    ArtifactType,
    JobType,
)

from . import _claims, _versions
from ._base import BaseProvider, Inputs, first_time, is_unknown, progress, warn, warn_once
from ._common import (
    ADOPT_ID,
    Partial,
    StatusReporter,
    adoption_missing,
    diff_by_declaration,
    difference,
    gone,
    not_adoptable,
    or_none,
    recorded_inputs,
    recorded_update,
    sandbox_exists,
    wait_for,
    wait_seconds,
)
from ._dates import wait_doc
from ._fields import (
    NAME_RULE,
    ArtifactId,
    ArtifactRef,
    Description,
    Name,
    NonEmpty,
    PackageId,
    SandboxName,
    Seconds,
)
from ._wording import prop_path
from .declare import REPLACE, UPDATE, Doc, Outputs, adopt_doc
from .errors import ProviderError, api_errors

if TYPE_CHECKING:
    from sandbox_provider.client import (
        Artifact,
        Conflict,
        ExImClient,
        JobDetails,
        OperationFailedError,
        Package,
    )

# == import planning ==========================================================================
# What an ImportJob works out before it submits: missing permissions, conflicts settled by
# `alternatives` and the policy (which leaves types unsafe to reuse to the import), the earlier
# import it may take over instead, and how a job given to `import_` compares with the program.


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


def never_mapped(conflict: Conflict, policy: str) -> bool:
    """Whether `use_existing` leaves the conflict to the platform, which brings objects of its
    type as new copies or versions whatever is mapped (`NEVER_REUSED`)."""
    return policy == "use_existing" and conflict.artifact.type.upper() in NEVER_REUSED


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
        if never_mapped(conflict, policy):
            continue  # no match to look for
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
    for conflict in conflicts:
        art = conflict.artifact
        if never_mapped(conflict, policy) and art.id not in given:
            progress(
                f"import into {target!r}: {art.id} ({art.type}) arrives as a new copy (the "
                "platform never maps it onto an existing one)"
            )
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
        if job.job_type not in (None, JobType.NEW):  # an update, a resume or a rollback
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


# == import attention =========================================================================
# What an ImportJob tells a person: before an import, the conflicts `use_existing` leaves to
# the import to create new (types unsafe to reuse); after it, what the import created that the
# platform leaves for a person to finish (`needs_attention`).


#: What a person must do about an object of these types that an import created, per the UI
#: guide (`current/ui-sandbox-tooling.md`: "The following objects are imported but are in a
#: draft or disabled status", and the notes of each object): journeys and source dataflows
#: land as drafts (a dataflow without its account credentials), datasets with Profile off,
#: schemas without the Profile option and without their relationships ("The schema
#: relationships edge case are not included in the package"), data governance policies
#: disabled, custom actions needing their configuration (authentication, headers) again,
#: campaigns as drafts without their data usage labels and language settings ("Some items
#: are not copied, such as data usage labels and language settings"). Email and push content
#: blocks aren't copied either, but no page gives a message or content block an artifact
#: type, so there is nothing in a job to list them by.
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
        "enable the schema for Real-Time Customer Profile if it should feed profiles, and "
        "define its relationships again: schemas are imported without the Profile option, "
        "and a package carries no schema relationships"
    ),
    CUSTOM_ACTION: (
        "enter the custom action's authentication, headers and query parameters again: its "
        "secrets are not copied"
    ),
    CAMPAIGN: (
        "set the campaign's data usage labels and language settings, review and activate it: "
        "it was imported as a draft, and those are not copied"
    ),
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
    job: JobDetails,
    inputs: Mapping[str, Any],
    extra: Mapping[str, Any],
    version: int | None = None,
) -> dict[str, Any]:
    """The outputs of an import that ended SUCCESS, `needs_attention` included, each of whose
    entries is printed as a warning; `version`: the package's version it imported."""
    outs = outputs_of(job, inputs, extra)
    items = needs_attention(job)
    outs["needs_attention"] = items
    if version is not None:
        outs["package_version"] = version
    for item in items:
        verb = "skipped" if item["type"] in SKIPPED else "created"
        warn(
            f"import job {job.name!r} {verb} {item['type']} {item['artifact_id']} in sandbox "
            f"{inputs['target_sandbox']!r}, which needs a person: {item['action']}"
        )
    return outs


# -- before the import: what use_existing won't reuse ------------------------------------------
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
        # Once per (package, target, artifact): an `up` checks, then creates, the same import.
        key = (inputs["package_id"], inputs["target_sandbox"], conflict.artifact.id)
        if first_time(key) or not dedupe:
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
      warns for certain, from the conflicts it settles;
    - an import whose package is being replaced (its package id unknown at preview): the
      preflight of the package it imported into this target, so that missing permissions
      fail the plan before the Package's replacement deletes the old package (the new one
      can only be asked once it exists; what it adds is checked by the create's preflight).
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
    replaced_from = (
        olds.get("package_id")
        if olds
        and is_unknown(inputs.get("package_id"))
        # On the dynamic path an id kept by an update in place reads unknown too.
        and not _claims.kept(_claims.PACKAGE, olds.get("package_id"))
        and inputs.get("check_permissions", True) is not False
        else None
    )
    if not (new_target or skips or replaced_from):
        return None
    from ._common import sandbox_exists

    try:
        with _one_attempt_client(inputs.get("org")) as client:
            if new_target and sandbox_exists(client, target) is False:
                return f"{target!r} is not a sandbox of this org: fix target_sandbox"
            if skips:
                warn_skips(client.import_conflicts(inputs["package_id"], target), inputs)
            missing = missing_permissions(client, replaced_from, target) if replaced_from else []
            if missing:
                return (
                    f"the credentials lack permissions in sandbox {target!r} for "
                    f"{len(missing)} artifact(s) of the package this import brings again "
                    f"(nothing was deleted): {'; '.join(missing)}: grant them to the API "
                    "credential's role there, or set check_permissions=False"
                )
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


# == import partial ===========================================================================
# What an ImportJob records of an import that was submitted but not seen to finish (the
# plugin's partial state), and what an update reads back from it to finish that import.


def recorded(
    job_id: str,
    job_name: str,
    correlation_id: str | None,
    alternatives: Mapping[str, Mapping[str, str]],
    conflicts: list[Conflict] | None,
) -> dict[str, Any]:
    """What this run knows of a submitted job beyond the job itself: its id and name as
    submitted, the correlation id of the submit answer, the alternatives sent and the
    conflicts seen before submitting (None: waiting for an earlier run's job, none seen)."""
    extra: dict[str, Any] = {
        "job_id": job_id,
        "job_name": job_name,
        "correlation_id": correlation_id,
        "alternatives_used": dict(alternatives),
    }
    if conflicts is not None:
        extra["conflicts"] = conflicts_output(conflicts)
    return extra


def partial_of(inputs: Mapping[str, Any], extra: Mapping[str, Any]) -> Partial:
    """`(id, outputs)` of the job as the last poll saw it (before the first poll: as
    submitted, with status PENDING): what a wait cut short records (the plugin's partial
    state), so that the next update finishes this job by its id."""

    def partial(seen: JobDetails | None) -> tuple[str | None, dict[str, Any]]:
        outs = outputs_of(seen, inputs, extra)
        outs.setdefault("job_status", JobStatus.PENDING)
        return outs.get("job_id"), outs

    return partial


def keeping_id(id_: str, partial: Partial) -> Partial:
    """`partial` with the id the engine has recorded: an update can't change it."""

    def kept(seen: Any) -> tuple[str | None, Mapping[str, Any]]:
        return id_, partial(seen)[1]

    return kept


def conflicts_from(recorded: Sequence[Mapping[str, Any]] | None) -> list[Conflict] | None:
    """The `conflicts` output back as the conflicts it was made of (`conflicts_output`)."""
    from sandbox_provider.client import Artifact, Conflict  # loaded with the client

    if recorded is None:
        return None
    return [
        Conflict(
            artifact=Artifact(id=c["artifact_id"], type=c["type"]),
            suggestion_list=[Artifact(**s) for s in c.get("suggestions", [])],
        )
        for c in recorded
    ]


def wait_for_import(
    client: ExImClient,
    job_id: str,
    job_name: str,
    inputs: Mapping[str, Any],
    what: str,
    partial: Partial | None = None,
    finishing: bool = False,
) -> JobDetails:
    """Wait for the job (by its id) until SUCCESS. `partial`: the job exists, and a wait cut
    short records it (`wait_for`); `finishing`: an update finishing what a create
    submitted."""
    report: StatusReporter[JobDetails | None] = StatusReporter(
        lambda job: job.job_status if job is not None else "NOT_LISTED_YET",
        lambda _job, status: f"import job {job_name!r} ({job_id}): {status}",
    )
    timeout = wait_seconds(inputs)

    def wait(progress: StatusReporter[JobDetails | None]) -> JobDetails:
        return client.wait_for_job(job_id, timeout=timeout, progress=progress, label=job_name)

    def failed(exc: OperationFailedError) -> str:
        reason = f"the job ended {exc.last_status}: {exc.reason or 'no reason given'}"
        if finishing:
            # The job the create submitted: only a new import can do what it didn't.
            return (
                f"{what} failed: {reason}: fix the cause, then run `pulumi up` again, "
                "which replaces this import with a new one"
            )
        return f"{what} failed: {reason}: fix the cause, then run `pulumi up` again"

    job = wait_for(
        wait,
        report,
        what=what,
        org=inputs.get("org"),
        timeout=timeout,
        still=f"the job {job_name!r} ({job_id}) may still finish on the platform",
        failed=failed,
        partial=partial,
        record_failure=finishing,
    )
    assert job is not None
    return job


# == versions ================================================================================
# An import's target follows the package's versions (`_versions`): a refresh records what the
# target doesn't hold yet, an update brings it with one UPDATE import per version.


def behind(client: ExImClient, olds: Mapping[str, Any]) -> dict[str, Any]:
    """`{package_version, source_changes}` of an import's target as a refresh finds it: what
    changed in the source since the package's current version, among the objects this import
    brought, and a newer version than the one the target holds. {}: no versions."""
    package_id = str(olds["package_id"])
    what = f"comparing package {package_id} with its source"
    found = _versions.source_state(client, package_id, what, None, strict=False)
    if found is None:
        return {}
    latest, changes = found
    imported = set(olds.get("imported_artifacts") or {})
    pending = [c for c in changes if c.get("artifact_id") in imported]
    # Recorded before versions were followed: the target holds what was current.
    held = _versions.version_of(olds.get("package_version"), latest)
    if latest > held:
        pending.insert(
            0,
            {
                "artifact_id": package_id,
                "type": "PACKAGE",
                "changes": [f"version {latest} (the target holds version {held})"],
            },
        )
    return {"package_version": held, "source_changes": pending}


def bring_version(
    client: ExImClient, outs: Mapping[str, Any], inputs: Mapping[str, Any], what: str
) -> dict[str, Any]:
    """Bring the package's current version to the import's target: one UPDATE import of the
    objects that differ from it (found by a compare with the target), or the one an earlier
    run submitted for this version, taken over. The outputs it sets."""
    package_id, target = str(outs["package_id"]), str(outs["target_sandbox"])
    latest = _versions.latest_version(client, package_id)
    if latest is None:
        return {"source_changes": []}
    name = _versions.update_job_name(str(outs.get("job_name") or package_id), latest)
    package = client.get_package(package_id)
    earlier = _versions.earlier_update(client, name, target, package.publish_date)
    if earlier is not None:
        progress(
            f"update job {name!r} ({earlier.id}) was submitted by an earlier run: taking it over"
        )
        job_id, job = earlier.id, earlier
    else:
        deltas = _versions.compare(client, package_id, target=target, timeout=wait_seconds(inputs))
        mappings, left = _versions.overwrite_mappings(deltas)
        for line in left:
            warn(f"{what}: left as it is, an update can't change it: {line}")
        if not mappings:
            progress(f"sandbox {target!r} already holds version {latest} of package {package_id}")
            return {"package_version": latest, "source_changes": []}
        job_id = client.submit_update(
            package_id, target, mappings, name=name, description=inputs.get("description")
        ).id
        progress(f"update of sandbox {target!r} to version {latest} submitted as {name!r}")
        job = None
    if job is None or job.job_status != SUCCESS:
        job = wait_for_import(client, job_id, name, inputs, what)
    return {
        "package_version": latest,
        "source_changes": [],
        "update_job_id": job.id,
        "updated_artifacts": job.imported_artifacts,
    }


# -- inputs an ImportJob shares with a Promotion's targets -------------------------------------
JobName = Annotated[
    Name | None,
    Doc(
        f"The job's name in the jobs list; {NAME_RULE}. Left out, the package's.",
        hint="give the job's name as text, or leave it out for the package's name",
        change=REPLACE,
    ),
]

Alternatives = Annotated[
    dict[ArtifactId, ArtifactRef],
    Doc(
        "Existing objects of the target sandbox to use instead of importing an artifact: "
        "source artifact id -> `{id, type}` of the target object.",
        hint='map a source artifact id to {"id": <target id>, "type": <type>}',
        change=REPLACE,
    ),
]

ConflictPolicy = Annotated[
    Literal["fail", "use_existing", "create_new"],
    Doc(
        "What to do with a conflict `alternatives` doesn't settle: `fail` (stop, listing "
        "each conflict and its suggestions), `use_existing` (the suggestion of the same "
        "type and title, case aside; none: a new object, with a warning naming the near "
        "matches; never for a CUSTOM_ACTION, JOURNEY or EVENT) or `create_new` (a new object).",
        hint="use 'fail', 'use_existing' or 'create_new'",
        change=REPLACE,
    ),
]

#: It and the timeout steer how the import runs: a change doesn't mean a new import.
CheckPermissions = Annotated[
    StrictBool,
    Doc(
        "Run the preflight before submitting: a missing permission fails the create, "
        "listed per artifact.",
        hint="write True or False (without quotes)",
        change=UPDATE,
    ),
]

ImportTimeout = Annotated[
    Seconds | None,
    wait_doc("the import", "`SUCCESS`", "imported"),
]


# == the resource ===========================================================================
class ImportJobInputs(Inputs):
    DESCRIPTION: ClassVar[str] = (
        "One import of a published package into a sandbox. Only its timeout and "
        "`checkPermissions` update in place; any other change is a new import. Deleting it "
        "only removes it from the stack (what was imported stays)."
    )
    REQUIRED: ClassVar[tuple[str, ...]] = ("package_id", "target_sandbox")
    SYNONYMS: ClassVar[dict[str, str]] = {
        "sandbox": "target_sandbox",
        "target": "target_sandbox",
        "policy": "conflict_policy",
        "on_conflict": "conflict_policy",
    }

    package_id: Annotated[
        PackageId | None,
        Doc(
            "The published package to import: the org's own, or one transferred to it.",
            hint="pass a PublishedPackage's package_id output (package_id=pub.package_id)",
            change=REPLACE,
        ),
    ] = None
    target_sandbox: Annotated[
        SandboxName | None,
        Doc(
            "The sandbox to import into.",
            hint="give the name of the sandbox to import into, e.g. 'prod'",
            change=REPLACE,
        ),
    ] = None
    name: JobName = None
    description: Annotated[
        Description | None,
        Doc(
            "The job's description; left out, the package's.",
            hint="give the description as text, or leave it out",
            change=REPLACE,
        ),
    ] = None
    alternatives: Alternatives = Field(default_factory=dict)
    conflict_policy: ConflictPolicy = "fail"
    check_permissions: CheckPermissions = True
    timeout_seconds: ImportTimeout = None
    adopt_id: Annotated[NonEmpty | None, adopt_doc("job", "job id")] = None

    def cross_check(self, unknown: set[str]) -> list[CheckFailure]:
        failures = []
        if "alternatives" not in unknown:
            for source, alt in self.alternatives.items():
                if alt.id == source:
                    failures.append(
                        CheckFailure(
                            prop_path(("alternatives", source, "id")),
                            f"maps {source!r} to itself: give the id of the existing artifact "
                            "in the target sandbox to use instead",
                        )
                    )
        return failures


class ImportJobOutputs(Outputs):
    job_id: Annotated[str, Doc("The import job's id (also the resource's id).", always=True)]
    job_status: Annotated[str, Doc("The job's status: `SUCCESS` once created.", always=True)]
    job_name: Annotated[str, Doc("The job's name as the platform lists it.", always=True)]
    correlation_id: Annotated[
        str,
        Doc("The correlation id of the submit answer (none for a job taken over or adopted)."),
    ]
    conflicts: Annotated[
        list[dict[str, Any]],
        Doc(
            "The conflicts found before submitting: `{artifact_id, type, suggestions}` each "
            "(the platform's names)."
        ),
    ]
    alternatives_used: Annotated[
        dict[str, dict[str, str]],
        Doc("The alternatives sent with the import: source id -> `{id, type}`."),
    ]
    imported_artifacts: Annotated[
        dict[str, str],
        Doc(
            "Where each artifact went: source artifact id -> target artifact id (the job's "
            "`importReplacementMap`)."
        ),
    ]
    created_artifacts: Annotated[
        dict[str, str],
        Doc("The objects the import created: source artifact id -> target artifact id."),
    ]
    reused_artifacts: Annotated[
        dict[str, str],
        Doc(
            "The objects the import used that the target already held (by name, by "
            "`alternatives`, or the same object): source id -> target id."
        ),
    ]
    needs_attention: Annotated[
        list[dict[str, str]],
        Doc(
            "What the import created (or skipped) that a person must finish: journeys, "
            "dataflows and campaigns land as drafts, dataflows without their credentials, "
            "governance policies disabled, datasets and schemas with Profile off, custom "
            "actions without their secrets, channel configurations skipped. `{artifact_id, "
            "type, action}` each (the platform's names)."
        ),
    ]
    package_version: Annotated[
        int,
        Doc(
            "The version of the package the target holds: the one imported, then each one an "
            "update brought (see the Package's `package_version`)."
        ),
    ]
    source_changes: Annotated[
        list[dict[str, Any]],
        Doc(
            "What the target doesn't hold yet, as the last refresh saw it: changes of the "
            "package's source since its current version, or a newer version. The next "
            "`pulumi up` brings it with an UPDATE import (the objects keep their ids)."
        ),
    ]
    update_job_id: Annotated[str, Doc("The id of the last UPDATE import of the target.")]
    updated_artifacts: Annotated[
        dict[str, str],
        Doc("The objects the last update changed: source artifact id -> target artifact id."),
    ]
    package_id: str
    target_sandbox: str


class ImportJobProvider(BaseProvider):
    INPUTS = ImportJobInputs

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        result = super().check(olds, news)
        if not result.failures:
            # A missing target sandbox is named at preview, before the Package the import
            # waits for is made; a new use_existing import warns about what it won't reuse
            # (diff makes no API call, so a replacement warns at up).
            reason = preview_lookups(olds, result.inputs)
            if reason:
                result.failures.append(CheckFailure("target_sandbox", reason))
        return result

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        _claims.record(_claims.IMPORT_JOB, _id)
        result = diff_by_declaration(
            ImportJobInputs, olds, news, status="job_status", failed=JobStatus.FAILED
        )
        if olds.get("source_changes") and not result.replaces:
            version = _versions.version_of(olds.get("package_version"), 0)
            warn_once(
                f"import job {olds.get('job_name')!r} ({_id}): sandbox "
                f"{olds.get('target_sandbox')!r} holds version {version}"
                " of the package; planning an update import of the newer one"
                + _versions.changes_text(olds["source_changes"])
            )
            return DiffResult(changes=True, replaces=[])
        return result

    def _create(self, inputs: dict[str, Any]) -> CreateResult:
        package_id, target = inputs["package_id"], inputs["target_sandbox"]
        org = inputs.get("org")
        client = self.client(org)
        what = f"importing package {package_id} into sandbox {target!r}"
        conflicts: list[Conflict] | None = None  # seen by this run before it submitted
        alternatives = {k: dict(v) for k, v in (inputs.get("alternatives") or {}).items()}
        correlation_id: str | None = None
        with api_errors(what, org=org, missing=PACKAGE_MISSING, forbidden=NOT_PULLED):
            if sandbox_exists(client, target) is False:
                # Every call naming it would answer 404, read as the package missing.
                raise ProviderError(
                    f"{what} failed: target_sandbox {target!r} is not a sandbox of this org "
                    "(nothing was imported): fix target_sandbox"
                )
            package = client.get_package(package_id)
            job_name = inputs.get("name") or package.name
            earlier = earlier_job(client, job_name, inputs, package)
            if earlier is not None and _claims.recorded_elsewhere(_claims.IMPORT_JOB, earlier.id):
                earlier = None  # another resource's import: this one makes its own
            if earlier is not None and earlier.job_status in RUNNING:
                # A run that timed out or was interrupted recorded nothing, but its job went
                # on: wait for that one rather than importing the package a second time.
                job_id = earlier.id
                progress(
                    f"import job {job_name!r} ({job_id}) is already {earlier.job_status}: waiting"
                )
            elif earlier is not None:
                # It finished after the run that submitted it stopped: the result is ours.
                progress(
                    f"import job {job_name!r} ({earlier.id}) already imported this package "
                    f"into {target!r}: taking it over"
                )
                extra = recorded(earlier.id, job_name, None, alternatives, None)
                version = _versions.imported_version(client, package_id)
                outs = finished(earlier, inputs, extra, version)
                return CreateResult(str(outs["job_id"]), outs)
            else:
                conflicts, alternatives = settle(client, inputs, what, package)
                warn_skips(conflicts, inputs)
                submission = client.submit_import(
                    package_id,
                    target,
                    name=inputs.get("name"),
                    description=inputs.get("description"),
                    alternatives=alternatives or None,
                )
                job_name = submission.job_name or job_name
                correlation_id = submission.correlation_id
                if not submission.job_id:
                    raise ProviderError(
                        f"{what}: the import was submitted as {job_name!r}, but the platform "
                        "named no job id and none was found in the jobs list: run `pulumi "
                        "refresh`, then `pulumi up` (an import that landed is taken over, "
                        "never submitted twice)"
                    )
                job_id = submission.job_id
                progress(
                    f"import of package {package_id} into {target!r} submitted as "
                    f"{job_name!r} ({job_id})"
                )
            # Submitted (by this run or an earlier one): a wait cut short records the job.
            extra = recorded(job_id, job_name, correlation_id, alternatives, conflicts)
            job = wait_for_import(client, job_id, job_name, inputs, what, partial_of(inputs, extra))
            outs = finished(job, inputs, extra, _versions.imported_version(client, package_id))
        return CreateResult(str(outs["job_id"]), outs)

    def _adopt(self, inputs: Mapping[str, Any]) -> CreateResult:
        adopt_id, org = inputs[ADOPT_ID], inputs.get("org")
        client = self.client(org)
        what = f"adopting import job {adopt_id}"
        with api_errors(what, org=org):
            job = or_none(lambda: client.get_job(adopt_id))
            if job is None:
                raise ProviderError(
                    f"{what} failed: the org `org` acts as has no import job {adopt_id}: "
                    + adoption_missing("import job")
                )
            package = or_none(lambda: client.get_package(inputs["package_id"]))
            differences = adoption_differences(job, inputs, package)
            if differences:
                raise not_adoptable(what, differences)
            name = job.name or inputs.get("name") or ""
            if job.job_status in RUNNING:
                progress(f"import job {name!r} ({adopt_id}) is {job.job_status}: waiting")
                job = wait_for_import(client, adopt_id, name, inputs, what)
            progress(f"import job {name!r} ({adopt_id}) adopted without changes")
            alternatives = {k: dict(v) for k, v in (inputs.get("alternatives") or {}).items()}
            extra = recorded(adopt_id, name, None, alternatives, None)
            version = _versions.imported_version(client, inputs["package_id"])
            outs = finished(job, inputs, extra, version)
        return CreateResult(str(outs["job_id"]), outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        _claims.record(_claims.IMPORT_JOB, id_)
        olds = self.strip(props)
        job = self.live(f"import job {id_}", olds, lambda client: client.get_job(id_))
        if job is None:
            return gone()
        if not olds.get("package_id"):
            # Nothing recorded: `pulumi import` through the plugin sends the id alone.
            return self._read_imported(id_, job, olds.get("org"))
        inputs = recorded_inputs(ImportJobInputs, olds)
        outs = dict(olds)
        outs["job_status"] = job.job_status
        if job.job_status == JobStatus.SUCCESS:
            outs["imported_artifacts"] = job.imported_artifacts
            outs["created_artifacts"] = job.created_artifacts
            outs["reused_artifacts"] = job.reused_artifacts
            org = olds.get("org")
            with api_errors(f"reading import job {id_}", org=org):
                outs.update(behind(self.client(org), olds))
        return ReadResult(id_, outs, inputs=inputs)

    def _read_imported(self, id_: str, job: JobDetails, org: str | None) -> ReadResult:
        """The read of a job given by its id alone: its inputs rebuilt from the job. No page shows a
        job's package: `package_id` is the package the job most likely imported
        (`job_package`: of its source sandbox, published before it, named as the job or with
        every artifact among those the job imported), left out when none fits. What was sent
        as `alternatives` can't be told from the job, so it has none; what it created and
        reused comes from its tasks."""
        from sandbox_provider.client import job_package

        client = self.client(org)
        with api_errors(f"reading import job {id_}", org=org):
            package = job_package(job, client.list_packages())
        own = {
            "package_id": package.id if package else None,
            "target_sandbox": job.target_sandbox,
            "name": job.name,
            "description": job.description,
        }
        inputs = {k: v for k, v in own.items() if v}
        extra = recorded(job.id, job.name or "", None, {}, [])
        outs = outputs_of(job, inputs, extra)
        if job.job_status == JobStatus.SUCCESS:
            outs["needs_attention"] = needs_attention(job)
        return ReadResult(str(outs["job_id"]), outs, inputs=inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        _claims.record(_claims.IMPORT_JOB, id_)
        outs = self.strip(olds)
        if outs.get("job_status") != SUCCESS:
            # A create cut short after submitting (the plugin's partial state): finish that
            # job, never submit another.
            return UpdateResult(self._finish(id_, outs, self.strip(news)))
        outs = recorded_update(ImportJobInputs, outs, news)
        if outs.get("source_changes"):
            inputs = self.strip(news)
            org = inputs.get("org")
            what = f"updating sandbox {outs.get('target_sandbox')!r} from import job {id_}"
            with api_errors(what, org=org, missing=PACKAGE_MISSING):
                outs.update(bring_version(self.client(org), outs, inputs, what))
        return UpdateResult(outs)

    def _finish(
        self, id_: str, recorded_outs: Mapping[str, Any], inputs: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The outputs of the job a create recorded unfinished, waited for by its id until
        SUCCESS; it stays recorded unfinished if the wait is cut short again or the job
        FAILED."""
        client = self.client(inputs.get("org"))
        job_id = str(recorded_outs.get("job_id") or id_)
        job_name = str(recorded_outs.get("job_name") or inputs.get("name") or "")
        what = f"finishing import job {job_name!r} ({job_id})"
        alternatives = dict(recorded_outs.get("alternatives_used") or {})
        conflicts = conflicts_from(recorded_outs.get("conflicts"))
        extra = recorded(
            job_id, job_name, recorded_outs.get("correlation_id"), alternatives, conflicts
        )
        partial = keeping_id(id_, partial_of(inputs, extra))
        job = wait_for_import(client, job_id, job_name, inputs, what, partial, finishing=True)
        with api_errors(what, org=inputs.get("org")):
            version = _versions.imported_version(client, inputs["package_id"])
            return finished(job, inputs, extra, version)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        progress(
            f"import job {id_}: removed from the stack only; an import can't be undone and "
            "what it created stays in the target sandbox"
        )
