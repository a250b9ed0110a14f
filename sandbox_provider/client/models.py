"""Pydantic v2 models of the exim wire shapes.

snake_case in Python, camelCase on the wire (an alias generator, plus explicit aliases where the
platform spells a name its own way: `sourceIMSOrgId`, `linkingID`, `packageID`, `sourceSandBox`).
Every model keeps fields it does not know (`extra="allow"`) because the platform keeps adding
fields, and every enumerated value is typed `str`: the StrEnums of `enums.py` (re-exported
here) name the values we know, but an unknown value coming back from the API is kept, never
rejected.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from .enums import (
    TASK_CREATED,
    TASK_EXISTS,
    TASK_REUSED,
    ArtifactType,
    HandshakeRequestType,
    HandshakeStatus,
    JobRequestType,
    JobStatus,
    JobType,
    PackageStatus,
    PackageType,
    PackageVisibility,
    TransferRequestType,
    TransferStatus,
)

__all__ = [
    "ApiModel",
    "Artifact",
    "ArtifactChildren",
    "ArtifactLike",
    "ArtifactPermission",
    "ArtifactType",
    "Conflict",
    "DeleteResult",
    "Handshake",
    "HandshakeBulkResult",
    "HandshakeHistoryEntry",
    "HandshakeRequestType",
    "HandshakeStatus",
    "ImportSubmission",
    "Job",
    "JobDetails",
    "JobRequestType",
    "JobStatus",
    "JobTask",
    "JobType",
    "Package",
    "PackagePayload",
    "PackageStatus",
    "PackageType",
    "PackageVisibility",
    "Page",
    "PermissionSet",
    "PreflightResult",
    "PublishResult",
    "ResourcePermission",
    "SandboxRef",
    "TASK_CREATED",
    "TASK_EXISTS",
    "TASK_REUSED",
    "TaskArtifact",
    "ToolsAnswer",
    "base_id",
    "Transfer",
    "TransferDetails",
    "TransferRequestType",
    "TransferStatus",
    "epoch_ms_to_datetime",
]


def epoch_ms_to_datetime(value: int | None) -> datetime | None:
    """The API answers timestamps as epoch milliseconds (UTC)."""
    if value is None:
        return None
    return datetime.fromtimestamp(value / 1000, tz=UTC)


T = TypeVar("T")


def base_id(artifact_id: str) -> str:
    """An artifact id without an `@<version>` suffix (`x@1647559351683` -> `x`)."""
    head, sep, tail = artifact_id.rpartition("@")
    return head if sep and tail.isdigit() else artifact_id


# -- base ------------------------------------------------------------------------------------
class ApiModel(BaseModel):
    """Base of every wire model: camelCase aliases, snake_case names, unknown fields kept."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        # Enumerations are plain strings; a StrEnum passed in is stored as its value.
        use_enum_values=True,
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON body the API expects: wire names, unset optional fields left out."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class SandboxRef(ApiModel):
    name: str
    ims_org_id: str | None = Field(default=None, alias="imsOrgId")


class Artifact(ApiModel):
    """An artifact reference: what a package lists, what children/conflicts answer with.

    `type` is a `str` (compare with `ArtifactType.X`): types the product adds later are kept.
    `found`/`count` are filled in by the API inside packages.
    """

    id: str
    type: str
    title: str | None = None
    found: bool | None = None
    count: int | None = None
    messages: list[dict[str, Any]] | None = None

    @property
    def base_id(self) -> str:
        """The id without an `@<version>` suffix."""
        return base_id(self.id)


#: What methods accept where artifacts are expected: a model or `{"id", "type", "title"?}`.
ArtifactLike = Artifact | dict[str, Any]


