"""Orgs, their sandboxes and the artifacts (with dependency edges) those sandboxes hold."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Container, Iterable
from typing import TYPE_CHECKING, Any

from .dates import now_ms
from .errors import bad_request, conflict, not_found
from .ids import base_id
from .permissions import all_permissions
from .storage import Doc

if TYPE_CHECKING:
    from .state import Emulator


# -- orgs ----------------------------------------------------------------------------------
def get_org(emu: Emulator, ims_org_id: str) -> Doc | None:
    return emu.store.get("org", ims_org_id)


def find_org(emu: Emulator, name_or_id: str) -> Doc:
    """An org by imsOrgId or name (admin paths accept both); 404 when unknown."""
    org = emu.store.get("org", name_or_id)
    if org:
        return org
    for candidate in emu.store.find("org"):
        if candidate["name"] == name_or_id:
            return candidate
    raise not_found(f"no org '{name_or_id}' (use its imsOrgId or name)")


def org_json(org: Doc) -> dict[str, Any]:
    return {
        "imsOrgId": org["imsOrgId"],
        "name": org["name"],
        "region": org["region"],
        "clientId": org["clientId"],
        "clientSecret": org["clientSecret"],
        "sandboxes": list(org["sandboxes"]),
    }


def create_org(emu: Emulator, body: Any) -> Doc:
    if not isinstance(body, dict):
        raise bad_request("the org body must be a JSON object with at least 'name'")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("'name' is required: a non-empty string")
    for key in ("imsOrgId", "region", "clientId", "clientSecret"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise bad_request(f"'{key}' must be a string")
    sandboxes = body.get("sandboxes")
    if sandboxes is None:
        sandboxes = ["dev", "prod"]
    if not isinstance(sandboxes, list) or not all(isinstance(s, str) and s for s in sandboxes):
        raise bad_request("'sandboxes' must be a list of sandbox names")
    ims_org_id = body.get("imsOrgId") or f"{secrets.token_hex(12).upper()}@AdobeOrg"
    for other in emu.store.find("org"):
        if other["name"] == name or other["imsOrgId"] == ims_org_id:
            raise conflict(f"an org named '{name}' or with id '{ims_org_id}' already exists")
    client_id = body.get("clientId") or secrets.token_hex(16)
    for other in emu.store.find("org"):
        if other["clientId"] == client_id:
            raise conflict(f"clientId '{client_id}' is already used by org '{other['name']}'")
    org: Doc = {
        "imsOrgId": ims_org_id,
        "name": name,
        "region": body.get("region") or "va7",
        "clientId": client_id,
        "clientSecret": body.get("clientSecret") or secrets.token_hex(24),
        "sandboxes": list(dict.fromkeys(sandboxes)),
        "permissions": all_permissions(),
    }
    return save_org(emu, org)


def save_org(emu: Emulator, org: Doc) -> Doc:
    return emu.store.put("org", org["imsOrgId"], org, org=org["imsOrgId"], ref=org["clientId"])


def org_by_client(emu: Emulator, client_id: str) -> Doc | None:
    orgs = emu.store.find("org", ref=client_id)
    return orgs[0] if orgs else None


def require_sandbox(org: Doc, name: str, field: str = "sandbox") -> str:
    if name not in org["sandboxes"]:
        raise not_found(
            f"{field} '{name}' does not exist in org {org['imsOrgId']}; "
            f"its sandboxes are {org['sandboxes']}"
        )
    return name


# -- artifacts -----------------------------------------------------------------------------
def _key(org_id: str, sandbox: str, artifact_id: str) -> str:
    return f"{org_id}|{sandbox}|{artifact_id}"


def sandbox_artifacts(emu: Emulator, org_id: str, sandbox: str) -> dict[str, Doc]:
    """Artifacts of one sandbox by id, in creation order."""
    out: dict[str, Doc] = {}
    for doc in emu.store.find("artifact", org=org_id, ref=f"{org_id}|{sandbox}"):
        out[doc["id"]] = doc
    return out


def get_artifact(emu: Emulator, org_id: str, sandbox: str, artifact_id: str) -> Doc | None:
    return emu.store.get("artifact", _key(org_id, sandbox, artifact_id))


def put_artifact(emu: Emulator, org_id: str, sandbox: str, doc: Doc) -> Doc:
    return emu.store.put(
        "artifact", _key(org_id, sandbox, doc["id"]), doc, org=org_id, ref=f"{org_id}|{sandbox}"
    )


def delete_artifact(emu: Emulator, org_id: str, sandbox: str, artifact_id: str) -> bool:
    return emu.store.delete("artifact", _key(org_id, sandbox, artifact_id))


#: The state an artifact may carry (an import's drafts, or one set through the admin API);
#: shown only when set, so the seeds' artifacts list as before.
STATE_FIELDS = ("status", "sourceCredentials", "unifiedProfile", "secrets")


# -- definitions --------------------------------------------------------------------------
# What an object is, kept small enough for a test to change it (the pages show no object's
# body; this is the emulator's choice, docs/emulator.md "Definitions"). The types whose
# updates a package version can carry (current/ui-sandbox-tooling.md, "Supported object types
# for update operation": schemas, field groups, data types) hold their fields, path -> type.
FIELD_TYPES = frozenset({"REGISTRY_SCHEMA", "REGISTRY_MIXIN", "REGISTRY_DATATYPE"})


def default_definition(type_: str, title: str | None) -> dict[str, Any]:
    """The definition of an object no one has given one: no fields; an audience's rule names
    its title; other types a settings object."""
    if type_ in FIELD_TYPES:
        return {"fields": {}}
    if type_ == "PROFILE_SEGMENT":
        return {"rule": f"segmentMembership = '{title}'"}
    return {"settings": {}}


def definition_of(doc: Doc) -> dict[str, Any]:
    """The artifact's definition (a copy: the caller may keep or change it)."""
    found = doc.get("definition")
    if found is None:
        found = default_definition(doc["type"], doc.get("title"))
    return copy.deepcopy(found)


