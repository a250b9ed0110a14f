"""The schema's descriptions: every resource, property, type and function of the `aep`
package, worded for any language (camelCase names, no Python syntax).

One table, keyed by where the text goes: `Package` (a resource or an object type),
`Package.sourceSandbox` (a property: an input and the output of the same name share it),
`getPackages` and `getPackages.status` (a function and one of its arguments or results).
`*.org` is the text of an argument every function shares. The core's check hints
(`HINTS`) stay what they are, the fix a failed check prints.

Defaults are not written here: `schema.py` adds each from its one source (the input model's
field), limits come from the core's constants, and the configuration's descriptions come
from its one table (`sandbox_provider.client.config.KEYS`).
"""

from __future__ import annotations

from functools import cache

__all__ = ["describe", "table"]

_STATUS = "`DRAFT`, `PUBLISH_IN_PROGRESS`, `PUBLISHED` or `PUBLISH_FAILED`"
_ORG = (
    "The name of an `aep:orgs` profile to act as; left out, the provider's own org. Changing "
    "it replaces the resource."
)
_WAIT = (
    "How long {what} waits for {end}, in seconds (more than 0, at most {max:g}); recorded only "
    "once {done}. Left out: {default:g}."
)


@cache
def table() -> dict[str, str]:
    """Where -> description (built once, on first use: it reads the core's limits)."""
    from sandbox_provider.client.timing import EXPIRY_DAYS_MAX, WAIT_SECONDS, WAIT_SECONDS_MAX
    from sandbox_provider.resources._fields import DESCRIPTION_MAX, NAME_MAX, SANDBOX_MAX

    def wait(what: str, end: str, done: str) -> str:
        return _WAIT.format(
            what=what, end=end, done=done, max=WAIT_SECONDS_MAX, default=WAIT_SECONDS
        )

    name = f"1–{NAME_MAX} characters on one line, no control characters or edge spaces"
    return {
        "provider": "The aep provider: one org's credentials and endpoints. A second "
        "instance (with its own `orgId`, `clientId`, ...) acts for another org.",
        # -- resources --------------------------------------------------------------------
        "Package": "A set of artifacts of one sandbox: the unit that is published, imported "
        "and shared. Its name, description and (while a draft) its artifacts update in "
        "place; its type, source sandbox and org replace it.",
        "Package.name": f"The package's name, unique in the org; {name}.",
        "Package.description": f"What the package holds, up to {DESCRIPTION_MAX} characters "
        "(newlines and tabs allowed).",
        "Package.packageType": "`PARTIAL` (the artifacts listed) or `FULL` (the whole "
        "sandbox: no artifacts). Changing it replaces the package.",
        "Package.sourceSandbox": "The sandbox the artifacts come from, a sandbox name of up to "
        f"{SANDBOX_MAX} characters; left out, `aep:sandbox` (recorded as such). Changing it "
        "replaces the package.",
        "Package.artifacts": "As an input, the artifacts to package (a PARTIAL package needs "
        "one); they change in place while the package is a draft, and replace it once "
        "published. As an output, the platform's list, with each one's title, `found` and "
        "`count`.",
        "Package.expiry": "As an input, when a draft expires: ISO-8601 text or epoch "
        "milliseconds, in the future; left out, the platform's 90 days. As an output, the "
        "platform's expiry in epoch milliseconds.",
        "Package.includeDependencies": "Add every dependency of the artifacts (schemas, "
        "classes, merge policies, ..., found transitively), so an import can't fail on a "
        "forgotten one.",
        "Package.org": _ORG,
        "Package.packageId": "The package's id (also the resource's id).",
        "Package.status": f"The package's status: {_STATUS}.",
        "Package.version": "The platform's version of the package; it changes on every write.",
        "Package.declaredArtifacts": "The `artifacts` input as last applied.",
        "Package.dependencyArtifacts": "The artifacts `includeDependencies` added.",
        "Package.createdDate": "When the package was created, in epoch milliseconds.",
        "Package.modifiedDate": "When the package last changed, in epoch milliseconds.",
        "Package.imsOrgId": "The org that owns the package (`...@AdobeOrg`).",
        "PublishedPackage": "The publication of a package: what makes it importable and "
        "shareable. Deleting it only removes it from the stack (a publication can't be "
        "undone).",
        "PublishedPackage.packageId": "The package to publish, usually a Package's "
        "`packageId`. Changing it replaces the publication.",
        "PublishedPackage.expiryPeriodDays": "Days the published package lives "
        f"(1–{EXPIRY_DAYS_MAX}), counted from publication; left out, the platform's 90. "
        "Recorded only once published.",
        "PublishedPackage.visibility": "`PRIVATE`, or `PUBLIC` (any org may pull it). "
        "PRIVATE to PUBLIC updates in place; PUBLIC can't go back to PRIVATE.",
        "PublishedPackage.timeoutSeconds": wait("the publication", "`PUBLISHED`", "published"),
        "PublishedPackage.org": _ORG,
        "PublishedPackage.status": "The package's status: `PUBLISHED` once created "
        "(`PUBLISH_IN_PROGRESS` when the wait ended first; the next update finishes it).",
        "PublishedPackage.publishDate": "When the package was published, in epoch milliseconds.",
        "PublishedPackage.correlationId": "The publication's correlation id.",
        "PublishedPackage.expiry": "When the published package expires, in epoch milliseconds.",
        "ImportJob": "One import of a published package into a sandbox. Only its timeout and "
        "`checkPermissions` update in place; any other change is a new import. Deleting it "
        "only removes it from the stack (what was imported stays).",
        "ImportJob.packageId": "The published package to import: the org's own, or one "
        "transferred to it.",
        "ImportJob.targetSandbox": "The sandbox to import into.",
        "ImportJob.name": f"The job's name in the jobs list; {name}. Left out, the package's.",
        "ImportJob.description": "The job's description; left out, the package's.",
        "ImportJob.alternatives": "Existing objects of the target sandbox to use instead of "
        "importing an artifact: source artifact id -> `{id, type}` of the target object.",
        "ImportJob.conflictPolicy": "What to do with a conflict `alternatives` doesn't settle: "
        "`fail` (stop, listing each conflict and its suggestions), `use_existing` (the "
        "suggestion of the same type and title, case aside; none: a new object, with a warning "
        "naming the near matches; never for a CUSTOM_ACTION) or `create_new` (a new object).",
        "ImportJob.checkPermissions": "Run the preflight before submitting: a missing "
        "permission fails the create, listed per artifact.",
        "ImportJob.timeoutSeconds": wait("the import", "`SUCCESS`", "imported"),
        "ImportJob.org": _ORG,
        "ImportJob.jobId": "The import job's id (also the resource's id).",
        "ImportJob.jobStatus": "The job's status: `SUCCESS` once created.",
        "ImportJob.jobName": "The job's name as the platform lists it.",
        "ImportJob.correlationId": "The correlation id of the submit answer (none for a job "
        "taken over or adopted).",
        "ImportJob.conflicts": "The conflicts found before submitting: `{artifact_id, type, "
        "suggestions}` each (the platform's names).",
        "ImportJob.alternativesUsed": "The alternatives sent with the import: source id -> "
        "`{id, type}`.",
        "ImportJob.importedArtifacts": "Where each artifact went: source artifact id -> target "
        "artifact id (the job's `importReplacementMap`).",
        "ImportJob.createdArtifacts": "The objects the import created: source artifact id -> "
        "target artifact id.",
        "ImportJob.reusedArtifacts": "The objects the import used that the target already "
        "held (by name, by `alternatives`, or the same object): source id -> target id.",
        "ImportJob.needsAttention": "What the import created (or skipped) that a person must "
        "finish: journeys, dataflows and campaigns land as drafts, dataflows without their "
        "credentials, governance policies disabled, datasets and schemas with Profile off, "
        "custom actions without their secrets, channel configurations skipped. `{artifact_id, "
        "type, action}` each (the platform's names).",
        "Handshake": "A sharing link from the acting org to a target org; private transfers "
        "need an approved one. Deleting it only removes it from the stack.",
        "Handshake.targetOrgId": "The org to link with (`...@AdobeOrg`). Changing it "
        "replaces the link.",
        "Handshake.sourceOrgName": f"The name the target sees for this org; {name}. Left out, "
        "the profile's name (or the org id). Changing it replaces the link.",
        "Handshake.approveAs": "The name of an `aep:orgs` profile whose `orgId` is the "
        "target: approve the link with it. Left out, the link waits for the target to approve.",
        "Handshake.org": _ORG,
        "Handshake.linkingId": "The link's linking id (also the resource's id).",
        "Handshake.handshakeId": "The handshake's id.",
        "Handshake.status": "`APPROVAL_PENDING`, `APPROVED` or `REJECTED`.",
        "Transfer": "A published package copied to another org: shared privately with a "
        "linked org, or pulled (PUBLIC) from the org that published it. Only its timeout "
        "updates in place. Deleting it only removes it from the stack (the copy stays).",
        "Transfer.packageId": "The published package to copy (PUBLIC for a pull).",
        "Transfer.targetOrgId": "For a PRIVATE transfer (required then): the org to share with, "
        "linked by an APPROVED Handshake.",
        "Transfer.sourceOrgId": "For a PUBLIC pull (required then): the org that published the "
        "package.",
        "Transfer.requestType": "`PRIVATE` (share with `targetOrgId`) or `PUBLIC` (pull into "
        "the acting org).",
        "Transfer.timeoutSeconds": wait("the transfer", "`COMPLETED`", "completed"),
        "Transfer.org": _ORG + " For a PUBLIC pull: the pulling org.",
        "Transfer.transferId": "The transfer's id (also the resource's id).",
        "Transfer.status": "The transfer's status: `COMPLETED` once created.",
        "Transfer.messages": "The platform's progress messages.",
        # -- object types -----------------------------------------------------------------
        "Artifact": "An artifact of a sandbox: its id, its type and a title.",
        "Artifact.id": "The artifact's id in its sandbox, e.g. `acme-seg-gold`.",
        "Artifact.type": "The artifact's type, e.g. `PROFILE_SEGMENT`, `JOURNEY`, "
        "`REGISTRY_SCHEMA` (UPPER_CASE).",
        "Artifact.title": "The artifact's title, shown in the platform.",
        "ArtifactRef": "An `{id, type}` pair naming an artifact.",
        "ArtifactRef.id": "The id of an existing artifact of the target sandbox.",
        "ArtifactRef.type": "Its type, e.g. `REGISTRY_SCHEMA`.",
        "PackageInfo": "A package as `getPackage` and `getPackages` see it; dates in epoch "
        "milliseconds.",
        "PackageInfo.packageId": "The package's id.",
        "PackageInfo.name": "The package's name.",
        "PackageInfo.version": "The platform's version of the package.",
        "PackageInfo.description": "The package's description.",
        "PackageInfo.status": f"The package's status: {_STATUS}.",
        "PackageInfo.packageType": "`PARTIAL` or `FULL`.",
        "PackageInfo.visibility": "`PRIVATE` or `PUBLIC`.",
        "PackageInfo.sourceSandbox": "The sandbox its artifacts come from.",
        "PackageInfo.expiry": "When it expires.",
        "PackageInfo.publishDate": "When it was published.",
        "PackageInfo.createdDate": "When it was created.",
        "PackageInfo.modifiedDate": "When it last changed.",
        "PackageInfo.artifacts": "Its artifacts.",
        "ImportConflict": "An artifact of the package with look-alikes in the target sandbox, "
        "what an ImportJob's `alternatives` decides.",
        "ImportConflict.artifactId": "The package's artifact.",
        "ImportConflict.artifactType": "Its type.",
        "ImportConflict.title": "Its title.",
        "ImportConflict.suggestions": "The target sandbox's look-alikes, best match first.",
        "Preflight.packageId": "The package checked.",
        "Preflight.targetSandbox": "The sandbox checked.",
        "Preflight.allowed": "Whether every artifact may be created.",
        "Preflight.artifacts": "Each artifact's permissions.",
        "ArtifactPermissions": "Whether the caller may create one artifact in the target sandbox.",
        "ArtifactPermissions.artifactId": "The artifact.",
        "ArtifactPermissions.artifactType": "Its type.",
        "ArtifactPermissions.creationAllowed": "Whether the caller may create it.",
        "ArtifactPermissions.missingPermissions": "What is missing: resource type -> the "
        "permissions it lacks.",
        "ArtifactDependencies": "One artifact of the package and its direct dependencies.",
        "ArtifactDependencies.id": "The artifact's id.",
        "ArtifactDependencies.type": "Its type.",
        "ArtifactDependencies.title": "Its title.",
        "ArtifactDependencies.children": "Its direct dependencies.",
        "ImportJobInfo": "An import (or export) job; dates in epoch milliseconds.",
        "ImportJobInfo.jobId": "The job's id.",
        "ImportJobInfo.name": "The job's name.",
        "ImportJobInfo.status": "`SUCCESS`, `FAILED`, `IN_PROGRESS`, ...",
        "ImportJobInfo.requestType": "`IMPORT` or `EXPORT`: the type asked for (the jobs list "
        "doesn't show it; when both were, a finished job's own, else none).",
        "ImportJobInfo.packageId": "The package the job most likely imported: the one of its "
        "name and source sandbox published before it (the jobs list shows no package).",
        "ImportJobInfo.sourceSandbox": "The package's sandbox.",
        "ImportJobInfo.targetSandbox": "The sandbox imported into.",
        "ImportJobInfo.created": "When the job was created.",
        "ImportJobInfo.updated": "When it last changed.",
        "ImportJobInfo.failureReason": "Why it failed, for a FAILED job.",
        "ImportJobInfo.importedArtifacts": "Source artifact id -> target artifact id.",
        # -- functions (they never write) ------------------------------------------------
        "*.org": "The name of an `aep:orgs` profile to act as; left out, the provider's own org.",
        "*.packageId": "The package's id.",
        "*.targetSandbox": "The sandbox an import would go into.",
        "getPackage": "One package of the org, by its exact `name` or its `packageId` (give "
        "exactly one); fails when there is none.",
        "getPackage.name": "The package's exact name.",
        "getPackages": "The org's packages matching every filter given, newest first.",
        "getPackages.name": "Packages whose name contains this text.",
        "getPackages.status": f"One status or a list of any: {_STATUS}.",
        "getPackages.packageType": "`PARTIAL` or `FULL`, or a list of both.",
        "getPackages.visibility": "`PRIVATE` or `PUBLIC`, or a list of both.",
        "getPackages.createdAfter": "Packages created at or after this time (epoch ms).",
        "getPackages.createdBefore": "Packages created at or before this time (epoch ms).",
        "getPackages.packages": "The packages found.",
        "getImportConflicts": "The artifacts of a published package that have look-alikes in "
        "`targetSandbox`, each with the platform's suggestions.",
        "getImportConflicts.packageId": "The published package.",
        "getImportConflicts.conflicts": "The conflicts found.",
        "getPreflight": "Whether the acting credential may create every artifact of the "
        "package in `targetSandbox`, and what it lacks.",
        "getPreflight.packageId": "The published package.",
        "getArtifactDependencies": "Each artifact of the package with its direct dependencies.",
        "getArtifactDependencies.artifacts": "The package's artifacts.",
        "getImportJobs": "The org's jobs matching every filter given, newest first.",
        "getImportJobs.packageId": "Jobs of this package.",
        "getImportJobs.targetSandbox": "Jobs into this sandbox.",
        "getImportJobs.name": "Jobs whose name contains this text.",
        "getImportJobs.status": "One status or a list of any: `SUCCESS`, `FAILED`, "
        "`IN_PROGRESS`, ...",
        "getImportJobs.requestType": "`IMPORT` or `EXPORT`; null for both.",
        "getImportJobs.jobs": "The jobs found.",
        # -- configuration ----------------------------------------------------------------
    }


def describe(*where: str) -> str | None:
    """The description of the first of `where` the table has (None: none)."""
    docs = table()
    return next((docs[w] for w in where if w in docs), None)
