"""What the package-version calls answer (packages.md "Migrate object configuration
updates"): a package's capabilities, a compare job's delta, a saved version, the jobs of
saving and of an update import (`VersionJob`: the job object the page's examples show)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .base import ApiModel, Artifact, SandboxRef


class Change(ApiModel):
    """One JSON-patch operation of an artifact's delta, with the values on either side."""

    op: str
    path: str
    old_value: Any = None
    new_value: Any = None


class ArtifactDelta(ApiModel):
    """One artifact that differs: the package's (`source_artifact`), the object compared
    with (`target_artifact`: in the source, or the one imported in a target) and the
    changes."""

    source_artifact: Artifact | None = None
    target_artifact: Artifact | None = None
    changes: list[Change] = Field(default_factory=list)


class GraphDelta(ApiModel):
    vertices: list[Artifact] = Field(default_factory=list)
    plugin_deltas: list[ArtifactDelta] = Field(default_factory=list)


class DeltaPackageVersion(ApiModel):
    """A finished compare job's result."""

    package_id: str | None = None
    current_version: int | None = None
    validated: bool | None = None
    root_artifacts: list[Artifact] = Field(default_factory=list)
    exim_graph_delta: GraphDelta = Field(default_factory=GraphDelta)


class VersionJob(ApiModel):
    """A compare (COMPUTE), save (UPGRADE) or update-import (UPDATE) job as the calls that
    start them answer it."""

    id: str
    name: str | None = None
    description: str | None = None
    request_type: str | None = None
    job_type: str | None = None
    job_status: str | None = None
    package_version: int | None = None
    snapshot_id: str | None = None
    type: str | None = None
    ims_org_id: str | None = Field(default=None, alias="imsOrgId")
    source_sandbox: SandboxRef | None = None
    destination_sandbox: SandboxRef | None = None
    created_timestamp: int | None = None
    modified_timestamp: int | None = None
    delta_package_version: DeltaPackageVersion | None = None
    import_replacement_map: dict[str, str] = Field(default_factory=dict)


class PackageVersion(ApiModel):
    """A saved version (`…/history`): its number and when and by whom it was made."""

    id: str | None = None
    package_version: int
    created_date: int | None = None
    modified_date: int | None = None
    created_by: str | None = None
    modified_by: str | None = None
    ims_org_id: str | None = Field(default=None, alias="imsOrgId")


class PackageCapabilities(ApiModel):
    capabilities: list[str] = Field(default_factory=list)
