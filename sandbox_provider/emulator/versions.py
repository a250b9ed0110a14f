"""Package versions (packages.md "Migrate object configuration updates"; ui-sandbox-tooling.md
"Transfer iterative object configurations updates across sandboxes"): a package's
capabilities, the compare job (what changed since the package's version, in its source or in
a target it was imported into), the save job (a new version from the source) and the
history. The UPDATE import that applies a version to the objects earlier imports made is
`updates.py`.

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
    get_org,
    require_sandbox,
    sandbox_artifacts,
)
from .auth import Caller
from .bodies import opt_str, require_object
from .dates import now_ms
from .errors import bad_request, conflict, forbidden
from .ids import actor, base_id, new_hex_id
from .jobs import (
    begin,
    finish_job,
    get_job,
    job_head,
    job_sandboxes,
    new_job,
    package_ref,
    run_job,
    save_job,
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
from .publish import gone_tasks, snapshot
from .storage import Doc, public

if TYPE_CHECKING:
    from .state import Emulator

VERSIONABLE = "VERSIONABLE"


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


def versionable(emu: Emulator, caller: Caller, package_id: str) -> Doc:
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


def state(art: Doc) -> dict[str, Any]:
    """What a compare diffs of an object: its title and its definition's keys."""
    return {"title": art.get("title"), **definition_of(art)}


def _ref(art: Doc) -> Doc:
    return {"id": art["id"], "type": art["type"], "found": False, "count": 0, "title": art["title"]}


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
            found = changes(state(art), state(now))
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
            found = changes(state(held[tid]), state(manifest[src]))
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
def _version_job(emu: Emulator, caller: Caller, pkg: Doc, job_type: str, target: str | None) -> Doc:
    """A COMPUTE (compare) or UPGRADE (save) job, named as the page's examples name them."""
    source = (pkg.get("sourceSandbox") or {}).get("name")
    job = new_job(
        emu,
        caller.org,
        request_type="VERSION",
        status="IN_PROGRESS" if job_type == "COMPUTE" else "PENDING",
        name="",
        description=None,
        package=pkg,
        target_sandbox=target or source,
    )
    job["jobType"] = job_type
    job["_packageVersion"] = int(pkg.get("_version", 0)) + (1 if job_type == "UPGRADE" else 0)
    if job_type == "COMPUTE":
        job["name"] = f"Compute Job Package: {job['_snapshotId']}"
        job["_compareTarget"] = target
    else:
        job["name"] = f"Version Job Package: {job['id']}"
    return save_job(emu, job)


def _package_gone(emu: Emulator, job: Doc, package_id: str) -> bool:
    """End a version job whose package was deleted meanwhile: FAILED, naming the package."""
    gone = f"package {package_id} was deleted"
    finish_job(
        emu, job, completed=[], failed=[task(package_ref(package_id), "FAILED", gone, failed=True)]
    )
    return True


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
    pkg = versionable(emu, caller, package_id)
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
        job = _version_job(emu, caller, pkg, "COMPUTE", target)
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
        return _package_gone(emu, job, op["packageId"])
    job["_delta"], replacements = _delta(emu, pkg, op.get("target"))
    finish_job(emu, job, completed=[], replacements=replacements)
    return True


def save(emu: Emulator, caller: Caller, package_id: str) -> dict[str, Any]:
    """`PATCH /packages/{id}/version/save`: a job making the next version from the source as
    it is now."""
    pkg = versionable(emu, caller, package_id)
    job = _version_job(emu, caller, pkg, "UPGRADE", None)
    run_job(emu, job, "save", 2)
    return job_object(job)


def step_save(emu: Emulator, op: Doc) -> bool:
    """PENDING → IN_PROGRESS, then the new version: the manifest of the source's objects the
    package's artifacts are, with their dependencies, as they are now."""
    job = begin(emu, op)
    if isinstance(job, bool):
        return job
    pkg = held_package(emu, op["org"], op["packageId"])
    if pkg is None:
        return _package_gone(emu, job, op["packageId"])
    live = source_graph(emu, pkg)
    gone = [a for a in pkg.get("artifactsList", []) if base_id(a["id"]) not in live]
    if gone:
        finish_job(emu, job, completed=[], failed=gone_tasks(pkg, gone))
        return True
    pkg["_manifest"] = snapshot(live, package_roots(emu, pkg, live))
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
