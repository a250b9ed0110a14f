"""What `check-live` compares each answer with: the fields the pages' example answers show
(`DOCUMENTED`, `ALSO_SHOWN`) and the client's model of each answer (`MODELS`)."""

from __future__ import annotations

from pydantic import BaseModel

from ..client.models import Artifact, Job, JobDetails, Package, Page, ToolsAnswer

__all__ = ["ALSO_SHOWN", "DOCUMENTED", "MODELS"]

#: Wire paths the pages' example answers show, by answer. `a.b`: key `b` of the object under
#: `a`; `a[]`: each item of the list `a`. Maps of plain values (`importReplacementMap`) stop
#: at their key. tests/client/test_check_live_offline.py checks these against the copied examples.
_PACKAGE = [
    "id",
    "version",
    "createdDate",
    "modifiedDate",
    "createdBy",
    "modifiedBy",
    "tenantId",
    "name",
    "description",
    "imsOrgId",
    "packageType",
    "expiry",
    "publishDate",
    "status",
    "artifactsList",
    "artifactsList[].id",
    "artifactsList[].type",
    "artifactsList[].found",
    "artifactsList[].count",
    "sourceSandbox",
    "sourceSandbox.name",
    "sourceSandbox.imsOrgId",
]
_LIST = ["totalElements", "currentPage", "totalPages", "hasPreviousPage", "hasNextPage", "data"]
_JOB = [
    "id",
    "name",
    "updated",
    "created",
    "jobType",
    "packageType",
    "description",
    "jobStatus",
    "visibility",
    "sourceSandBox",
    "targetSandbox",
    "createdBy",
]
_TOOLS = ["status", "type", "message", "object"]
_TASK_ARTIFACT = ["id", "type", "found", "count", "title", "messages", "newId"]
_JOB_DETAILS = [
    "id",
    "name",
    "description",
    "visibility",
    "requestType",
    "expiry",
    "snapshotId",
    "createdTimestamp",
    "modifiedTimestamp",
    "type",
    "jobStatus",
    "jobType",
    "counter",
    "imsOrgId",
    "jobHash",
    "sourceSandbox",
    "sourceSandbox.name",
    "sourceSandbox.imsOrgId",
    "sourceSandbox.empty",
    "destinationSandbox",
    "destinationSandbox.name",
    "destinationSandbox.imsOrgId",
    "destinationSandbox.empty",
    "completedTasks",
    "completedTasks[].taskType",
    "completedTasks[].taskStatus",
    "completedTasks[].artifact",
    "importReplacementMap",
    "sourceParentArtifactMap",
] + [f"completedTasks[].artifact.{k}" for k in _TASK_ARTIFACT]

DOCUMENTED: dict[str, frozenset[str]] = {
    # packages.md "List packages"
    "packages": frozenset(_LIST + [f"data[].{p}" for p in _PACKAGE]),
    # packages.md "Look up a package"
    "package": frozenset(_PACKAGE),
    # packages.md "List export/import jobs"
    "jobs": frozenset(_LIST + [f"data[].{p}" for p in _JOB]),
    # tools.md "Job details"
    "job": frozenset(_TOOLS + [f"object.{p}" for p in _JOB_DETAILS]),
    # the earlier tools page, "List all artifacts of a specific type"
    "artifacts": frozenset(_TOOLS + ["object[].id", "object[].type", "object[].title"]),
}

#: Keys the pages show on the same objects in other answers only: a package's create answer
#: (packages.md "Create a package") adds `requestId` and `userId`. An answer with them is not
#: news, one without them is not missing either.
ALSO_SHOWN: dict[str, frozenset[str]] = {
    "packages": frozenset({"data[].requestId", "data[].userId"}),
    "package": frozenset({"requestId", "userId"}),
}

#: The client's model of each answer.
MODELS: dict[str, type[BaseModel]] = {
    "packages": Page[Package],
    "package": Package,
    "jobs": Page[Job],
    "job": ToolsAnswer[JobDetails],
    "artifacts": ToolsAnswer[list[Artifact]],
}
