"""The UPDATE import (packages.md "Submit an update job"; ui-sandbox-tooling.md "Supported
updates"): `PATCH /packages/{id}/import` with `overwriteMappings` applies the package's current
version to the target objects it names, keeping their ids, or changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .artifacts import FIELD_TYPES, definition_of, get_artifact, put_artifact, require_sandbox
from .auth import Caller
from .bodies import opt_str, require_object, sandbox_ref
from .errors import bad_request, forbidden
from .ids import base_id
from .jobs import begin, finish_job, new_job, run_job, save_job, task
from .packages import held_package
from .storage import Doc
from .versions import changes, job_object, state, versionable

if TYPE_CHECKING:
    from .state import Emulator

#: The task statuses of an update: the emulator's words (the tools page shows CREATED only).
UPDATED = "UPDATED"
NO_CHANGE = "NO_CHANGE"


def refused(old: Doc, new: Doc) -> list[str]:
    """Why an update from `old` (the target object) to `new` (the package's) can't be applied
    (ui-sandbox-tooling.md "Supported updates" / "Unsupported updates"): updates apply to
    schemas, field groups and data types, and add fields; a field removed or redefined is
    refused."""
    if new["type"] not in FIELD_TYPES:
        return [
            f"{new['type']} objects can't be updated: updates apply to schemas, field "
            "groups and data types"
        ]
    have = definition_of(old).get("fields") or {}
    want = definition_of(new).get("fields") or {}
    out = [f"removing field '{f}' is not supported" for f in have if f not in want]
    out += [
        f"changing field '{f}' from {have[f]} to {want[f]} is not supported"
        for f in have
        if f in want and want[f] != have[f]
    ]
    return out


def _overwrites(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise bad_request(
            "'overwriteMappings' is required: an object mapping a source artifact id to "
            '{"id", "type"} of the target object to update'
        )
    out: dict[str, str] = {}
    for src, dest in value.items():
        if not isinstance(dest, dict) or not isinstance(dest.get("id"), str) or not dest["id"]:
            raise bad_request(f'\'overwriteMappings.{src}\' must be an object {{"id", "type"}}')
        out[base_id(src)] = dest["id"]
    return out


def submit_update(emu: Emulator, caller: Caller, package_id: str, body: Any) -> dict[str, Any]:
    """`PATCH /packages/{id}/import`: an UPDATE job applying the package's current version to
    the target objects `overwriteMappings` names (packages.md "Submit an update job")."""
    body = require_object(body)
    mappings = _overwrites(body.get("overwriteMappings"))
    if body.get("destinationSandbox") is None:
        raise bad_request('\'destinationSandbox\' is required: {"name", "imsOrgId"}')
    ref = sandbox_ref(body["destinationSandbox"], "destinationSandbox")
    if ref["imsOrgId"] not in (None, caller.org_id):
        raise forbidden("an update applies to objects of the caller's own org")
    target = require_sandbox(caller.org, ref["name"], "destinationSandbox")
    pkg = versionable(emu, caller, package_id)
    job = new_job(
        emu,
        caller.org,
        request_type="IMPORT",
        status="PENDING",
        name=opt_str(body, "name") or pkg["name"],
        description=opt_str(body, "description"),
        package=pkg,
        target_sandbox=target,
    )
    job["jobType"] = "UPDATE"
    job["_packageVersion"] = int(pkg.get("_version", 0))
    save_job(emu, job)
    run_job(emu, job, "update", 2, target=target, overwrites=mappings)
    return job_object(job)


def step_update(emu: Emulator, op: Doc) -> bool:
    """PENDING → IN_PROGRESS, then every mapped target object takes the package's version of
    its source, keeping its id, or nothing changes (each refusal a failed task)."""
    job = begin(emu, op)
    if isinstance(job, bool):
        return job
    pkg = held_package(emu, op["org"], op["packageId"])
    manifest = {a["id"]: a for a in (pkg or {}).get("_manifest") or []}
    target = op["target"]
    planned: list[tuple[Doc, Doc]] = []
    failed: list[Doc] = []
    for src, tid in op["overwrites"].items():
        art = manifest.get(src)
        obj = get_artifact(emu, op["org"], target, tid)
        if art is None:
            failed.append(
                task(
                    {"id": src, "type": "UNKNOWN", "title": None},
                    "FAILED",
                    f"artifact '{src}' is not in the package",
                    failed=True,
                )
            )
        elif obj is None or obj["type"] != art["type"]:
            failed.append(
                task(
                    art,
                    "FAILED",
                    f"no {art['type']} '{tid}' in target sandbox '{target}' to update",
                    failed=True,
                )
            )
        else:
            why = refused(obj, art)
            if why:
                failed.append(task(art, "FAILED", "; ".join(why), failed=True))
            else:
                planned.append((art, obj))
    if failed:
        finish_job(emu, job, completed=[], failed=failed)
        return True
    completed = []
    for art, obj in planned:
        before = state(obj)
        obj["title"] = art["title"]
        obj["definition"] = definition_of(art)
        status = UPDATED if changes(before, state(obj)) else NO_CHANGE
        put_artifact(emu, op["org"], target, obj)
        message = f"{art['type']} '{obj['id']}' {'updated' if status == UPDATED else 'unchanged'}"
        completed.append(task(art, status, message, new_id=obj["id"]))
    finish_job(emu, job, completed=completed, replacements={a["id"]: o["id"] for a, o in planned})
    return True
