"""The platform's fixed vocabulary: enumerations and default periods."""

from __future__ import annotations

DAY_MS = 24 * 3600 * 1000
DEFAULT_EXPIRY_DAYS = 90

PACKAGE_TYPES = ("PARTIAL", "FULL")
VISIBILITIES = ("PRIVATE", "PUBLIC")
PUT_ACTIONS = ("ADD", "DELETE", "UPDATE")
# Jobs (appendix.md "Using query parameters"): the emulator makes NEW jobs of the first two
# request types; COPY, RESUME and ROLLBACK are documented values it never makes.
JOB_REQUEST_TYPES = ("EXPORT", "IMPORT", "COPY", "VERSION")
JOB_TYPES = ("NEW", "RESUME", "ROLLBACK", "COMPUTE", "UPGRADE", "UPDATE")
JOB_STATUSES = ("PENDING", "IN_PROGRESS", "SUCCESS", "FAILED", "CANCELLED")
HANDSHAKE_ACTIONS = ("APPROVED", "REJECTED")

ARTIFACT_TYPES = (
    "JOURNEY",
    "ID_NAMESPACE",
    "REGISTRY_DATATYPE",
    "REGISTRY_CLASS",
    "REGISTRY_MIXIN",
    "REGISTRY_SCHEMA",
    "CATALOG_DATASET",
    "DULE_CONSENT_POLICY",
    "PROFILE_SEGMENT",
    "FLOW",
    "MAPPING_SET",
    "PROFILE_MERGE",
)
