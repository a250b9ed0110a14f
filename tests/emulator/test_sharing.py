"""Cross-org sharing: handshakes, private transfers, public packages and pull requests, payload
(the reference page's bodies; docs/emulator.md "Transfers", "Public", "Handshakes").

Here a transfer's messages are only required to grow as a prefix of the documented list; the
exact steps (2, 4, 6, 8 messages) and "both orgs see the transfer" are later decisions of
docs/emulator.md, asserted in test_decisions.py. Still open, not asserted: what `imsOrgId` the
payload answers when the caller is not the owner.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME_ID,
    PARTNER,
    PARTNER_ID,
    SCHEMA_LOYALTY,
    TRANSFER_MESSAGES,
    assert_service_error,
    create_package,
    get_package,
    handshake,
    is_epoch_ms,
    ok,
    publish,
    published_package,
    transfer_by_id,
    wait_job,
    wait_transfer,
)


def bulk_create(c: httpx.Client, targets: list[str], source: str = ACME_ID) -> dict[str, Any]:
    return dict(
        ok(
            c.post(
                "/handshake/bulkCreate",
                json={
                    "targetIMSOrgIds": targets,
                    "sourceIMSDetails": {"id": source, "name": "acme_org"},
                },
            )
        )
    )


def action(
    c: httpx.Client, linking_id: str, status: str, org_id: str = PARTNER_ID
) -> httpx.Response:
    return c.post(
        "/handshake/action",
        json={
            "linkingID": linking_id,
            "status": status,
            "reason": "Done",
            "targetIMSOrgDetails": {"id": org_id, "name": "partner", "region": "va6"},
        },
    )


def transfer(c: httpx.Client, pid: str, *targets: str) -> list[dict[str, Any]]:
    res = ok(
        c.post("/transfer/", json={"packageId": pid, "targets": [{"imsOrgId": t} for t in targets]})
    )
    assert isinstance(res, list) and len(res) == len(targets), res
    return list(res)


def assert_partner_can_neither_pull_nor_import(
    emulator: EmulatorProcess, partner: httpx.Client, package_id: str
) -> None:
    """A pull is refused (4xx) or ends FAILED; an import of the package is refused."""
    r = partner.post("/transfer/pullRequest", json={"imsOrgId": ACME_ID, "packageId": package_id})
    if r.status_code == 200:
        assert wait_transfer(emulator, partner, r.json()["id"])["status"] == "FAILED"
    else:
        assert r.status_code in (403, 404, 409), r.text
        assert_service_error(r, r.status_code)
    # Whatever the partner may see of the package, it cannot import it.
    r = partner.post(f"/packages/{package_id}/import?targetSandbox=prod")
    assert r.status_code in (403, 404, 409), r.text
    assert_service_error(r, r.status_code)


@pytest.fixture
def third(emulator: EmulatorProcess) -> Iterator[tuple[str, httpx.Client]]:
    """A third org (created through the admin API) and its client."""
    r = emulator.http.post("/_emulator/orgs", json={"name": "third", "sandboxes": ["dev", "prod"]})
    assert r.status_code == 201, r.text
    org = r.json()
    with emulator.api("third", "dev") as c:
        yield org["imsOrgId"], c


# -- handshakes ------------------------------------------------------------------------------
def test_bulk_create_reference_shape(acme: httpx.Client) -> None:
    res = bulk_create(acme, [PARTNER_ID])
    assert res["failedRequests"] == {}
    hs = res["successfulRequests"][PARTNER_ID]
    assert isinstance(hs["id"], str) and hs["id"]
    assert hs["version"] == 0
    assert is_epoch_ms(hs["createdDate"]) and is_epoch_ms(hs["modifiedDate"])
    assert hs["sourceIMSOrgId"] == ACME_ID
    assert hs["targetIMSOrgId"] == PARTNER_ID
    assert hs["sourceRegion"] == "va7"
    assert hs["status"] == "APPROVAL_PENDING"
    assert isinstance(hs["linkingId"], str) and hs["linkingId"]
    history = json.loads(hs["statusHistory"])
    assert [h["action"] for h in history] == ["INITIATED"]
    assert history[0]["actionTakenByImsOrgID"] == ACME_ID
    assert is_epoch_ms(history[0]["actionTimeStamp"])


def test_bulk_create_twice_returns_the_same(acme: httpx.Client) -> None:
    a = bulk_create(acme, [PARTNER_ID])["successfulRequests"][PARTNER_ID]
    b = bulk_create(acme, [PARTNER_ID])["successfulRequests"][PARTNER_ID]
    assert (a["id"], a["linkingId"]) == (b["id"], b["linkingId"])


def test_bulk_create_unknown_target(acme: httpx.Client) -> None:
    res = bulk_create(acme, [PARTNER_ID, "NOBODY000000000000000000@AdobeOrg"])
    assert PARTNER_ID in res["successfulRequests"]
    assert "NOBODY000000000000000000@AdobeOrg" in res["failedRequests"]
    assert "NOBODY000000000000000000@AdobeOrg" not in res["successfulRequests"]
    assert res["failedRequests"]["NOBODY000000000000000000@AdobeOrg"]  # carries a reason


def test_bulk_create_several_targets(acme: httpx.Client, third: tuple[str, httpx.Client]) -> None:
    res = bulk_create(acme, [PARTNER_ID, third[0]])
    assert set(res["successfulRequests"]) == {PARTNER_ID, third[0]}
    assert res["failedRequests"] == {}


def test_approve_reference_body(acme: httpx.Client, partner: httpx.Client) -> None:
    hs = bulk_create(acme, [PARTNER_ID])["successfulRequests"][PARTNER_ID]
    done = ok(action(partner, hs["linkingId"], "APPROVED"))
    assert done["id"] == hs["id"]
    assert done["linkingId"] == hs["linkingId"]
    assert done["status"] == "APPROVED"
    assert done["version"] == 1
    assert done["targetRegion"] == "va6"
    assert done["modifiedByIMSOrgId"] == PARTNER_ID
    history = json.loads(done["statusHistory"])
    assert [h["action"] for h in history] == ["INITIATED", "APPROVED"]
    assert history[1]["reason"] == "Done"
    assert history[1]["actionTakenByImsOrgID"] == PARTNER_ID
    # Decided: a second action is a conflict.
    assert_service_error(action(partner, hs["linkingId"], "REJECTED"), 409)


def test_reject(acme: httpx.Client, partner: httpx.Client) -> None:
    hs = bulk_create(acme, [PARTNER_ID])["successfulRequests"][PARTNER_ID]
    done = ok(action(partner, hs["linkingId"], "REJECTED"))
    assert done["status"] == "REJECTED"
    assert_service_error(action(partner, hs["linkingId"], "APPROVED"), 409)


def test_only_target_may_act(
    acme: httpx.Client, partner: httpx.Client, third: tuple[str, httpx.Client]
) -> None:
    hs = bulk_create(acme, [PARTNER_ID])["successfulRequests"][PARTNER_ID]
    assert_service_error(action(acme, hs["linkingId"], "APPROVED"), 403)
    assert_service_error(action(third[1], hs["linkingId"], "APPROVED", org_id=third[0]), 403)
    listed = ok(partner.get("/handshake/list?requestType=INCOMING"))["data"]
    assert [h["status"] for h in listed] == ["APPROVAL_PENDING"]


def test_action_unknown_linking_id(partner: httpx.Client) -> None:
    assert_service_error(action(partner, "no-such-link", "APPROVED"), 404, "no-such-link")


def test_action_unknown_status(acme: httpx.Client, partner: httpx.Client) -> None:
    hs = bulk_create(acme, [PARTNER_ID])["successfulRequests"][PARTNER_ID]
    assert_service_error(action(partner, hs["linkingId"], "MAYBE"), 400, "status")


def test_handshake_lists(acme: httpx.Client, partner: httpx.Client) -> None:
    hs = bulk_create(acme, [PARTNER_ID])["successfulRequests"][PARTNER_ID]

    def ids(c: httpx.Client, q: str) -> list[str]:
        env = ok(c.get("/handshake/list?" + q))
        assert {"totalElements", "data"} <= set(env)
        return [h["id"] for h in env["data"]]

    assert ids(partner, "requestType=INCOMING") == [hs["id"]]
    assert ids(acme, "requestType=OUTGOING") == [hs["id"]]
    assert ids(acme, "requestType=INCOMING") == []
    assert ids(partner, "requestType=OUTGOING") == []
    assert ids(partner, "property=status%3D%3DAPPROVED&requestType=INCOMING") == []
    assert ids(partner, "property=status==APPROVAL_PENDING&requestType=INCOMING") == [hs["id"]]
    ok(action(partner, hs["linkingId"], "APPROVED"))
    assert ids(partner, "property=status%3D%3DAPPROVED&requestType=INCOMING") == [hs["id"]]
    assert ids(acme, "property=status==APPROVED&requestType=OUTGOING") == [hs["id"]]
    assert ids(partner, "property=status==approved&requestType=incoming") == [hs["id"]]
    assert ids(partner, "property=status==REJECTED&requestType=INCOMING") == []


# -- private transfers -----------------------------------------------------------------------
def test_private_transfer_manual(
    manual: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    p = create_package(acme, "shared", [SCHEMA_LOYALTY])
    ok(acme.get(f"/packages/{p['id']}/export"))
    manual.advance()
    assert_service_error(partner.get(f"/packages/{p['id']}"), 404)

    [t] = transfer(acme, p["id"], PARTNER_ID)
    assert t["sourceIMSOrgId"] == ACME_ID
    assert t["targetIMSOrgId"] == PARTNER_ID
    assert t["packageId"] == p["id"]
    assert t["requestType"] == "PRIVATE"
    assert t["status"] in ("PENDING", "IN_PROGRESS")
    assert is_epoch_ms(t["createdDate"])
    seen = [list(t["transferDetails"]["messages"])]
    for _ in range(30):
        if manual.advance(steps=1) == 0:
            break
        cur = transfer_by_id(acme, t["id"])
        seen.append(list(cur["transferDetails"]["messages"]))
    final = transfer_by_id(acme, t["id"])
    assert final["status"] == "COMPLETED"
    assert final["transferDetails"]["messages"] == TRANSFER_MESSAGES
    assert final["packageName"] == "shared"
    for msgs in seen:
        assert msgs == TRANSFER_MESSAGES[: len(msgs)], msgs
    assert len({len(m) for m in seen}) >= 3, seen  # the messages grew as it ran

    copy = get_package(partner, p["id"])
    assert copy["status"] == "PUBLISHED"
    assert [a["id"] for a in copy["artifactsList"]] == [SCHEMA_LOYALTY]


def test_transferred_package_can_be_imported(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    p = published_package(emulator, acme, "to-import", [SCHEMA_LOYALTY])
    [t] = transfer(acme, p["id"], PARTNER_ID)
    assert wait_transfer(emulator, acme, t["id"])["status"] == "COMPLETED"
    # Partner's prod holds its default merge policy only.
    assert [a["id"] for a in emulator.artifacts(PARTNER, "prod")] == ["prtn-prod-mp"]
    ans = ok(
        partner.post(
            "/packages/import",
            json={"id": p["id"], "destinationSandbox": {"name": "prod", "imsOrgId": PARTNER_ID}},
        )
    )
    job = wait_job(partner, ans["jobId"])
    assert job["jobStatus"] == "SUCCESS", job
    assert job["imsOrgId"] == PARTNER_ID
    assert job["sourceSandbox"] == {"name": "dev", "imsOrgId": ACME_ID, "empty": False}
    assert job["destinationSandbox"] == {"name": "prod", "imsOrgId": PARTNER_ID, "empty": False}
    created = [a for a in emulator.artifacts(PARTNER, "prod") if a["id"] != "prtn-prod-mp"]
    assert len(created) == 7  # the schema and its six dependencies
    assert "Loyalty Profile Schema" in {a["title"] for a in created}
    # acme's prod was not touched.
    assert len(emulator.artifacts("acme", "prod")) == 5


def _failed_transfer(emu: EmulatorProcess, acme: httpx.Client, pid: str) -> str:
    [t] = transfer(acme, pid, PARTNER_ID)
    done = wait_transfer(emu, acme, t["id"])
    assert done["status"] == "FAILED", done
    return " ".join(done["transferDetails"]["messages"]).lower()


def test_transfer_without_handshake_fails(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    p = published_package(emulator, acme, "nohs", ["acme-ns-crm"])
    assert "handshake" in _failed_transfer(emulator, acme, p["id"])
    assert_service_error(partner.get(f"/packages/{p['id']}"), 404)


def test_transfer_with_pending_handshake_fails(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID, approve=False)
    p = published_package(emulator, acme, "pending", ["acme-ns-crm"])
    assert "handshake" in _failed_transfer(emulator, acme, p["id"])


def test_transfer_with_rejected_handshake_fails(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    hs = handshake(acme, partner, ACME_ID, PARTNER_ID, approve=False)
    ok(action(partner, hs["linkingId"], "REJECTED"))
    p = published_package(emulator, acme, "rejected", ["acme-ns-crm"])
    assert "handshake" in _failed_transfer(emulator, acme, p["id"])


def test_transfer_of_unpublished_package_fails(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    p = create_package(acme, "draft", ["acme-ns-crm"])
    assert "publish" in _failed_transfer(emulator, acme, p["id"])
    assert_service_error(partner.get(f"/packages/{p['id']}"), 404)


def test_transfer_of_expired_package_fails(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    p = create_package(acme, "old", ["acme-ns-crm"])
    publish(emulator, acme, p["id"], expiry_period=0)
    assert "expired" in _failed_transfer(emulator, acme, p["id"])


def test_transfer_to_two_targets(
    emulator: EmulatorProcess,
    acme: httpx.Client,
    partner: httpx.Client,
    third: tuple[str, httpx.Client],
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    p = published_package(emulator, acme, "two", ["acme-ns-crm"])
    ts = transfer(acme, p["id"], PARTNER_ID, third[0])
    assert {t["targetIMSOrgId"] for t in ts} == {PARTNER_ID, third[0]}
    status = {t["targetIMSOrgId"]: wait_transfer(emulator, acme, t["id"])["status"] for t in ts}
    assert status == {PARTNER_ID: "COMPLETED", third[0]: "FAILED"}  # no handshake with third


def test_transfer_unknown_id(acme: httpx.Client) -> None:
    assert_service_error(acme.get(f"/transfer/{'e' * 32}"), 404, "e" * 32)


def test_transfer_get_and_list(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    p = published_package(emulator, acme, "listed", ["acme-ns-crm"])
    [t] = transfer(acme, p["id"], PARTNER_ID)
    done = wait_transfer(emulator, acme, t["id"])
    for field in ("id", "sourceIMSOrgId", "targetIMSOrgId", "packageId", "packageName", "status"):
        assert field in done
    assert ok(acme.get(f"/transfer/{t['id']}/")) == done

    def ids(q: str) -> list[str]:
        return [x["id"] for x in ok(acme.get("/transfer/list?" + q))["data"]]

    assert ids("requestType=PRIVATE") == [t["id"]]
    assert ids("requestType=private") == [t["id"]]
    assert ids("requestType=PUBLIC") == []
    assert ids("property=status==COMPLETED&start=0&limit=2&orderBy=-createdDate") == [t["id"]]
    assert ids("property=status==FAILED") == []
    assert ids("property=status%3D%3DCOMPLETED%2CFAILED&requestType=PRIVATE") == [t["id"]]


def test_transfer_missing_fields(acme: httpx.Client) -> None:
    assert_service_error(
        acme.post("/transfer", json={"targets": [{"imsOrgId": PARTNER_ID}]}), 400, "packageId"
    )
    assert_service_error(acme.post("/transfer", json={"packageId": "a" * 32}), 400, "targets")


def test_transfer_of_unknown_package(acme: httpx.Client) -> None:
    r = acme.post("/transfer", json={"packageId": "9" * 32, "targets": [{"imsOrgId": PARTNER_ID}]})
    if r.status_code == 200:  # created, must end FAILED (docs: "else ... ends FAILED")
        [t] = r.json()
        assert t["status"] in ("PENDING", "IN_PROGRESS", "FAILED")
    else:
        assert_service_error(r, 404, "9" * 32)


# -- public packages -------------------------------------------------------------------------
def _make_public(emu: EmulatorProcess, acme: httpx.Client, name: str) -> dict[str, Any]:
    p = published_package(emu, acme, name, [SCHEMA_LOYALTY])
    q = ok(
        acme.put(
            "/packages", json={"id": p["id"], "action": "UPDATE", "packageVisibility": "PUBLIC"}
        )
    )
    assert q["packageVisibility"] == "PUBLIC"
    assert q["status"] == "PUBLISHED"
    return dict(q)


def test_pull_request_reference_body(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    p = _make_public(emulator, acme, "public-pkg")
    t = ok(partner.post("/transfer/pullRequest", json={"imsOrgId": ACME_ID, "packageId": p["id"]}))
    assert t["sourceIMSOrgId"] == ACME_ID
    assert t["targetIMSOrgId"] == PARTNER_ID
    assert t["packageId"] == p["id"]
    assert t["requestType"] == "PUBLIC"
    assert t["status"] in ("PENDING", "IN_PROGRESS")
    assert isinstance(t["id"], str)
    done = wait_transfer(emulator, partner, t["id"])
    assert done["status"] == "COMPLETED"
    # No handshake was needed; the package is now the partner's to import.
    copy = get_package(partner, p["id"])
    assert copy["status"] == "PUBLISHED"
    job = wait_job(
        partner,
        ok(partner.post(f"/packages/{p['id']}/import?targetSandbox=prod"))["jobId"],
    )
    assert job["jobStatus"] == "SUCCESS", job
    assert len(emulator.artifacts(PARTNER, "prod")) == 1 + 7  # its merge policy, and the import
    # The reference's list-public query, from the puller's side.
    env = ok(
        partner.get(
            "/transfer/list?property=status%3D%3DCOMPLETED%2CFAILED&requestType=PUBLIC&orderby=-createdDate"
        )
    )
    assert [x["id"] for x in env["data"]] == [t["id"]]
    assert env["data"][0]["requestType"] == "PUBLIC"


def test_pull_of_private_package_is_refused(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    p = published_package(emulator, acme, "private", ["acme-ns-crm"])
    assert_partner_can_neither_pull_nor_import(emulator, partner, p["id"])


def test_pull_request_missing_fields(partner: httpx.Client) -> None:
    assert_service_error(
        partner.post("/transfer/pullRequest", json={"packageId": "a" * 32}), 400, "imsOrgId"
    )
    assert_service_error(
        partner.post("/transfer/pullRequest", json={"imsOrgId": ACME_ID}), 400, "packageId"
    )


# -- payload ---------------------------------------------------------------------------------
def test_payload(emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client) -> None:
    p = create_package(acme, "payload", ["acme-ns-crm"])
    assert ok(acme.get(f"/packages/payload/{p['id']}")) == {
        "imsOrgId": ACME_ID,
        "packageId": p["id"],
    }
    assert ok(acme.get(f"/packages/payload/{p['id']}/"))["packageId"] == p["id"]
    assert_service_error(partner.get(f"/packages/payload/{p['id']}"), 404, p["id"])
    assert_service_error(acme.get(f"/packages/payload/{'7' * 32}"), 404, "7" * 32)


def test_payload_after_transfer(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    p = published_package(emulator, acme, "payload2", ["acme-ns-crm"])
    [t] = transfer(acme, p["id"], PARTNER_ID)
    assert wait_transfer(emulator, acme, t["id"])["status"] == "COMPLETED"
    assert ok(partner.get(f"/packages/payload/{p['id']}"))["packageId"] == p["id"]


# -- more edges ------------------------------------------------------------------------------
def test_bulk_create_after_approval_returns_it_and_after_rejection_a_new_one(
    acme: httpx.Client, partner: httpx.Client
) -> None:
    hs = handshake(acme, partner, ACME_ID, PARTNER_ID)
    again = bulk_create(acme, [PARTNER_ID])["successfulRequests"][PARTNER_ID]
    assert (again["id"], again["status"]) == (hs["id"], "APPROVED")

    r = ok(
        partner.post(
            "/handshake/bulkCreate",
            json={
                "targetIMSOrgIds": [ACME_ID],
                "sourceIMSDetails": {"id": PARTNER_ID, "name": "p"},
            },
        )
    )
    back = r["successfulRequests"][ACME_ID]
    ok(action(acme, back["linkingId"], "REJECTED", org_id=ACME_ID))
    r2 = ok(
        partner.post(
            "/handshake/bulkCreate",
            json={
                "targetIMSOrgIds": [ACME_ID],
                "sourceIMSDetails": {"id": PARTNER_ID, "name": "p"},
            },
        )
    )
    fresh = r2["successfulRequests"][ACME_ID]
    assert fresh["id"] != back["id"]
    assert fresh["status"] == "APPROVAL_PENDING"


def test_transferred_package_is_listed_for_the_target(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    p = published_package(emulator, acme, "listed-for-partner", [SCHEMA_LOYALTY])
    [t] = transfer(acme, p["id"], PARTNER_ID)
    assert wait_transfer(emulator, acme, t["id"])["status"] == "COMPLETED"
    listed = ok(partner.get("/packages?limit=100"))["data"]
    assert p["id"] in [x["id"] for x in listed]
    # The target cannot change what it received.
    r = partner.put("/packages", json={"id": p["id"], "action": "ADD", "artifacts": []})
    assert r.status_code in (403, 409), r.text
    assert_service_error(r, r.status_code)


def test_target_cannot_reshare_a_received_package(
    emulator: EmulatorProcess,
    acme: httpx.Client,
    partner: httpx.Client,
    third: tuple[str, httpx.Client],
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    handshake(partner, third[1], PARTNER_ID, third[0])
    p = published_package(emulator, acme, "not-yours", ["acme-ns-crm"])
    [t] = transfer(acme, p["id"], PARTNER_ID)
    assert wait_transfer(emulator, acme, t["id"])["status"] == "COMPLETED"
    r = partner.post("/transfer", json={"packageId": p["id"], "targets": [{"imsOrgId": third[0]}]})
    if r.status_code == 200:
        [t2] = r.json()
        assert wait_transfer(emulator, partner, t2["id"])["status"] == "FAILED"
    else:
        assert_service_error(r, 403)
    assert_service_error(third[1].get(f"/packages/{p['id']}"), 404)


def test_import_in_target_org_rewires_dependencies(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    # A merge policy is never created by an import: the one of the same title in partner/prod
    # (its default, from the seed) is used (an empty target fails the job,
    # test_import_rules.py).
    mp = {"id": "prtn-prod-mp"}
    p = published_package(emulator, acme, "rewire", ["acme-seg-gold"])
    [t] = transfer(acme, p["id"], PARTNER_ID)
    assert wait_transfer(emulator, acme, t["id"])["status"] == "COMPLETED"
    ans = ok(partner.post(f"/packages/{p['id']}/import?targetSandbox=prod"))
    job = wait_job(partner, ans["jobId"])
    assert job["jobStatus"] == "SUCCESS", job
    prod = {a["id"]: a for a in emulator.artifacts(PARTNER, "prod")}
    by_title = {a["title"]: a for a in prod.values()}
    seg = by_title["Gold Loyalty Members"]
    assert {prod[d]["title"] for d in seg["dependsOn"]} == {
        "Loyalty Profile Schema",
        "Default Time-based Merge Policy",
    }
    assert mp["id"] in seg["dependsOn"]
    for a in prod.values():
        assert set(a["dependsOn"]) <= set(prod), a  # every edge points inside partner/prod
    assert set(job["importReplacementMap"].values()) == set(prod)
    # Where each object came from: `{source org}::{source sandbox}::{TYPE}::{source id}`.
    assert job["sourceParentArtifactMap"]["acme-seg-gold"] == (
        f"{ACME_ID}::dev::PROFILE_SEGMENT::acme-seg-gold"
    )


def test_pull_of_public_but_unpublished_package_never_completes(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    p = create_package(acme, "public-draft", ["acme-ns-crm"])
    r = acme.put(
        "/packages", json={"id": p["id"], "action": "UPDATE", "packageVisibility": "PUBLIC"}
    )
    if r.status_code != 200:  # refusing to publicise a draft is fine too
        assert_service_error(r, r.status_code)
        return
    assert_partner_can_neither_pull_nor_import(emulator, partner, p["id"])
