"""The emulator against its own contract, docs/openapi.json (OpenAPI 3.1, written by hand from
the reference page; served at GET /openapi.json).

schemathesis generates requests from the document for every operation (positive and negative
data), sends them over HTTP to the running emulator and checks each answer: no 5xx, a status
code the document lists for the operation, a body matching that status's schema. Bounded and
deterministic: 50 examples per operation, derandomized, generation phase only (no shrinking,
no examples or coverage phases), so the run takes seconds and repeats exactly.

Random ids would only ever find 404s, so a `plant` step (drawn by hypothesis too) swaps some
generated values for ones of a small world built first: real package, transfer and handshake
ids, the demo orgs and sandboxes, the demo IMS client. Most requests carry acme's credentials;
some drop or spoil one, so the gateway's answers are checked too.

The other tests here hold the document to the app: the served bytes are docs/openapi.json and
the copy shipped in the package, and the document's exim and IMS operations are exactly the
routes the emulator serves.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME_CLIENT,
    ACME_ID,
    PARTNER_CLIENT,
    PARTNER_ID,
    create_package,
    handshake,
    ok,
    publish,
    published_package,
    wait_job,
)

DOCS_SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
EXAMPLES_PER_OPERATION = 50
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
_AUTH = ("authorization", "x-api-key", "x-gw-ims-org-id")
_deletes = itertools.count()
DANGLING = "contract-journey-dangling"
GHOST = {"id": "contract-no-such-artifact", "type": "JOURNEY"}
ARTIFACT_TYPES = ["JOURNEY", "REGISTRY_SCHEMA", "profile_segment", "PROFILE_MERGE", "NOPE"]


@dataclass
class World:
    """What the planted values come from (built on the demo seed before the run)."""

    acme: httpx.Client
    headers: dict[str, str]
    other_headers: dict[str, str]
    package_ids: list[str]
    transfer_ids: list[str]
    linking_ids: list[str]
    job_ids: list[str]


@pytest.fixture
def world(emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client) -> World:
    # An artifact whose dependency doesn't exist (the admin API allows it; the graph ignores it).
    emulator.add_artifact(
        "acme",
        "dev",
        {"id": DANGLING, "type": "JOURNEY", "title": "Dangling", "dependsOn": ["gone"]},
    )
    draft = create_package(acme, "contract-draft", ["acme-seg-gold"])
    ok(
        acme.put(
            "/packages",
            json={
                "id": draft["id"],
                "action": "ADD",
                "artifacts": [{"id": DANGLING, "type": "JOURNEY"}],
            },
        )
    )
    published = published_package(emulator, acme, "contract-published", ["acme-ns-crm"])
    ok(
        acme.put(
            "/packages",
            json={"id": published["id"], "action": "UPDATE", "packageVisibility": "PUBLIC"},
        )
    )
    theirs = create_package(partner, "contract-partner", ["prtn-seg-vip"])
    approved = handshake(acme, partner, ACME_ID, PARTNER_ID)
    pending = handshake(partner, acme, PARTNER_ID, ACME_ID, approve=False)
    transfer = ok(
        acme.post(
            "/transfer", json={"packageId": published["id"], "targets": [{"imsOrgId": PARTNER_ID}]}
        )
    )[0]
    # Failed ends in every list the run reads: a PUBLISH_FAILED package (its EXPORT job FAILED
    # with a failed task), a FAILED import job and a FAILED transfer (the failed tasks and the
    # failure messages get checked too).
    ghost = ok(
        acme.post(
            "/packages",
            json={"name": "contract-ghost", "packageType": "PARTIAL", "artifacts": [GHOST]},
        )
    )
    publish(emulator, acme, ghost["id"], expect="PUBLISH_FAILED")
    bad_target = {"id": published["id"], "destinationSandbox": {"name": "no-such-sandbox"}}
    failed_job = ok(acme.post("/packages/import", json=bad_target))["jobId"]
    # A successful import too, so /tools/job answers completed tasks and a replacement map.
    good_job = ok(acme.post(f"/packages/{published['id']}/import?targetSandbox=prod"))["jobId"]
    wait_job(acme, failed_job)
    wait_job(acme, good_job)
    export_job = ok(acme.get("/packages/jobs?property=requestType==EXPORT&limit=1"))["data"][0]
    ok(
        acme.post(
            "/transfer", json={"packageId": draft["id"], "targets": [{"imsOrgId": PARTNER_ID}]}
        )
    )
    return World(
        acme=acme,
        headers={k: acme.headers[k] for k in _AUTH},
        other_headers={k: partner.headers[k] for k in _AUTH},
        package_ids=[draft["id"], published["id"], f"{published['id']}@3", theirs["id"]],
        transfer_ids=[transfer["id"]],
        linking_ids=[approved["linkingId"], pending["linkingId"]],
        job_ids=[failed_job, good_job, export_job["id"]],
    )


# The document as shipped (test_served_document_is_the_docs_copy: the one the emulator serves);
# each call is aimed at the session's emulator. One test item per operation, each on a fresh world.
schema = schemathesis.openapi.from_path(DOCS_SPEC)


# -- planting ----------------------------------------------------------------------------------
def _maybe(data: st.DataObject, values: list[Any], current: Any) -> Any:
    """`current`, or (two times in three) one of `values`."""
    if data.draw(st.sampled_from([False, True, True])):
        return data.draw(st.sampled_from(values))
    return current


def _plant_body(body: dict[str, Any], data: st.DataObject, world: World) -> None:
    for key, values in (
        ("id", world.package_ids),
        ("packageId", world.package_ids),
        ("linkingID", world.linking_ids),
        ("imsOrgId", [ACME_ID, PARTNER_ID]),
    ):
        if key in body:
            body[key] = _maybe(data, values, body[key])
    for key in ("sourceSandbox", "destinationSandbox"):
        if isinstance(body.get(key), dict):
            body[key]["name"] = _maybe(data, ["dev", "prod"], body[key].get("name"))
    if isinstance(body.get("targetIMSOrgIds"), list):
        body["targetIMSOrgIds"] = _maybe(
            data, [[PARTNER_ID], [ACME_ID, PARTNER_ID]], body["targetIMSOrgIds"]
        )
    if isinstance(body.get("targets"), list):
        body["targets"] = _maybe(data, [[{"imsOrgId": PARTNER_ID}]], body["targets"])
    if isinstance(body.get("sourceIMSDetails"), dict):
        body["sourceIMSDetails"]["id"] = _maybe(data, [ACME_ID], body["sourceIMSDetails"].get("id"))


def plant(case: Case, data: st.DataObject, world: World) -> dict[str, str]:
    """Swap some generated values for real ones; the credentials to send (mostly acme's)."""
    params = case.path_parameters or {}
    if "packageId" in params:
        params["packageId"] = _maybe(data, world.package_ids, params["packageId"])
        if case.method.upper() == "DELETE" and params["packageId"] in world.package_ids:
            # A package of its own per delete, so the run doesn't empty the world.
            name = f"contract-delete-{next(_deletes)}"
            params["packageId"] = create_package(world.acme, name)["id"]
    if "transferId" in params:
        params["transferId"] = _maybe(data, world.transfer_ids, params["transferId"])
    if "jobId" in params:
        params["jobId"] = _maybe(data, world.job_ids, params["jobId"])
    if "artifactType" in params:
        params["artifactType"] = _maybe(data, ARTIFACT_TYPES, params["artifactType"])
    if case.query is not None and "targetSandbox" in case.query:
        case.query["targetSandbox"] = _maybe(data, ["dev", "prod"], case.query["targetSandbox"])
    if case.headers is not None and "x-sandbox-name" in case.headers:
        case.headers["x-sandbox-name"] = _maybe(
            data, ["dev", "prod"], case.headers["x-sandbox-name"]
        )
    if isinstance(case.body, dict):
        if case.path.startswith("/ims/"):
            client_id, secret = _maybe(data, [ACME_CLIENT, PARTNER_CLIENT], None) or (None, None)
            if client_id is not None:
                case.body.update(client_id=client_id, client_secret=secret)
        else:
            _plant_body(case.body, data, world)
    return _credentials(case, data, world)


def _credentials(case: Case, data: st.DataObject, world: World) -> dict[str, str]:
    """acme's headers three times in four; else a spoilt one: an unknown token, the other org's
    token or org id, or one of the three left out (401, 403 or 400 from the gateway)."""
    variant = data.draw(st.integers(0, 15))
    headers = dict(world.headers)
    if variant <= 11:
        return headers
    if variant == 12:
        headers["authorization"] = "Bearer not-a-token"
    elif variant in (13, 14):
        name = "authorization" if variant == 13 else "x-gw-ims-org-id"
        headers[name] = world.other_headers[name]
    else:
        gone = data.draw(st.sampled_from(_AUTH))
        del headers[gone]
        # The generated headers carry the security schemes' values too; drop it there as well.
        for key in [k for k in case.headers or {} if k.lower() == gone]:
            del case.headers[key]
    return headers


# -- the contract run ------------------------------------------------------------------------------
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@schema.parametrize()
@schema.given(data=st.data())
def test_emulator_keeps_its_contract(
    case: Case, data: st.DataObject, emulator: EmulatorProcess, world: World
) -> None:
    headers = plant(case, data, world)
    case.call_and_validate(base_url=emulator.url, headers=headers, checks=CHECKS, timeout=30)


# -- the document and the app ---------------------------------------------------------------------
def test_served_document_is_the_docs_copy(emulator: EmulatorProcess) -> None:
    served = emulator.http.get("/openapi.json")
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("application/json")
    assert served.content == DOCS_SPEC.read_bytes(), "docs/openapi.json differs from the served one"
    shipped = resources.files("sandbox_provider.emulator").joinpath("openapi.json").read_bytes()
    assert served.content == shipped
    assert json.loads(served.content)["openapi"] == "3.1.0"


def _template(path: str) -> str:
    """A path template with its parameter names blanked ({package_id} and {packageId} agree)."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def test_document_lists_exactly_the_served_routes(emulator: EmulatorProcess) -> None:
    routes = ok(emulator.http.get("/_emulator/routes"))["routes"]
    served = {
        (method, _template(r["path"]))
        for r in routes
        for method in r["methods"]
        if r["path"].startswith(("/data/", "/ims/"))
    }
    spec = json.loads(DOCS_SPEC.read_text())
    documented = {
        (method.upper(), _template(path))
        for path, item in spec["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    assert len(served) >= 22, served
    assert served - documented == set(), "served but not in docs/openapi.json"
    assert documented - served == set(), "in docs/openapi.json but not served"
    assert not [p for p in spec["paths"] if p.startswith("/_emulator")], "admin routes stay out"


# -- emulator bugs the contract run found ---------------------------------------------------------
def test_children_leave_out_a_dependency_that_does_not_exist(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    # The admin API lets an artifact depend on an id that doesn't exist; the graph ignores
    # it (found/count), and children listed it with "type": null against the page's string.
    emulator.add_artifact(
        "acme",
        "dev",
        {
            "id": DANGLING,
            "type": "JOURNEY",
            "title": "Dangling",
            "dependsOn": ["gone", "acme-seg-gold"],
        },
    )
    ref = {"id": DANGLING, "type": "JOURNEY"}
    pkg = ok(
        acme.post(
            "/packages", json={"name": "children", "packageType": "PARTIAL", "artifacts": [ref]}
        )
    )
    assert pkg["artifactsList"][0]["count"] == 10  # itself, acme-seg-gold and its 8: not "gone"
    for body in (None, [ref]):
        entries = ok(acme.post(f"/packages/{pkg['id']}/children", json=body))
        assert entries == [
            {
                "id": DANGLING,
                "title": "Dangling",
                "type": "JOURNEY",
                "children": [
                    {
                        "id": "acme-seg-gold",
                        "title": "Gold Loyalty Members",
                        "type": "PROFILE_SEGMENT",
                    }
                ],
            }
        ]
