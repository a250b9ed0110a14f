"""Package versions (packages.md "Migrate object configuration updates"; ui-sandbox-tooling.md
"Transfer iterative object configurations updates across sandboxes"): a package's
capabilities, the compare job (what changed since the package's version, in its source or in
a target it was imported into), the save job (a new version from the source), the history,
and the UPDATE import that applies the package's version to the objects earlier imports made.

A published package holds its current version's manifest (`_manifest`, the definitions as
published or last saved), its number (`_version`: 0 at publish) and the saved versions
(`_history`). The page's examples disagree on the methods (prose: POST or GET; curl: POST);
the emulator serves each API format line's method, PATCH (docs/emulator.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .artifacts import (
    FIELD_TYPES,
    closure,
    definition_of,
    get_artifact,
    get_org,
    put_artifact,
    require_sandbox,
    sandbox_artifacts,
)
from .auth import Caller
from .bodies import opt_str, require_object, sandbox_ref
from .dates import now_ms
from .errors import bad_request, conflict, forbidden
from .ids import actor, base_id, new_hex_id
from .jobs import (
    finish_job,
    get_job,
    job_head,
    job_sandboxes,
    new_job,
    run_job,
    save_job,
    set_job_status,
    task,
)
from .packages import (
    held_package,
    package_roots,
    render,
    save_package,
    source_graph,
    visible_package,
)
from .storage import Doc, public

if TYPE_CHECKING:
    from .state import Emulator

VERSIONABLE = "VERSIONABLE"
#: The task statuses of an update: the emulator's words (the tools page shows CREATED only).
UPDATED = "UPDATED"
NO_CHANGE = "NO_CHANGE"


# -- capabilities ------------------------------------------------------------------------------
def capabilities(pkg: Doc) -> list[str]:
    """VERSIONABLE: a published PARTIAL package carrying a schema, field group or data type
    (the types an update can change); the emulator's rule, the page doesn't give one."""
    carried = {a["type"] for a in pkg.get("_manifest") or []}
    published = pkg.get("status") == "PUBLISHED" and pkg.get("packageType") == "PARTIAL"
    return [VERSIONABLE] if published and carried & FIELD_TYPES else []


def get_capabilities(
    emu: Emulator, caller: Caller, package_id: str, params: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    """`PATCH /packages/{id}?getCapabilities=true`: the package, its latest version and what
    it can do (packages.md "Disable update and override for a package")."""
    wanted = [v for k, v in params if k == "getCapabilities"]
    if not wanted or wanted[-1].lower() not in ("true", "false"):
        raise bad_request("'getCapabilities' query parameter is required: true or false")
    pkg = visible_package(emu, caller, package_id)
    out = public(render(emu, pkg))
    out["latestPackageVersion"] = int(pkg.get("_version", 0))
    if wanted[-1].lower() == "true":
        out["packageCapabilities"] = {"capabilities": capabilities(pkg)}
    return out


def _versionable(emu: Emulator, caller: Caller, package_id: str) -> Doc:
    pkg = visible_package(emu, caller, package_id)
    if pkg["_holder"] != caller.org_id:
        raise forbidden(f"package '{pkg['id']}' belongs to org {pkg['imsOrgId']}")
    if VERSIONABLE not in capabilities(pkg):
        raise conflict(
            f"package '{pkg['id']}' is not versionable: only a PUBLISHED PARTIAL package "
            "carrying a schema, field group or data type has versions "
            "(GET its capabilities with ?getCapabilities=true)"
        )
    return pkg


# -- diffs -------------------------------------------------------------------------------------
def _pointer(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def changes(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """JSON-patch operations turning `old` into `new`, with the old and new values as the
    page's example shows them (`op`, `path`, `oldValue`, `newValue`)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[dict[str, Any]] = []
        for key in [*old, *(k for k in new if k not in old)]:
            at = f"{path}/{_pointer(str(key))}"
            if key not in new:
                out.append({"op": "remove", "path": at, "oldValue": old[key]})
            elif key not in old:
                out.append({"op": "add", "path": at, "newValue": new[key]})
            else:
                out.extend(changes(old[key], new[key], at))
        return out
    if old == new:
        return []
    return [{"op": "replace", "path": path or "/", "oldValue": old, "newValue": new}]


def _state(art: Doc) -> dict[str, Any]:
    """What a compare diffs of an object: its title and its definition's keys."""
    return {"title": art.get("title"), **definition_of(art)}


def _ref(art: Doc) -> Doc:
    return {"id": art["id"], "type": art["type"], "found": False, "count": 0, "title": art["title"]}


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


