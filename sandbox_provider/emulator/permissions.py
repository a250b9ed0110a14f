"""The permissions each artifact type needs (palmResourceType -> permissions), as the
preflight and the import check them, and the default role model that grants them all."""

from __future__ import annotations

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
