"""Bad input: malformed JSON, wrong types, missing fields, unknown actions and enum values, unknown
paths. Each gets a 4xx in the service error shape whose `detail` names the field; a sweep over
every endpoint with junk bodies and junk query strings must never produce a 5xx
(docs/emulator.md, "Service errors")."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EXIM_PREFIX, EmulatorProcess

from ._support import (
    ACME_ID,
    PARTNER_ID,
    assert_service_error,
    assert_service_shape_4xx,
    body,
    create_package,
    ok,
    published_package,
)

JSON = {"Content-Type": "application/json"}


def post_raw(c: httpx.Client, path: str, raw: bytes, method: str = "POST") -> httpx.Response:
    return c.request(method, path, content=raw, headers=JSON)


def assert_400_naming(r: httpx.Response, *any_of: str) -> None:
    err = assert_service_error(r, 400)
    detail = err["detail"].lower()
    assert any(f.lower() in detail for f in any_of), (
        f"detail should name one of {any_of}: {detail!r}"
    )


# -- malformed JSON --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw", [b"{", b'{"name": "x",}', b"not json", b"\xff\xfe", b'{"name": "x"']
)
@pytest.mark.parametrize(
    "method,path",
    [
        ("POST", "/packages"),
        ("PUT", "/packages"),
        ("POST", "/packages/import"),
        ("POST", "/handshake/bulkCreate"),
        ("POST", "/handshake/action"),
        ("POST", "/transfer"),
        ("POST", "/transfer/pullRequest"),
    ],
)
def test_malformed_json_is_400(acme: httpx.Client, method: str, path: str, raw: bytes) -> None:
    assert_service_error(post_raw(acme, path, raw, method), 400)


@pytest.mark.parametrize("raw", [b"[]", b"null", b"42", b'"text"', b"true"])
def test_create_body_not_an_object_is_400(acme: httpx.Client, raw: bytes) -> None:
    assert_service_error(post_raw(acme, "/packages", raw), 400)


# -- create: field by field ------------------------------------------------------------------
GOOD = {"name": "ok", "packageType": "PARTIAL"}


@pytest.mark.parametrize(
    "payload,fields",
    [
        ({"packageType": "PARTIAL"}, ("name",)),
        ({"name": 123, "packageType": "PARTIAL"}, ("name",)),
        ({"name": "", "packageType": "PARTIAL"}, ("name",)),
        ({"name": None, "packageType": "PARTIAL"}, ("name",)),
        ({"name": "x"}, ("packageType",)),
        ({"name": "x", "packageType": "HALF"}, ("packageType",)),
        ({"name": "x", "packageType": 1}, ("packageType",)),
        ({**GOOD, "description": 5}, ("description",)),
        ({**GOOD, "artifacts": "acme-ns-crm"}, ("artifacts",)),
        ({**GOOD, "artifacts": {"id": "acme-ns-crm"}}, ("artifacts",)),
        ({**GOOD, "artifacts": [{"type": "ID_NAMESPACE"}]}, ("id", "artifacts")),
        ({**GOOD, "artifacts": [{"id": "acme-ns-crm"}]}, ("type", "artifacts")),
        ({**GOOD, "artifacts": [{"id": 7, "type": "ID_NAMESPACE"}]}, ("id", "artifacts")),
        ({**GOOD, "artifacts": ["acme-ns-crm"]}, ("artifacts",)),
        ({**GOOD, "expiry": "next tuesday"}, ("expiry",)),
        ({**GOOD, "expiry": [2030]}, ("expiry",)),
        ({**GOOD, "sourceSandbox": "dev"}, ("sourceSandbox",)),
        ({**GOOD, "sourceSandbox": {"imsOrgId": ACME_ID}}, ("sourceSandbox", "name")),
    ],
)
def test_create_bad_fields(
    acme: httpx.Client, payload: dict[str, Any], fields: tuple[str, ...]
) -> None:
    assert_400_naming(acme.post("/packages", json=payload), *fields)
    assert ok(acme.get("/packages"))["totalElements"] == 0  # nothing was created


# -- PUT -------------------------------------------------------------------------------------
@pytest.fixture
def draft(acme: httpx.Client) -> dict[str, Any]:
    return create_package(acme, "draft", ["acme-ns-crm"])


NO_ID = "__no_id__"


@pytest.mark.parametrize(
    "payload,fields",
    [
        ({NO_ID: 1, "action": "ADD", "artifacts": []}, ("id",)),
        ({NO_ID: 1, "id": 42, "action": "ADD"}, ("id",)),
        ({"action_": "ADD"}, ("action",)),
        ({"action": "MERGE"}, ("action",)),
        ({"action": None}, ("action",)),
        ({}, ("action",)),
        ({"action": "ADD", "artifacts": "x"}, ("artifacts",)),
        ({"action": "ADD", "artifacts": [{"id": "acme-ns-crm"}]}, ("type", "artifacts")),
        ({"action": "DELETE", "artifacts": {"id": "x"}}, ("artifacts",)),
        ({"action": "UPDATE", "name": 5}, ("name",)),
        ({"action": "UPDATE", "name": ""}, ("name",)),
        ({"action": "UPDATE", "description": []}, ("description",)),
        ({"action": "UPDATE", "packageVisibility": "EVERYONE"}, ("packageVisibility",)),
        ({"action": "ADD", "expiry": "later", "artifacts": []}, ("expiry",)),
    ],
)
def test_put_bad_fields(
    acme: httpx.Client, draft: dict[str, Any], payload: dict[str, Any], fields: tuple[str, ...]
) -> None:
    if NO_ID in payload:
        full = {k: v for k, v in payload.items() if k != NO_ID}
    else:
        full = {"id": draft["id"], **payload}
    assert_400_naming(acme.put("/packages", json=full), *fields)
    assert ok(acme.get(f"/packages/{draft['id']}")) == draft  # unchanged


# -- publish / import / children -------------------------------------------------------------
def test_import_bad_fields(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "pub", ["acme-ns-crm"])
    dest = {"name": "prod", "imsOrgId": ACME_ID}
    assert_400_naming(acme.post("/packages/import", json={"destinationSandbox": dest}), "id")
    assert_400_naming(
        acme.post("/packages/import", json={"id": 5, "destinationSandbox": dest}), "id"
    )
    assert_400_naming(
        acme.post("/packages/import", json={"id": p["id"], "destinationSandbox": "prod"}),
        "destinationSandbox",
    )
    assert_400_naming(
        acme.post(
            "/packages/import",
            json={"id": p["id"], "destinationSandbox": dest, "alternatives": ["x"]},
        ),
        "alternatives",
    )
    assert_400_naming(
        acme.post(f"/packages/{p['id']}/import?targetSandbox=prod", json={"alternatives": "nope"}),
        "alternatives",
    )
    assert_400_naming(
        acme.post("/packages/import", json={"id": p["id"], "destinationSandbox": dest, "name": 3}),
        "name",
    )


def test_children_bad_body(acme: httpx.Client, draft: dict[str, Any]) -> None:
    path = f"/packages/{draft['id']}/children"
    assert_service_error(acme.post(path, json={"id": "acme-ns-crm"}), 400)
    assert_service_error(acme.post(path, json=["acme-ns-crm"]), 400)
    assert_service_error(post_raw(acme, path, b"[{"), 400)


def test_conflicts_and_preflight_need_a_real_sandbox(
    acme: httpx.Client, draft: dict[str, Any]
) -> None:
    r = acme.get(f"/packages/preflight/{draft['id']}", params={"targetSandbox": "ghost"})
    assert_service_error(r, 404, "ghost")


# -- handshakes / transfers ------------------------------------------------------------------
@pytest.mark.parametrize(
    "payload,fields",
    [
        ({"sourceIMSDetails": {"id": ACME_ID, "name": "acme"}}, ("targetIMSOrgIds",)),
        (
            {"targetIMSOrgIds": PARTNER_ID, "sourceIMSDetails": {"id": ACME_ID}},
            ("targetIMSOrgIds",),
        ),
        ({"targetIMSOrgIds": [1], "sourceIMSDetails": {"id": ACME_ID}}, ("targetIMSOrgIds",)),
        ({"targetIMSOrgIds": [PARTNER_ID]}, ("sourceIMSDetails",)),
        ({"targetIMSOrgIds": [PARTNER_ID], "sourceIMSDetails": "acme"}, ("sourceIMSDetails",)),
    ],
)
def test_bulk_create_bad_fields(
    acme: httpx.Client, payload: dict[str, Any], fields: tuple[str, ...]
) -> None:
    assert_400_naming(acme.post("/handshake/bulkCreate", json=payload), *fields)


@pytest.mark.parametrize(
    "payload,fields",
    [
        ({"status": "APPROVED", "reason": "x"}, ("linkingID",)),
        ({"linkingID": 5, "status": "APPROVED"}, ("linkingID",)),
        ({"linkingID": "abc"}, ("status",)),
        ({"linkingID": "abc", "status": "PERHAPS"}, ("status",)),
        ({"linkingID": "abc", "status": "APPROVED", "reason": 9}, ("reason",)),
    ],
)
def test_handshake_action_bad_fields(
    partner: httpx.Client, payload: dict[str, Any], fields: tuple[str, ...]
) -> None:
    assert_400_naming(partner.post("/handshake/action", json=payload), *fields)


@pytest.mark.parametrize(
    "payload,fields",
    [
        ({"targets": [{"imsOrgId": PARTNER_ID}]}, ("packageId",)),
        ({"packageId": 1, "targets": [{"imsOrgId": PARTNER_ID}]}, ("packageId",)),
        ({"packageId": "a" * 32}, ("targets",)),
        ({"packageId": "a" * 32, "targets": PARTNER_ID}, ("targets",)),
        ({"packageId": "a" * 32, "targets": [PARTNER_ID]}, ("targets", "imsOrgId")),
        ({"packageId": "a" * 32, "targets": [{}]}, ("targets", "imsOrgId")),
    ],
)
def test_transfer_bad_fields(
    acme: httpx.Client, payload: dict[str, Any], fields: tuple[str, ...]
) -> None:
    assert_400_naming(acme.post("/transfer", json=payload), *fields)


def test_bad_request_type_on_lists(acme: httpx.Client) -> None:
    assert_400_naming(acme.get("/transfer/list?requestType=SIDEWAYS"), "requestType")
    assert_400_naming(acme.get("/handshake/list?requestType=SIDEWAYS"), "requestType")


# -- unknown things --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/nothing-here"),
        ("GET", "/packages/x/y/z"),
        ("POST", "/transfer/pullRequest/extra"),
        ("GET", "/handshake"),
    ],
)
def test_unknown_exim_path_is_404(acme: httpx.Client, method: str, path: str) -> None:
    assert_service_error(acme.request(method, path), 404)


def test_unknown_path_outside_exim_is_404(emulator: EmulatorProcess) -> None:
    r = emulator.http.get("/data/foundation/other/thing")
    assert_service_error(r, 404)
    r = emulator.http.get("/totally/unknown")
    assert_service_error(r, 404)


# -- the sweep: junk everywhere, never a 5xx -------------------------------------------------
JUNK_BODIES: list[bytes] = [
    b"",
    b"{",
    b"[]",
    b"null",
    b"0",
    b'"s"',
    b"{}",
    b'{"id": {}, "action": [], "artifacts": 5}',
    b'{"id": null, "name": null, "packageType": null, "artifacts": [null]}',
    b'{"artifacts": [{"id": [], "type": {}}], "expiry": -1e400}',
    b'{"id": "' + b"z" * 5000 + b'", "action": "ADD"}',
    b'[{"id": "acme-ns-crm"}, 1, null]',
    b'{"targetIMSOrgIds": [null], "sourceIMSDetails": []}',
    b'{"linkingID": [], "status": {}, "targetIMSOrgDetails": 1}',
    b'{"packageId": {}, "targets": [1, "x", null]}',
    b'{"imsOrgId": 5, "packageId": []}',
    b'{"destinationSandbox": {"name": 5}, "alternatives": {"a": 5}}',
    '{"name": "\u00fc\u6f22\ud83d\ude00", "packageType": "partial"}'.encode(
        "utf-8", "surrogatepass"
    ),
]

ENDPOINTS: list[tuple[str, str]] = [
    ("POST", "/packages"),
    ("POST", "/packages/"),
    ("PUT", "/packages"),
    ("GET", "/packages"),
    ("GET", "/packages/{id}"),
    ("DELETE", "/packages/{unknown}"),
    ("GET", "/packages/{id}/export"),
    ("GET", "/packages/{pub}/import?targetSandbox=prod"),
    ("POST", "/packages/import"),
    ("POST", "/packages/{pub}/import?targetSandbox=prod"),
    ("POST", "/packages/{id}/children"),
    ("GET", "/packages/preflight/{id}?targetSandbox=prod"),
    ("GET", "/packages/jobs"),
    ("GET", "/packages/payload/{id}"),
    ("POST", "/handshake/bulkCreate"),
    ("POST", "/handshake/action"),
    ("GET", "/handshake/list"),
    ("POST", "/transfer"),
    ("GET", "/transfer/{unknown}"),
    ("GET", "/transfer/list"),
    ("POST", "/transfer/pullRequest"),
    ("GET", "/tools/job/{unknown}"),
    ("GET", "/tools/artifacts/JOURNEY"),
]


@pytest.mark.parametrize("method,path_tpl", ENDPOINTS, ids=[f"{m} {p}" for m, p in ENDPOINTS])
def test_sweep_junk_bodies_never_5xx(
    emulator: EmulatorProcess, acme: httpx.Client, method: str, path_tpl: str
) -> None:
    draft = create_package(acme, "sweep-draft", ["acme-ns-crm"])
    pub = published_package(emulator, acme, "sweep-pub", ["acme-ns-crm"])
    path = path_tpl.format(id=draft["id"], pub=pub["id"], unknown="0" * 32)
    for raw in JUNK_BODIES:
        r = post_raw(acme, path, raw, method)
        assert r.status_code < 500, (
            f"{method} {path} body={raw[:60]!r} -> {r.status_code}: {r.text[:300]}"
        )
        if r.status_code >= 400:
            assert_service_shape_4xx(r)


JUNK_QUERIES = [
    "property=",
    "property===",
    "property=%00==%00",
    "property=status==",
    "property=createdDate>=9999999999999999999999",
    "property=version>abc",
    "property=name<=" + "x" * 3000,
    "orderby=",
    "orderby=-",
    "orderby=nonexistentField",
    "orderBy=--createdDate",
    "start=99999999999999999999&limit=1",
    "limit=0",
    "limit=-5",
    "start=-3",
    "limit=1e3",
    "requestType=",
    "targetSandbox=",
    "expiryPeriod=99999999999999999999",
    "expiryPeriod=1.5",
]


@pytest.mark.parametrize(
    "path_tpl",
    [
        "/packages",
        "/packages/jobs",
        "/handshake/list",
        "/transfer/list",
        "/packages/{id}/export",
        "/packages/{pub}/import",
        "/packages/preflight/{id}",
    ],
)
def test_sweep_junk_queries_never_5xx(
    emulator: EmulatorProcess, acme: httpx.Client, path_tpl: str
) -> None:
    draft = create_package(acme, "q-draft", ["acme-ns-crm"])
    pub = published_package(emulator, acme, "q-pub", ["acme-ns-crm"])
    path = path_tpl.format(id=draft["id"], pub=pub["id"])
    for q in JUNK_QUERIES:
        r = acme.get(path + "?" + q)
        assert r.status_code < 500, f"GET {path}?{q[:80]} -> {r.status_code}: {r.text[:300]}"
        if r.status_code >= 400:
            assert_service_shape_4xx(r)


def test_sweep_on_ims(emulator: EmulatorProcess) -> None:
    for data in (
        {},
        {"grant_type": ""},
        {"grant_type": "client_credentials"},
        {"client_id": "x" * 5000},
    ):
        r = emulator.http.post("/ims/token/v3", data=data)
        assert 400 <= r.status_code < 500, r.text
        assert "error" in body(r)
    r = emulator.http.post(
        "/ims/token/v3", content=b"\xff\x00junk", headers={"Content-Type": "application/json"}
    )
    assert 400 <= r.status_code < 500, r.text


def test_wrong_method_is_not_5xx(acme: httpx.Client) -> None:
    for method, path in [
        ("PATCH", "/packages"),
        ("DELETE", "/packages"),
        ("PUT", "/transfer/list"),
    ]:
        r = acme.request(method, path)
        assert 400 <= r.status_code < 500, (method, path, r.status_code)


def test_raw_exim_call_without_anything(emulator: EmulatorProcess) -> None:
    r = httpx.post(emulator.url + EXIM_PREFIX + "/packages", content=b"{")
    assert r.status_code == 401  # auth comes before parsing
    assert body(r)["error_code"] == "403010"
