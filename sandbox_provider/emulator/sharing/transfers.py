"""Transfers: a private share to an org with an approved handshake, a pull of a public
package, the `transfer` stepper that makes the copy, and the payload to pull a package by."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import timing
from ..artifacts import get_org
from ..auth import Caller
from ..bodies import enum_value, req_str, require_object
from ..dates import now_ms
from ..errors import bad_request, forbidden, not_found
from ..ids import actor, base_id, new_record, new_uuid
from ..listing import paginate
from ..packages import held_package, is_expired, owner_record, save_package, visible_package
from ..storage import Doc
from .answers import (
    TRANSFER_CREATED,
    TRANSFER_FETCHED,
    TRANSFER_LISTED,
    TRANSFER_PULLED,
    listed,
    shown,
)
from .handshakes import approved_handshake

if TYPE_CHECKING:
    from ..state import Emulator

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
    return listed(paginate(docs, params), TRANSFER_LISTED)


# -- payload -------------------------------------------------------------------------------
def payload(emu: Emulator, caller: Caller, package_id: str) -> dict[str, Any]:
    pkg = visible_package(emu, caller, package_id)
    return {"imsOrgId": pkg["imsOrgId"], "packageId": base_id(pkg["id"])}
