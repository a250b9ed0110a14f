"""Export/import job records, `GET /packages/jobs` and `GET /tools/job/{JOB_ID}`.

A job answers only what the pages show. A list item carries exactly the fields of every public
version of packages.md "List export/import jobs" (`LIST_FIELDS`); `GET /tools/job/{id}`
answers the envelope and `object` of tools.md "Job details". What the emulator needs beyond
that (the job's package, request type, correlation id, tasks) is kept in underscore fields,
which no answer shows (`storage.public`). `requestType` is a documented filter of the list
(appendix.md) though the items don't show it: the filter reads the internal field.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import timing
from .auth import Caller
from .constants import JOB_REQUEST_TYPES, JOB_STATUSES
from .dates import now_ms
from .errors import not_found
from .ids import actor, new_hex_id, new_uuid
from .listing import paginate
from .storage import Doc

if TYPE_CHECKING:
    from .state import Emulator

#: The fields of a job list item (packages.md "List export/import jobs", every version).
LIST_FIELDS = (
    "id",
    "name",
    "updated",
    "created",
    "jobType",
    "packageType",
    "description",
    "jobStatus",
    "visibility",
    "sourceSandBox",
    "targetSandbox",
    "createdBy",
)

JOB_ALIASES = {
    "createdDate": "created",
    "modifiedDate": "updated",
    "status": "jobStatus",
    "sourceSandbox": "sourceSandBox",
    # Documented as a filter (appendix.md), not shown on the items.
    "requestType": "_requestType",
}


def new_job(
    emu: Emulator,
    org: Doc,
    *,
    request_type: str,
    status: str,
    name: str,
    description: str | None,
    package: Doc,
    target_sandbox: str | None,
    dest_org: str | None = None,
) -> Doc:
    assert request_type in JOB_REQUEST_TYPES and status in JOB_STATUSES
    now = now_ms()
    source = package.get("sourceSandbox") or {}
    job: Doc = {
        "id": new_hex_id(),
        "name": name,
        "updated": now,
        "created": now,
        "jobType": "NEW",
        "packageType": package.get("packageType"),
        "description": description,
        "jobStatus": status,
        "visibility": "TENANT",
        "sourceSandBox": source.get("name"),
        "targetSandbox": target_sandbox,
        "createdBy": actor(org),
        "_packageId": package["id"],
        "_requestType": request_type,
        "_correlationId": new_uuid(),
        "_imsOrgId": org["imsOrgId"],
        "_sourceOrg": source.get("imsOrgId") or package.get("imsOrgId"),
        "_destOrg": (dest_org or org["imsOrgId"]) if target_sandbox else None,
        "_snapshotId": new_hex_id(),
        "_completedTasks": [],
        "_failedTasks": [],
        "_replacementMap": {},
        "_parentMap": {},
    }
    return save_job(emu, job)


def run_job(emu: Emulator, job: Doc, kind: str, steps: int, **op: Any) -> None:
    """Hand `job` to the `kind` stepper: an op of `steps` state changes naming the job, its
    org and its package, plus what that stepper reads (`op`)."""
    timing.new_op(
        emu, kind, steps, org=job["_imsOrgId"], packageId=job["_packageId"], jobId=job["id"], **op
    )


def started_answer(job: Doc, pkg: Doc, destination: Doc | None = None) -> dict[str, Any]:
    """What a call that started `job` on `pkg` answers: a publish (packages.md "Publish a
    package") or, with the `destination` sandbox, an import (packages.md "Submit an import")."""
    answer: dict[str, Any] = {
        "name": job["name"],
        "description": job["description"],
        "visibility": job["visibility"],
        "sourceSandbox": pkg.get("sourceSandbox"),
    }
    if destination is not None:
        answer["destinationSandbox"] = destination
    answer.update(type=pkg["packageType"], correlationId=job["_correlationId"], jobId=job["id"])
    return answer


def save_job(emu: Emulator, job: Doc) -> Doc:
    return emu.store.put("job", job["id"], job, org=job["_imsOrgId"], ref=job["_packageId"])


def get_job(emu: Emulator, job_id: str) -> Doc | None:
    return emu.store.get("job", job_id)


def begin(emu: Emulator, op: Doc) -> Doc | bool:
    """The job a two-step op works on at this step, or what its stepper answers without
    working: True when the job is gone (the op is over), False on the first step, which moves
    the job from PENDING to IN_PROGRESS."""
    job = get_job(emu, op["jobId"])
    if job is None:
        return True
    if job["jobStatus"] == "PENDING":
        set_job_status(emu, job, "IN_PROGRESS")
        return False
    return job


def set_job_status(emu: Emulator, job: Doc, status: str) -> Doc:
    assert status in JOB_STATUSES
    job["jobStatus"] = status
    job["updated"] = now_ms()
    return save_job(emu, job)


# -- tasks -------------------------------------------------------------------------------------
def task(
    artifact: Doc,
    status: str,
    message: str,
    *,
    new_id: str | None = None,
    failed: bool = False,
) -> Doc:
    """One entry of `completedTasks` / `failedTasks`, shaped as tools.md shows a task."""
    art: Doc = {
        "id": artifact["id"],
        "type": artifact["type"],
        "found": False,
        "count": 0,
        "title": artifact.get("title"),
        "messages": [{"status": status, "attempt": 1, "message": message}],
    }
    if new_id is not None:
        art["newId"] = new_id
    return {"taskType": "POST", "taskStatus": "FAILED" if failed else "SUCCESS", "artifact": art}


def package_ref(package_id: str, name: str | None = None) -> Doc:
    """What a failed task names when the failure is the package's own (deleted, or it has
    no artifact to name): the package, as an artifact of type PACKAGE (the emulator's word)."""
    return {"id": package_id, "type": "PACKAGE", "title": name}


def finish_job(
    emu: Emulator,
    job: Doc,
    *,
    completed: list[Doc],
    failed: list[Doc] | None = None,
    replacements: dict[str, str] | None = None,
    parents: dict[str, str] | None = None,
) -> Doc:
    """End the job: FAILED when any task failed, else SUCCESS, with its tasks recorded."""
    job["_completedTasks"] = completed
    job["_failedTasks"] = failed or []
    job["_replacementMap"] = dict(replacements or {})
    job["_parentMap"] = dict(parents or {})
    return set_job_status(emu, job, "FAILED" if failed else "SUCCESS")


# -- answers -----------------------------------------------------------------------------------
def list_item(job: Doc) -> Doc:
    return {k: job.get(k) for k in LIST_FIELDS}


def list_jobs(emu: Emulator, caller: Caller, params: Sequence[tuple[str, str]]) -> dict[str, Any]:
    jobs = [
        {**list_item(j), "_requestType": j.get("_requestType"), "_seq": j.get("_seq", 0)}
        for j in emu.store.find("job", org=caller.org_id)
    ]
    return paginate(jobs, params, aliases=JOB_ALIASES, default_order="-created")


def _sandbox(name: str | None, org: str | None) -> Doc | None:
    if name is None:
        return None
    return {"name": name, "imsOrgId": org, "empty": False}


def job_head(job: Doc, *, version: bool = False) -> Doc:
    """The first fields of every job object the pages show (tools.md "Job details",
    packages.md "Migrate object configuration updates"), in their order; `version`: the
    `packageVersion` the versions page's jobs show."""
    return {
        "id": job["id"],
        "name": job["name"],
        "description": job.get("description"),
        "visibility": job.get("visibility"),
        "requestType": job.get("_requestType"),
        "expiry": 0,
        "snapshotId": job.get("_snapshotId"),
        **({"packageVersion": job.get("_packageVersion")} if version else {}),
        "createdTimestamp": job.get("created"),
        "modifiedTimestamp": job.get("updated"),
        "type": job.get("packageType"),
        "jobStatus": job.get("jobStatus"),
        "jobType": job.get("jobType"),
        "counter": 0,
        "imsOrgId": job.get("_imsOrgId"),
    }


def job_sandboxes(job: Doc) -> Doc:
    return {
        "sourceSandbox": _sandbox(job.get("sourceSandBox"), job.get("_sourceOrg")),
        "destinationSandbox": _sandbox(job.get("targetSandbox"), job.get("_destOrg")),
    }


def job_details(emu: Emulator, caller: Caller, job_id: str) -> dict[str, Any]:
    """`GET /tools/job/{JOB_ID}` (tools.md "Job details"): the job of the caller's org."""
    job = get_job(emu, job_id)
    if job is None or job.get("_imsOrgId") != caller.org_id:
        raise not_found(f"job '{job_id}' not found in org {caller.org_id}")
    obj: Doc = {
        **job_head(job),
        "jobHash": _job_hash(job),
        **job_sandboxes(job),
        "completedTasks": list(job.get("_completedTasks") or []),
        "failedTasks": list(job.get("_failedTasks") or []),
        "importReplacementMap": dict(job.get("_replacementMap") or {}),
        "sourceParentArtifactMap": dict(job.get("_parentMap") or {}),
    }
    return {
        "status": "OK",
        "type": "SUCCESS",
        "message": f"Job with ID: {job['id']} found",
        # An EXPORT job has no destination: left out rather than null.
        "object": {k: v for k, v in obj.items() if v is not None or k == "description"},
    }


def _job_hash(job: Doc) -> str:
    # The page shows a base64 digest; what it digests isn't said: the emulator's is its own.
    digest = hashlib.sha256(f"{job['id']}:{job.get('_snapshotId')}".encode()).digest()
    return base64.b64encode(digest).decode()
