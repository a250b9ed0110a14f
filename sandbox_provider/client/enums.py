"""The enumerated values of the exim API that the client knows.

The model fields that carry them are typed `str` (see `models.py`): these name the values we
know, but a value the platform adds later is kept, never rejected.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "CAMPAIGN",
    "CHANNEL_CONFIGURATION",
    "CUSTOM_ACTION",
    "EVENT",
    "NEVER_REUSED",
    "TASK_CREATED",
    "TASK_EXISTS",
    "TASK_REUSED",
    "UNSAFE_TO_REUSE",
    "ArtifactType",
    "HandshakeRequestType",
    "HandshakeStatus",
    "JobRequestType",
    "JobStatus",
    "JobType",
    "PackageStatus",
    "PackageType",
    "PackageVisibility",
    "TransferRequestType",
    "TransferStatus",
]


class PackageStatus(StrEnum):
    DRAFT = "DRAFT"
    PUBLISH_IN_PROGRESS = "PUBLISH_IN_PROGRESS"
    PUBLISHED = "PUBLISHED"
    PUBLISH_FAILED = "PUBLISH_FAILED"


class PackageType(StrEnum):
    PARTIAL = "PARTIAL"
    FULL = "FULL"


class PackageVisibility(StrEnum):
    PRIVATE = "PRIVATE"
    PUBLIC = "PUBLIC"


class ArtifactType(StrEnum):
    JOURNEY = "JOURNEY"
    ID_NAMESPACE = "ID_NAMESPACE"
    REGISTRY_DATATYPE = "REGISTRY_DATATYPE"
    REGISTRY_CLASS = "REGISTRY_CLASS"
    REGISTRY_MIXIN = "REGISTRY_MIXIN"
    REGISTRY_SCHEMA = "REGISTRY_SCHEMA"
    CATALOG_DATASET = "CATALOG_DATASET"
    DULE_CONSENT_POLICY = "DULE_CONSENT_POLICY"
    PROFILE_SEGMENT = "PROFILE_SEGMENT"
    PROFILE_MERGE = "PROFILE_MERGE"
    FLOW = "FLOW"
    MAPPING_SET = "MAPPING_SET"


#: A Journey Optimizer custom action. Not in the reference table (exim-api-facts.md: "Newer
#: objects exist in the product (campaigns, custom actions, ...)"), so the wire name is ours:
#: the product's object name in the UPPER_CASE form every listed type has. Kept out of
#: `ArtifactType`, which lists the documented types only.
CUSTOM_ACTION = "CUSTOM_ACTION"
#: Journey Optimizer campaigns and channel configurations (the UI guide's names, in the same
#: UPPER_CASE form; no page gives their API type).
CAMPAIGN = "CAMPAIGN"
CHANNEL_CONFIGURATION = "CHANNEL_CONFIGURATION"
#: A Journey Optimizer event (the UI guide's name; no page gives its API type).
EVENT = "EVENT"

#: Types that `conflict_policy="use_existing"` does not reuse on its own, because reusing an
#: existing object of the type is documented as unsafe: journeys imported onto a reused custom
#: action are known to break (issue 10, part 6). The import creates a new one instead; an
#: `alternatives` entry naming the artifact still reuses it.
UNSAFE_TO_REUSE: frozenset[str] = frozenset({CUSTOM_ACTION})

#: Types an import never maps onto an existing object on its own: journeys arrive as new
#: copies, and events (with their details) as new versions (current/ui-sandbox-tooling.md,
#: "Adobe Journey Optimizer objects"; exim-api-facts.md). `use_existing` leaves them to the
#: platform rather than promise a reuse it won't make; `alternatives` naming one is the
#: user's own choice and is sent as given.
NEVER_REUSED: frozenset[str] = frozenset({ArtifactType.JOURNEY, EVENT})


#: `messages[].status` values of a job task (tools.md "Job details"; the import report of the
#: earlier tools page): the artifact was created, or an existing object was used instead.
TASK_CREATED = "CREATED"
TASK_REUSED = "OBJECT_REUSED"
TASK_EXISTS = "OBJECT_EXISTS"


class JobStatus(StrEnum):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class JobRequestType(StrEnum):
    EXPORT = "EXPORT"
    IMPORT = "IMPORT"
    COPY = "COPY"
    #: A package-version job: a compare or a save (current/packages.md `#update-operations`,
    #: `#package-versioning`); not in the appendix's list.
    VERSION = "VERSION"


class JobType(StrEnum):
    NEW = "NEW"
    RESUME = "RESUME"
    ROLLBACK = "ROLLBACK"
    #: The package-version jobs (current/packages.md): a compare (`#update-operations`), a
    #: save (`#package-versioning`) and an update import (`#submit-update`); not in the
    #: appendix's list.
    COMPUTE = "COMPUTE"
    UPGRADE = "UPGRADE"
    UPDATE = "UPDATE"


class HandshakeStatus(StrEnum):
    APPROVAL_PENDING = "APPROVAL_PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    IN_PROGRESS = "IN_PROGRESS"


class HandshakeRequestType(StrEnum):
    INCOMING = "INCOMING"
    OUTGOING = "OUTGOING"


class TransferStatus(StrEnum):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class TransferRequestType(StrEnum):
    PRIVATE = "PRIVATE"
    PUBLIC = "PUBLIC"
