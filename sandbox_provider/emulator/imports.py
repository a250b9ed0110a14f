"""Conflicts, children, preflight, import submission and the import job itself.

An import works from what the package carries (its publish-time manifest): for each of the
package's artifacts and their dependencies, an `alternatives` entry maps it to an existing
target artifact (its own dependencies are then not needed); otherwise the rules of its type
(`rules.py`) decide whether an object already in the target is used or a new one is created
under a new id, with its dependencies rewired to the mapped ids. The job records one task
per artifact (`GET /tools/job/{id}`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import rules, timing
from .artifacts import (
    closure,
    get_org,
    new_artifact,
    put_artifact,
    require_sandbox,
    sandbox_artifacts,
)
from .auth import Caller
from .bodies import artifact_refs, opt_str, req_str, require_object, sandbox_ref
from .dates import now_ms
from .errors import bad_request, conflict, forbidden
from .ids import base_id, new_hex_id
from .jobs import finish_job, get_job, new_job, package_ref, set_job_status, task
from .packages import (
    content_graph,
    held_package,
    is_expired,
    package_roots,
    visible_package,
)
from .permissions import missing_permissions, required_permissions
from .storage import Doc

if TYPE_CHECKING:
    from .state import Emulator

_WORD = re.compile(r"[a-z0-9]+")


def _words(title: str) -> set[str]:
    return set(_WORD.findall(title.lower()))


def _target_sandbox(caller: Caller, params: Sequence[tuple[str, str]]) -> str:
    values = [v for k, v in params if k == "targetSandbox" and v]
    if values:
        return values[-1]
    if caller.sandbox:
        return caller.sandbox
    raise bad_request("'targetSandbox' query parameter is required (or send x-sandbox-name)")


# -- conflicts -----------------------------------------------------------------------------
def conflicts(
    emu: Emulator, caller: Caller, package_id: str, params: Sequence[tuple[str, str]]
) -> list[dict[str, Any]]:
    pkg = visible_package(emu, caller, package_id)
    target = require_sandbox(caller.org, _target_sandbox(caller, params), "targetSandbox")
    graph = content_graph(emu, pkg)
    target_graph = sandbox_artifacts(emu, caller.org_id, target)
    out: list[dict[str, Any]] = []
    for aid in closure(graph, package_roots(emu, pkg, graph)):
        art = graph[aid]
        words = _words(art["title"])
        ranked: list[tuple[int, float, int, Doc]] = []
        for pos, cand in enumerate(target_graph.values()):
            if cand["type"] != art["type"]:
                continue
            exact = cand["title"].strip().lower() == art["title"].strip().lower()
            theirs = _words(cand["title"])
            shared = words & theirs
            if not exact and not shared:
                continue
            similarity = len(shared) / max(1, len(words | theirs))
            ranked.append((0 if exact else 1, -similarity, pos, cand))
        if not ranked:
            continue
        ranked.sort(key=lambda r: r[:3])
        out.append(
            {
                "artifact": {
                    "id": aid,
                    "type": art["type"],
                    "found": False,
                    "count": 0,
                    "messages": [
                        {"status": "FOUND", "attempt": 1, "message": f"Found object with ID: {aid}"}
                    ],
                },
                "suggestionList": [
                    {
                        "id": c["id"],
                        "type": c["type"],
                        "found": False,
                        "count": 0,
                        "title": c["title"],
                    }
                    for _, _, _, c in ranked
                ],
                "parentID": f"{caller.org_id}::{target}::{art['type']}::{aid}",
            }
        )
    return out


# -- children ------------------------------------------------------------------------------
def children(emu: Emulator, caller: Caller, package_id: str, body: Any) -> list[dict[str, Any]]:
    pkg = visible_package(emu, caller, package_id)
    graph = content_graph(emu, pkg)
    refs: list[dict[str, Any]]
    if body is None or body == []:
        if pkg.get("packageType") == "FULL":
            roots = package_roots(emu, pkg, graph)
            refs = [{"id": aid, "type": graph[aid]["type"]} for aid in roots]
        else:
            refs = [{"id": a["id"], "type": a["type"]} for a in pkg.get("artifactsList", [])]
    else:
        refs = artifact_refs(body, "body")
    out = []
    for ref in refs:
        node = graph.get(base_id(ref["id"]))
        kids = []
        if node:
            for dep in node.get("dependsOn", []):
                child = graph.get(base_id(dep))
                # A dependency that doesn't exist is no child (the graph ignores it, as
                # found/count do); listing it gave a child with type null.
                if child is None:
                    continue
                kids.append({"id": dep, "title": child["title"], "type": child["type"]})
        out.append(
            {
                "id": ref["id"],
                "title": node["title"] if node else ref["id"],
                "type": node["type"] if node else ref["type"],
                "children": kids,
            }
        )
    return out


# -- preflight -----------------------------------------------------------------------------
def _resources(perms: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "resources": [
            {"palmResourceType": k, "resourcePermissions": list(v)} for k, v in perms.items()
        ]
    }


def preflight(
    emu: Emulator, caller: Caller, package_id: str, params: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    pkg = visible_package(emu, caller, package_id)
    target = require_sandbox(caller.org, _target_sandbox(caller, params), "targetSandbox")
    graph = content_graph(emu, pkg)
    granted = caller.org.get("permissions") or {}
    if pkg.get("packageType") == "FULL":
        # What a whole-sandbox package carries: its source's objects but journeys and the
        # other types a FULL package leaves out (rules.NOT_IN_FULL), draft or published.
        entries = [(aid, graph[aid]["type"]) for aid in package_roots(emu, pkg, graph)]
    else:
        entries = [(a["id"], a["type"]) for a in pkg.get("artifactsList", [])]
    response = []
    for aid, type_ in entries:
        missing = missing_permissions(type_, granted)
        response.append(
            {
                "artifactID": aid,
                "requiredPermissions": _resources(required_permissions(type_)),
                "missingPermissions": _resources(missing),
                "artifactType": type_,
                "creationAllowed": not missing,
            }
        )
    return {"packageID": pkg["id"], "targetSandboxName": target, "permissionResponse": response}


# -- submit --------------------------------------------------------------------------------
def _alternatives(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad_request(
            "'alternatives' must be an object mapping a source artifact id to "
            '{"id", "type"} of an existing target artifact'
        )
    out: dict[str, str] = {}
    for src, alt in value.items():
        if isinstance(alt, str) and alt:
            out[base_id(src)] = alt
            continue
        if not isinstance(alt, dict):
            raise bad_request(f'\'alternatives.{src}\' must be an object {{"id", "type"}}')
        out[base_id(src)] = req_str(alt, "id", f"alternatives.{src}.")
    return out


def submit(
    emu: Emulator,
    caller: Caller,
    body: Any,
    package_id: str | None = None,
    params: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """Both submit forms: `POST /packages/import` and `POST /packages/{id}/import`."""
    body = require_object(body) if body is not None else {}
    if package_id is None:
        package_id = req_str(body, "id")
    name = opt_str(body, "name")
    description = opt_str(body, "description")
    alternatives = _alternatives(body.get("alternatives"))
    target: str | None = None
    dest_org = caller.org_id
    if body.get("destinationSandbox") is not None:
        ref = sandbox_ref(body["destinationSandbox"], "destinationSandbox")
        target = ref["name"]
        dest_org = ref["imsOrgId"] or caller.org_id
    query_target = [v for k, v in params if k == "targetSandbox" and v]
    if query_target:
        target = query_target[-1]
    if target is None:
        target = caller.sandbox
    if target is None:
        raise bad_request(
            "the target sandbox is required: 'destinationSandbox' in the body, "
            "the targetSandbox query parameter, or x-sandbox-name"
        )
    pkg = visible_package(emu, caller, package_id)
    if pkg["_holder"] != caller.org_id:
        raise forbidden(
            f"package '{pkg['id']}' belongs to org {pkg['imsOrgId']}; pull it "
            "(POST /transfer/pullRequest) before importing it"
        )
    if pkg["status"] != "PUBLISHED":
        raise conflict(
            f"package '{pkg['id']}' is {pkg['status']}; only PUBLISHED packages "
            "can be imported (publish it with GET /packages/{id}/export)"
        )
    job = new_job(
        emu,
        caller.org,
        request_type="IMPORT",
        status="PENDING",
        name=name or pkg["name"],
        description=description if description is not None else pkg.get("description"),
        package=pkg,
        target_sandbox=target,
        dest_org=dest_org,
    )
    timing.new_op(
        emu,
        "import",
        2,
        org=caller.org_id,
        packageId=pkg["id"],
        jobId=job["id"],
        target=target,
        destOrg=dest_org,
        alternatives=alternatives,
    )
    return {
        "name": job["name"],
        "description": job["description"],
        "visibility": "TENANT",
        "sourceSandbox": pkg.get("sourceSandbox"),
        "destinationSandbox": {"name": target, "imsOrgId": dest_org},
        "type": pkg["packageType"],
        "correlationId": job["_correlationId"],
        "jobId": job["id"],
    }


def _new_target_id(source_id: str) -> str:
    if "/" in source_id:
        return source_id.rstrip("/").rsplit("/", 1)[0] + "/" + new_hex_id()
    return new_hex_id()


class ImportFailed(Exception):
    """The job fails: `tasks` are its failed tasks (one per artifact concerned)."""

    def __init__(self, tasks: list[Doc]) -> None:
        super().__init__("import failed")
        self.tasks = tasks


def _fail_all(artifacts: list[Doc], reason: str) -> ImportFailed:
    return ImportFailed([task(a, rules.FAILED, reason, failed=True) for a in artifacts])


def _plan(
    graph: dict[str, Doc],
    order: list[str],
    alternatives: dict[str, str],
    target_graph: dict[str, Doc],
) -> dict[str, tuple[str | None, str]]:
    """{source id: (target id, outcome)} per the type rules; outcome is a task status."""
    by_title: dict[str, list[Doc]] = {}
    for cand in target_graph.values():
        by_title.setdefault(cand["type"], []).append(cand)
    plan: dict[str, tuple[str | None, str]] = {}
    failed: list[Doc] = []
    for aid in order:
        art = graph[aid]
        type_ = art["type"]
        same_type = by_title.get(type_, [])
        titled = [c for c in same_type if rules.same_title(c["title"], art["title"])]
        if aid in alternatives:
            plan[aid] = (alternatives[aid], rules.REUSED)
        elif type_ in rules.ALWAYS_NEW:
            plan[aid] = (_new_target_id(aid), rules.CREATED)
        elif aid in target_graph:
            plan[aid] = (aid, rules.EXISTS)
        elif type_ in rules.REUSE_ONLY:
            chosen = titled[0] if titled else (same_type[0] if same_type else None)
            if chosen is None:
                failed.append(
                    task(
                        art,
                        rules.FAILED,
                        f"{type_} is never created by an import and the target sandbox has "
                        f"none to use instead: create one there (or map {aid} in alternatives)",
                        failed=True,
                    )
                )
                continue
            plan[aid] = (chosen["id"], rules.REUSED)
        elif type_ in rules.REUSE_BY_TITLE and titled:
            plan[aid] = (titled[0]["id"], rules.REUSED)
        elif type_ in rules.REUSE_OR_SKIP:
            plan[aid] = (titled[0]["id"], rules.REUSED) if titled else (None, rules.SKIPPED)
        else:
            plan[aid] = (_new_target_id(aid), rules.CREATED)
    if failed:
        raise ImportFailed(failed)
    return plan


def _message(art: Doc, target: str | None, outcome: str) -> str:
    # Worded as the import report of the earlier tools page shows each status.
    if outcome == rules.CREATED:
        return f"{art['type']} created. Source id={art['id']}; Target id={target}"
    if outcome == rules.REUSED:
        return f"{art['type']} was not created anew. Reused object id={target}"
    if outcome == rules.EXISTS:
        return f"Object {art['type']}, id={art['id']} already exists and was not re-created"
    return (
        f"{art['type']} was skipped: no identical object exists in the target sandbox; "
        "set it up there by hand"
    )


def _new_title(art: Doc, target_graph: dict[str, Doc], stamp: int) -> str:
    """The created copy's title: the source's, or `<title>_<epoch ms>` when the target already
    holds an object of that type and title (the copies the pages' conflict examples show)."""
    taken = any(
        c["type"] == art["type"] and rules.same_title(c["title"], art["title"])
        for c in target_graph.values()
    )
    return f"{art['title']}_{stamp}" if taken else art["title"]


def _run_import(emu: Emulator, op: Doc) -> tuple[list[Doc], dict[str, str], dict[str, str]]:
    """Apply the import: (completed tasks, {source id: target id}, source parent map).
    Raises ImportFailed (nothing created) when it can't be done."""
    org = get_org(emu, op["org"])
    pkg = held_package(emu, op["org"], op["packageId"])
    if org is None or pkg is None:
        gone = f"package {op['packageId']} no longer exists"
        raise _fail_all([package_ref(op["packageId"])], gone)
    graph = content_graph(emu, pkg)
    # A job-level failure names each root artifact; a package with none names the package
    # (else the job would end with no failed task, hence SUCCESS).
    roots = [graph[r] for r in package_roots(emu, pkg, graph) if r in graph] or [
        package_ref(pkg["id"], pkg.get("name"))
    ]
    if is_expired(pkg):
        raise _fail_all(
            roots,
            f"package {pkg['id']} has expired (expiry {pkg.get('expiry')}); publish a new one",
        )
    target = op["target"]
    if op.get("destOrg") and op["destOrg"] != org["imsOrgId"]:
        raise _fail_all(
            roots,
            f"destination org {op['destOrg']} is not the caller's org "
            f"{org['imsOrgId']}; import into your own sandboxes",
        )
    if target not in org["sandboxes"]:
        raise _fail_all(
            roots,
            f"target sandbox '{target}' does not exist in org {org['imsOrgId']} "
            f"(sandboxes: {org['sandboxes']})",
        )
    alternatives: dict[str, str] = op.get("alternatives") or {}
    target_graph = sandbox_artifacts(emu, org["imsOrgId"], target)
    missing_alts = [
        task(
            graph.get(src) or {"id": src, "type": "UNKNOWN", "title": None},
            rules.FAILED,
            f"alternative '{alt}' for artifact '{src}' does not exist in target sandbox '{target}'",
            failed=True,
        )
        for src, alt in alternatives.items()
        if alt not in target_graph
    ]
    if missing_alts:
        raise ImportFailed(missing_alts)
    order = closure(graph, package_roots(emu, pkg, graph), stop=alternatives)
    plan = _plan(graph, order, alternatives, target_graph)
    granted = org.get("permissions") or {}
    lacking = []
    for aid in order:
        if plan[aid][1] == rules.CREATED:
            missing = missing_permissions(graph[aid]["type"], granted)
            if missing:
                lacks = "; ".join(f"{res}: {', '.join(p)}" for res, p in missing.items())
                lacking.append(
                    task(
                        graph[aid],
                        rules.FAILED,
                        f"missing permissions to create {graph[aid]['type']} '{aid}' in "
                        f"sandbox '{target}': {lacks}",
                        failed=True,
                    )
                )
    if lacking:
        raise ImportFailed(lacking)
    mapping = {aid: tid for aid, (tid, _) in plan.items() if tid is not None}
    stamp = now_ms()
    completed = []
    parents: dict[str, str] = {}
    source = (pkg.get("sourceSandbox") or {}).get("name")
    for aid in order:
        tid, outcome = plan[aid]
        art = graph[aid]
        completed.append(task(art, outcome, _message(art, tid, outcome), new_id=tid))
        parents[aid] = f"{pkg['imsOrgId']}::{source}::{art['type']}::{aid}"
        if outcome != rules.CREATED or tid is None:
            continue
        deps = [mapping.get(base_id(d), base_id(d)) for d in art.get("dependsOn", [])]
        doc = new_artifact(tid, art["type"], _new_title(art, target_graph, stamp), deps)
        doc.update(rules.LANDS.get(art["type"], {}))
        put_artifact(emu, org["imsOrgId"], target, doc)
    return completed, mapping, parents


def step_import(emu: Emulator, op: Doc) -> bool:
    """The `import` stepper: PENDING → IN_PROGRESS, then the import runs and ends the job."""
    job = get_job(emu, op["jobId"])
    if job is None:
        return True
    if job["jobStatus"] == "PENDING":
        set_job_status(emu, job, "IN_PROGRESS")
        return False
    try:
        completed, mapping, parents = _run_import(emu, op)
    except ImportFailed as exc:
        finish_job(emu, job, completed=[], failed=exc.tasks)
    else:
        finish_job(emu, job, completed=completed, replacements=mapping, parents=parents)
    return True
