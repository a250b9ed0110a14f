"""Identifiers the emulator mints or derives: hex ids, UUIDs, tenant ids, actors, and
artifact ids without their `@version` suffix."""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any


def new_hex_id() -> str:
    return uuid.uuid4().hex


def new_uuid() -> str:
    return str(uuid.uuid4())


def tenant_id(org_id: str) -> str:
    return hashlib.md5(org_id.encode()).hexdigest()


def actor(org: dict[str, Any]) -> str:
    """The technical-account id the emulator writes into createdBy/modifiedBy."""
    return f"{org['clientId']}@techacct.adobe.com"


def new_record(org: dict[str, Any], now: int) -> dict[str, Any]:
    """The bookkeeping a new package, handshake or transfer starts with: a new id, version 0,
    created and modified `now` (epoch ms) by `org`'s technical account."""
    return {
        "id": new_hex_id(),
        "version": 0,
        "createdDate": now,
        "modifiedDate": now,
        "createdBy": actor(org),
        "modifiedBy": actor(org),
    }


_VERSION_SUFFIX = re.compile(r"@\d+$")


def base_id(artifact_id: str) -> str:
    """An artifact or package id without its `@version` suffix."""
    return _VERSION_SUFFIX.sub("", artifact_id)
