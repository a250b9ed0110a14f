"""Org isolation: an org sees only its own packages, jobs, sandboxes and handshakes, plus what
was transferred or made public to it; another org's package is 404, never a leak
(docs/emulator.md, "Service errors")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME,
    ACME_ID,
    PARTNER,
    PARTNER_ID,
    SCHEMA_LOYALTY,
    assert_service_error,
    create_package,
    get_package,
    jobs,
    ok,
    published_package,
    wait_job,
    wait_transfer,
)


@pytest.fixture
def acme_pkg(emulator: EmulatorProcess, acme: httpx.Client) -> dict:
    return published_package(emulator, acme, "acme-secret", [SCHEMA_LOYALTY])


@pytest.fixture
def acme_draft(acme: httpx.Client) -> dict:
    return create_package(acme, "acme-draft", ["acme-ns-crm"])


def test_partner_cannot_see_acme_package(partner: httpx.Client, acme_pkg: dict) -> None:
    pid = acme_pkg["id"]
    assert_service_error(partner.get(f"/packages/{pid}"), 404, pid)
    assert_service_error(partner.get(f"/packages/{pid}@1"), 404)
    env = ok(partner.get("/packages?limit=100"))
    assert pid not in [p["id"] for p in env["data"]]
    assert env["totalElements"] == 0


@pytest.mark.parametrize(
    "method,path_tpl,json_body",
    [
        ("GET", "/packages/{id}/import?targetSandbox=prod", None),
        ("POST", "/packages/{id}/import?targetSandbox=prod", None),
        ("POST", "/packages/{id}/children", None),
        ("GET", "/packages/preflight/{id}?targetSandbox=prod", None),
        ("GET", "/packages/payload/{id}", None),
        ("DELETE", "/packages/{id}", None),
    ],
)
def test_partner_cannot_touch_acme_package(
    emulator: EmulatorProcess,
    partner: httpx.Client,
    acme: httpx.Client,
    acme_pkg: dict,
    method: str,
    path_tpl: str,
    json_body: object,
) -> None:
    pid = acme_pkg["id"]
    r = partner.request(method, path_tpl.format(id=pid), json=json_body)
    assert_service_error(r, 404, pid)
    assert get_package(acme, pid)["status"] == "PUBLISHED"  # untouched


def test_partner_cannot_update_or_publish_acme_draft(
    partner: httpx.Client, acme: httpx.Client, acme_draft: dict
) -> None:
    pid = acme_draft["id"]
    cases: list[tuple[str, dict[str, Any]]] = [
        ("ADD", {"artifacts": [{"id": "prtn-seg-vip", "type": "PROFILE_SEGMENT"}]}),
        ("DELETE", {"artifacts": [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}]}),
        ("UPDATE", {"name": "stolen"}),
        ("UPDATE", {"packageVisibility": "PUBLIC"}),
    ]
    for action, extra in cases:
        r = partner.put("/packages", json={"id": pid, "action": action, **extra})
        assert_service_error(r, 404, pid)
    assert_service_error(partner.get(f"/packages/{pid}/export"), 404, pid)
    assert get_package(acme, pid) == acme_draft


def test_partner_cannot_import_acme_package_by_body(partner: httpx.Client, acme_pkg: dict) -> None:
    r = partner.post(
        "/packages/import",
        json={"id": acme_pkg["id"], "destinationSandbox": {"name": "prod", "imsOrgId": PARTNER_ID}},
    )
    assert_service_error(r, 404, acme_pkg["id"])


def test_partner_cannot_transfer_acme_package(
    emulator: EmulatorProcess, partner: httpx.Client, acme_pkg: dict
) -> None:
    r = partner.post(
        "/transfer", json={"packageId": acme_pkg["id"], "targets": [{"imsOrgId": PARTNER_ID}]}
    )
    # Refused (403/404) or created and FAILED: never COMPLETED, never a 5xx.
    if r.status_code == 200:
        for t in r.json():
            assert wait_transfer(emulator, partner, t["id"])["status"] == "FAILED"
    else:
        assert r.status_code in (403, 404), r.text
        assert_service_error(r, r.status_code)


def test_jobs_are_per_org(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client, acme_pkg: dict
) -> None:
    ans = ok(acme.post(f"/packages/{acme_pkg['id']}/import?targetSandbox=prod"))
    wait_job(acme, ans["jobId"])
    assert len(jobs(acme)) == 2  # EXPORT + IMPORT
    assert jobs(partner) == []
    # Another org's job is unknown to /tools/job: 404, as a job id that never existed.
    assert_service_error(partner.get(f"/tools/job/{ans['jobId']}"), 404, ans["jobId"])
    assert ok(acme.get(f"/tools/job/{ans['jobId']}"))["object"]["id"] == ans["jobId"]


def test_handshakes_are_per_org(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    r = emulator.http.post("/_emulator/orgs", json={"name": "third", "sandboxes": ["dev"]})
    assert r.status_code == 201, r.text
    third_id = r.json()["imsOrgId"]
    ok(
        acme.post(
            "/handshake/bulkCreate",
            json={
                "targetIMSOrgIds": [third_id],
                "sourceIMSDetails": {"id": ACME_ID, "name": "acme"},
            },
        )
    )
    for rt in ("INCOMING", "OUTGOING"):
        assert ok(partner.get(f"/handshake/list?requestType={rt}"))["data"] == []
    with emulator.api("third") as third:
        assert len(ok(third.get("/handshake/list?requestType=INCOMING"))["data"]) == 1


def test_transfers_are_not_visible_to_uninvolved_orgs(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client, acme_pkg: dict
) -> None:
    r = emulator.http.post("/_emulator/orgs", json={"name": "third", "sandboxes": ["dev"]})
    third_id = r.json()["imsOrgId"]
    [t] = ok(
        acme.post(
            "/transfer", json={"packageId": acme_pkg["id"], "targets": [{"imsOrgId": third_id}]}
        )
    )
    assert_service_error(partner.get(f"/transfer/{t['id']}"), 404, t["id"])
    assert ok(partner.get("/transfer/list"))["data"] == []


@pytest.fixture
def partner_staging(emulator: EmulatorProcess) -> Iterator[httpx.Client]:
    with emulator.api(PARTNER, "staging") as c:
        yield c


def test_sandbox_the_org_lacks(emulator: EmulatorProcess, partner_staging: httpx.Client) -> None:
    assert_service_error(partner_staging.get("/packages"), 404, "staging")


def test_sandbox_of_another_org_is_unknown(emulator: EmulatorProcess) -> None:
    ok(emulator.http.post(f"/_emulator/orgs/{ACME}/sandboxes", json={"name": "acme-only"}), 201)
    with emulator.api(PARTNER, "acme-only") as c:
        assert_service_error(c.get("/packages"), 404, "acme-only")
    with emulator.api(ACME, "acme-only") as c:
        ok(c.get("/packages"))


def test_package_from_another_orgs_sandbox_is_refused(partner: httpx.Client) -> None:
    # partner has a dev sandbox too, but acme's artifacts are not in it.
    p = create_package(partner, "lookalike", [])
    r = partner.put(
        "/packages",
        json={
            "id": p["id"],
            "action": "ADD",
            "artifacts": [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}],
        },
    )
    q = ok(r)
    assert q["artifactsList"][0]["found"] is False
    assert q["artifactsList"][0]["count"] == 0


def test_org_headers_of_partner_see_partner_only(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    create_package(acme, "a1", [])
    create_package(partner, "b1", [])
    assert [p["name"] for p in ok(acme.get("/packages"))["data"]] == ["a1"]
    assert [p["name"] for p in ok(partner.get("/packages"))["data"]] == ["b1"]
    assert [p["imsOrgId"] for p in ok(partner.get("/packages"))["data"]] == [PARTNER_ID]
    assert emulator.org(ACME)["imsOrgId"] == ACME_ID
