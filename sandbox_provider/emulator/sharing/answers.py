"""What each sharing answer shows of a stored handshake or transfer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..storage import Doc

# A handshake or a transfer is stored with every field it has; each answer shows the fields
# the pages show for that endpoint (packages.md "Share packages across organizations" and
# "Transfer packages", and the draft pages handshake.md and transfer.md), in their order.
# tests/emulator/test_pages_contract.py holds the answers to the pages' examples.

#: The bookkeeping fields of a stored handshake or transfer, first in the answers showing them.
_RECORD = (
    "id",
    "version",
    "createdDate",
    "modifiedDate",
    "createdBy",
    "modifiedBy",
    "sourceIMSOrgId",
    "targetIMSOrgId",
)
#: Every field a handshake answer shows, in the pages' order; each answer leaves some out.
_HANDSHAKE = (
    *_RECORD,
    "sourceRegion",
    "targetRegion",
    "sourceIMSOrgName",
    "sourceOrgName",
    "targetOrgName",
    "status",
    "createdByName",
    "modifiedByName",
    "modifiedByIMSOrgId",
    "statusHistory",
    "linkingId",
)
#: Every field the answers of POST /transfer and /transfer/pullRequest show, in order.
_TRANSFER_RECORD = (
    *_RECORD,
    "packageId",
    "status",
    "initiatedBy",
    "transferDetails",
    "pipelineMessageId",
    "requestType",
)
#: Every field GET /transfer/{id} and /transfer/list show: names instead of the record's
#: bookkeeping.
_TRANSFER_NAMED = (
    "id",
    "sourceIMSOrgId",
    "sourceOrgName",
    "targetIMSOrgId",
    "targetOrgName",
    "packageId",
    "packageName",
    "status",
    "initiatedBy",
    "completedTime",
    "createdDate",
    "transferDetails",
    "requestType",
)


def _without(fields: tuple[str, ...], *left_out: str) -> tuple[str, ...]:
    return tuple(f for f in fields if f not in left_out)


#: POST /handshake/bulkCreate, each `successfulRequests` entry (send-request).
HANDSHAKE_CREATED = _without(_HANDSHAKE, "targetRegion", "sourceOrgName", "targetOrgName")
#: POST /handshake/action (approve-requests).
HANDSHAKE_ACTED = _without(_HANDSHAKE, "sourceIMSOrgName", "modifiedByName")
#: GET /handshake/list items (outgoing-and-incoming-requests). Their `sourceOrgName` is the
#: name bulkCreate was given (`sourceIMSDetails.name`, which its answer shows as
#: `sourceIMSOrgName`): docs/emulator.md, "Behaviour decisions".
HANDSHAKE_LISTED = _without(_HANDSHAKE, "createdBy", "sourceIMSOrgName")
#: POST /transfer, each entry (share-request; transfer.md adds `transferDetails`).
TRANSFER_CREATED = _without(_TRANSFER_RECORD, "pipelineMessageId")
#: POST /transfer/pullRequest (pull-public-package): no `transferDetails`.
TRANSFER_PULLED = _without(_TRANSFER_RECORD, "transferDetails")
#: GET /transfer/{id} (fetch-transfer-by-id).
TRANSFER_FETCHED = _without(_TRANSFER_NAMED, "completedTime")
#: GET /transfer/list items (transfers-list, list-public-packages): with `completedTime`.
TRANSFER_LISTED = _TRANSFER_NAMED


def shown(doc: Doc, fields: Sequence[str]) -> dict[str, Any]:
    """The fields of `doc` an answer shows, in that order (a field the doc lacks is left out:
    `completedTime` before the end, `pipelineMessageId` of a private transfer)."""
    return {k: doc[k] for k in fields if k in doc}


def listed(envelope: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    envelope["data"] = [shown(d, fields) for d in envelope["data"]]
    return envelope
