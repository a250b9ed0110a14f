"""Publishing a package: `GET /packages/{id}/export` and the `publish` stepper that
snapshots the manifest (the definitions imports and transfers carry)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .artifacts import closure, definition_of
from .auth import Caller
from .constants import DAY_MS, DEFAULT_EXPIRY_DAYS
from .dates import now_ms
from .errors import bad_request, conflict
from .ids import base_id
from .jobs import finish_job, get_job, new_job, package_ref, run_job, started_answer, task
from .packages import (
    PUBLISHABLE,
    held_package,
    owned_package,
    package_roots,
    save_package,
    source_graph,
    touch,
)
from .storage import Doc

if TYPE_CHECKING:
    from .state import Emulator

# 100 years: a larger period would give an expiry no date type (or double) can hold.
MAX_EXPIRY_PERIOD_DAYS = 36_500


def publish(
    emu: Emulator, caller: Caller, package_id: str, params: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    period_values = [v for k, v in params if k == "expiryPeriod"]
    period = DEFAULT_EXPIRY_DAYS
    if period_values and period_values[-1] != "":
        try:
            period = int(period_values[-1])
        except ValueError:
            raise bad_request(
                f"'expiryPeriod' must be a whole number of days, got '{period_values[-1]}'"
            ) from None
        if not 0 <= period <= MAX_EXPIRY_PERIOD_DAYS:
            raise bad_request(
                f"'expiryPeriod' must be between 0 and {MAX_EXPIRY_PERIOD_DAYS} days, got {period}"
            )
    pkg = owned_package(emu, caller, package_id, "publish it")
    if pkg["status"] not in PUBLISHABLE:
        raise conflict(
            f"package '{pkg['id']}' is {pkg['status']}; only DRAFT or "
            "PUBLISH_FAILED packages can be published"
        )
    pkg["status"] = "PUBLISH_IN_PROGRESS"
    pkg.pop("failureReason", None)  # written by earlier versions of the emulator
    pkg.pop("_failureReason", None)
    touch(caller, pkg)
    save_package(emu, pkg)
    job = new_job(
        emu,
        caller.org,
        request_type="EXPORT",
        status="IN_PROGRESS",
        name=pkg["name"],
        description=pkg.get("description"),
        package=pkg,
        target_sandbox=None,
    )
    run_job(emu, job, "publish", 1, expiryPeriod=period)
    return started_answer(job, pkg)


def snapshot(graph: dict[str, Doc], roots: list[str]) -> list[Doc]:
    """A package's manifest: its artifacts (`roots`) and their dependencies as `graph` holds
    them now, definitions included (what imports, transfers and versions carry)."""
    return [
        {
            "id": aid,
            "type": graph[aid]["type"],
            "title": graph[aid]["title"],
            "dependsOn": [base_id(d) for d in graph[aid].get("dependsOn", [])],
            "definition": definition_of(graph[aid]),
        }
        for aid in closure(graph, roots)
    ]


def gone_tasks(pkg: Doc, missing: list[Doc]) -> list[Doc]:
    """The failed tasks of a snapshot whose artifacts (`missing`) left the source sandbox."""
    source = (pkg.get("sourceSandbox") or {}).get("name")
    return [
        task(
            a,
            "FAILED",
            f"{a['type']} id={a['id']} no longer exists in source sandbox '{source}'",
            failed=True,
        )
        for a in missing
    ]


def finish_publish(emu: Emulator, op: Doc) -> bool:
    """The `publish` stepper: the package is PUBLISHED (or PUBLISH_FAILED) in one step."""
    job = get_job(emu, op["jobId"])
    pkg = held_package(emu, op["org"], op["packageId"])
    if pkg is None:
        if job:
            gone = f"package {op['packageId']} was deleted"
            failed = [task(package_ref(op["packageId"]), "FAILED", gone, failed=True)]
            finish_job(emu, job, completed=[], failed=failed)
        return True
    graph = source_graph(emu, pkg)
    missing = [a for a in pkg.get("artifactsList", []) if base_id(a["id"]) not in graph]
    now = now_ms()
    pkg["version"] = int(pkg.get("version", 0)) + 1
    pkg["modifiedDate"] = now
    if missing:
        names = ", ".join(f"{a['id']} ({a['type']})" for a in missing)
        reason = (
            f"artifact(s) no longer exist in source sandbox "
            f"'{(pkg.get('sourceSandbox') or {}).get('name')}': {names}"
        )
        pkg["status"] = "PUBLISH_FAILED"
        # No page shows a reason on the package: the EXPORT job's failed tasks carry it.
        pkg["_failureReason"] = reason
        save_package(emu, pkg)
        if job:
            finish_job(emu, job, completed=[], failed=gone_tasks(pkg, missing))
        return True
    pkg["_manifest"] = snapshot(graph, package_roots(emu, pkg, graph))
    pkg["status"] = "PUBLISHED"
    pkg["publishDate"] = now
    pkg["expiry"] = now + int(op["expiryPeriod"]) * DAY_MS
    save_package(emu, pkg)
    if job:
        finish_job(emu, job, completed=[])
    return True
