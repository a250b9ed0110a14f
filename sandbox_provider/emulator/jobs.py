"""Export/import job records and `GET /packages/jobs`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .auth import Caller
from .dates import now_ms
from .ids import actor, new_hex_id, new_uuid
from .listing import paginate
from .storage import Doc

if TYPE_CHECKING:
    from .state import Emulator

JOB_ALIASES = {
    "createdDate": "created",
    "modifiedDate": "updated",
    "status": "jobStatus",
    "sourceSandbox": "sourceSandBox",
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
) -> Doc:
    now = now_ms()
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
        "sourceSandBox": (package.get("sourceSandbox") or {}).get("name"),
        "targetSandbox": target_sandbox,
        "createdBy": actor(org),
        "packageId": package["id"],
        "requestType": request_type,
        "correlationId": new_uuid(),
        "imsOrgId": org["imsOrgId"],
    }
    return save_job(emu, job)


def save_job(emu: Emulator, job: Doc) -> Doc:
    return emu.store.put("job", job["id"], job, org=job["imsOrgId"], ref=job["packageId"])


def get_job(emu: Emulator, job_id: str) -> Doc | None:
    return emu.store.get("job", job_id)


def set_job_status(
    emu: Emulator, job: Doc, status: str, reason: str | None = None, **extra: Any
) -> Doc:
    job["jobStatus"] = status
    job["updated"] = now_ms()
    if reason is not None:
        job["failureReason"] = reason
    job.update(extra)
    return save_job(emu, job)


def list_jobs(emu: Emulator, caller: Caller, params: Sequence[tuple[str, str]]) -> dict[str, Any]:
    jobs = emu.store.find("job", org=caller.org_id)
    return paginate(jobs, params, aliases=JOB_ALIASES, default_order="-created")
