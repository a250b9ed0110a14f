"""Pydantic v2 models of the exim wire shapes.

snake_case in Python, camelCase on the wire (an alias generator, plus explicit aliases where the
platform spells a name its own way: `sourceIMSOrgId`, `linkingID`, `packageID`, `sourceSandBox`).
Every model keeps fields it does not know (`extra="allow"`) because the platform keeps adding
fields, and every enumerated value is typed `str`: the StrEnums of `enums.py` (re-exported
here) name the values we know, but an unknown value coming back from the API is kept, never
rejected.

Four modules: `base` (the base model, the sandbox and artifact references, the list and
`/tools` envelopes), `objects` (package, job, handshake, transfer: what the API looks up and
lists), `answers` (what the calls that act answer) and `versions` (package versions).
Every name is imported from here.
"""

from __future__ import annotations

from ..enums import (
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
from .answers import (
    ArtifactChildren,
    ArtifactPermission,
    Conflict,
    DeleteResult,
    HandshakeBulkResult,
    ImportSubmission,
    PackagePayload,
    PermissionSet,
    PreflightResult,
    PublishResult,
    ResourcePermission,
)
from .base import (
    ApiModel,
    Artifact,
    ArtifactLike,
    Page,
    SandboxRef,
    ToolsAnswer,
    base_id,
    epoch_ms_to_datetime,
)
from .objects import (
    Handshake,
    HandshakeHistoryEntry,
    Job,
    JobDetails,
    JobTask,
    Package,
    StartedJob,
    TaskArtifact,
    Transfer,
    TransferDetails,
)
from .versions import (
    ArtifactDelta,
    Change,
    DeltaPackageVersion,
    GraphDelta,
    PackageCapabilities,
    PackageVersion,
    VersionJob,
)

# By module, then the enumerations the models' fields carry (from `enums`).
__all__ = [
    # base
    "ApiModel",
    "Artifact",
    "ArtifactLike",
    "Page",
    "SandboxRef",
    "ToolsAnswer",
    "base_id",
    "epoch_ms_to_datetime",
    # objects
    "Handshake",
    "HandshakeHistoryEntry",
    "Job",
    "JobDetails",
    "JobTask",
    "Package",
    "StartedJob",
    "TaskArtifact",
    "Transfer",
    "TransferDetails",
    # answers
    "ArtifactChildren",
    "ArtifactPermission",
    "Conflict",
    "DeleteResult",
    "HandshakeBulkResult",
    "ImportSubmission",
    "PackagePayload",
    "PermissionSet",
    "PreflightResult",
    "PublishResult",
    "ResourcePermission",
    # versions
    "ArtifactDelta",
    "Change",
    "DeltaPackageVersion",
    "GraphDelta",
    "PackageCapabilities",
    "PackageVersion",
    "VersionJob",
    # enums
    "ArtifactType",
    "PackageStatus",
    "PackageType",
    "PackageVisibility",
    "JobRequestType",
    "JobStatus",
    "JobType",
    "TASK_CREATED",
    "TASK_EXISTS",
    "TASK_REUSED",
    "HandshakeRequestType",
    "HandshakeStatus",
    "TransferRequestType",
    "TransferStatus",
]
