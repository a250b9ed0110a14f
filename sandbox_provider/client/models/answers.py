"""The answers of the calls that act rather than read: a publish, an import submission, a
delete, an import's conflicts and preflight, a package's children and payload, the handshakes
a bulk request created."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from .base import ApiModel, Artifact, SandboxRef
from .objects import Handshake, StartedJob


class PublishResult(StartedJob):
    """The answer of a publish (`GET /packages/{id}/export`; packages.md "Publish a
    package"). `job_id` names the EXPORT job (`ExImClient.get_job`); an answer without it
    (an older platform, or a publication the client found already under way) leaves it None."""


class ImportSubmission(StartedJob):
    """The answer of a submitted import (packages.md "Submit an import"): `job_id` is the
    IMPORT job to follow (`wait_for_job`). When the answer lacks it, the client finds the job
    it started in the jobs list (`submit_import`)."""

    destination_sandbox: SandboxRef | None = None
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


class HandshakeBulkResult(ApiModel):
    successful_requests: dict[str, Handshake] = Field(default_factory=dict)
    failed_requests: dict[str, Any] = Field(default_factory=dict)