# -- packages --------------------------------------------------------------------------------
class Package(ApiModel):
    id: str
    name: str
    version: int | None = None
    description: str | None = None
    ims_org_id: str | None = Field(default=None, alias="imsOrgId")
    source_sandbox: SandboxRef | None = None
    package_type: str | None = None
    status: str | None = None
    package_visibility: str | None = None
    expiry: int | None = None
    publish_date: int | None = None
    created_date: int | None = None
    modified_date: int | None = None
    created_by: str | None = None
    modified_by: str | None = None
    #: No public page shows it: used when a server sends it, else the reason of a
    #: PUBLISH_FAILED package is its EXPORT job's (`JobDetails.failure_reason`).
    failure_reason: str | None = None
    artifacts_list: list[Artifact] = Field(default_factory=list)

    @property
    def artifacts(self) -> list[Artifact]:
        return self.artifacts_list

    @property
    def expiry_at(self) -> datetime | None:
        return epoch_ms_to_datetime(self.expiry)

    @property
    def published_at(self) -> datetime | None:
        return epoch_ms_to_datetime(self.publish_date)


class PublishResult(ApiModel):
    """The answer of a publish (`GET /packages/{id}/export`; packages.md "Publish a
    package"). `job_id` names the EXPORT job (`ExImClient.get_job`); an answer without it
    (an older platform, or a publication the client found already under way) leaves it None."""

    name: str | None = None
    description: str | None = None
    visibility: str | None = None
    source_sandbox: SandboxRef | None = None
    type: str | None = None
    correlation_id: str | None = None
    job_id: str | None = None


class ImportSubmission(ApiModel):
    """The answer of a submitted import (packages.md "Submit an import"): `job_id` is the
    IMPORT job to follow (`wait_for_job`). When the answer lacks it, the client finds the job
    it started in the jobs list (`submit_import`)."""

    name: str | None = None
    description: str | None = None
    visibility: str | None = None
    source_sandbox: SandboxRef | None = None
    destination_sandbox: SandboxRef | None = None
    type: str | None = None
    correlation_id: str | None = None
    job_id: str | None = None
    #: Set by the client: the name the job is listed under (given, else the package's name).
    job_name: str | None = None


class DeleteResult(ApiModel):
    reason: str | None = None


class Conflict(ApiModel):
    """One artifact of the package that has look-alikes in the target sandbox."""

    artifact: Artifact
    suggestion_list: list[Artifact] = Field(default_factory=list)
    parent_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("parentID", "parentId"),
        serialization_alias="parentID",
    )


class ArtifactChildren(ApiModel):
    id: str
    type: str
    title: str | None = None
    children: list[Artifact] = Field(default_factory=list)


class ResourcePermission(ApiModel):
    palm_resource_type: str
    resource_permissions: list[str] = Field(default_factory=list)


class PermissionSet(ApiModel):
    resources: list[ResourcePermission] = Field(default_factory=list)


class ArtifactPermission(ApiModel):
    artifact_id: str = Field(
        validation_alias=AliasChoices("artifactID", "artifactId"), serialization_alias="artifactID"
    )
    artifact_type: str | None = None
    required_permissions: PermissionSet = Field(default_factory=PermissionSet)
    missing_permissions: PermissionSet = Field(default_factory=PermissionSet)
    creation_allowed: bool = True


class PreflightResult(ApiModel):
    package_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("packageID", "packageId"),
        serialization_alias="packageID",
    )
    target_sandbox_name: str | None = None
    permission_response: list[ArtifactPermission] = Field(default_factory=list)

    @property
    def allowed(self) -> bool:
        """True when every artifact can be created with the caller's permissions."""
        return all(p.creation_allowed for p in self.permission_response)


class PackagePayload(ApiModel):
    ims_org_id: str | None = Field(default=None, alias="imsOrgId")
    package_id: str | None = None


# -- jobs ------------------------------------------------------------------------------------
class Job(ApiModel):
    """An export/import job as `GET /packages/jobs` lists it: exactly the fields every public
    version of that page shows (packages.md "List export/import jobs"). Nothing here ties a
    job to its package or to a correlation id; a job's outcome is `JobDetails`."""

    name: str
    id: str | None = None
    job_status: str | None = None
    job_type: str | None = None
    package_type: str | None = None
    description: str | None = None
    visibility: str | None = None
    source_sandbox: str | None = Field(
        default=None,
        validation_alias=AliasChoices("sourceSandBox", "sourceSandbox"),
        serialization_alias="sourceSandBox",
    )
    target_sandbox: str | None = None
    created: int | None = None
    updated: int | None = None
    created_by: str | None = None

    @property
    def status(self) -> str | None:
        return self.job_status