def check_definition(type_: str, value: Any) -> dict[str, Any]:
    """A definition the admin API accepts for an object of `type_`; 400 otherwise."""
    if not isinstance(value, dict):
        raise bad_request("'definition' must be a JSON object")
    if type_ in FIELD_TYPES:
        fields = value.get("fields")
        if not isinstance(fields, dict) or not all(
            isinstance(k, str) and k and isinstance(v, str) and v for k, v in fields.items()
        ):
            raise bad_request(
                f"a {type_} definition is {{'fields': {{'<field path>': '<type>', ...}}}}"
            )
    return value


def artifact_json(doc: Doc) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": doc["id"],
        "type": doc["type"],
        "title": doc["title"],
        "dependsOn": list(doc.get("dependsOn", [])),
    }
    out.update({k: doc[k] for k in STATE_FIELDS if doc.get(k) is not None})
    out["definition"] = definition_of(doc)
    return out


def new_artifact(
    artifact_id: str,
    type_: str,
    title: str,
    depends_on: Iterable[str] = (),
    definition: dict[str, Any] | None = None,
) -> Doc:
    doc: Doc = {
        "id": artifact_id,
        "type": type_,
        "title": title,
        "dependsOn": list(depends_on),
        "createdDate": now_ms(),
    }
    if definition is not None:
        doc["definition"] = copy.deepcopy(definition)
    return doc


def closure(graph: dict[str, Doc], roots: Iterable[str], stop: Container[str] = ()) -> list[str]:
    """Roots (base ids) and their transitive dependencies, dependencies first, not descending
    below the ids in `stop` (an import's alternatives: used as they are)."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(aid: str, stack: set[str]) -> None:
        if aid in seen or aid in stack or aid not in graph:
            return
        stack.add(aid)
        if aid not in stop:
            for dep in graph[aid].get("dependsOn", []):
                visit(base_id(dep), stack)
        stack.discard(aid)
        seen.add(aid)
        order.append(aid)

    for root in roots:
        visit(base_id(root), set())
    return order


def found_count(graph: dict[str, Doc], artifact_id: str) -> tuple[bool, int]:
    """`found`/`count` of a package entry against a sandbox's graph."""
    bid = base_id(artifact_id)
    if bid not in graph:
        return False, 0
    return True, len(closure(graph, [bid]))