def _mapped_targets(emu: Emulator, org_id: str, package_id: str, target: str) -> dict[str, str]:
    """Source id -> the target object earlier imports of the package into `target` made or
    used (their importReplacementMap, the later import winning)."""
    mapping: dict[str, str] = {}
    jobs = [
        j
        for j in emu.store.find("job", org=org_id, ref=package_id)
        if j.get("_requestType") == "IMPORT"
        and j.get("targetSandbox") == target
        and j.get("jobStatus") == "SUCCESS"
    ]
    for job in sorted(jobs, key=lambda j: int(j.get("created") or 0)):
        mapping.update({base_id(k): v for k, v in (job.get("_replacementMap") or {}).items()})
    return mapping


def _delta(emu: Emulator, pkg: Doc, target: str | None) -> tuple[Doc, dict[str, str]]:
    """The `deltaPackageVersion` of a compare and its replacement map. Against the source
    (`target` None): the package's version -> the source as it is now. Against a target:
    the object each artifact was imported as -> the package's version (what an update
    would change)."""
    manifest = {a["id"]: a for a in pkg.get("_manifest") or []}
    deltas: list[Doc] = []
    vertices: list[Doc] = []
    replacements: dict[str, str] = {}
    if target is None:
        live = source_graph(emu, pkg)
        for aid, art in manifest.items():
            now = live.get(aid)
            if now is None:
                deltas.append(
                    {
                        "sourceArtifact": _ref(art),
                        "targetArtifact": None,
                        "changes": [{"op": "remove", "path": "/"}],
                    }
                )
                continue
            found = changes(_state(art), _state(now))
            if found:
                deltas.append(
                    {"sourceArtifact": _ref(art), "targetArtifact": _ref(now), "changes": found}
                )
        # Objects the package's artifacts depend on now that its version doesn't carry.
        roots = package_roots(emu, pkg, manifest)
        vertices = [_ref(live[a]) for a in closure(live, roots) if a not in manifest]
    else:
        held = sandbox_artifacts(emu, pkg["_holder"], target)
        replacements = {
            src: tid
            for src, tid in _mapped_targets(emu, pkg["_holder"], pkg["id"], target).items()
            if src in manifest and tid in held
        }
        for src, tid in replacements.items():
            found = changes(_state(held[tid]), _state(manifest[src]))
            if found:
                deltas.append(
                    {
                        "sourceArtifact": _ref(manifest[src]),
                        "targetArtifact": _ref(held[tid]),
                        "changes": found,
                    }
                )
    delta = {
        "packageId": pkg["id"],
        "currentVersion": int(pkg.get("_version", 0)),
        "validated": False,
        "rootArtifacts": [
            {"id": a["id"], "type": a["type"], "found": False, "count": 0}
            for a in pkg.get("artifactsList", [])
        ],
        "eximGraphDelta": {"vertices": vertices, "pluginDeltas": deltas},
    }
    return delta, replacements


# -- the jobs ----------------------------------------------------------------------------------
def _version_job(
    emu: Emulator, caller: Caller, pkg: Doc, job_type: str, name: str, target: str | None
) -> Doc:
    source = (pkg.get("sourceSandbox") or {}).get("name")
    job = new_job(
        emu,
        caller.org,
        request_type="VERSION",
        status="IN_PROGRESS" if job_type == "COMPUTE" else "PENDING",
        name=name,
        description=None,
        package=pkg,
        target_sandbox=target or source,
    )
    job["jobType"] = job_type
    job["_packageVersion"] = int(pkg.get("_version", 0)) + (1 if job_type == "UPGRADE" else 0)
    return save_job(emu, job)


def job_object(job: Doc) -> Doc:
    """A version or update job as the page's examples show it; a finished compare with its
    delta and replacement map."""
    obj: Doc = {**job_head(job, version=True), **job_sandboxes(job)}
    if job.get("_delta") is not None:
        obj["deltaPackageVersion"] = job["_delta"]
        obj["importReplacementMap"] = dict(job.get("_replacementMap") or {})
    obj["schemaFieldMappings"] = None
    return obj


def compare(emu: Emulator, caller: Caller, package_id: str, body: Any) -> dict[str, Any]:
    """`PATCH /packages/{id}/version/compare`: the compare job of the package's current
    version against its source (or `targetSandbox`); an earlier one for the same version and
    sandbox is answered again unless `triggerNew`."""
    body = require_object(body) if body is not None else {}
    trigger = body.get("triggerNew", False)
    if not isinstance(trigger, bool):
        raise bad_request("'triggerNew' must be true or false")
    target = opt_str(body, "targetSandbox")
    pkg = _versionable(emu, caller, package_id)
    if target is not None:
        require_sandbox(caller.org, target, "targetSandbox")
    version = int(pkg.get("_version", 0))
    earlier = [
        j
        for j in emu.store.find("job", org=caller.org_id, ref=pkg["id"])
        if j.get("jobType") == "COMPUTE"
        and j.get("_compareTarget") == target
        and j.get("_packageVersion") == version
    ]
    if earlier and not trigger:
        job = max(earlier, key=lambda j: int(j.get("created") or 0))
    else:
        job = _version_job(emu, caller, pkg, "COMPUTE", "", target)
        job["name"] = f"Compute Job Package: {job['_snapshotId']}"
        job["_compareTarget"] = target
        save_job(emu, job)
        run_job(emu, job, "compare", 1, target=target)
    return {
        "status": "OK",
        "type": "SUCCESS",
        "ajo": False,
        "message": f"Job with ID: {job['id']}",
        "object": job_object(job),
    }


