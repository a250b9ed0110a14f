"""The behaviour decisions written into docs/emulator.md ("Decided by the emulator
implementation"), each asserted black-box over HTTP: paging offsets, default order, filters on
missing fields, 405s, copies and public packages, manifests, exact step counts, all-or-nothing
imports, directional handshakes, request-log details, fault rule order, admin conflicts."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME,
    ACME_ID,
    CLASS_LOYALTY,
    DAY_MS,
    PARTNER,
    PARTNER_ID,
    SCHEMA_LOYALTY,
    TRANSFER_MESSAGES,
    all_permissions,
    artifacts_by_id,
    assert_service_error,
    create_package,
    failures,
    get_package,
    handshake,
    job_details,
    listed_job,
    now_ms,
    ok,
    outcomes,
    publish,
    published_package,
    transfer_by_id,
    wait_job,
    wait_transfer,
)

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def names(env: dict[str, Any]) -> list[str]:
    return [p["name"] for p in env["data"]]


# -- lists -----------------------------------------------------------------------------------
@pytest.fixture
def six(acme: httpx.Client) -> list[dict[str, Any]]:
    out = []
    for i in range(6):
        out.append(create_package(acme, f"n{i}", [], description="has" if i % 2 else None))
        time.sleep(0.003)
    return out


def test_start_is_an_item_offset(acme: httpx.Client, six: list[dict[str, Any]]) -> None:
    env = ok(acme.get("/packages?orderby=name&start=1&limit=2"))
    assert names(env) == ["n1", "n2"]
    assert env["currentPage"] == 0  # 1 // 2
    assert env["nextPage"] == 3
    assert env["pageSize"] == 2
    assert env["totalElements"] == 6
    last = ok(acme.get("/packages?orderby=name&start=4&limit=2"))
    assert names(last) == ["n4", "n5"]
    assert last["currentPage"] == 2
    assert last["nextPage"] is None
    assert last["hasNextPage"] is False


def test_default_order_is_newest_first(acme: httpx.Client, six: list[dict[str, Any]]) -> None:
    assert names(ok(acme.get("/packages"))) == ["n5", "n4", "n3", "n2", "n1", "n0"]


def test_filters_on_a_missing_field(acme: httpx.Client, six: list[dict[str, Any]]) -> None:
    # Only odd packages have a description.
    assert sorted(names(ok(acme.get("/packages?property=description==has")))) == ["n1", "n3", "n5"]
    assert sorted(names(ok(acme.get("/packages?property=publishDate==1")))) == []
    got = sorted(names(ok(acme.get("/packages?property=publishDate!=1"))))
    assert got == ["n0", "n1", "n2", "n3", "n4", "n5"]


def test_equals_is_case_insensitive_on_strings(
    acme: httpx.Client, six: list[dict[str, Any]]
) -> None:
    assert names(ok(acme.get("/packages?property=name==N3"))) == ["n3"]
    assert sorted(names(ok(acme.get("/packages?property=name!=N3")))) == [
        "n0",
        "n1",
        "n2",
        "n4",
        "n5",
    ]


def test_jobs_accept_package_field_names(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    # A job item names no package: the EXPORT jobs are told apart by their names (a
    # publication's job takes the package's name).
    published_package(emulator, acme, "ja", ["acme-ns-crm"])
    time.sleep(0.003)
    published_package(emulator, acme, "jb", ["acme-ns-crm"])
    got = [j["name"] for j in ok(acme.get("/packages/jobs?orderby=-createdDate"))["data"]]
    assert got == ["jb", "ja"]
    got = [j["name"] for j in ok(acme.get("/packages/jobs?orderby=createdDate"))["data"]]
    assert got == ["ja", "jb"]
    got = [j["name"] for j in ok(acme.get("/packages/jobs"))["data"]]  # default -created
    assert got == ["jb", "ja"]
    env = ok(acme.get("/packages/jobs?property=status==SUCCESS"))
    assert len(env["data"]) == 2


def test_handshake_list_without_request_type_and_by_post(
    acme: httpx.Client, partner: httpx.Client
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID, approve=False)
    r = ok(
        partner.post(
            "/handshake/bulkCreate",
            json={
                "targetIMSOrgIds": [ACME_ID],
                "sourceIMSDetails": {"id": PARTNER_ID, "name": "p"},
            },
        )
    )
    assert r["successfulRequests"]
    assert ok(acme.get("/handshake/list"))["totalElements"] == 2  # both directions
    env = ok(acme.post("/handshake/list?property=status%3D%3DIN_PROGRESS&requestType=OUTGOING"))
    assert [h["status"] for h in env["data"]] == ["APPROVAL_PENDING"]


def test_wrong_method_is_405_in_service_shape(acme: httpx.Client) -> None:
    r = acme.patch("/packages")
    assert r.status_code == 405
    err = r.json()
    assert err["title"] == "MethodNotAllowedError"
    assert err["status"] == 405
    assert err["type"] == "https://ns.adobe.com/aep/errors/EXIM-405"


# -- public packages and copies --------------------------------------------------------------
def test_public_package_readable_not_listed_not_importable(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    p = published_package(emulator, acme, "pub", [SCHEMA_LOYALTY])
    ok(
        acme.put(
            "/packages", json={"id": p["id"], "action": "UPDATE", "packageVisibility": "PUBLIC"}
        )
    )
    assert get_package(partner, p["id"])["id"] == p["id"]
    ok(partner.get(f"/packages/payload/{p['id']}"))
    ok(partner.get(f"/packages/{p['id']}/import?targetSandbox=prod"))
    ok(partner.post(f"/packages/{p['id']}/children"))
    ok(partner.get(f"/packages/preflight/{p['id']}?targetSandbox=prod"))
    assert ok(partner.get("/packages"))["data"] == []
    assert_service_error(partner.post(f"/packages/{p['id']}/import?targetSandbox=prod"), 403)
    t = ok(partner.post("/transfer/pullRequest", json={"imsOrgId": ACME_ID, "packageId": p["id"]}))
    assert wait_transfer(emulator, partner, t["id"])["status"] == "COMPLETED"
    assert [x["id"] for x in ok(partner.get("/packages"))["data"]] == [p["id"]]
    job = wait_job(
        partner, ok(partner.post(f"/packages/{p['id']}/import?targetSandbox=prod"))["jobId"]
    )
    assert job["jobStatus"] == "SUCCESS"


def _copy(emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client, name: str) -> str:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    p = published_package(emulator, acme, name, ["acme-ns-crm"])
    [t] = ok(
        acme.post("/transfer", json={"packageId": p["id"], "targets": [{"imsOrgId": PARTNER_ID}]})
    )
    assert wait_transfer(emulator, acme, t["id"])["status"] == "COMPLETED"
    return str(p["id"])


def test_a_copy_is_read_only_for_its_holder(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    pid = _copy(emulator, acme, partner, "copied")
    assert_service_error(
        partner.put("/packages", json={"id": pid, "action": "UPDATE", "description": "x"}), 403
    )
    assert_service_error(partner.get(f"/packages/{pid}/export"), 403)
    r = emulator.http.post("/_emulator/orgs", json={"name": "third"})
    third = r.json()["imsOrgId"]
    assert_service_error(
        partner.post("/transfer", json={"packageId": pid, "targets": [{"imsOrgId": third}]}), 403
    )


def test_deleting_a_copy_removes_only_the_copy(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    pid = _copy(emulator, acme, partner, "copied2")
    assert ok(partner.delete(f"/packages/{pid}")) == {"reason": f"Package {pid} deleted"}
    assert_service_error(partner.get(f"/packages/{pid}"), 404)
    assert get_package(acme, pid)["status"] == "PUBLISHED"


def test_both_orgs_see_the_transfer(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    p = published_package(emulator, acme, "seen", ["acme-ns-crm"])
    [t] = ok(
        acme.post("/transfer", json={"packageId": p["id"], "targets": [{"imsOrgId": PARTNER_ID}]})
    )
    wait_transfer(emulator, acme, t["id"])
    assert transfer_by_id(partner, t["id"])["id"] == t["id"]
    assert [x["id"] for x in ok(partner.get("/transfer/list"))["data"]] == [t["id"]]


# -- PUT details -----------------------------------------------------------------------------
def test_empty_add_does_not_bump(acme: httpx.Client) -> None:
    p = create_package(acme, "still", ["acme-ns-crm"])
    q = ok(acme.put("/packages", json={"id": p["id"], "action": "ADD", "artifacts": []}))
    assert q["version"] == p["version"]


def test_dedup_is_on_exact_id_and_type(acme: httpx.Client) -> None:
    p = create_package(acme, "exact", ["acme-ns-crm", "acme-ns-crm@1647559351683"])
    assert sorted(a["id"] for a in p["artifactsList"]) == [
        "acme-ns-crm",
        "acme-ns-crm@1647559351683",
    ]


def test_unknown_type_is_accepted_upper_cased(acme: httpx.Client) -> None:
    p = ok(
        acme.post(
            "/packages",
            json={
                "name": "odd",
                "packageType": "PARTIAL",
                "artifacts": [{"id": "c1", "type": "campaign"}],
            },
        )
    )
    assert p["artifactsList"][0]["type"] == "CAMPAIGN"


def test_published_package_keeps_expiry_on_put(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    p = create_package(acme, "keeps", ["acme-ns-crm"])
    done = publish(emulator, acme, p["id"], expiry_period=3)
    q = ok(
        acme.put(
            "/packages", json={"id": p["id"], "action": "UPDATE", "packageVisibility": "PUBLIC"}
        )
    )
    assert q["expiry"] == done["expiry"] == done["publishDate"] + 3 * DAY_MS


def test_put_on_publish_failed_is_409(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "pf", ["acme-policy-email"])
    emulator.delete_artifact(ACME, "dev", "acme-policy-email")
    publish(emulator, acme, p["id"], expect="PUBLISH_FAILED")
    r = acme.put(
        "/packages",
        json={
            "id": p["id"],
            "action": "ADD",
            "artifacts": [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}],
        },
    )
    assert_service_error(r, 409)


def test_foreign_source_sandbox_org_is_400(acme: httpx.Client) -> None:
    r = acme.post(
        "/packages",
        json={
            "name": "x",
            "packageType": "PARTIAL",
            "sourceSandbox": {"name": "dev", "imsOrgId": PARTNER_ID},
        },
    )
    assert_service_error(r, 400, "sourceSandbox")


# -- manifests -------------------------------------------------------------------------------
def test_published_manifest_outlives_the_source(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    p = published_package(emulator, acme, "snap", ["acme-seg-gold"])
    emulator.delete_artifact(ACME, "dev", "acme-seg-gold")
    emulator.delete_artifact(ACME, "dev", SCHEMA_LOYALTY)
    kids = {
        e["id"]: {c["id"] for c in e["children"]}
        for e in ok(acme.post(f"/packages/{p['id']}/children"))
    }
    assert kids["acme-seg-gold"] == {SCHEMA_LOYALTY, "acme-mp-default"}
    job = wait_job(acme, ok(acme.post(f"/packages/{p['id']}/import?targetSandbox=prod"))["jobId"])
    assert job["jobStatus"] == "SUCCESS"
    prod = artifacts_by_id(emulator, ACME, "prod")
    assert prod[job["importReplacementMap"]["acme-seg-gold"]]["title"] == "Gold Loyalty Members"


# -- steps -----------------------------------------------------------------------------------
def test_step_counts(manual: EmulatorProcess, acme: httpx.Client, partner: httpx.Client) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    p = create_package(acme, "steps", ["acme-ns-crm"])
    export = ok(acme.get(f"/packages/{p['id']}/export"))["jobId"]
    assert listed_job(acme, export)["jobStatus"] == "IN_PROGRESS"
    manual.advance(steps=1)
    assert get_package(acme, p["id"])["status"] == "PUBLISHED"
    assert listed_job(acme, export)["jobStatus"] == "SUCCESS"

    c = ok(acme.post(f"/packages/{p['id']}/import?targetSandbox=prod"))["jobId"]
    states = [(listed_job(acme, c)["jobStatus"], job_details(acme, c)["jobStatus"])]
    for _ in range(2):
        manual.advance(steps=1)
        states.append((listed_job(acme, c)["jobStatus"], job_details(acme, c)["jobStatus"]))
    assert [a for a, _ in states] == ["PENDING", "IN_PROGRESS", "SUCCESS"]
    assert [b for _, b in states] == ["PENDING", "IN_PROGRESS", "SUCCESS"]

    [t] = ok(
        acme.post("/transfer", json={"packageId": p["id"], "targets": [{"imsOrgId": PARTNER_ID}]})
    )
    seen = [(t["status"], len(t["transferDetails"]["messages"]))]
    for _ in range(3):
        manual.advance(steps=1)
        x = transfer_by_id(acme, t["id"])
        seen.append((x["status"], len(x["transferDetails"]["messages"])))
    assert seen == [("PENDING", 2), ("IN_PROGRESS", 4), ("IN_PROGRESS", 6), ("COMPLETED", 8)]
    assert transfer_by_id(acme, t["id"])["transferDetails"]["messages"] == TRANSFER_MESSAGES


def test_failing_transfer_steps(manual: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "nohs", ["acme-ns-crm"])
    ok(acme.get(f"/packages/{p['id']}/export"))
    manual.advance()
    [t] = ok(
        acme.post("/transfer", json={"packageId": p["id"], "targets": [{"imsOrgId": PARTNER_ID}]})
    )
    assert t["status"] == "PENDING"
    assert t["transferDetails"]["messages"] == ["Fetched Package"]
    assert manual.advance(steps=1) == 1
    done = transfer_by_id(acme, t["id"])
    assert done["status"] == "FAILED"
    assert done["transferDetails"]["messages"][0] == "Fetched Package"
    assert done["transferDetails"]["messages"][-1] == "Finished with status: FAILED"
    assert len(done["transferDetails"]["messages"]) == 3


# -- imports ---------------------------------------------------------------------------------
def test_failed_import_creates_nothing(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "nothing", ["acme-jr-gold-welcome"])
    perms = all_permissions()
    perms["Journey"] = ["read", "write"]  # no publish
    emulator.set_roles(ACME, perms)
    before = artifacts_by_id(emulator, ACME, "prod")
    job = wait_job(acme, ok(acme.post(f"/packages/{p['id']}/import?targetSandbox=prod"))["jobId"])
    assert job["jobStatus"] == "FAILED"
    # Only the journey lacks a permission: it alone is a failed task, and nothing else the
    # job would have created (the segment, its schema...) is in prod.
    got = failures(job)
    assert list(got) == ["acme-jr-gold-welcome"]
    assert "Journey" in got["acme-jr-gold-welcome"]
    assert "publish" in got["acme-jr-gold-welcome"]
    assert job["completedTasks"] == []
    assert artifacts_by_id(emulator, ACME, "prod") == before


def test_permissions_only_for_created_artifacts(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    # Both artifacts have a same-titled object in prod of a type reused by title (a merge
    # policy, a schema): reused, so nothing is created and no permission beyond what the org
    # has is needed. (Before the per-type rules the class "Loyalty Member" served here; a
    # class is now created anew, so a schema of prod's title stands in for it.)
    emulator.add_artifact(
        ACME,
        "dev",
        {"id": "acme-schema-v2", "type": "REGISTRY_SCHEMA", "title": "Loyalty Profile Schema v2"},
    )
    p = ok(
        acme.post(
            "/packages",
            json={
                "name": "reuse-only",
                "packageType": "PARTIAL",
                "artifacts": [
                    {"id": "acme-mp-default", "type": "PROFILE_MERGE"},
                    {"id": "acme-schema-v2", "type": "REGISTRY_SCHEMA"},
                ],
            },
        )
    )
    publish(emulator, acme, p["id"])
    emulator.set_roles(ACME, {"Sandbox": ["view"]})
    job = wait_job(acme, ok(acme.post(f"/packages/{p['id']}/import?targetSandbox=prod"))["jobId"])
    assert job["jobStatus"] == "SUCCESS", job
    assert job["importReplacementMap"] == {
        "acme-mp-default": "acme-prod-mp",
        "acme-schema-v2": "acme-prod-schema-loyalty",
    }
    assert {s for s, _ in outcomes(job).values()} == {"OBJECT_REUSED"}


def test_alternative_dependencies_are_not_imported(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    p = published_package(emulator, acme, "alt-deps", [SCHEMA_LOYALTY])
    before = set(artifacts_by_id(emulator, ACME, "prod"))
    body = {"alternatives": {SCHEMA_LOYALTY: "acme-prod-schema-loyalty"}}  # a plain id string
    job = wait_job(
        acme,
        ok(acme.post(f"/packages/{p['id']}/import?targetSandbox=prod", json=body))["jobId"],
    )
    assert job["jobStatus"] == "SUCCESS", job
    assert job["importReplacementMap"] == {SCHEMA_LOYALTY: "acme-prod-schema-loyalty"}
    assert outcomes(job) == {SCHEMA_LOYALTY: ("OBJECT_REUSED", "acme-prod-schema-loyalty")}
    assert set(artifacts_by_id(emulator, ACME, "prod")) == before


def test_new_id_shapes(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(
        emulator,
        acme,
        "ids",
        ["acme-policy-email", "https://ns.adobe.com/acme/mixins/consent-prefs"],
    )
    job = wait_job(acme, ok(acme.post(f"/packages/{p['id']}/import?targetSandbox=prod"))["jobId"])
    imported = job["importReplacementMap"]
    assert HEX32.match(imported["acme-policy-email"])
    new_uri = imported["https://ns.adobe.com/acme/mixins/consent-prefs"]
    assert new_uri.startswith("https://ns.adobe.com/acme/mixins/")
    assert HEX32.match(new_uri.rsplit("/", 1)[1])


def test_foreign_destination_org_fails_the_job(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    p = published_package(emulator, acme, "foreign-dest", ["acme-ns-crm"])
    ans = ok(
        acme.post(
            "/packages/import",
            json={"id": p["id"], "destinationSandbox": {"name": "prod", "imsOrgId": PARTNER_ID}},
        )
    )
    job = wait_job(acme, ans["jobId"])
    assert job["jobStatus"] == "FAILED"
    # A job-level reason: one failed task per root artifact, naming the other org.
    got = failures(job)
    assert list(got) == ["acme-ns-crm"] and PARTNER_ID in got["acme-ns-crm"]
    assert [a["id"] for a in emulator.artifacts(PARTNER, "prod")] == ["prtn-prod-mp"]


def test_preflight_lists_only_the_packages_artifacts(acme: httpx.Client) -> None:
    p = create_package(acme, "own-only", ["acme-seg-gold"])
    res = ok(acme.get(f"/packages/preflight/{p['id']}?targetSandbox=prod"))
    assert [e["artifactID"] for e in res["permissionResponse"]] == ["acme-seg-gold"]


def test_conflict_parent_id_and_found(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "parent", [CLASS_LOYALTY])
    [entry] = ok(acme.get(f"/packages/{p['id']}/import?targetSandbox=prod"))
    assert entry["parentID"] == f"{ACME_ID}::prod::REGISTRY_CLASS::{CLASS_LOYALTY}"
    assert entry["artifact"]["found"] is False and entry["artifact"]["count"] == 0


# -- handshakes ------------------------------------------------------------------------------
def test_handshakes_are_directional(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)  # acme -> partner approved
    p = published_package(emulator, partner, "back", [])
    [t] = ok(
        partner.post("/transfer", json={"packageId": p["id"], "targets": [{"imsOrgId": ACME_ID}]})
    )
    assert wait_transfer(emulator, partner, t["id"])["status"] == "FAILED"


@pytest.mark.parametrize("form", ["linkingId-key", "handshake-id"])
def test_action_accepts_other_handles(acme: httpx.Client, partner: httpx.Client, form: str) -> None:
    hs = handshake(acme, partner, ACME_ID, PARTNER_ID, approve=False)
    if form == "linkingId-key":
        body = {"linkingId": hs["linkingId"], "status": "APPROVED", "reason": "ok"}
    else:
        body = {"linkingID": hs["id"], "status": "APPROVED", "reason": "ok"}
    assert ok(partner.post("/handshake/action", json=body))["status"] == "APPROVED"


def test_bulk_create_from_someone_else_is_403(acme: httpx.Client) -> None:
    r = acme.post(
        "/handshake/bulkCreate",
        json={"targetIMSOrgIds": [ACME_ID], "sourceIMSDetails": {"id": PARTNER_ID, "name": "p"}},
    )
    assert_service_error(r, 403)


def test_bulk_create_to_oneself_fails(acme: httpx.Client) -> None:
    r = ok(
        acme.post(
            "/handshake/bulkCreate",
            json={"targetIMSOrgIds": [ACME_ID], "sourceIMSDetails": {"id": ACME_ID, "name": "a"}},
        )
    )
    assert ACME_ID in r["failedRequests"] and r["successfulRequests"] == {}


# -- transfers and pulls ---------------------------------------------------------------------
def test_transfer_of_unknown_package_is_404(acme: httpx.Client) -> None:
    r = acme.post("/transfer", json={"packageId": "9" * 32, "targets": [{"imsOrgId": PARTNER_ID}]})
    assert_service_error(r, 404, "9" * 32)


def test_transfer_to_unknown_org_fails(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "nowhere", ["acme-ns-crm"])
    [t] = ok(
        acme.post(
            "/transfer", json={"packageId": p["id"], "targets": [{"imsOrgId": "GHOST@AdobeOrg"}]}
        )
    )
    assert wait_transfer(emulator, acme, t["id"])["status"] == "FAILED"


def test_second_transfer_refreshes_the_copy(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    pid = _copy(emulator, acme, partner, "refresh")
    ok(acme.put("/packages", json={"id": pid, "action": "UPDATE", "description": "v2"}))
    [t] = ok(acme.post("/transfer", json={"packageId": pid, "targets": [{"imsOrgId": PARTNER_ID}]}))
    assert wait_transfer(emulator, acme, t["id"])["status"] == "COMPLETED"
    assert get_package(partner, pid)["description"] == "v2"


@pytest.mark.parametrize("case", ["unknown", "private", "wrong-owner"])
def test_pull_refusals_are_404(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client, case: str
) -> None:
    p = published_package(emulator, acme, "pull", ["acme-ns-crm"])
    body = {"imsOrgId": ACME_ID, "packageId": p["id"]}
    if case == "unknown":
        body["packageId"] = "8" * 32
    elif case == "wrong-owner":
        ok(
            acme.put(
                "/packages", json={"id": p["id"], "action": "UPDATE", "packageVisibility": "PUBLIC"}
            )
        )
        body["imsOrgId"] = PARTNER_ID
    assert_service_error(partner.post("/transfer/pullRequest", json=body), 404)


def test_pull_of_expired_public_package_fails(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    p = create_package(acme, "stale-public", ["acme-ns-crm"])
    publish(emulator, acme, p["id"], expiry_period=0)
    ok(
        acme.put(
            "/packages", json={"id": p["id"], "action": "UPDATE", "packageVisibility": "PUBLIC"}
        )
    )
    t = ok(partner.post("/transfer/pullRequest", json={"imsOrgId": ACME_ID, "packageId": p["id"]}))
    assert wait_transfer(emulator, partner, t["id"])["status"] == "FAILED"


# -- request log, tokens, faults, admin ------------------------------------------------------
def test_log_path_as_received_and_ims_org(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.clear_requests()
    ok(acme.get("/packages/"))
    emulator.token(PARTNER)
    log = emulator.requests()
    assert log[0]["path"] == "/data/foundation/exim/packages/"
    assert log[0]["org"] == ACME_ID
    assert log[1]["path"] == "/ims/token/v3"
    assert log[1]["org"] == PARTNER_ID
    assert abs(log[0]["time"] - now_ms()) < 60_000


def test_tokens_survive_restart(fresh_emulator: EmulatorProcess) -> None:
    tok = fresh_emulator.token(ACME)
    fresh_emulator.stop()
    again = EmulatorProcess.start(fresh_emulator.db_path, delay=0.05)
    try:
        o = again.org(ACME)
        r = again.http.get(
            "/data/foundation/exim/packages",
            headers={
                "Authorization": f"Bearer {tok}",
                "x-api-key": o["clientId"],
                "x-gw-ims-org-id": o["imsOrgId"],
            },
        )
        assert r.status_code == 200, r.text
    finally:
        again.stop()


def test_fault_rules_order_and_latency_sum(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.set_faults(
        [
            {"path": "/packages", "status": 0, "latencyMs": 150},
            {"path": "/packages", "status": 429, "latencyMs": 150, "times": 1},
            {"path": "/packages", "status": 503},
        ]
    )
    t0 = time.monotonic()
    assert_service_error(acme.get("/packages"), 429)
    assert time.monotonic() - t0 >= 0.29
    assert_service_error(acme.get("/packages"), 503)


def test_admin_conflicts(emulator: EmulatorProcess) -> None:
    org = ok(emulator.http.post("/_emulator/orgs", json={"name": "defaults"}), 201)
    assert sorted(org["sandboxes"]) == ["dev", "prod"]
    assert emulator.http.post("/_emulator/orgs", json={"name": "defaults"}).status_code == 409
    assert (
        emulator.http.post(
            "/_emulator/orgs", json={"name": "other", "imsOrgId": ACME_ID}
        ).status_code
        == 409
    )
    assert (
        emulator.http.post(
            "/_emulator/orgs", json={"name": "other2", "clientId": "acme-client-id"}
        ).status_code
        == 409
    )
    r = emulator.http.post(
        f"/_emulator/orgs/{ACME}/sandboxes/dev/artifacts",
        json={"id": "acme-ns-crm", "type": "ID_NAMESPACE", "title": "x"},
    )
    assert r.status_code == 409
    a = ok(
        emulator.http.post(
            f"/_emulator/orgs/{ACME}/sandboxes/dev/artifacts",
            json={"id": "dangling", "type": "FLOW", "title": "D", "dependsOn": ["does-not-exist"]},
        ),
        201,
    )
    assert a["dependsOn"] == ["does-not-exist"]


def test_reset_without_seed_uses_startup_seed(emulator: EmulatorProcess) -> None:
    assert ok(emulator.http.post("/_emulator/reset"))["seed"] == "demo"
    assert len(emulator.orgs()) == 2
