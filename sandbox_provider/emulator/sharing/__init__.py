"""Cross-org sharing: handshakes, private transfers, public pull requests and the payload.

A transfer runs in three steps after creation, its messages growing as on the platform; on
COMPLETED the target org holds a PUBLISHED copy of the package (same id, same manifest).
Whether a transfer can succeed is decided when it is created; the copy is made at the end.

Three modules: `answers` (the fields each answer shows), `handshakes` and `transfers`.
"""

from __future__ import annotations

from .answers import (
    HANDSHAKE_ACTED,
    HANDSHAKE_CREATED,
    HANDSHAKE_LISTED,
    TRANSFER_CREATED,
    TRANSFER_FETCHED,
    TRANSFER_LISTED,
    TRANSFER_PULLED,
    shown,
)
from .handshakes import act, approved_handshake, bulk_create, list_handshakes
from .transfers import (
    MESSAGES,
    create_transfers,
    get_transfer,
    list_transfers,
    payload,
    pull_request,
    step_transfer,
)

__all__ = [
    "HANDSHAKE_ACTED",
    "HANDSHAKE_CREATED",
    "HANDSHAKE_LISTED",
    "MESSAGES",
    "TRANSFER_CREATED",
    "TRANSFER_FETCHED",
    "TRANSFER_LISTED",
    "TRANSFER_PULLED",
    "act",
    "approved_handshake",
    "bulk_create",
    "create_transfers",
    "get_transfer",
    "list_handshakes",
    "list_transfers",
    "payload",
    "pull_request",
    "shown",
    "step_transfer",
]
