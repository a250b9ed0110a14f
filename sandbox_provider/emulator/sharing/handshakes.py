"""Handshakes: a share request from one org to another, and its approval or rejection."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..artifacts import get_org
from ..auth import Caller
from ..bodies import enum_value, opt_str, require_object
from ..constants import HANDSHAKE_ACTIONS
from ..dates import now_ms
from ..errors import bad_request, conflict, forbidden, not_found
from ..ids import actor, new_record, new_uuid
from ..listing import paginate
from ..storage import Doc
from .answers import HANDSHAKE_ACTED, HANDSHAKE_CREATED, HANDSHAKE_LISTED, listed, shown

if TYPE_CHECKING:
    from ..state import Emulator


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
    return listed(paginate(docs, fixed), HANDSHAKE_LISTED)


def approved_handshake(emu: Emulator, source: str, target: str) -> bool:
    return any(
        h["targetIMSOrgId"] == target and h["status"] == "APPROVED"
        for h in emu.store.find("handshake", org=source)
    )
