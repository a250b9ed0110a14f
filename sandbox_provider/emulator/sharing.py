"""Cross-org sharing: handshakes, private transfers, public pull requests and the payload.

A transfer runs in three steps after creation, its messages growing as on the platform; on
COMPLETED the target org holds a PUBLISHED copy of the package (same id, same manifest).
Whether a transfer can succeed is decided when it is created; the copy is made at the end.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import timing
from .artifacts import get_org
from .auth import Caller
from .bodies import enum_value, opt_str, req_str, require_object
from .constants import HANDSHAKE_ACTIONS
from .dates import now_ms
from .errors import bad_request, conflict, forbidden, not_found
from .ids import actor, base_id, new_record, new_uuid
from .listing import paginate
from .packages import (
    held_package,
    is_expired,
    owner_record,
    save_package,
    visible_package,
)
from .storage import Doc

if TYPE_CHECKING:
    from .state import Emulator

MESSAGES = [
    "Fetched Package",
    "Fetched Manifest",
    "Tenant Identified",
    "Fetched Sandbox Id",
    "Fetched Blob Files",
    "Message Published to Kafka",
    "Completed Transfer",
    "Finished with status: COMPLETED",
]
# How many of MESSAGES a transfer shows at creation and after each of its three steps.
_PROGRESS = [2, 4, 6, 8]

# -- what each answer shows ------------------------------------------------------------------
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


def _listed(envelope: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    envelope["data"] = [shown(d, fields) for d in envelope["data"]]
    return envelope


# -- handshakes ----------------------------------------------------------------------------
def _save_handshake(emu: Emulator, hs: Doc) -> Doc:
    return emu.store.put(
        "handshake", hs["id"], hs, org=hs["sourceIMSOrgId"], ref=hs["targetIMSOrgId"]
    )


def _history_entry(org: Doc, action: str, reason: str | None) -> dict[str, Any]:
    return {
        "actionTakenBy": actor(org),
        "actionTakenByName": org["name"],
        "actionTakenByImsOrgID": org["imsOrgId"],
        "action": action,
        "actionTimeStamp": now_ms(),
        "reason": reason,
    }


def bulk_create(emu: Emulator, caller: Caller, body: Any) -> dict[str, Any]:
    body = require_object(body)
    targets = body.get("targetIMSOrgIds")
    if targets is None:
        raise bad_request("'targetIMSOrgIds' is required: a list of target org ids")
    if not isinstance(targets, list) or not all(isinstance(t, str) and t for t in targets):
        raise bad_request("'targetIMSOrgIds' must be a list of org id strings")
    details = body.get("sourceIMSDetails")
    if details is None:
        raise bad_request('\'sourceIMSDetails\' is required: {"id": your org id, "name"}')
    details = require_object(details, "'sourceIMSDetails'")
    source_id = opt_str(details, "id", "sourceIMSDetails.")
    source_name = opt_str(details, "name", "sourceIMSDetails.")
    if source_id and source_id != caller.org_id:
        raise forbidden(
            f"'sourceIMSDetails.id' {source_id} is not the caller's org "
            f"{caller.org_id}; a share request is sent from your own org"
        )
    ok: dict[str, Any] = {}
    failed: dict[str, Any] = {}
    existing = emu.store.find("handshake", org=caller.org_id)
    for target_id in dict.fromkeys(targets):
        if target_id == caller.org_id:
            failed[target_id] = "an org cannot send a share request to itself"
            continue
        target = get_org(emu, target_id)
        if target is None:
            failed[target_id] = f"target org {target_id} does not exist"
            continue
        same = [
            h
            for h in existing
            if h["targetIMSOrgId"] == target_id and h["status"] in ("APPROVAL_PENDING", "APPROVED")
        ]
        if same:
            ok[target_id] = shown(same[0], HANDSHAKE_CREATED)
            continue
        now = now_ms()
        hs: Doc = {
            **new_record(caller.org, now),
            "sourceIMSOrgId": caller.org_id,
            "targetIMSOrgId": target_id,
            "sourceRegion": caller.org["region"],
            "targetRegion": target["region"],
            "sourceIMSOrgName": source_name or caller.org["name"],
            # The name the request declared is the one the target sees.
            "sourceOrgName": source_name or caller.org["name"],
            "targetOrgName": target["name"],
            "status": "APPROVAL_PENDING",
            "createdByName": caller.org["name"],
            "modifiedByName": caller.org["name"],
            "modifiedByIMSOrgId": caller.org_id,
            "statusHistory": json.dumps([_history_entry(caller.org, "INITIATED", None)]),
            "linkingId": new_uuid(),
        }
        ok[target_id] = shown(_save_handshake(emu, hs), HANDSHAKE_CREATED)
    return {"successfulRequests": ok, "failedRequests": failed}


def act(emu: Emulator, caller: Caller, body: Any) -> dict[str, Any]:
    body = require_object(body)
    linking = body.get("linkingID", body.get("linkingId"))
    if linking is None:
        raise bad_request("'linkingID' is required: the linkingId of the share request")
    if not isinstance(linking, str) or not linking:
        raise bad_request("'linkingID' must be a non-empty string")
    if body.get("status") is None:
        raise bad_request("'status' is required: APPROVED or REJECTED")
    status = enum_value(body["status"], "status", HANDSHAKE_ACTIONS)
    reason = opt_str(body, "reason")
    if body.get("targetIMSOrgDetails") is not None:
        require_object(body["targetIMSOrgDetails"], "'targetIMSOrgDetails'")
    hs = None
    for cand in emu.store.find("handshake"):
        if linking in (cand["linkingId"], cand["id"]):
            hs = cand
            break
    if hs is None:
        raise not_found(f"no share request with linkingID '{linking}' for org {caller.org_id}")
    if hs["targetIMSOrgId"] != caller.org_id:
        raise forbidden(
            f"only the target org {hs['targetIMSOrgId']} may approve or reject "
            f"share request '{linking}'"
        )
    if hs["status"] != "APPROVAL_PENDING":
        raise conflict(f"share request '{linking}' is already {hs['status']}")
    history = json.loads(hs["statusHistory"])
    history.append(_history_entry(caller.org, status, reason))
    hs["statusHistory"] = json.dumps(history)
    hs["status"] = status
    hs["version"] = int(hs["version"]) + 1
    hs["modifiedDate"] = now_ms()
    hs["modifiedBy"] = actor(caller.org)
    hs["modifiedByName"] = caller.org["name"]
    hs["modifiedByIMSOrgId"] = caller.org_id
    return shown(_save_handshake(emu, hs), HANDSHAKE_ACTED)


def list_handshakes(
    emu: Emulator, caller: Caller, params: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    kinds = [v for k, v in params if k == "requestType" and v]
    docs = emu.store.find_org_or_ref("handshake", caller.org_id)
    if kinds:
        kind = enum_value(kinds[-1], "requestType", ("INCOMING", "OUTGOING"))
        field = "targetIMSOrgId" if kind == "INCOMING" else "sourceIMSOrgId"
        docs = [h for h in docs if h[field] == caller.org_id]
    # The list documents IN_PROGRESS as a status filter: a request still awaiting approval.
    fixed = []
    for k, v in params:
        if k == "property":
            v = v.replace("IN_PROGRESS", "APPROVAL_PENDING").replace(
                "in_progress", "APPROVAL_PENDING"
            )
        fixed.append((k, v))
    return _listed(paginate(docs, fixed), HANDSHAKE_LISTED)


def approved_handshake(emu: Emulator, source: str, target: str) -> bool:
    return any(
        h["targetIMSOrgId"] == target and h["status"] == "APPROVED"
        for h in emu.store.find("handshake", org=source)
    )


# -- transfers -----------------------------------------------------------------------------
def _save_transfer(emu: Emulator, t: Doc) -> Doc:
    return emu.store.put("transfer", t["id"], t, org=t["sourceIMSOrgId"], ref=t["targetIMSOrgId"])


def _new_transfer(
    emu: Emulator,
    caller: Caller,
    pkg: Doc,
    source_id: str,
    target_id: str,
    request_type: str,
    failure: str | None,
) -> Doc:
    source = get_org(emu, source_id)
    target = get_org(emu, target_id)
    now = now_ms()
    messages = MESSAGES[:1] if failure else MESSAGES[: _PROGRESS[0]]
    t: Doc = {
        **new_record(caller.org, now),
        "sourceIMSOrgId": source_id,
        "sourceOrgName": source["name"] if source else source_id,
        "targetIMSOrgId": target_id,
        "targetOrgName": target["name"] if target else target_id,
        "packageId": pkg["id"],
        "packageName": pkg["name"],
        "status": "PENDING",
        "initiatedBy": actor(caller.org),
        "transferDetails": {"messages": messages, "additionalMetadata": None},
        "requestType": request_type,
    }
    if request_type == "PUBLIC":
        t["pipelineMessageId"] = new_uuid()
    t["_failure"] = failure
    t = _save_transfer(emu, t)
    timing.new_op(emu, "transfer", 1 if failure else 3, transferId=t["id"])
    return t


def _package_problem(pkg: Doc) -> str | None:
    if pkg["status"] != "PUBLISHED":
        return (
            f"package {pkg['id']} is {pkg['status']}: only a published package can be "
            "shared (publish it first)"
        )
    if is_expired(pkg):
        return f"package {pkg['id']} has expired: an expired package cannot be shared"
    return None


def create_transfers(emu: Emulator, caller: Caller, body: Any) -> list[dict[str, Any]]:
    body = require_object(body)
    package_id = req_str(body, "packageId")
    targets = body.get("targets")
    if targets is None:
        raise bad_request("'targets' is required: a list of {\"imsOrgId\"}")
    if not isinstance(targets, list) or not targets:
        raise bad_request("'targets' must be a non-empty list of {\"imsOrgId\"}")
    target_ids = []
    for i, t in enumerate(targets):
        if not isinstance(t, dict):
            raise bad_request(f"'targets[{i}]' must be an object {{\"imsOrgId\"}}")
        target_ids.append(req_str(t, "imsOrgId", f"targets[{i}]."))
    held = held_package(emu, caller.org_id, package_id)
    if held is None:
        raise not_found(f"package '{package_id}' not found in org {caller.org_id}")
    if held["imsOrgId"] != caller.org_id:
        raise forbidden(
            f"package '{held['id']}' belongs to org {held['imsOrgId']}; only its owner may share it"
        )
    out = []
    for target_id in target_ids:
        failure = _package_problem(held)
        if failure is None:
            if get_org(emu, target_id) is None:
                failure = f"target org {target_id} does not exist"
            elif target_id == caller.org_id:
                failure = "a package cannot be transferred to its own org"
            elif not approved_handshake(emu, caller.org_id, target_id):
                failure = (
                    f"no APPROVED handshake between {caller.org_id} and {target_id}: "
                    "send a share request (POST /handshake/bulkCreate) and have the "
                    "target approve it"
                )
        t = _new_transfer(emu, caller, held, caller.org_id, target_id, "PRIVATE", failure)
        out.append(shown(t, TRANSFER_CREATED))
    return out


def pull_request(emu: Emulator, caller: Caller, body: Any) -> dict[str, Any]:
    body = require_object(body)
    source_id = req_str(body, "imsOrgId")
    package_id = req_str(body, "packageId")
    pkg = owner_record(emu, package_id)
    if (
        pkg is None
        or pkg["imsOrgId"] != source_id
        or (pkg.get("packageVisibility") != "PUBLIC" and source_id != caller.org_id)
    ):
        raise not_found(f"no public package '{package_id}' in org {source_id}")
    failure = _package_problem(pkg)
    t = _new_transfer(emu, caller, pkg, source_id, caller.org_id, "PUBLIC", failure)
    return shown(t, TRANSFER_PULLED)


def step_transfer(emu: Emulator, op: Doc) -> bool:
    """The `transfer` stepper: three steps of messages; the copy is made on COMPLETED."""
    t = emu.store.get("transfer", op["transferId"])
    if t is None:
        return True
    now = now_ms()
    t["version"] = int(t["version"]) + 1
    t["modifiedDate"] = now
    failure = t.get("_failure")
    messages: list[str] = t["transferDetails"]["messages"]
    if failure is None:
        pkg = held_package(emu, t["sourceIMSOrgId"], t["packageId"])
        if pkg is None:
            failure = f"package {t['packageId']} no longer exists in the source org"
    if failure:
        t["status"] = "FAILED"
        t["transferDetails"]["messages"] = messages + [failure, "Finished with status: FAILED"]
        t["completedTime"] = now
        _save_transfer(emu, t)
        return True
    shown = len(messages)
    nxt = next((n for n in _PROGRESS if n > shown), len(MESSAGES))
    t["transferDetails"]["messages"] = MESSAGES[:nxt]
    if nxt < len(MESSAGES):
        t["status"] = "IN_PROGRESS"
        _save_transfer(emu, t)
        return False
    t["status"] = "COMPLETED"
    t["completedTime"] = now
    _save_transfer(emu, t)
    if pkg is not None and t["targetIMSOrgId"] != pkg["imsOrgId"]:
        copy = dict(pkg)
        copy["_holder"] = t["targetIMSOrgId"]
        copy.pop("_seq", None)
        save_package(emu, copy)
    return True


def get_transfer(emu: Emulator, caller: Caller, transfer_id: str) -> dict[str, Any]:
    t = emu.store.get("transfer", transfer_id)
    if t is None or caller.org_id not in (t["sourceIMSOrgId"], t["targetIMSOrgId"]):
        raise not_found(f"transfer '{transfer_id}' not found for org {caller.org_id}")
    return shown(t, TRANSFER_FETCHED)


def list_transfers(
    emu: Emulator, caller: Caller, params: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    docs = emu.store.find_org_or_ref("transfer", caller.org_id)
    kinds = [v for k, v in params if k == "requestType" and v]
    if kinds:
        kind = enum_value(kinds[-1], "requestType", ("PUBLIC", "PRIVATE"))
        docs = [t for t in docs if t["requestType"] == kind]
    return _listed(paginate(docs, params), TRANSFER_LISTED)


# -- payload -------------------------------------------------------------------------------
def payload(emu: Emulator, caller: Caller, package_id: str) -> dict[str, Any]:
    pkg = visible_package(emu, caller, package_id)
    return {"imsOrgId": pkg["imsOrgId"], "packageId": base_id(pkg["id"])}
