"""Packages: create, PUT (ADD / DELETE / UPDATE), look up, list, delete (publishing: publish.py).

A package is stored once per org that holds it: the owner's record, and a copy for every
org it was transferred to (same id, `_holder` set to that org). A published package keeps a
`_manifest`: the definitions of its artifacts and their dependencies at publish time, which
is what imports and transfers carry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .artifacts import found_count, get_org, require_sandbox, sandbox_artifacts
from .auth import Caller
from .bodies import (
    artifact_refs,
    enum_value,
    opt_str,
    req_str,
    require_object,
    sandbox_ref,
)
from .constants import DAY_MS, DEFAULT_EXPIRY_DAYS, PACKAGE_TYPES, PUT_ACTIONS, VISIBILITIES
from .dates import now_ms, parse_date_ms
from .errors import bad_request, conflict, forbidden, not_found
from .ids import actor, base_id, new_hex_id, new_record, tenant_id
from .listing import paginate
from .rules import NOT_IN_FULL
from .storage import Doc, public

if TYPE_CHECKING:
    from .state import Emulator

EDITABLE = ("DRAFT",)
PUBLISHABLE = ("DRAFT", "PUBLISH_FAILED")


# -- lookup --------------------------------------------------------------------------------
def _key(holder: str, package_id: str) -> str:
    return f"{holder}:{package_id}"


def save_package(emu: Emulator, pkg: Doc) -> Doc:
    holder = pkg["_holder"]
    return emu.store.put("package", _key(holder, pkg["id"]), pkg, org=holder, ref=pkg["id"])


def held_package(emu: Emulator, org_id: str, package_id: str) -> Doc | None:
    """The package as held by `org_id` (its own, or a copy transferred to it)."""
    return emu.store.get("package", _key(org_id, base_id(package_id)))


def owner_record(emu: Emulator, package_id: str) -> Doc | None:
    """The owner's record of a package, whoever asks."""
    for doc in emu.store.find("package", ref=base_id(package_id)):
        if doc["_holder"] == doc["imsOrgId"]:
            return doc
    return None


def visible_package(emu: Emulator, caller: Caller, package_id: str) -> Doc:
    """A package the caller may read: held by it, or public. 404 otherwise (never leaks)."""
    pkg = held_package(emu, caller.org_id, package_id)
    if pkg:
        return pkg
    owner = owner_record(emu, package_id)
    if owner and owner.get("packageVisibility") == "PUBLIC":
        return owner
    raise not_found(f"package '{package_id}' not found in org {caller.org_id}")


def owned_package(emu: Emulator, caller: Caller, package_id: str, what: str) -> Doc:
    """A package the caller owns; 403 for a copy or someone else's public package."""
    pkg = visible_package(emu, caller, package_id)
    if pkg["imsOrgId"] != caller.org_id:
        raise forbidden(
            f"package '{pkg['id']}' belongs to org {pkg['imsOrgId']}; only its owner may {what}"
        )
    return pkg


def is_expired(pkg: Doc) -> bool:
    expiry = pkg.get("expiry")
    return expiry is not None and int(expiry) <= now_ms()


# -- rendering -----------------------------------------------------------------------------
def source_graph(emu: Emulator, pkg: Doc) -> dict[str, Doc]:
    """The artifact graph of the package's source sandbox (manifest when it is gone)."""
    src = pkg.get("sourceSandbox") or {}
    org = get_org(emu, src.get("imsOrgId") or pkg["imsOrgId"])
    if org and src.get("name") in org["sandboxes"]:
        return sandbox_artifacts(emu, org["imsOrgId"], src["name"])
    return manifest_graph(pkg)


def manifest_graph(pkg: Doc) -> dict[str, Doc]:
    return {a["id"]: a for a in pkg.get("_manifest") or []}


def content_graph(emu: Emulator, pkg: Doc) -> dict[str, Doc]:
    """What the package carries: its manifest once published, else the live source."""
    if pkg.get("_manifest") is not None:
        return manifest_graph(pkg)
    return source_graph(emu, pkg)


def package_roots(emu: Emulator, pkg: Doc, graph: dict[str, Doc] | None = None) -> list[str]:
    """Base ids of the package's artifacts (for FULL: every artifact of the source a
    whole-sandbox package carries, `rules.NOT_IN_FULL` aside)."""
    if pkg.get("packageType") == "FULL":
        graph = graph if graph is not None else content_graph(emu, pkg)
        return [aid for aid, art in graph.items() if art["type"] not in NOT_IN_FULL]
    return list(dict.fromkeys(base_id(a["id"]) for a in pkg.get("artifactsList", [])))


