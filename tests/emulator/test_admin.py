"""The emulator-only endpoints under /_emulator/ (docs/emulator.md, "Emulator-only endpoints")
and the exact demo seed.

The `org` field of the request log is checked here to be acme's imsOrgId or name; that it is
the `x-gw-ims-org-id` header is a later decision, asserted in test_decisions.py.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME,
    ACME_DEV,
    ACME_ID,
    ACME_PROD,
    PARTNER,
    PARTNER_DEV,
    PARTNER_ID,
    PARTNER_PROD,
    SCHEMA_LOYALTY,
    TEST_DELAY,
    all_permissions,
    assert_service_error,
    create_package,
    ok,
)


def admin(emu: EmulatorProcess, method: str, path: str, **kw: object) -> httpx.Response:
    return emu.http.request(method, "/_emulator" + path, **kw)  # type: ignore[arg-type]


def test_health(emulator: EmulatorProcess) -> None:
    assert ok(admin(emulator, "GET", "/health")) == {"status": "ok"}
    assert ok(admin(emulator, "GET", "/health/")) == {"status": "ok"}


@pytest.mark.parametrize(
    "method,path",
    [("GET", "/nothing"), ("POST", "/nothing"), ("GET", "/orgs/acme/nothing"), ("GET", "/")],
)
def test_unknown_emulator_path_is_404(emulator: EmulatorProcess, method: str, path: str) -> None:
    assert admin(emulator, method, path).status_code == 404


def test_demo_orgs(emulator: EmulatorProcess) -> None:
    orgs = {o["name"]: o for o in emulator.orgs()}
    assert set(orgs) == {ACME, PARTNER}
    assert {
        k: orgs[ACME][k] for k in ("imsOrgId", "name", "region", "clientId", "clientSecret")
    } == {
        "imsOrgId": ACME_ID,
        "name": "acme",
        "region": "va7",
        "clientId": "acme-client-id",
        "clientSecret": "acme-client-secret",
    }
    assert sorted(orgs[ACME]["sandboxes"]) == ["dev", "prod", "staging"]
    assert orgs[PARTNER]["imsOrgId"] == PARTNER_ID
    assert orgs[PARTNER]["region"] == "va6"
    assert (orgs[PARTNER]["clientId"], orgs[PARTNER]["clientSecret"]) == (
        "partner-client-id",
        "partner-client-secret",
    )
    assert sorted(orgs[PARTNER]["sandboxes"]) == ["dev", "prod"]


def test_demo_artifacts(emulator: EmulatorProcess) -> None:
    dev = {a["id"]: a for a in emulator.artifacts(ACME, "dev")}
    assert {k: (v["type"], v["title"], sorted(v["dependsOn"])) for k, v in dev.items()} == {
        k: (t, title, sorted(deps)) for k, (t, title, deps) in ACME_DEV.items()
    }
    prod = {a["id"]: (a["type"], a["title"]) for a in emulator.artifacts(ACME, "prod")}
    assert prod == ACME_PROD
    pdev = {a["id"]: a for a in emulator.artifacts(PARTNER_ID, "dev")}  # by imsOrgId
    assert {k: (v["type"], v["title"], v["dependsOn"]) for k, v in pdev.items()} == PARTNER_DEV
    pprod = {a["id"]: (a["type"], a["title"]) for a in emulator.artifacts(PARTNER, "prod")}
    assert pprod == PARTNER_PROD


def test_reset_empty_and_demo(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    create_package(acme, "gone-after-reset", [])
    assert ok(admin(emulator, "POST", "/reset", params={"seed": "empty"})) == {
        "status": "reset",
        "seed": "empty",
    }
    assert emulator.orgs() == []
    assert ok(admin(emulator, "POST", "/reset", params={"seed": "demo"})) == {
        "status": "reset",
        "seed": "demo",
    }
    assert len(emulator.orgs()) == 2
    with emulator.api(ACME) as c:
        assert ok(c.get("/packages"))["totalElements"] == 0


def test_reset_clears_tokens_faults_log_and_timing(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    ok(acme.get("/packages"))
    emulator.set_faults([{"path": "/packages", "status": 503}])
    emulator.set_timing(mode="manual", jobSeconds=9.0, tokenTtlSeconds=5)
    emulator.reset("demo")
    assert emulator.requests() == []
    assert ok(admin(emulator, "GET", "/faults"))["rules"] == []
    r = acme.get("/packages")  # the old token is gone
    assert r.status_code == 401
    assert r.json()["error_code"] == "401013"
    t = emulator.timing()
    assert t["mode"] == "auto"
    assert t["jobSeconds"] == pytest.approx(TEST_DELAY)
    assert t["tokenTtlSeconds"] == 86399


def test_reset_unknown_seed_is_4xx(emulator: EmulatorProcess) -> None:
    r = admin(emulator, "POST", "/reset", params={"seed": "nonsense"})
    assert 400 <= r.status_code < 500


def test_create_org_and_use_it(emulator: EmulatorProcess) -> None:
    r = admin(emulator, "POST", "/orgs", json={"name": "globex", "sandboxes": ["dev", "qa"]})
    assert r.status_code == 201, r.text
    org = r.json()
    assert org["name"] == "globex"
    for f in ("imsOrgId", "clientId", "clientSecret", "region"):
        assert isinstance(org[f], str) and org[f], f
    assert org["imsOrgId"].endswith("@AdobeOrg")
    assert sorted(org["sandboxes"]) == ["dev", "qa"]
    assert emulator.org("globex")["imsOrgId"] == org["imsOrgId"]
    with emulator.api("globex", "qa") as c:
        p = create_package(c, "globex-pkg", [])
        assert p["imsOrgId"] == org["imsOrgId"]
        assert p["sourceSandbox"]["name"] == "qa"


def test_create_org_with_explicit_ids(emulator: EmulatorProcess) -> None:
    body = {
        "name": "initech",
        "imsOrgId": "INIT0000000000000000C003@AdobeOrg",
        "region": "nld2",
        "clientId": "initech-id",
        "clientSecret": "initech-secret",
        "sandboxes": ["prod"],
    }
    org = ok(admin(emulator, "POST", "/orgs", json=body), 201)
    assert {k: org[k] for k in body} == body
    tok = emulator.http.post(
        "/ims/token/v3",
        data={
            "grant_type": "client_credentials",
            "client_id": "initech-id",
            "client_secret": "initech-secret",
        },
    )
    assert tok.status_code == 200


def test_create_org_without_name_is_4xx(emulator: EmulatorProcess) -> None:
    assert 400 <= admin(emulator, "POST", "/orgs", json={}).status_code < 500


def test_sandboxes(emulator: EmulatorProcess) -> None:
    assert ok(admin(emulator, "POST", f"/orgs/{ACME}/sandboxes", json={"name": "qa"}), 201) == {
        "name": "qa"
    }
    assert "qa" in emulator.org(ACME)["sandboxes"]
    assert (
        admin(emulator, "POST", f"/orgs/{ACME}/sandboxes", json={"name": "qa"}).status_code == 409
    )
    assert (
        admin(emulator, "POST", f"/orgs/{ACME_ID}/sandboxes", json={"name": "dev"}).status_code
        == 409
    )
    assert emulator.artifacts(ACME, "qa") == []
    with emulator.api(ACME, "qa") as c:
        ok(c.get("/packages"))


def test_unknown_org_or_sandbox_is_404(emulator: EmulatorProcess) -> None:
    assert admin(emulator, "GET", "/orgs/nobody/sandboxes/dev/artifacts").status_code == 404
    assert admin(emulator, "GET", f"/orgs/{ACME}/sandboxes/nowhere/artifacts").status_code == 404
    assert admin(emulator, "GET", "/orgs/nobody/roles").status_code == 404


# -- artifacts CRUD ----------------------------------------------------------------------------
def test_artifact_crud_with_slashes(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    aid = "https://ns.adobe.com/acme/schemas/new-one"
    created = ok(
        admin(
            emulator,
            "POST",
            f"/orgs/{ACME}/sandboxes/dev/artifacts",
            json={
                "id": aid,
                "type": "REGISTRY_SCHEMA",
                "title": "New One",
                "dependsOn": [SCHEMA_LOYALTY],
            },
        ),
        201,
    )
    assert created == {
        "id": aid,
        "type": "REGISTRY_SCHEMA",
        "title": "New One",
        "dependsOn": [SCHEMA_LOYALTY],
        "definition": {"fields": {}},
    }
    # The API sees it: found, and count = 1 + the loyalty schema's 7.
    p = create_package(acme, "sees-new", [])
    q = ok(
        acme.put(
            "/packages",
            json={
                "id": p["id"],
                "action": "ADD",
                "artifacts": [{"id": aid, "type": "REGISTRY_SCHEMA"}],
            },
        )
    )
    assert (q["artifactsList"][0]["found"], q["artifactsList"][0]["count"]) == (True, 8)

    path = f"/orgs/{ACME}/sandboxes/dev/artifacts/{quote(aid, safe='')}"
    patched = ok(admin(emulator, "PATCH", path, json={"title": "Renamed", "dependsOn": []}))
    assert patched["title"] == "Renamed" and patched["dependsOn"] == []
    art = {a["id"]: a for a in emulator.artifacts(ACME, "dev")}[aid]
    assert art["title"] == "Renamed"

    assert admin(emulator, "DELETE", path).status_code == 204
    assert aid not in {a["id"] for a in emulator.artifacts(ACME, "dev")}
    assert admin(emulator, "DELETE", path).status_code == 404


def test_artifact_id_generated(emulator: EmulatorProcess) -> None:
    a = ok(
        admin(
            emulator,
            "POST",
            f"/orgs/{ACME}/sandboxes/prod/artifacts",
            json={"type": "JOURNEY", "title": "J"},
        ),
        201,
    )
    assert isinstance(a["id"], str) and a["id"]
    assert a["dependsOn"] == []
    assert a["id"] in {x["id"] for x in emulator.artifacts(ACME, "prod")}


def test_artifact_with_colon_id(emulator: EmulatorProcess) -> None:
    aid = "urn:acme:segment:1/2"
    emulator.add_artifact(ACME, "dev", {"id": aid, "type": "PROFILE_SEGMENT", "title": "Colon"})
    emulator.delete_artifact(ACME, "dev", aid)
    assert aid not in {x["id"] for x in emulator.artifacts(ACME, "dev")}


def test_delete_seed_artifact_by_encoded_id(emulator: EmulatorProcess) -> None:
    emulator.delete_artifact(ACME, "dev", SCHEMA_LOYALTY)
    assert SCHEMA_LOYALTY not in {x["id"] for x in emulator.artifacts(ACME, "dev")}


# -- roles -----------------------------------------------------------------------------------
def test_roles_default_and_put(emulator: EmulatorProcess) -> None:
    default = emulator.roles(ACME)
    assert isinstance(default["permissions"], dict) and default["permissions"]
    perms = all_permissions()
    perms["Journey"] = ["read"]
    r = admin(emulator, "PUT", f"/orgs/{ACME}/roles", json={"permissions": perms})
    assert r.status_code == 200
    got = emulator.roles(ACME)["permissions"]
    assert {k: sorted(v) for k, v in got.items()} == perms
    assert emulator.roles(PARTNER) == default  # per org


def test_roles_bad_body_is_4xx(emulator: EmulatorProcess) -> None:
    r = admin(emulator, "PUT", f"/orgs/{ACME}/roles", json={"permissions": "all"})
    assert 400 <= r.status_code < 500


# -- timing ----------------------------------------------------------------------------------
def test_timing_get_put(emulator: EmulatorProcess) -> None:
    t = emulator.timing()
    assert set(t) >= {"mode", "publishSeconds", "jobSeconds", "transferSeconds", "tokenTtlSeconds"}
    assert t["mode"] == "auto"
    assert t["tokenTtlSeconds"] == 86399
    new = emulator.set_timing(mode="manual", publishSeconds=2.5)
    assert new["mode"] == "manual" and new["publishSeconds"] == 2.5
    assert emulator.timing()["mode"] == "manual"
    assert emulator.timing()["jobSeconds"] == pytest.approx(TEST_DELAY)  # untouched


def test_timing_bad_mode_is_4xx(emulator: EmulatorProcess) -> None:
    r = admin(emulator, "PUT", "/timing", json={"mode": "sometimes"})
    assert 400 <= r.status_code < 500
    r = admin(emulator, "PUT", "/timing", json={"jobSeconds": -1})
    assert 400 <= r.status_code < 500


def test_advance_counts(manual: EmulatorProcess, acme: httpx.Client) -> None:
    assert ok(admin(manual, "POST", "/advance")) == {"advanced": 0}
    p = create_package(acme, "adv", ["acme-ns-crm"])
    ok(acme.get(f"/packages/{p['id']}/export"))
    assert manual.advance(steps=1) >= 1
    assert manual.advance() == 0


# -- request log -----------------------------------------------------------------------------
def test_requests_log(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.clear_requests()
    assert emulator.requests() == []
    ok(acme.get("/packages"))
    assert_service_error(acme.get(f"/packages/{'0' * 32}"), 404)
    ok(admin(emulator, "GET", "/health"))  # not logged
    log = emulator.requests()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", "/data/foundation/exim/packages", 200),
        ("GET", f"/data/foundation/exim/packages/{'0' * 32}", 404),
    ]
    for e in log:
        assert set(e) >= {"seq", "time", "method", "path", "query", "status", "org", "fault"}
        assert e["org"] in (ACME_ID, ACME)
        assert e["fault"] is False
    assert log[0]["seq"] < log[1]["seq"]
    # since=SEQ returns only later ones.
    later = emulator.requests(since=log[0]["seq"])
    assert [e["seq"] for e in later] == [log[1]["seq"]]


def test_requests_log_includes_ims_and_query(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.clear_requests()
    emulator.token(PARTNER)
    ok(acme.get("/packages?limit=3"))
    log = emulator.requests()
    assert [e["path"] for e in log] == ["/ims/token/v3", "/data/foundation/exim/packages"]
    assert "limit=3" in log[1]["query"]


def test_requests_log_clear(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    ok(acme.get("/packages"))
    assert emulator.requests()
    assert admin(emulator, "DELETE", "/requests").status_code in (200, 204)
    assert emulator.requests() == []


def test_requests_log_of_gateway_failures(emulator: EmulatorProcess) -> None:
    emulator.clear_requests()
    httpx.get(emulator.url + "/data/foundation/exim/packages")
    [e] = emulator.requests()
    assert e["status"] == 401


def test_roles_by_ims_org_id(emulator: EmulatorProcess) -> None:
    emulator.set_roles(PARTNER_ID, {"Sandbox": ["view"]})
    assert emulator.roles(PARTNER)["permissions"] == {"Sandbox": ["view"]}


def test_start_options_seed_empty_manual_delay(tmp_path: Path) -> None:
    emu = EmulatorProcess.start(tmp_path / "empty.db", seed="empty", timing="manual", delay=0.2)
    try:
        assert emu.orgs() == []
        t = emu.timing()
        assert t["mode"] == "manual"
        assert t["publishSeconds"] == pytest.approx(0.2)
        assert t["jobSeconds"] == pytest.approx(0.2)
        assert t["transferSeconds"] == pytest.approx(0.2)
        # reset goes back to these start-up settings
        emu.set_timing(mode="auto", jobSeconds=3.0)
        emu.reset("empty")
        assert emu.timing()["mode"] == "manual"
        assert emu.timing()["jobSeconds"] == pytest.approx(0.2)
    finally:
        emu.stop()


def test_reset_removes_created_orgs(emulator: EmulatorProcess) -> None:
    ok(admin(emulator, "POST", "/orgs", json={"name": "temporary"}), 201)
    emulator.reset("demo")
    assert {o["name"] for o in emulator.orgs()} == {ACME, PARTNER}
    r = emulator.http.post(
        "/ims/token/v3",
        data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
    )
    assert r.status_code == 401
