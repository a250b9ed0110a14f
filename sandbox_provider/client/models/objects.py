"""The platform's objects as the API looks them up and lists them: a package, a job (as
listed, and its details with one task per artifact), a handshake and a transfer; and what a
call that starts a job answers about it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import AliasChoices, Field

from ..enums import TASK_CREATED
from .base import ApiModel, Artifact, SandboxRef, base_id, epoch_ms_to_datetime
from .versions import PackageCapabilities


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
    #: Only on `PATCH /packages/{id}?getCapabilities=...` (packages.md "Disable update and
    #: override for a package").
    latest_package_version: int | None = None
    package_capabilities: PackageCapabilities | None = None

    @property
    def artifacts(self) -> list[Artifact]:
        return self.artifacts_list

    @property
    def expiry_at(self) -> datetime | None:
        return epoch_ms_to_datetime(self.expiry)

    @property
    def published_at(self) -> datetime | None:
        return epoch_ms_to_datetime(self.publish_date)


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


class StartedJob(ApiModel):
    """What a call starting a job answers (a publish starts an EXPORT job, an import
    submission an IMPORT job): the package's name, description and source, and the job."""

    name: str | None = None
    description: str | None = None
    visibility: str | None = None
    source_sandbox: SandboxRef | None = None
    type: str | None = None
    correlation_id: str | None = None
    job_id: str | None = None


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