def step_compare(emu: Emulator, op: Doc) -> bool:
    job = get_job(emu, op["jobId"])
    pkg = held_package(emu, op["org"], op["packageId"])
    if job is None:
        return True
    if pkg is None:
        finish_job(
            emu,
            job,
            completed=[],
            failed=[
                task(
                    {"id": op["packageId"], "type": "PACKAGE", "title": None},
                    "FAILED",
                    "the package no longer exists",
                    failed=True,
                )
            ],
        )
        return True
    job["_delta"], replacements = _delta(emu, pkg, op.get("target"))
    finish_job(emu, job, completed=[], replacements=replacements)
    return True


def save(emu: Emulator, caller: Caller, package_id: str) -> dict[str, Any]:
    """`PATCH /packages/{id}/version/save`: a job making the next version from the source as
    it is now."""
    pkg = _versionable(emu, caller, package_id)
    job = _version_job(emu, caller, pkg, "UPGRADE", "", None)
    job["name"] = f"Version Job Package: {job['id']}"
    save_job(emu, job)
    run_job(emu, job, "save", 2)
    return job_object(job)


def step_save(emu: Emulator, op: Doc) -> bool:
    """PENDING → IN_PROGRESS, then the new version: the manifest of the source's objects the
    package's artifacts are, with their dependencies, as they are now."""
    job = get_job(emu, op["jobId"])
    pkg = held_package(emu, op["org"], op["packageId"])
    if job is None:
        return True
    if job["jobStatus"] == "PENDING":
        set_job_status(emu, job, "IN_PROGRESS")
        return False
    if pkg is None:
        finish_job(emu, job, completed=[])
        return True
    live = source_graph(emu, pkg)
    roots = package_roots(emu, pkg, live)
    gone = [a for a in pkg.get("artifactsList", []) if base_id(a["id"]) not in live]
    if gone:
        source = (pkg.get("sourceSandbox") or {}).get("name")
        failed = [
            task(
                a,
                "FAILED",
                f"{a['type']} id={a['id']} no longer exists in source sandbox '{source}'",
                failed=True,
            )
            for a in gone
        ]
        finish_job(emu, job, completed=[], failed=failed)
        return True
    pkg["_manifest"] = [
        {
            "id": aid,
            "type": live[aid]["type"],
            "title": live[aid]["title"],
            "dependsOn": [base_id(d) for d in live[aid].get("dependsOn", [])],
            "definition": definition_of(live[aid]),
        }
        for aid in closure(live, roots)
    ]
    now = now_ms()
    pkg["_version"] = int(job["_packageVersion"])
    org = get_org(emu, op["org"]) or {"name": op["org"]}
    who = actor(org)
    entry = {
        "id": new_hex_id(),
        "version": 0,
        "createdDate": now,
        "modifiedDate": now,
        "createdBy": who,
        "modifiedBy": who,
        "imsOrgId": op["org"],
        "packageVersion": pkg["_version"],
    }
    pkg["_history"] = [entry, *(pkg.get("_history") or [])]
    save_package(emu, pkg)
    finish_job(emu, job, completed=[])
    return True


def history(emu: Emulator, caller: Caller, package_id: str) -> list[dict[str, Any]]:
    """`PATCH /packages/{id}/history`: the saved versions, newest first (none before the
    first save, as the page's example lists 3, 2, 1)."""
    pkg = visible_package(emu, caller, package_id)
    return [dict(e) for e in pkg.get("_history") or []]


# -- the update import -------------------------------------------------------------------------
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
    pkg = _versionable(emu, caller, package_id)
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
    job = get_job(emu, op["jobId"])
    if job is None:
        return True
    if job["jobStatus"] == "PENDING":
        set_job_status(emu, job, "IN_PROGRESS")
        return False
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
        before = _state(obj)
        obj["title"] = art["title"]
        obj["definition"] = definition_of(art)
        status = UPDATED if changes(before, _state(obj)) else NO_CHANGE
        put_artifact(emu, op["org"], target, obj)
        message = f"{art['type']} '{obj['id']}' {'updated' if status == UPDATED else 'unchanged'}"
        completed.append(task(art, status, message, new_id=obj["id"]))
    finish_job(emu, job, completed=completed, replacements={a["id"]: o["id"] for a, o in planned})
    return True