class TaskArtifact(Artifact):
    """The artifact of a job task: the source artifact, and `new_id` in the target."""

    new_id: str | None = None


class JobTask(ApiModel):
    """One entry of `completedTasks` / `failedTasks` of a job (tools.md "Job details")."""

    task_type: str | None = None
    task_status: str | None = None
    artifact: TaskArtifact | None = None

    def _last(self, key: str) -> str | None:
        msgs = (self.artifact.messages if self.artifact else None) or []
        last = msgs[-1] if msgs else None
        return str(last[key]) if isinstance(last, dict) and last.get(key) else None

    @property
    def outcome(self) -> str | None:
        """The status of the task's last message (`CREATED`, `OBJECT_REUSED`, ...)."""
        return self._last("status")

    @property
    def message(self) -> str | None:
        return self._last("message")


class JobDetails(ApiModel):
    """A job as `GET /tools/job/{JOB_ID}` answers it (the `object` of the answer; tools.md
    "Job details"): its status, and its per-artifact outcome as the job progresses."""

    id: str
    name: str | None = None
    description: str | None = None
    visibility: str | None = None
    request_type: str | None = None
    expiry: int | None = None
    snapshot_id: str | None = None
    created_timestamp: int | None = None
    modified_timestamp: int | None = None
    type: str | None = None
    job_status: str | None = None
    job_type: str | None = None
    counter: int | None = None
    ims_org_id: str | None = Field(default=None, alias="imsOrgId")
    job_hash: str | None = None
    source_sandbox: SandboxRef | None = None
    destination_sandbox: SandboxRef | None = None
    completed_tasks: list[JobTask] = Field(default_factory=list)
    failed_tasks: list[JobTask] = Field(default_factory=list)
    import_replacement_map: dict[str, str] = Field(default_factory=dict)
    source_parent_artifact_map: dict[str, str] = Field(default_factory=dict)

    @property
    def status(self) -> str | None:
        return self.job_status

    @property
    def target_sandbox(self) -> str | None:
        return self.destination_sandbox.name if self.destination_sandbox else None

    @property
    def failure_reason(self) -> str | None:
        """The messages of the failed tasks, one per artifact ("; "-joined), or None."""
        parts = []
        for task in self.failed_tasks:
            art = task.artifact
            text = task.message or task.task_status or "failed"
            parts.append(f"{art.id} ({art.type}): {text}" if art else text)
        return "; ".join(parts) or None

    def named_artifacts(self, *, failed: bool = False) -> set[str]:
        """Base ids of the artifacts the job's completed tasks (with `failed`: its failed
        ones too) and `importReplacementMap` name: what it imported, or tried to."""
        tasks = [*self.completed_tasks, *(self.failed_tasks if failed else [])]
        named = {t.artifact.base_id for t in tasks if t.artifact}
        return named | {base_id(k) for k in self.import_replacement_map}

    def outcomes(self) -> dict[str, tuple[str | None, str | None, str | None]]:
        """{source id: (type, target id, outcome)} for every completed task."""
        out: dict[str, tuple[str | None, str | None, str | None]] = {}
        for task in self.completed_tasks:
            art = task.artifact
            if art is None:
                continue
            target = art.new_id or self.import_replacement_map.get(art.id)
            out[art.id] = (art.type, target, task.outcome)
        return out

    @property
    def created_artifacts(self) -> dict[str, str]:
        """{source id: target id} of what the job created (`CREATED`)."""
        return {
            src: tid
            for src, (_, tid, outcome) in self.outcomes().items()
            if tid and outcome == TASK_CREATED
        }

    @property
    def reused_artifacts(self) -> dict[str, str]:
        """{source id: target id} of what the job mapped to an object already in the target
        (any outcome but `CREATED`: `OBJECT_REUSED`, `OBJECT_EXISTS`, ...)."""
        return {
            src: tid
            for src, (_, tid, outcome) in self.outcomes().items()
            if tid and outcome != TASK_CREATED
        }

    @property
    def imported_artifacts(self) -> dict[str, str]:
        """{source id: target id}: `importReplacementMap`, else what the tasks give."""
        if self.import_replacement_map:
            return dict(self.import_replacement_map)
        return {src: tid for src, (_, tid, _) in self.outcomes().items() if tid}


