"""The tools area: `GET /tools/job/{JOB_ID}` (tools.md "Job details") for successful and
failed jobs, each kind of failure, and 404s; `GET /tools/artifacts/{ARTIFACT_TYPE}` (only on
the earlier tools page, tools-older-with-artifact-endpoints.md "List all artifacts of a specific
type"). docs/emulator.md, "Jobs and /tools".

A failed job's `failedTasks` name the artifacts concerned (missing permissions, a missing
alternative, a merge policy with none to use), or, for a job-level reason (expired package,
unknown target sandbox, another destination org), each root artifact of the package with the
reason; a PUBLISH_FAILED publication's export job has one failed task per missing artifact.
No page shows a failed task: the shape (the task of tools.md with taskStatus FAILED and one
FAILED message) is the emulator's."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME,
    ACME_DEV,
    ACME_ID,
    CLASS_LOYALTY,
    PARTNER_ID,
    SCHEMA_LOYALTY,
    all_permissions,
    artifacts_by_id,
    assert_service_error,
    create_package,
    failures,
    is_epoch_ms,
    job_details,
    jobs,
    now_ms,
    ok,
    outcomes,
    publish,
    publish_with_job,
    published_package,
    wait_job,
)

HEX32 = re.compile(r"^[0-9a-f]{32}$")
OBJECT_FIELDS = {
    "id",
    "name",
    "description",
    "visibility",
    "requestType",
    "expiry",
    "snapshotId",
    "createdTimestamp",
    "modifiedTimestamp",
    "type",
    "jobStatus",
    "jobType",
    "counter",
    "imsOrgId",
    "sourceSandbox",
    "completedTasks",
    "failedTasks",
    "importReplacementMap",
    "sourceParentArtifactMap",
}
#: The page shows `jobHash` too (a digest of what, it doesn't say): allowed, not required.
OPTIONAL_FIELDS = {"jobHash", "destinationSandbox"}


def _import(c: httpx.Client, pid: str, sandbox: str = "prod", **extra: Any) -> str:
    dest = extra.pop("dest_org", ACME_ID)
    body = {"id": pid, "destinationSandbox": {"name": sandbox, "imsOrgId": dest}, **extra}
    return str(ok(c.post("/packages/import", json=body))["jobId"])


def _envelope(c: httpx.Client, job_id: str) -> dict[str, Any]:
    return dict(ok(c.get(f"/tools/job/{job_id}")))


# -- a successful import ---------------------------------------------------------------------
def test_successful_import_job_answers_as_tools_md(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    p = create_package(acme, "acme", [SCHEMA_LOYALTY], description="Acme Business Group")
    publish(emulator, acme, p["id"])
    t0 = now_ms()
    job_id = _import(acme, p["id"], name="my import", description="why")
    wait_job(acme, job_id)
    env = _envelope(acme, job_id)
    assert set(env) == {"status", "type", "message", "object"}
    assert (env["status"], env["type"]) == ("OK", "SUCCESS")
    assert env["message"] == f"Job with ID: {job_id} found"
    job = env["object"]
    assert OBJECT_FIELDS <= set(job) <= OBJECT_FIELDS | OPTIONAL_FIELDS, sorted(job)
    assert job["id"] == job_id
    assert (job["name"], job["description"]) == ("my import", "why")
    assert job["visibility"] == "TENANT"
    assert job["requestType"] == "IMPORT"
    assert job["type"] == "PARTIAL"
    assert (job["jobStatus"], job["jobType"]) == ("SUCCESS", "NEW")
    assert (job["expiry"], job["counter"]) == (0, 0)
    assert job["imsOrgId"] == ACME_ID
    assert HEX32.match(job["snapshotId"])
    assert is_epoch_ms(job["createdTimestamp"], near=t0)
    assert job["modifiedTimestamp"] >= job["createdTimestamp"]
    assert job["sourceSandbox"] == {"name": "dev", "imsOrgId": ACME_ID, "empty": False}
    assert job["destinationSandbox"] == {"name": "prod", "imsOrgId": ACME_ID, "empty": False}
    assert job["failedTasks"] == []

    # One task per artifact of the package and its dependencies, dependencies first.
    tasks = job["completedTasks"]
    ids = [t["artifact"]["id"] for t in tasks]
    closure = {SCHEMA_LOYALTY, *ACME_DEV[SCHEMA_LOYALTY][2]} | {
        d for a in ACME_DEV[SCHEMA_LOYALTY][2] for d in ACME_DEV[a][2]
    }
    assert set(ids) == closure and len(ids) == len(closure)
    assert ids[-1] == SCHEMA_LOYALTY
    for i, t in enumerate(tasks):
        for dep in ACME_DEV[t["artifact"]["id"]][2]:
            assert ids.index(dep) < i, (dep, t["artifact"]["id"])
    prod = artifacts_by_id(emulator, ACME, "prod")
    for t in tasks:
        art = t["artifact"]
        typ, title, _ = ACME_DEV[art["id"]]
        assert (t["taskType"], t["taskStatus"]) == ("POST", "SUCCESS")
        assert (art["type"], art["title"], art["found"], art["count"]) == (typ, title, False, 0)
        [m] = art["messages"]
        assert (m["status"], m["attempt"]) == ("CREATED", 1)
        # Worded as the pages' examples: "<TYPE> created. Source id=<id>; Target id=<id>".
        assert m["message"] == f"{typ} created. Source id={art['id']}; Target id={art['newId']}"
        assert art["newId"] in prod
    # importReplacementMap: source id -> target id of every task, as the tasks' newId.
    assert job["importReplacementMap"] == {
        t["artifact"]["id"]: t["artifact"]["newId"] for t in tasks
    }
    # sourceParentArtifactMap: source id -> "{source org}::{source sandbox}::{TYPE}::{id}".
    assert job["sourceParentArtifactMap"] == {
        t["artifact"]["id"]: f"{ACME_ID}::dev::{t['artifact']['type']}::{t['artifact']['id']}"
        for t in tasks
    }


def test_messages_of_reused_and_existing_objects(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    # The merge policy: prod's of the same title is used (OBJECT_REUSED); the namespace,
    # imported a second time into its own source, exists there (OBJECT_EXISTS).
    p = published_package(emulator, acme, "words", ["acme-mp-default", "acme-ns-crm"])
    job = wait_job(acme, _import(acme, p["id"]))
    [mp] = [
        t["artifact"] for t in job["completedTasks"] if t["artifact"]["id"] == "acme-mp-default"
    ]
    assert mp["messages"] == [
        {
            "status": "OBJECT_REUSED",
            "attempt": 1,
            "message": "PROFILE_MERGE was not created anew. Reused object id=acme-prod-mp",
        }
    ]
    assert mp["newId"] == "acme-prod-mp"
    job = wait_job(acme, _import(acme, p["id"], sandbox="dev"))
    [ns] = [t["artifact"] for t in job["completedTasks"] if t["artifact"]["id"] == "acme-ns-crm"]
    assert ns["messages"] == [
        {
            "status": "OBJECT_EXISTS",
            "attempt": 1,
            "message": "Object ID_NAMESPACE, id=acme-ns-crm already exists and was not re-created",
        }
    ]
    assert ns["newId"] == "acme-ns-crm"


def test_a_job_in_progress_has_no_tasks_yet(manual: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "slow", ["acme-ns-crm"])
    ok(acme.get(f"/packages/{p['id']}/export"))
    manual.advance()
    job_id = _import(acme, p["id"])
    for status in ("PENDING", "IN_PROGRESS"):
        job = job_details(acme, job_id)
        assert job["jobStatus"] == status
        assert (job["completedTasks"], job["failedTasks"]) == ([], [])
        assert job["importReplacementMap"] == {}
        manual.advance(steps=1)
    job = job_details(acme, job_id)
    assert job["jobStatus"] == "SUCCESS"
    assert list(outcomes(job)) == ["acme-ns-crm"]


# -- export jobs -----------------------------------------------------------------------------
def test_successful_export_job(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "exp", [SCHEMA_LOYALTY], description="d")
    _, job = publish_with_job(emulator, acme, p["id"])
    assert job["requestType"] == "EXPORT" and job["jobStatus"] == "SUCCESS"
    assert (job["name"], job["description"], job["type"]) == ("exp", "d", "PARTIAL")
    assert job["sourceSandbox"] == {"name": "dev", "imsOrgId": ACME_ID, "empty": False}
    assert "destinationSandbox" not in job  # an export has no destination
    # An export job lists no tasks (no page shows one) and maps nothing.
    assert (job["completedTasks"], job["failedTasks"]) == ([], [])
    assert (job["importReplacementMap"], job["sourceParentArtifactMap"]) == ({}, {})


def test_publish_failed_export_job_names_each_missing_artifact(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    p = create_package(acme, "holes", ["acme-ns-crm", "acme-policy-email", CLASS_LOYALTY])
    emulator.delete_artifact(ACME, "dev", "acme-policy-email")
    emulator.delete_artifact(ACME, "dev", CLASS_LOYALTY)
    pkg, job = publish_with_job(emulator, acme, p["id"], expect="PUBLISH_FAILED")
    assert job["jobStatus"] == "FAILED" and job["requestType"] == "EXPORT"
    assert "failureReason" not in pkg
    got = failures(job)
    assert set(got) == {"acme-policy-email", CLASS_LOYALTY}
    for aid, message in got.items():
        assert aid in message and "dev" in message, message
    types = {t["artifact"]["id"]: t["artifact"]["type"] for t in job["failedTasks"]}
    assert types == {"acme-policy-email": "DULE_CONSENT_POLICY", CLASS_LOYALTY: "REGISTRY_CLASS"}
    assert job["completedTasks"] == []


def test_export_of_a_package_deleted_while_publishing(
    manual: EmulatorProcess, acme: httpx.Client
) -> None:
    p = create_package(acme, "vanishing", ["acme-ns-crm"])
    job_id = ok(acme.get(f"/packages/{p['id']}/export"))["jobId"]
    ok(acme.delete(f"/packages/{p['id']}"))
    manual.advance()
    job = job_details(acme, job_id)
    assert job["jobStatus"] == "FAILED"
    got = failures(job)
    assert list(got) == [p["id"]] and "deleted" in got[p["id"]]
    assert job["failedTasks"][0]["artifact"]["type"] == "PACKAGE"


# -- failed imports, each kind ---------------------------------------------------------------
def test_failed_import_missing_permissions(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "perm", ["acme-seg-gold", "acme-ns-crm"])
    perms = all_permissions()
    perms["Segment"] = ["read", "write"]  # no delete
    perms["Identity"] = ["read"]  # no write
    emulator.set_roles(ACME, perms)
    job = wait_job(acme, _import(acme, p["id"]))
    assert job["jobStatus"] == "FAILED"
    got = failures(job)
    # The segment and the namespaces it would create (the segment's schema's loyalty ID too);
    # the merge policy is reused, the schema registry artifacts are allowed.
    assert set(got) == {"acme-seg-gold", "acme-ns-crm", "acme-ns-loyalty"}
    assert "Segment" in got["acme-seg-gold"] and "delete" in got["acme-seg-gold"]
    assert "Identity" in got["acme-ns-crm"] and "write" in got["acme-ns-crm"]
    assert (job["completedTasks"], job["importReplacementMap"]) == ([], {})


def test_failed_import_missing_alternative(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "alt", ["acme-ns-crm", "acme-policy-email"])
    alternatives = {
        "acme-ns-crm": {"id": "no-such-namespace", "type": "ID_NAMESPACE"},
        "acme-policy-email": {"id": "no-such-policy", "type": "DULE_CONSENT_POLICY"},
    }
    job = wait_job(acme, _import(acme, p["id"], alternatives=alternatives))
    assert job["jobStatus"] == "FAILED"
    got = failures(job)
    assert set(got) == {"acme-ns-crm", "acme-policy-email"}
    assert "no-such-namespace" in got["acme-ns-crm"]
    assert "no-such-policy" in got["acme-policy-email"]


def test_failed_import_merge_policy_with_none_to_use(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    emulator.delete_artifact(ACME, "prod", "acme-prod-mp")
    p = published_package(emulator, acme, "no-mp", ["acme-seg-cart"])
    before = artifacts_by_id(emulator, ACME, "prod")
    job = wait_job(acme, _import(acme, p["id"]))
    assert job["jobStatus"] == "FAILED"
    got = failures(job)
    assert list(got) == ["acme-mp-default"]
    assert "merge" in got["acme-mp-default"].lower() or "PROFILE_MERGE" in got["acme-mp-default"]
    assert job["failedTasks"][0]["artifact"]["type"] == "PROFILE_MERGE"
    assert artifacts_by_id(emulator, ACME, "prod") == before  # nothing created


@pytest.mark.parametrize("kind", ["expired", "unknown-sandbox", "other-org"])
def test_failed_import_job_level_reasons_name_each_root(
    emulator: EmulatorProcess, acme: httpx.Client, kind: str
) -> None:
    # Two roots (the segment's dependencies are not roots): one failed task each.
    p = create_package(acme, f"roots-{kind}", ["acme-seg-gold", "acme-ns-crm"])
    publish(emulator, acme, p["id"], expiry_period=0 if kind == "expired" else None)
    if kind == "expired":
        job_id, reason = _import(acme, p["id"]), "expired"
    elif kind == "unknown-sandbox":
        job_id, reason = _import(acme, p["id"], sandbox="moon"), "moon"
    else:
        job_id, reason = _import(acme, p["id"], dest_org=PARTNER_ID), PARTNER_ID
    job = wait_job(acme, job_id)
    assert job["jobStatus"] == "FAILED"
    got = failures(job)
    assert set(got) == {"acme-seg-gold", "acme-ns-crm"}
    assert all(reason in m for m in got.values()), got
    assert job["completedTasks"] == []


def test_job_level_failure_of_an_empty_package_names_the_package(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    # No artifact to name: the failed task is the package, so the job still ends FAILED.
    p = create_package(acme, "empty-moon", [])
    publish(emulator, acme, p["id"])
    job = wait_job(acme, _import(acme, p["id"], sandbox="moon"))
    assert job["jobStatus"] == "FAILED"
    got = failures(job)
    assert list(got) == [p["id"]] and "moon" in got[p["id"]]


# -- 404s ------------------------------------------------------------------------------------
def test_unknown_job_is_404(acme: httpx.Client) -> None:
    for job_id in ("0" * 32, "not-a-job"):
        assert_service_error(acme.get(f"/tools/job/{job_id}"), 404, job_id)


def test_another_orgs_job_is_404(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    p = published_package(emulator, acme, "mine", ["acme-ns-crm"])
    [export] = jobs(acme)
    imported = _import(acme, p["id"])
    wait_job(acme, imported)
    for job_id in (export["id"], imported):
        assert_service_error(partner.get(f"/tools/job/{job_id}"), 404, job_id)
        assert job_details(acme, job_id)["imsOrgId"] == ACME_ID
    # And the other way round.
    theirs = create_package(partner, "theirs", ["prtn-class-customer"])
    their_job = ok(partner.get(f"/packages/{theirs['id']}/export"))["jobId"]
    assert_service_error(acme.get(f"/tools/job/{their_job}"), 404, their_job)
    assert job_details(partner, their_job)["imsOrgId"] == PARTNER_ID


def test_tools_job_needs_the_gateways_checks(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "gate", ["acme-ns-crm"])
    [export] = jobs(acme)
    r = emulator.http.get(f"/data/foundation/exim/tools/job/{export['id']}")
    assert r.status_code == 401 and r.json()["error_code"] == "403010"
    assert p["status"] == "PUBLISHED"


# -- /tools/artifacts/{ARTIFACT_TYPE} ------------------------------------------------------
def _artifacts(c: httpx.Client, artifact_type: str) -> dict[str, Any]:
    return dict(ok(c.get(f"/tools/artifacts/{artifact_type}")))


def test_artifacts_of_a_type_in_the_header_sandbox(
    acme: httpx.Client, acme_prod: httpx.Client
) -> None:
    res = _artifacts(acme, "REGISTRY_SCHEMA")
    assert (res["status"], res["type"]) == ("OK", "SUCCESS")
    assert res["message"] == "2 Artifacts found for type REGISTRY_SCHEMA"
    expected = [
        {"id": aid, "type": typ, "title": title}
        for aid, (typ, title, _) in ACME_DEV.items()
        if typ == "REGISTRY_SCHEMA"
    ]
    assert sorted(res["object"], key=lambda a: a["id"]) == sorted(expected, key=lambda a: a["id"])
    for a in res["object"]:
        assert set(a) == {"id", "type", "title"}
    # Another sandbox, another answer.
    prod = _artifacts(acme_prod, "REGISTRY_SCHEMA")
    assert {a["id"] for a in prod["object"]} == {
        "acme-prod-schema-loyalty",
        "acme-prod-schema-loyalty-old",
    }


def test_artifacts_of_a_type_case_and_none(acme: httpx.Client) -> None:
    journeys = _artifacts(acme, "journey")
    assert journeys["message"] == "2 Artifacts found for type JOURNEY"
    assert {a["id"] for a in journeys["object"]} == {
        "acme-jr-gold-welcome",
        "acme-jr-cart-recovery",
    }
    assert all(a["type"] == "JOURNEY" for a in journeys["object"])
    none = _artifacts(acme, "CAMPAIGN")
    assert none == {
        "status": "OK",
        "type": "SUCCESS",
        "message": "0 Artifacts found for type CAMPAIGN",
        "object": [],
    }


def test_artifacts_see_what_an_import_created(
    emulator: EmulatorProcess, acme: httpx.Client, acme_prod: httpx.Client
) -> None:
    p = published_package(emulator, acme, "seen", ["acme-policy-email"])
    job = wait_job(acme, _import(acme, p["id"]))
    new_id = job["importReplacementMap"]["acme-policy-email"]
    got = _artifacts(acme_prod, "DULE_CONSENT_POLICY")["object"]
    assert got == [
        {"id": new_id, "type": "DULE_CONSENT_POLICY", "title": "Email Marketing Consent"}
    ]


def test_artifacts_of_another_org_are_not_listed(partner: httpx.Client) -> None:
    got = _artifacts(partner, "REGISTRY_SCHEMA")["object"]
    assert got == [
        {"id": "prtn-schema-customer", "type": "REGISTRY_SCHEMA", "title": "Customer Schema"}
    ]


def test_artifacts_need_the_sandbox_header(emulator: EmulatorProcess) -> None:
    with emulator.api(ACME) as c:
        c.headers.pop("x-sandbox-name", None)
        assert_service_error(c.get("/tools/artifacts/JOURNEY"), 400, "x-sandbox-name")
    with emulator.api(ACME, "atlantis") as c:
        assert_service_error(c.get("/tools/artifacts/JOURNEY"), 404, "atlantis")
