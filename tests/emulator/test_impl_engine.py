"""Focused tests of the emulator implementation, run in-process (fast, no subprocess):
FULL packages, manifests that travel with transfers, `@version` ids, the store's rollback,
the clock in both modes, and public packages that are not published yet."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sandbox_provider.emulator.app import create_app
from sandbox_provider.emulator.errors import ApiError
from sandbox_provider.emulator.routes.handler import EXIM
from sandbox_provider.emulator.storage import Store
from sandbox_provider.emulator.timing import TimingSettings

ACME_ID = "ACME0000000000000000A001@AdobeOrg"
PARTNER_ID = "PRTN0000000000000000B002@AdobeOrg"


class Emu:
    def __init__(self, client: TestClient) -> None:
        self.c = client

    def headers(self, org: str, sandbox: str = "dev") -> dict[str, str]:
        client_id = f"{org}-client-id"
        r = self.c.post(
            "/ims/token/v3",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": f"{org}-client-secret",
                "scope": "openid",
            },
        )
        assert r.status_code == 200, r.text
        return {
            "Authorization": f"Bearer {r.json()['access_token']}",
            "x-api-key": client_id,
            "x-gw-ims-org-id": ACME_ID if org == "acme" else PARTNER_ID,
            "x-sandbox-name": sandbox,
        }

    def call(self, org: str, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        r = self.c.request(method, EXIM + path, headers=self.headers(org), **kw)
        assert r.status_code == status, r.text
        return r.json() if r.content else None

    def advance(self) -> int:
        return int(self.c.post("/_emulator/advance").json()["advanced"])


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[Emu]:
    app = create_app(tmp_path / "exim.db", seed="demo", timing=TimingSettings(mode="manual"))
    with TestClient(app) as client:
        yield Emu(client)
    app.state.emu.close()


def _publish(emu: Emu, pid: str) -> dict[str, Any]:
    emu.call("acme", "GET", f"/packages/{pid}/export")
    emu.advance()
    return dict(emu.call("acme", "GET", f"/packages/{pid}"))


def test_full_package_publishes_and_imports_the_whole_sandbox(emu: Emu) -> None:
    p = emu.call("acme", "POST", "/packages", json={"name": "all", "packageType": "FULL"})
    assert p["artifactsList"] == []
    flow = [{"id": "x", "type": "FLOW"}]
    emu.call(
        "acme",
        "POST",
        "/packages",
        400,
        json={"name": "bad", "packageType": "FULL", "artifacts": flow},
    )
    emu.call(
        "acme",
        "PUT",
        "/packages",
        409,
        json={"id": p["id"], "action": "ADD", "artifacts": [{"id": "x", "type": "FLOW"}]},
    )
    assert _publish(emu, p["id"])["status"] == "PUBLISHED"
    pre = emu.call(
        "acme", "GET", f"/packages/preflight/{p['id']}", params={"targetSandbox": "prod"}
    )
    # acme/dev holds 22 artifacts; a whole-sandbox package carries no journeys (2).
    assert len(pre["permissionResponse"]) == 20
    assert "JOURNEY" not in {e["artifactType"] for e in pre["permissionResponse"]}
    ans = emu.call("acme", "POST", f"/packages/{p['id']}/import", params={"targetSandbox": "prod"})
    assert emu.advance() == 2
    job = emu.call("acme", "GET", f"/tools/job/{ans['jobId']}")["object"]
    assert job["jobStatus"] == "SUCCESS", job
    assert len(job["importReplacementMap"]) == 20
    prod = emu.c.get("/_emulator/orgs/acme/sandboxes/prod/artifacts").json()
    # The merge policy reuses prod's of the same title; the other 19 are created (the class
    # "Loyalty Member" too, as a `_<epoch ms>` copy: a class is not reused by title).
    assert len(prod) == 5 + 19


def test_version_suffix_on_package_ids(emu: Emu) -> None:
    p = emu.call(
        "acme",
        "POST",
        "/packages",
        json={
            "name": "v",
            "packageType": "PARTIAL",
            "artifacts": [
                {"id": "acme-ns-crm@1647559351683", "type": "ID_NAMESPACE"},
                {"id": "acme-ns-crm", "type": "ID_NAMESPACE"},
                {"id": "acme-ns-crm", "type": "ID_NAMESPACE"},
            ],
        },
    )
    assert [(a["id"], a["found"], a["count"]) for a in p["artifactsList"]] == [
        ("acme-ns-crm@1647559351683", True, 1),
        ("acme-ns-crm", True, 1),
    ]
    assert emu.call("acme", "GET", f"/packages/{p['id']}@3")["id"] == p["id"]
    emu.call("acme", "DELETE", f"/packages/{p['id']}@3")
    emu.call("acme", "GET", f"/packages/{p['id']}", 404)


def test_manifest_travels_with_a_transfer(emu: Emu) -> None:
    hs = emu.call(
        "acme",
        "POST",
        "/handshake/bulkCreate",
        json={"targetIMSOrgIds": [PARTNER_ID], "sourceIMSDetails": {"id": ACME_ID, "name": "acme"}},
    )
    link = hs["successfulRequests"][PARTNER_ID]["linkingId"]
    emu.call("partner", "POST", "/handshake/action", json={"linkingID": link, "status": "approved"})
    p = emu.call(
        "acme",
        "POST",
        "/packages",
        json={
            "name": "seg",
            "packageType": "PARTIAL",
            "artifacts": [{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}],
        },
    )
    _publish(emu, p["id"])
    # Deleting the source artifact after publishing does not change what the package carries.
    r = emu.c.delete("/_emulator/orgs/acme/sandboxes/dev/artifacts/acme-seg-gold")
    assert r.status_code == 204
    [t] = emu.call(
        "acme",
        "POST",
        "/transfer",
        json={"packageId": p["id"], "targets": [{"imsOrgId": PARTNER_ID}]},
    )
    assert emu.advance() == 3
    assert emu.call("partner", "GET", f"/transfer/{t['id']}")["status"] == "COMPLETED"
    kids = emu.call("partner", "POST", f"/packages/{p['id']}/children")
    assert {c["id"] for c in kids[0]["children"]} == {
        "https://ns.adobe.com/acme/schemas/loyalty-profile",
        "acme-mp-default",
    }
    emu.call(
        "partner", "PUT", "/packages", 403, json={"id": p["id"], "action": "UPDATE", "name": "mine"}
    )
    # A merge policy is never created by an import: partner/prod's default (seeded) is used.
    ans = emu.call(
        "partner",
        "POST",
        "/packages/import",
        json={"id": p["id"], "destinationSandbox": {"name": "prod", "imsOrgId": PARTNER_ID}},
    )
    emu.advance()
    job = emu.call("partner", "GET", f"/tools/job/{ans['jobId']}")["object"]
    assert job["jobStatus"] == "SUCCESS", job
    prod = emu.c.get("/_emulator/orgs/partner/sandboxes/prod/artifacts").json()
    titles = {a["title"] for a in prod}
    assert "Gold Loyalty Members" in titles and "Loyalty Profile Schema" in titles


def test_pull_of_a_public_draft_ends_failed(emu: Emu) -> None:
    p = emu.call("acme", "POST", "/packages", json={"name": "pub", "packageType": "PARTIAL"})
    q = emu.call(
        "acme",
        "PUT",
        "/packages",
        json={"id": p["id"], "action": "UPDATE", "packageVisibility": "PUBLIC"},
    )
    assert q["packageVisibility"] == "PUBLIC" and q["version"] == 1
    emu.call(
        "acme",
        "PUT",
        "/packages",
        409,
        json={"id": p["id"], "action": "UPDATE", "packageVisibility": "PRIVATE"},
    )
    t = emu.call(
        "partner", "POST", "/transfer/pullRequest", json={"imsOrgId": ACME_ID, "packageId": p["id"]}
    )
    emu.advance()
    done = emu.call("partner", "GET", f"/transfer/{t['id']}")
    assert done["status"] == "FAILED"
    assert "publish" in " ".join(done["transferDetails"]["messages"])
    # Readable by id (public), but not listed and not importable before a pull.
    assert emu.call("partner", "GET", f"/packages/{p['id']}")["id"] == p["id"]
    assert emu.call("partner", "GET", "/packages")["totalElements"] == 0


def test_publish_failed_then_fixed(emu: Emu) -> None:
    p = emu.call(
        "acme",
        "POST",
        "/packages",
        json={
            "name": "gone",
            "packageType": "PARTIAL",
            "artifacts": [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}],
        },
    )
    emu.c.delete("/_emulator/orgs/acme/sandboxes/dev/artifacts/acme-ns-crm")
    failed = _publish(emu, p["id"])
    assert failed["status"] == "PUBLISH_FAILED" and "failureReason" not in failed
    # The reason is on the EXPORT job's failed task.
    [export] = emu.call("acme", "GET", "/packages/jobs")["data"]
    job = emu.call("acme", "GET", f"/tools/job/{export['id']}")["object"]
    assert [t["artifact"]["id"] for t in job["failedTasks"]] == ["acme-ns-crm"]
    emu.c.post(
        "/_emulator/orgs/acme/sandboxes/dev/artifacts",
        json={"id": "acme-ns-crm", "type": "ID_NAMESPACE", "title": "CRM ID"},
    )
    fixed = _publish(emu, p["id"])
    assert fixed["status"] == "PUBLISHED" and "failureReason" not in fixed
    exports = [
        j["jobStatus"]
        for j in emu.call("acme", "GET", "/packages/jobs", params={"orderby": "created"})["data"]
    ]
    assert exports == ["FAILED", "SUCCESS"]


def test_wrong_method_is_a_service_405(emu: Emu) -> None:
    r = emu.c.patch(EXIM + "/packages", headers=emu.headers("acme"))
    assert r.status_code == 405 and r.json()["title"] == "MethodNotAllowedError"


def test_auto_mode_finishes_without_further_calls(tmp_path: Path) -> None:
    app = create_app(tmp_path / "auto.db", timing=TimingSettings(publishSeconds=0.05))
    try:
        with TestClient(app) as client:
            emu = Emu(client)
            p = emu.call(
                "acme",
                "POST",
                "/packages",
                json={
                    "name": "auto",
                    "packageType": "PARTIAL",
                    "artifacts": [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}],
                },
            )
            emu.call("acme", "GET", f"/packages/{p['id']}/export")
            time.sleep(0.5)  # no request in between: the ticker thread finishes it
            # Read the database file directly, bypassing the app's per-request tick.
            conn = sqlite3.connect(tmp_path / "auto.db")
            rows = conn.execute("SELECT data FROM docs WHERE kind='package'").fetchall()
            conn.close()
            assert '"status":"PUBLISHED"' in rows[0][0]
    finally:
        app.state.emu.close()


def test_store_rolls_back_a_failed_transaction(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    with store.tx():
        store.put("thing", "a", {"v": 1})
    with pytest.raises(ApiError), store.tx():
        store.put("thing", "a", {"v": 2})
        store.put("thing", "b", {"v": 3})
        raise ApiError(409, "no")
    with store.tx():
        assert store.get("thing", "a") == {"v": 1, "_seq": 1}
        assert store.get("thing", "b") is None
    store.close()