class ToolsAnswer(ApiModel, Generic[T]):
    """The envelope of the `/tools` answers: `{"status", "type", "message", "object"}`."""

    status: str | None = None
    type: str | None = None
    message: str | None = None
    object: T


# -- handshakes ------------------------------------------------------------------------------
class HandshakeHistoryEntry(ApiModel):
    action: str | None = None
    action_taken_by: str | None = None
    action_taken_by_name: str | None = None
    action_taken_by_ims_org_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("actionTakenByImsOrgID", "actionTakenByImsOrgId"),
        serialization_alias="actionTakenByImsOrgID",
    )
    action_time_stamp: int | None = None
    reason: str | None = None


class Handshake(ApiModel):
    id: str | None = None
    linking_id: str | None = None
    status: str | None = None
    source_ims_org_id: str | None = Field(default=None, alias="sourceIMSOrgId")
    target_ims_org_id: str | None = Field(default=None, alias="targetIMSOrgId")
    source_org_name: str | None = None
    source_ims_org_name: str | None = Field(default=None, alias="sourceIMSOrgName")
    target_org_name: str | None = None
    source_region: str | None = None
    target_region: str | None = None
    version: int | None = None
    created_by: str | None = None
    modified_by: str | None = None
    created_by_name: str | None = None
    modified_by_name: str | None = None
    modified_by_ims_org_id: str | None = Field(default=None, alias="modifiedByIMSOrgId")
    created_date: int | None = None
    modified_date: int | None = None
    #: A JSON string on the platform; `history()` parses it.
    status_history: str | None = None

    def history(self) -> list[HandshakeHistoryEntry]:
        if not self.status_history:
            return []
        try:
            raw = json.loads(self.status_history)
        except ValueError:
            return []
        return [HandshakeHistoryEntry.model_validate(e) for e in raw if isinstance(e, dict)]


class HandshakeBulkResult(ApiModel):
    successful_requests: dict[str, Handshake] = Field(default_factory=dict)
    failed_requests: dict[str, Any] = Field(default_factory=dict)


# -- transfers -------------------------------------------------------------------------------
class TransferDetails(ApiModel):
    messages: list[str] = Field(default_factory=list)
    additional_metadata: Any = None


class Transfer(ApiModel):
    id: str | None = None
    package_id: str | None = None
    package_name: str | None = None
    status: str | None = None
    request_type: str | None = None
    source_ims_org_id: str | None = Field(default=None, alias="sourceIMSOrgId")
    target_ims_org_id: str | None = Field(default=None, alias="targetIMSOrgId")
    source_org_name: str | None = None
    target_org_name: str | None = None
    initiated_by: str | None = None
    pipeline_message_id: str | None = None
    version: int | None = None
    created_by: str | None = None
    modified_by: str | None = None
    created_date: int | None = None
    modified_date: int | None = None
    completed_time: int | None = None
    transfer_details: TransferDetails | None = None

    @property
    def messages(self) -> list[str]:
        return self.transfer_details.messages if self.transfer_details else []

    @property
    def last_message(self) -> str | None:
        msgs = self.messages
        return msgs[-1] if msgs else None


# -- paging ----------------------------------------------------------------------------------


class Page(ApiModel, Generic[T]):
    """The list envelope. Iterating a list method follows it page after page."""

    data: list[T] = Field(default_factory=list)
    total_elements: int | None = None
    current_page: int | None = None
    total_pages: int | None = None
    has_previous_page: bool | None = None
    has_next_page: bool | None = None
    next_page: Any = None
    page_size: int | None = None
