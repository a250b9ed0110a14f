"""Emulator-only endpoints under `/_emulator/`: reset, orgs, sandboxes, artifacts, roles,
faults, timing, advance, clock, request log and token expiry."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from .. import clock as clock_mod
from .. import timing as timing_mod
from ..artifacts import (
    STATE_FIELDS,
    artifact_json,
    check_definition,
    create_org,
    delete_artifact,
    find_org,
    get_artifact,
    new_artifact,
    org_json,
    put_artifact,
    require_sandbox,
    sandbox_artifacts,
    save_org,
)
from ..auth import expire_all_tokens
from ..bodies import parse_json, req_str, require_object
from ..dates import now_ms
from ..errors import bad_request, conflict, not_found
from ..faults import parse_fault_rules
from ..ids import new_hex_id
from ..seed import SEEDS
from .handler import emu_of

router = APIRouter(prefix="/_emulator")


@router.get("/health")
async def health() -> dict[str, Any]:
    return {"status": "ok"}


@router.get("/routes")
async def list_routes(request: Request) -> dict[str, Any]:
    """Every route the app serves (path template and methods), so tests can cover them all."""
    found: dict[str, set[str]] = {}
    _collect_routes(request.app.routes, found)
    routes = [{"path": p, "methods": sorted(m - {"HEAD"})} for p, m in found.items()]
    return {"routes": sorted(routes, key=lambda r: str(r["path"]))}


def _collect_routes(routes: Any, found: dict[str, set[str]]) -> None:
    # FastAPI keeps an included router as one entry holding the router (whose routes carry
    # their prefix); plain routes have `path` and `methods`.
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            _collect_routes(inner.routes, found)
            continue
        path, methods = getattr(route, "path", None), getattr(route, "methods", None)
        if isinstance(path, str) and methods:
            found.setdefault(path, set()).update(methods)


@router.post("/reset")
async def reset(request: Request, seed: str | None = None) -> dict[str, Any]:
    seed = seed or emu_of(request).startup_seed
    if seed not in SEEDS:
        raise bad_request(f"unknown seed '{seed}'; use one of {list(SEEDS)}")
    emu_of(request).reset(seed)
    return {"status": "reset", "seed": seed}


@router.get("/orgs")
async def list_orgs(request: Request) -> list[dict[str, Any]]:
    emu = emu_of(request)
    with emu.store.tx():
        return [org_json(o) for o in emu.store.find("org")]


@router.post("/orgs")
async def post_org(request: Request) -> JSONResponse:
    emu = emu_of(request)
    body = parse_json(await request.body())
    with emu.store.tx():
        org = create_org(emu, body)
    return JSONResponse(org_json(org), status_code=201)


@router.post("/orgs/{org}/sandboxes")
async def post_sandbox(request: Request, org: str) -> JSONResponse:
    emu = emu_of(request)
    body = require_object(parse_json(await request.body()))
    name = req_str(body, "name")
    with emu.store.tx():
        doc = find_org(emu, org)
        if name in doc["sandboxes"]:
            raise conflict(f"sandbox '{name}' already exists in org {doc['imsOrgId']}")
        doc["sandboxes"].append(name)
        save_org(emu, doc)
    return JSONResponse({"name": name}, status_code=201)


def _artifact_body(body: Any, partial: bool) -> dict[str, Any]:
    body = require_object(body)
    out: dict[str, Any] = {}
    for field in ("id", "type", "title", *STATE_FIELDS):
        value = body.get(field)
        if value is None:
            continue
        if not isinstance(value, str) or (field != "title" and not value):
            raise bad_request(f"'{field}' must be a non-empty string")
        out[field] = value
    if "dependsOn" in body and body["dependsOn"] is not None:
        deps = body["dependsOn"]
        if not isinstance(deps, list) or not all(isinstance(d, str) and d for d in deps):
            raise bad_request("'dependsOn' must be a list of artifact ids")
        out["dependsOn"] = list(dict.fromkeys(deps))
    if not partial:
        if "type" not in out:
            raise bad_request("'type' is required (e.g. REGISTRY_SCHEMA)")
        if "title" not in out:
            raise bad_request("'title' is required")
    if body.get("definition") is not None:
        out["definition"] = body["definition"]  # checked against the type (check_definition)
    return out


@router.get("/orgs/{org}/sandboxes/{sandbox}/artifacts")
async def list_artifacts(request: Request, org: str, sandbox: str) -> list[dict[str, Any]]:
    emu = emu_of(request)
    with emu.store.tx():
        doc = find_org(emu, org)
        require_sandbox(doc, sandbox)
        return [artifact_json(a) for a in sandbox_artifacts(emu, doc["imsOrgId"], sandbox).values()]


@router.post("/orgs/{org}/sandboxes/{sandbox}/artifacts")
async def post_artifact(request: Request, org: str, sandbox: str) -> JSONResponse:
    emu = emu_of(request)
    fields = _artifact_body(parse_json(await request.body()), partial=False)
    with emu.store.tx():
        doc = find_org(emu, org)
        require_sandbox(doc, sandbox)
        aid = fields.get("id") or new_hex_id()
        if get_artifact(emu, doc["imsOrgId"], sandbox, aid):
            raise conflict(f"artifact '{aid}' already exists in sandbox '{sandbox}'")
        type_ = fields["type"].upper()
        definition = fields.get("definition")
        if definition is not None:
            definition = check_definition(type_, definition)
        art = new_artifact(aid, type_, fields["title"], fields.get("dependsOn", []), definition)
        art.update({k: fields[k] for k in STATE_FIELDS if k in fields})
        put_artifact(emu, doc["imsOrgId"], sandbox, art)
    return JSONResponse(artifact_json(art), status_code=201)


@router.patch("/orgs/{org}/sandboxes/{sandbox}/artifacts/{artifact_id:path}")
async def patch_artifact(
    request: Request, org: str, sandbox: str, artifact_id: str
) -> dict[str, Any]:
    emu = emu_of(request)
    fields = _artifact_body(parse_json(await request.body()), partial=True)
    with emu.store.tx():
        doc = find_org(emu, org)
        require_sandbox(doc, sandbox)
        art = get_artifact(emu, doc["imsOrgId"], sandbox, artifact_id)
        if art is None:
            raise not_found(f"artifact '{artifact_id}' not found in sandbox '{sandbox}'")
        if "title" in fields:
            art["title"] = fields["title"]
        if "dependsOn" in fields:
            art["dependsOn"] = fields["dependsOn"]
        if "type" in fields:
            art["type"] = fields["type"].upper()
        if "definition" in fields:
            art["definition"] = check_definition(art["type"], fields["definition"])
        art.update({k: fields[k] for k in STATE_FIELDS if k in fields})
        put_artifact(emu, doc["imsOrgId"], sandbox, art)
        return artifact_json(art)


@router.delete("/orgs/{org}/sandboxes/{sandbox}/artifacts/{artifact_id:path}")
async def remove_artifact(request: Request, org: str, sandbox: str, artifact_id: str) -> Response:
    emu = emu_of(request)
    with emu.store.tx():
        doc = find_org(emu, org)
        require_sandbox(doc, sandbox)
        if not delete_artifact(emu, doc["imsOrgId"], sandbox, artifact_id):
            raise not_found(f"artifact '{artifact_id}' not found in sandbox '{sandbox}'")
    return Response(status_code=204)


@router.get("/orgs/{org}/roles")
async def get_roles(request: Request, org: str) -> dict[str, Any]:
    emu = emu_of(request)
    with emu.store.tx():
        return {"permissions": find_org(emu, org)["permissions"]}


@router.put("/orgs/{org}/roles")
async def put_roles(request: Request, org: str) -> dict[str, Any]:
    emu = emu_of(request)
    body = require_object(parse_json(await request.body()))
    perms = body.get("permissions")
    if not isinstance(perms, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(p, str) for p in v)
        for k, v in perms.items()
    ):
        raise bad_request(
            "'permissions' must map palmResourceType to a list of permissions, "
            'e.g. {"Segment": ["read", "write"]}'
        )
    with emu.store.tx():
        doc = find_org(emu, org)
        doc["permissions"] = {k: list(v) for k, v in perms.items()}
        save_org(emu, doc)
        return {"permissions": doc["permissions"]}


@router.get("/faults")
async def get_faults(request: Request) -> dict[str, Any]:
    return emu_of(request).faults.to_json()


@router.put("/faults")
async def put_faults(request: Request) -> dict[str, Any]:
    rules = parse_fault_rules(parse_json(await request.body()))
    return emu_of(request).faults.replace(rules)


@router.delete("/faults")
async def delete_faults(request: Request) -> dict[str, Any]:
    emu_of(request).faults.clear()
    return {"rules": []}


@router.get("/requests")
async def get_requests(request: Request, since: int = 0) -> dict[str, Any]:
    emu = emu_of(request)
    with emu.log_lock:
        return {"requests": [r for r in emu.requests if r["seq"] > since]}


@router.delete("/requests")
async def delete_requests(request: Request) -> dict[str, Any]:
    emu = emu_of(request)
    with emu.log_lock:
        emu.requests = []
    return {"requests": []}


@router.get("/timing")
async def get_timing(request: Request) -> dict[str, Any]:
    return emu_of(request).timing.to_json()


@router.put("/timing")
async def put_timing(request: Request) -> dict[str, Any]:
    emu = emu_of(request)
    body = parse_json(await request.body())
    with emu.store.tx():
        emu.timing = emu.timing.updated(body)
    return emu.timing.to_json()


@router.post("/advance")
async def advance(request: Request) -> dict[str, Any]:
    emu = emu_of(request)
    body = parse_json(await request.body(), required=False)
    steps: int | None = None
    if body is not None:
        body = require_object(body)
        raw = body.get("steps")
        if raw is not None:
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
                raise bad_request("'steps' must be a non-negative integer")
            steps = raw
    return {"advanced": timing_mod.advance(emu, steps)}


@router.get("/clock")
async def get_clock(request: Request) -> dict[str, Any]:
    emu = emu_of(request)
    with emu.store.tx():
        return {"advancedSeconds": clock_mod.advanced_seconds(emu), "now": now_ms()}


@router.post("/clock")
async def post_clock(request: Request) -> dict[str, Any]:
    emu = emu_of(request)
    seconds = clock_mod.parse_advance(parse_json(await request.body()))
    total = clock_mod.advance_clock(emu, seconds)
    return {"advancedSeconds": total, "now": now_ms()}


@router.post("/tokens/expire")
async def expire_tokens(request: Request) -> dict[str, Any]:
    emu = emu_of(request)
    with emu.store.tx():
        return {"expired": expire_all_tokens(emu)}