#: Fields only the create answer shows (packages.md "Create a package"): not stored, so no
#: other answer carries them (a package stored by an earlier emulator may still hold them).
CREATE_ONLY = ("requestId", "userId")


def render(emu: Emulator, pkg: Doc, graph: dict[str, Doc] | None = None) -> Doc:
    """The package as the API answers it (internal fields kept for listing, then stripped)."""
    graph = graph if graph is not None else source_graph(emu, pkg)
    out = {k: v for k, v in pkg.items() if k not in CREATE_ONLY}
    entries = []
    for art in pkg.get("artifactsList", []):
        found, count = found_count(graph, art["id"])
        entry: dict[str, Any] = {
            "id": art["id"],
            "type": art["type"],
            "found": found,
            "count": count,
        }
        title = art.get("title") or (graph[base_id(art["id"])]["title"] if found else None)
        if title is not None:
            entry["title"] = title
        entries.append(entry)
    out["artifactsList"] = entries
    return out


def answer(emu: Emulator, pkg: Doc) -> dict[str, Any]:
    return public(render(emu, pkg))


def created_answer(emu: Emulator, pkg: Doc) -> dict[str, Any]:
    """The answer of a create: the package, with the request's `requestId` and `userId`
    after `tenantId`, as packages.md "Create a package" shows (no other answer has them)."""
    out: dict[str, Any] = {}
    for key, value in answer(emu, pkg).items():
        out[key] = value
        if key == "tenantId":
            out["requestId"] = "emu" + new_hex_id()
            out["userId"] = "platform_exim"
    return out


# -- create / update / delete --------------------------------------------------------------
def _expiry_from(body: dict[str, Any], default_from: int) -> int:
    if body.get("expiry") is None:
        return default_from + DEFAULT_EXPIRY_DAYS * DAY_MS
    expiry = parse_date_ms(body["expiry"], "expiry")
    if expiry <= now_ms():
        raise bad_request(f"'expiry' must be in the future, got {body['expiry']!r}")
    return expiry


def _name_taken(emu: Emulator, org_id: str, name: str, except_id: str | None = None) -> bool:
    for doc in emu.store.find("package", org=org_id):
        if doc["imsOrgId"] == org_id and doc["name"] == name and doc["id"] != except_id:
            return True
    return False


def _source_sandbox(caller: Caller, body: dict[str, Any], required: bool) -> dict[str, Any] | None:
    if body.get("sourceSandbox") is None:
        if caller.sandbox:
            return {"name": caller.sandbox, "imsOrgId": caller.org_id}
        if required:
            raise bad_request("'sourceSandbox' is required (or send the x-sandbox-name header)")
        return None
    ref = sandbox_ref(body["sourceSandbox"], "sourceSandbox")
    if ref["imsOrgId"] and ref["imsOrgId"] != caller.org_id:
        raise bad_request(
            f"'sourceSandbox.imsOrgId' must be the caller's org {caller.org_id}, "
            f"got {ref['imsOrgId']}"
        )
    require_sandbox(caller.org, ref["name"], "sourceSandbox")
    return {"name": ref["name"], "imsOrgId": caller.org_id}


def _dedupe(existing: list[Doc], new: list[Doc]) -> list[Doc]:
    seen = {(a["id"], a["type"]) for a in existing}
    out = list(existing)
    for art in new:
        if (art["id"], art["type"]) not in seen:
            seen.add((art["id"], art["type"]))
            out.append(art)
    return out


def create(emu: Emulator, caller: Caller, body: Any) -> Doc:
    body = require_object(body)
    name = req_str(body, "name")
    description = opt_str(body, "description")
    if body.get("packageType") is None:
        raise bad_request("'packageType' is required: PARTIAL or FULL")
    package_type = enum_value(body["packageType"], "packageType", PACKAGE_TYPES)
    source = _source_sandbox(caller, body, required=True)
    artifacts = artifact_refs(body.get("artifacts"))
    if package_type == "FULL" and artifacts:
        raise bad_request(
            "a FULL package carries no artifact list: 'artifacts' must be null "
            "or empty when packageType is FULL"
        )
    now = now_ms()
    expiry = _expiry_from(body, now)
    if _name_taken(emu, caller.org_id, name):
        raise conflict(f"a package named '{name}' already exists in org {caller.org_id}")
    pkg: Doc = {
        **new_record(caller.org, now),
        "tenantId": tenant_id(caller.org_id),
        "name": name,
        "description": description,
        "imsOrgId": caller.org_id,
        "sourceSandbox": source,
        "packageType": package_type,
        "expiry": expiry,
        "status": "DRAFT",
        "packageVisibility": "PRIVATE",
        "artifactsList": _dedupe([], artifacts),
        "_holder": caller.org_id,
    }
    return save_package(emu, pkg)


