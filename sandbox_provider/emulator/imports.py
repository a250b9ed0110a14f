"""Conflicts, children, preflight and import submission; the job itself is `import_job`.

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

from .artifacts import closure, require_sandbox, sandbox_artifacts
from .auth import Caller
from .bodies import artifact_refs, opt_str, req_str, require_object, sandbox_ref
from .errors import bad_request, conflict, forbidden
from .ids import base_id
from .import_job import ImportFailed, step_import
from .jobs import new_job, run_job, started_answer
from .packages import content_graph, package_roots, visible_package
from .permissions import missing_permissions, required_permissions
from .storage import Doc

if TYPE_CHECKING:
    from .state import Emulator

# The stepper and its failure, still importable from here.
__all__ = ["ImportFailed", "children", "conflicts", "preflight", "step_import", "submit"]

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
    run_job(emu, job, "import", 2, target=target, destOrg=dest_org, alternatives=alternatives)
    return started_answer(job, pkg, destination={"name": target, "imsOrgId": dest_org})
