"""The schema's descriptions of the object types and the lookup functions of the `aep`
package, worded for any language (camelCase names, no Python syntax).

One table, keyed by where the text goes: `Artifact` (an object type), `Artifact.id` (one of
its properties), `getPackages` and `getPackages.status` (a function and one of its arguments
or results). `*.org` is the text of an argument every function shares.

The resources' descriptions are not here: each resource declares its inputs and outputs once,
with their descriptions (`sandbox_provider.resources.declare`); the configuration's come from
its one table (`sandbox_provider.client.config.KEYS`).
"""

from __future__ import annotations

from functools import cache

__all__ = ["describe", "table"]

_STATUS = "`DRAFT`, `PUBLISH_IN_PROGRESS`, `PUBLISHED` or `PUBLISH_FAILED`"


@cache
def table() -> dict[str, str]:
    """Where -> description (built once, on first use)."""
    return {
        "provider": "The aep provider: one org's credentials and endpoints. A second "
        "instance (with its own `orgId`, `clientId`, ...) acts for another org.",
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