def touch(caller: Caller, pkg: Doc) -> None:
    """Bump the package's version and modification stamp (a change by `caller`)."""
    pkg["version"] = int(pkg.get("version", 0)) + 1
    pkg["modifiedDate"] = now_ms()
    pkg["modifiedBy"] = actor(caller.org)


def update(emu: Emulator, caller: Caller, body: Any) -> Doc:
    body = require_object(body)
    pid = req_str(body, "id")
    if body.get("action") is None:
        raise bad_request("'action' is required: ADD, DELETE or UPDATE")
    action = enum_value(body["action"], "action", PUT_ACTIONS)
    pkg = owned_package(emu, caller, pid, "change it")
    if action in ("ADD", "DELETE"):
        artifacts = artifact_refs(body.get("artifacts"))
        if pkg["packageType"] != "PARTIAL":
            raise conflict(
                f"{action} is supported for PARTIAL packages only; package "
                f"'{pkg['id']}' is {pkg['packageType']}"
            )
        if pkg["status"] not in EDITABLE:
            raise conflict(
                f"{action} needs a DRAFT package; package '{pkg['id']}' is "
                f"{pkg['status']} (create a new package to change its contents)"
            )
        expiry = _expiry_from(body, now_ms())
        if not artifacts:
            return pkg
        if action == "ADD":
            pkg["artifactsList"] = _dedupe(pkg.get("artifactsList", []), artifacts)
        else:
            gone = {a["id"] for a in artifacts}
            pkg["artifactsList"] = [a for a in pkg.get("artifactsList", []) if a["id"] not in gone]
        pkg["expiry"] = expiry
        touch(caller, pkg)
        return save_package(emu, pkg)
    return _update_metadata(emu, caller, pkg, body)


def _update_metadata(emu: Emulator, caller: Caller, pkg: Doc, body: dict[str, Any]) -> Doc:
    name = body.get("name")
    if name is not None:
        name = req_str(body, "name")
        if name != pkg["name"] and _name_taken(emu, caller.org_id, name, except_id=pkg["id"]):
            raise conflict(f"a package named '{name}' already exists in org {caller.org_id}")
    description = opt_str(body, "description")
    visibility = None
    if body.get("packageVisibility") is not None:
        visibility = enum_value(body["packageVisibility"], "packageVisibility", VISIBILITIES)
        if visibility == "PRIVATE" and pkg.get("packageVisibility") == "PUBLIC":
            raise conflict(
                f"package '{pkg['id']}' is PUBLIC; a public package cannot go back to PRIVATE"
            )
    source = None
    if body.get("sourceSandbox") is not None:
        source = _source_sandbox(caller, body, required=False)
        if source != pkg.get("sourceSandbox") and pkg["status"] not in PUBLISHABLE:
            raise conflict(f"the source sandbox of a {pkg['status']} package cannot change")
    if body.get("expiry") is not None:
        pkg["expiry"] = _expiry_from(body, now_ms())
    elif pkg["status"] in PUBLISHABLE:
        # As on the platform: a PUT without expiry moves a draft's expiry to now + 90 days.
        pkg["expiry"] = now_ms() + DEFAULT_EXPIRY_DAYS * DAY_MS
    if name is not None:
        pkg["name"] = name
    if "description" in body:
        pkg["description"] = description
    if source is not None:
        pkg["sourceSandbox"] = source
    if visibility is not None:
        pkg["packageVisibility"] = visibility
    touch(caller, pkg)
    return save_package(emu, pkg)


def delete(emu: Emulator, caller: Caller, package_id: str) -> dict[str, Any]:
    pkg = held_package(emu, caller.org_id, package_id)
    if pkg is None:
        raise not_found(f"package '{package_id}' not found in org {caller.org_id}")
    emu.store.delete("package", _key(caller.org_id, pkg["id"]))
    return {"reason": f"Package {pkg['id']} deleted"}


def get(emu: Emulator, caller: Caller, package_id: str) -> dict[str, Any]:
    return answer(emu, visible_package(emu, caller, package_id))


def list_packages(
    emu: Emulator, caller: Caller, params: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    graphs: dict[tuple[str, str], dict[str, Doc]] = {}
    docs = []
    for pkg in emu.store.find("package", org=caller.org_id):
        src = pkg.get("sourceSandbox") or {}
        key = (str(src.get("imsOrgId")), str(src.get("name")))
        if key not in graphs or pkg.get("_manifest") is not None:
            graph = source_graph(emu, pkg)
            if pkg.get("_manifest") is None:
                graphs[key] = graph
        else:
            graph = graphs[key]
        docs.append(render(emu, pkg, graph))
    return paginate(docs, params, default_order="-createdDate")
