"""Domain vocabulary shared by the emulator modules: enumerations, permissions, ids, dates."""

from __future__ import annotations

import hashlib
import math
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from .errors import bad_request

DAY_MS = 24 * 3600 * 1000
DEFAULT_EXPIRY_DAYS = 90

PACKAGE_STATUSES = ("DRAFT", "PUBLISHED", "PUBLISH_IN_PROGRESS", "PUBLISH_FAILED")
PACKAGE_TYPES = ("PARTIAL", "FULL")
VISIBILITIES = ("PRIVATE", "PUBLIC")
PUT_ACTIONS = ("ADD", "DELETE", "UPDATE")
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

_SANDBOX_VIEW = {"Sandbox": ["view"]}
_SCHEMA_RW = {"Schema": ["read", "write"]}
REQUIRED_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    "PROFILE_SEGMENT": {
        "Schema": ["read"],
        "ProfileConfig": ["read"],
        "Segment": ["read", "write", "delete"],
    },
    "PROFILE_MERGE": {"ProfileConfig": ["read", "write", "delete"], "Dataset": ["read"]},
    "REGISTRY_SCHEMA": _SCHEMA_RW,
    "REGISTRY_CLASS": _SCHEMA_RW,
    "REGISTRY_MIXIN": _SCHEMA_RW,
    "REGISTRY_DATATYPE": _SCHEMA_RW,
    "CATALOG_DATASET": {"Dataset": ["read", "write"], "Schema": ["read"]},
    "ID_NAMESPACE": {"Identity": ["read", "write"]},
    "DULE_CONSENT_POLICY": {"Policy": ["read", "write"]},
    "FLOW": {"Sources": ["read", "write"], "Dataset": ["read"]},
    "MAPPING_SET": {"Sources": ["read", "write"]},
    "JOURNEY": {"Journey": ["read", "write", "publish"]},
}


def required_permissions(artifact_type: str) -> dict[str, list[str]]:
    """palmResourceType → permissions needed to create an artifact of this type."""
    out: dict[str, list[str]] = {"Sandbox": ["view"]}
    for res, perms in REQUIRED_PERMISSIONS.get(artifact_type.upper(), {}).items():
        out[res] = list(perms)
    return out


def all_permissions() -> dict[str, list[str]]:
    """The default role model: every permission any artifact type needs."""
    out: dict[str, set[str]] = {k: set(v) for k, v in _SANDBOX_VIEW.items()}
    for table in REQUIRED_PERMISSIONS.values():
        for res, perms in table.items():
            out.setdefault(res, set()).update(perms)
    return {k: sorted(v) for k, v in sorted(out.items())}


def missing_permissions(artifact_type: str, granted: dict[str, list[str]]) -> dict[str, list[str]]:
    missing: dict[str, list[str]] = {}
    for res, perms in required_permissions(artifact_type).items():
        have = {p.lower() for p in granted.get(res, [])}
        lack = [p for p in perms if p.lower() not in have]
        if lack:
            missing[res] = lack
    return missing


# -- time and ids --------------------------------------------------------------------------
def now_ms() -> int:
    return int(time.time() * 1000)


def new_hex_id() -> str:
    return uuid.uuid4().hex


def new_uuid() -> str:
    return str(uuid.uuid4())


def tenant_id(org_id: str) -> str:
    return hashlib.md5(org_id.encode()).hexdigest()


def actor(org: dict[str, Any]) -> str:
    """The technical-account id the emulator writes into createdBy/modifiedBy."""
    return f"{org['clientId']}@techacct.adobe.com"


_VERSION_SUFFIX = re.compile(r"@\d+$")


def base_id(artifact_id: str) -> str:
    """An artifact or package id without its `@version` suffix."""
    return _VERSION_SUFFIX.sub("", artifact_id)


def parse_date_ms(value: Any, field: str) -> int:
    """ISO-8601 string or epoch milliseconds → epoch ms; a 400 naming `field` otherwise."""
    if isinstance(value, bool):
        raise bad_request(f"'{field}' must be an ISO-8601 timestamp or epoch milliseconds")
    if isinstance(value, int | float):
        if not math.isfinite(value) or abs(value) > 1e15:
            raise bad_request(f"'{field}' is not a usable epoch-millisecond value: {value!r}")
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d{1,15}", text):
            return int(text)
        # A '+' offset arrives as a space after query-string decoding.
        text = text.replace(" ", "+")
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except (ValueError, OverflowError):
            pass
        else:
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=UTC)
            try:
                return int(dt.timestamp() * 1000)
            except (OverflowError, OSError, ValueError):
                pass
    raise bad_request(
        f"'{field}' must be an ISO-8601 timestamp (e.g. 2030-05-20T20:05:10Z) or epoch "
        f"milliseconds, got {value!r}"
    )


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored document without its internal (underscore) fields."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}
