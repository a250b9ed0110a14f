"""Packages: create, PUT ADD/DELETE/UPDATE, visibility, delete, look up, publish, EXPORT job.

Request bodies are the reference page's own (exim-packages-api.md), with only what must change
to fit the seed (the org id, a sandbox the org has, an expiry in the future) replaced.

Contract gaps, not asserted here:
- whether an ADD whose artifacts are all already present bumps `version` (an empty list does
  not: test_decisions.py);
- a past `expiry` on ADD (only "at create" is fixed as 400).
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME_DEV,
    ACME_ID,
    CLASS_LOYALTY,
    DAY_MS,
    DT_ADDRESS,
    DT_MONEY,
    MIXIN_CONSENT,
    MIXIN_LOYALTY,
    SCHEMA_LOYALTY,
    as_stored,
    assert_service_error,
    create_package,
    failures,
    get_package,
    is_epoch_ms,
    iso_in,
    iso_to_ms,
    job_details,
    jobs,
    now_ms,
    ok,
    publish,
    publish_with_job,
    wait_until,
)

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def reference_create_body() -> dict:
    """The create request of the reference page, verbatim."""
    return {
        "name": "acme",
        "description": "Acme Business Group",
        "packageType": "PARTIAL",
        "sourceSandbox": {"name": "acme-sandbox", "imsOrgId": "5C1328435BF324E90A49402A@AdobeOrg"},
        "expiry": "2023-05-20T20:05:10Z",
        "artifacts": [
            {
                "id": "27115daa-c92b-4f17-a077-d65ffeb0c525",
                "type": "PROFILE_SEGMENT",
                "title": "Acme Profile Segment",
            }
        ],
    }


def fitted_create_body() -> dict:
    b = reference_create_body()
    b["sourceSandbox"] = {"name": "dev", "imsOrgId": ACME_ID}
    b["expiry"] = iso_in(30)
    return b


def assert_package_shape(p: dict) -> None:
    for field, typ in [
        ("id", str),
        ("version", int),
        ("createdDate", int),
        ("modifiedDate", int),
        ("name", str),
        ("imsOrgId", str),
        ("sourceSandbox", dict),
        ("packageType", str),
        ("expiry", int),
        ("status", str),
    ]:
        assert field in p, f"missing {field}: {p}"
        assert isinstance(p[field], typ), f"{field} should be {typ.__name__}: {p[field]!r}"
    assert HEX32.match(p["id"]), p["id"]
    for field in ("createdDate", "modifiedDate", "expiry"):
        assert is_epoch_ms(p[field]), (field, p[field])
    assert set(p["sourceSandbox"]) >= {"name", "imsOrgId"}
    if p["packageType"] == "PARTIAL":
        assert isinstance(p["artifactsList"], list)
        for a in p["artifactsList"]:
            assert isinstance(a["id"], str) and isinstance(a["type"], str)
            assert isinstance(a["found"], bool) and isinstance(a["count"], int)


# -- create ----------------------------------------------------------------------------------
def test_reference_create_body_verbatim_is_refused(acme: httpx.Client) -> None:
    # Verbatim, the page's body names another org's sandbox and a past expiry (2023): a 400.
    assert_service_error(acme.post("/packages/", json=reference_create_body()), 400)


def test_past_expiry_at_create_is_400(acme: httpx.Client) -> None:
    b = fitted_create_body()
    b["expiry"] = "2023-05-20T20:05:10Z"  # the page's own value
    assert_service_error(acme.post("/packages/", json=b), 400, "expiry")


def test_create_reference_body(acme: httpx.Client) -> None:
    b = fitted_create_body()
    before = now_ms()
    p = ok(acme.post("/packages/", json=b))
    assert_package_shape(p)
    assert p["version"] == 0
    assert p["name"] == "acme"
    assert p["description"] == "Acme Business Group"
    assert p["imsOrgId"] == ACME_ID
    assert p["sourceSandbox"]["name"] == "dev"
    assert p["sourceSandbox"]["imsOrgId"] == ACME_ID
    assert p["packageType"] == "PARTIAL"
    assert p["status"] == "DRAFT"
    assert is_epoch_ms(p["createdDate"], near=before)
    assert p["expiry"] == iso_to_ms(b["expiry"])
    assert len(p["artifactsList"]) == 1
    art = p["artifactsList"][0]
    assert art["id"] == "27115daa-c92b-4f17-a077-d65ffeb0c525"
    assert art["type"] == "PROFILE_SEGMENT"
    assert art["found"] is False and art["count"] == 0
    assert get_package(acme, p["id"]) == as_stored(p)


def test_create_without_trailing_slash(acme: httpx.Client) -> None:
    p = ok(acme.post("/packages", json=fitted_create_body()))
    assert p["status"] == "DRAFT"


def test_default_expiry_is_90_days(acme: httpx.Client) -> None:
    p = create_package(acme, "defaults", ["acme-ns-crm"])
    assert abs(p["expiry"] - (p["createdDate"] + 90 * DAY_MS)) < 60_000


def test_expiry_as_epoch_ms(acme: httpx.Client) -> None:
    exp = now_ms() + 10 * DAY_MS
    p = create_package(acme, "epoch", ["acme-ns-crm"], expiry=exp)
    assert p["expiry"] == exp


def test_source_sandbox_defaults_to_header(acme_prod: httpx.Client) -> None:
    p = ok(acme_prod.post("/packages", json={"name": "from-prod", "packageType": "PARTIAL"}))
    assert p["sourceSandbox"]["name"] == "prod"
    assert p["sourceSandbox"]["imsOrgId"] == ACME_ID


def test_unknown_source_sandbox_is_404(acme: httpx.Client) -> None:
    b = fitted_create_body()
    b["sourceSandbox"]["name"] = "staging-xyz"
    assert_service_error(acme.post("/packages", json=b), 404, "staging-xyz")


def test_found_and_count_follow_the_dependency_graph(acme: httpx.Client) -> None:
    p = create_package(
        acme,
        "graph",
        [SCHEMA_LOYALTY, "acme-jr-gold-welcome", "acme-flow-crm", "acme-ns-crm", DT_MONEY],
    )
    got = {a["id"]: (a["found"], a["count"]) for a in p["artifactsList"]}
    assert got == {
        # schema + class, loyalty-details (+ address, money), consent-prefs, namespace
        SCHEMA_LOYALTY: (True, 7),
        # journey + segment + merge policy + the schema's 7
        "acme-jr-gold-welcome": (True, 10),
        # flow + dataset + mapping set + the schema's 7
        "acme-flow-crm": (True, 10),
        "acme-ns-crm": (True, 1),
        DT_MONEY: (True, 1),
    }


def test_versioned_artifact_ids(acme: httpx.Client) -> None:
    p = create_package(acme, "versioned", ["acme-ns-crm@1647559351683", f"{MIXIN_LOYALTY}@3"])
    got = {a["id"]: (a["found"], a["count"]) for a in p["artifactsList"]}
    assert got == {"acme-ns-crm@1647559351683": (True, 1), f"{MIXIN_LOYALTY}@3": (True, 3)}


def test_duplicate_name_is_409(acme: httpx.Client) -> None:
    create_package(acme, "twice", ["acme-ns-crm"])
    assert_service_error(
        acme.post("/packages", json={"name": "twice", "packageType": "PARTIAL"}), 409, "twice"
    )


def test_same_name_in_another_org_is_fine(acme: httpx.Client, partner: httpx.Client) -> None:
    create_package(acme, "shared-name", ["acme-ns-crm"])
    ok(partner.post("/packages", json={"name": "shared-name", "packageType": "PARTIAL"}))


def test_full_package_with_artifacts_is_400(acme: httpx.Client) -> None:
    r = acme.post(
        "/packages",
        json={
            "name": "full",
            "packageType": "FULL",
            "artifacts": [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}],
        },
    )
    assert_service_error(r, 400, "artifacts")


def test_full_package_without_artifacts(acme: httpx.Client) -> None:
    cases: list[tuple[str, dict[str, Any]]] = [
        ("full-a", {}),
        ("full-b", {"artifacts": None}),
        ("full-c", {"artifacts": []}),
    ]
    for name, extra in cases:
        p = ok(acme.post("/packages", json={"name": name, "packageType": "FULL", **extra}))
        assert p["packageType"] == "FULL"
        assert not p.get("artifactsList")
        assert p["status"] == "DRAFT"


def test_artifacts_deduplicated_at_create(acme: httpx.Client) -> None:
    p = create_package(acme, "dups", ["acme-ns-crm", "acme-ns-crm", DT_MONEY])
    assert sorted(a["id"] for a in p["artifactsList"]) == sorted(["acme-ns-crm", DT_MONEY])


# -- PUT: ADD / DELETE / UPDATE -------------------------------------------------------------
def test_add_reference_body(acme: httpx.Client) -> None:
    p = create_package(acme, "acme", [])
    r = acme.put(
        "/packages/",
        json={
            "id": p["id"],
            "action": "ADD",
            "expiry": iso_in(20),
            "artifacts": [
                {"id": "d8d8ed6d-696a-40bd-b4fe-ca053ec94e29@1647559351683", "type": "JOURNEY"}
            ],
        },
    )
    q = ok(r)
    assert q["id"] == p["id"]
    assert q["version"] == 1
    assert q["status"] == "DRAFT"
    trimmed = [{k: a[k] for k in ("id", "type", "found", "count")} for a in q["artifactsList"]]
    assert trimmed == [
        {
            "id": "d8d8ed6d-696a-40bd-b4fe-ca053ec94e29@1647559351683",
            "type": "JOURNEY",
            "found": False,
            "count": 0,
        }
    ]
    assert q["modifiedDate"] >= p["modifiedDate"]
    assert q["createdDate"] == p["createdDate"]


def test_add_dedups_and_bumps_version(acme: httpx.Client) -> None:
    p = create_package(acme, "adder", ["acme-ns-crm"])
    q = ok(
        acme.put(
            "/packages",
            json={
                "id": p["id"],
                "action": "ADD",
                "artifacts": [
                    {"id": "acme-ns-crm", "type": "ID_NAMESPACE"},
                    {"id": DT_ADDRESS, "type": "REGISTRY_DATATYPE"},
                    {"id": DT_ADDRESS, "type": "REGISTRY_DATATYPE"},
                ],
            },
        )
    )
    assert q["version"] == 1
    assert sorted(a["id"] for a in q["artifactsList"]) == sorted(["acme-ns-crm", DT_ADDRESS])
    found = {a["id"]: (a["found"], a["count"]) for a in q["artifactsList"]}
    assert found[DT_ADDRESS] == (True, 1)


def test_add_without_expiry_resets_default(acme: httpx.Client) -> None:
    p = create_package(acme, "exp", ["acme-ns-crm"], expiry=iso_in(5))
    q = ok(
        acme.put(
            "/packages",
            json={
                "id": p["id"],
                "action": "ADD",
                "artifacts": [{"id": DT_MONEY, "type": "REGISTRY_DATATYPE"}],
            },
        )
    )
    # "The default value is 90 days from the time PUT API is called if expiry is not specified."
    assert abs(q["expiry"] - (now_ms() + 90 * DAY_MS)) < 120_000


def test_delete_reference_body(acme: httpx.Client) -> None:
    p = create_package(acme, "acme", [])
    ok(
        acme.put(
            "/packages",
            json={
                "id": p["id"],
                "action": "ADD",
                "artifacts": [
                    {"id": "d8d8ed6d-696a-40bd-b4fe-ca053ec94e29@1647559351683", "type": "JOURNEY"},
                    {"id": "acme-ns-crm", "type": "ID_NAMESPACE"},
                ],
            },
        )
    )
    q = ok(
        acme.put(
            "/packages/",
            json={
                "id": p["id"],
                "action": "DELETE",
                "artifacts": [
                    {"id": "d8d8ed6d-696a-40bd-b4fe-ca053ec94e29@1647559351683", "type": "JOURNEY"}
                ],
            },
        )
    )
    assert q["version"] == 2
    assert [a["id"] for a in q["artifactsList"]] == ["acme-ns-crm"]
    assert get_package(acme, p["id"])["artifactsList"] == q["artifactsList"]


@pytest.mark.parametrize("action", ["ADD", "DELETE"])
def test_empty_artifacts_change_nothing(acme: httpx.Client, action: str) -> None:
    p = create_package(acme, f"noop-{action}", ["acme-ns-crm"])
    arts: list[dict[str, str]] | None
    for arts in ([], None):
        q = ok(acme.put("/packages", json={"id": p["id"], "action": action, "artifacts": arts}))
        assert [a["id"] for a in q["artifactsList"]] == ["acme-ns-crm"]


def test_update_reference_body(acme: httpx.Client) -> None:
    p = create_package(acme, "before", ["acme-ns-crm"])
    q = ok(
        acme.put(
            "/packages/",
            json={
                "id": p["id"],
                "action": "UPDATE",
                "name": "acme",
                "description": "Acme Business Group",
                "sourceSandbox": {"name": "dev", "imsOrgId": ACME_ID},
            },
        )
    )
    assert q["name"] == "acme"
    assert q["description"] == "Acme Business Group"
    assert q["version"] == 1
    assert [a["id"] for a in q["artifactsList"]] == [
        "acme-ns-crm"
    ]  # UPDATE never touches artifacts


def test_update_without_source_sandbox(acme: httpx.Client) -> None:
    p = create_package(acme, "nosrc", ["acme-ns-crm"])
    q = ok(
        acme.put("/packages", json={"id": p["id"], "action": "UPDATE", "description": "changed"})
    )
    assert q["description"] == "changed"
    assert q["name"] == "nosrc"
    assert q["version"] == 1


def test_update_to_duplicate_name_is_409(acme: httpx.Client) -> None:
    create_package(acme, "taken", ["acme-ns-crm"])
    p = create_package(acme, "mine", ["acme-ns-crm"])
    r = acme.put("/packages", json={"id": p["id"], "action": "UPDATE", "name": "taken"})
    assert_service_error(r, 409, "taken")
    assert get_package(acme, p["id"])["name"] == "mine"


def test_update_keeping_its_own_name(acme: httpx.Client) -> None:
    p = create_package(acme, "same", ["acme-ns-crm"])
    ok(
        acme.put(
            "/packages",
            json={"id": p["id"], "action": "UPDATE", "name": "same", "description": "d"},
        )
    )


def test_version_bumps_on_every_change(acme: httpx.Client) -> None:
    p = create_package(acme, "bumps", [])
    versions = [p["version"]]
    steps: list[dict[str, Any]] = [
        {"action": "ADD", "artifacts": [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}]},
        {"action": "ADD", "artifacts": [{"id": DT_MONEY, "type": "REGISTRY_DATATYPE"}]},
        {"action": "DELETE", "artifacts": [{"id": DT_MONEY, "type": "REGISTRY_DATATYPE"}]},
        {"action": "UPDATE", "description": "x"},
        {"action": "UPDATE", "name": "bumps-renamed"},
    ]
    for s in steps:
        versions.append(ok(acme.put("/packages", json={"id": p["id"], **s}))["version"])
    assert versions == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("action", ["ADD", "DELETE"])
def test_add_delete_on_full_is_409(acme: httpx.Client, action: str) -> None:
    p = ok(acme.post("/packages", json={"name": "full", "packageType": "FULL"}))
    r = acme.put(
        "/packages",
        json={
            "id": p["id"],
            "action": action,
            "artifacts": [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}],
        },
    )
    assert_service_error(r, 409)


@pytest.mark.parametrize("action", ["ADD", "DELETE"])
def test_add_delete_on_published_is_409(
    emulator: EmulatorProcess, acme: httpx.Client, action: str
) -> None:
    p = create_package(acme, "pub", ["acme-ns-crm"])
    publish(emulator, acme, p["id"])
    r = acme.put(
        "/packages",
        json={
            "id": p["id"],
            "action": action,
            "artifacts": [{"id": DT_MONEY, "type": "REGISTRY_DATATYPE"}],
        },
    )
    assert_service_error(r, 409)
    assert [a["id"] for a in get_package(acme, p["id"])["artifactsList"]] == ["acme-ns-crm"]


# -- visibility ------------------------------------------------------------------------------
def test_visibility_reference_body(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "vis", ["acme-ns-crm"])
    assert p.get("packageVisibility", "PRIVATE") == "PRIVATE"
    p = publish(emulator, acme, p["id"])
    q = ok(
        acme.put(
            "/packages", json={"id": p["id"], "action": "UPDATE", "packageVisibility": "PUBLIC"}
        )
    )
    assert q["packageVisibility"] == "PUBLIC"
    assert q["version"] == p["version"] + 1
    assert get_package(acme, p["id"])["packageVisibility"] == "PUBLIC"


def test_public_never_back_to_private(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "vis2", ["acme-ns-crm"])
    publish(emulator, acme, p["id"])
    ok(
        acme.put(
            "/packages", json={"id": p["id"], "action": "UPDATE", "packageVisibility": "PUBLIC"}
        )
    )
    r = acme.put(
        "/packages", json={"id": p["id"], "action": "UPDATE", "packageVisibility": "PRIVATE"}
    )
    assert_service_error(r, 409)
    assert get_package(acme, p["id"])["packageVisibility"] == "PUBLIC"


def test_unknown_visibility_is_400(acme: httpx.Client) -> None:
    p = create_package(acme, "vis3", ["acme-ns-crm"])
    r = acme.put(
        "/packages", json={"id": p["id"], "action": "UPDATE", "packageVisibility": "WORLD"}
    )
    assert_service_error(r, 400, "packageVisibility")


# -- look up / delete ------------------------------------------------------------------------
def test_lookup_variants(acme: httpx.Client) -> None:
    p = create_package(acme, "lookup", ["acme-ns-crm"])
    assert get_package(acme, p["id"]) == p
    assert ok(acme.get(f"/packages/{p['id']}/")) == p
    assert ok(acme.get(f"/packages/{p['id']}@3")) == p


def test_unknown_package_is_404(acme: httpx.Client) -> None:
    missing = "0" * 32
    assert_service_error(acme.get(f"/packages/{missing}"), 404, missing)


def test_delete_reference(acme: httpx.Client) -> None:
    p = create_package(acme, "doomed", ["acme-ns-crm"])
    assert ok(acme.delete(f"/packages/{p['id']}")) == {"reason": f"Package {p['id']} deleted"}
    assert_service_error(acme.get(f"/packages/{p['id']}"), 404, p["id"])
    assert_service_error(acme.delete(f"/packages/{p['id']}"), 404, p["id"])
    # The name is free again.
    create_package(acme, "doomed", ["acme-ns-crm"])


def test_delete_with_trailing_slash(acme: httpx.Client) -> None:
    p = create_package(acme, "doomed2", ["acme-ns-crm"])
    assert ok(acme.delete(f"/packages/{p['id']}/")) == {"reason": f"Package {p['id']} deleted"}


def test_update_unknown_package_is_404(acme: httpx.Client) -> None:
    missing = "f" * 32
    r = acme.put("/packages", json={"id": missing, "action": "UPDATE", "description": "x"})
    assert_service_error(r, 404, missing)


# -- publish ---------------------------------------------------------------------------------
def test_publish_lifecycle_manual(manual: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "acme", [SCHEMA_LOYALTY], description="Acme Business Group")
    r = acme.get(f"/packages/{p['id']}/export")
    ans = ok(r)
    assert ans["name"] == "acme"
    assert ans["description"] == "Acme Business Group"
    assert ans["visibility"] == "TENANT"
    assert ans["sourceSandbox"] == {"name": "dev", "imsOrgId": ACME_ID} or (
        ans["sourceSandbox"]["name"] == "dev" and ans["sourceSandbox"]["imsOrgId"] == ACME_ID
    )
    assert ans["type"] == "PARTIAL"
    assert isinstance(ans["correlationId"], str) and ans["correlationId"]
    assert isinstance(ans["jobId"], str) and ans["jobId"]

    mid = get_package(acme, p["id"])
    assert mid["status"] == "PUBLISH_IN_PROGRESS"
    assert mid["version"] > p["version"]
    # Still in progress: a second publish is refused.
    assert_service_error(acme.get(f"/packages/{p['id']}/export"), 409)

    assert manual.advance() >= 1
    done = get_package(acme, p["id"])
    assert done["status"] == "PUBLISHED"
    assert done["version"] > mid["version"]
    assert is_epoch_ms(done["publishDate"], near=now_ms())
    assert done["expiry"] == done["publishDate"] + 90 * DAY_MS
    # Published: publish again is a conflict.
    assert_service_error(acme.get(f"/packages/{p['id']}/export"), 409)
    assert manual.advance() == 0


def test_publish_completes_by_itself_in_auto(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "auto", ["acme-ns-crm"])
    ok(acme.get(f"/packages/{p['id']}/export/"))  # trailing slash variant
    done = wait_until(
        lambda: get_package(acme, p["id"]), lambda q: q["status"] == "PUBLISHED", timeout=5
    )
    assert "publishDate" in done


def test_publish_expiry_period(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "period", ["acme-ns-crm"])
    done = publish(emulator, acme, p["id"], expiry_period=7)
    assert done["expiry"] == done["publishDate"] + 7 * DAY_MS


@pytest.mark.parametrize("value", ["-1", "-30"])
def test_publish_negative_expiry_period_is_400(acme: httpx.Client, value: str) -> None:
    p = create_package(acme, "neg", ["acme-ns-crm"])
    assert_service_error(
        acme.get(f"/packages/{p['id']}/export", params={"expiryPeriod": value}), 400, "expiryPeriod"
    )
    assert get_package(acme, p["id"])["status"] == "DRAFT"


def test_publish_non_integer_expiry_period_is_400(acme: httpx.Client) -> None:
    p = create_package(acme, "nan", ["acme-ns-crm"])
    assert_service_error(
        acme.get(f"/packages/{p['id']}/export", params={"expiryPeriod": "soon"}),
        400,
        "expiryPeriod",
    )


def test_publish_failed_when_an_artifact_is_gone(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    p = create_package(acme, "fragile", ["acme-ns-crm", "acme-policy-email"])
    emulator.delete_artifact("acme", "dev", "acme-policy-email")
    failed, job = publish_with_job(emulator, acme, p["id"], expect="PUBLISH_FAILED")
    # No page shows a reason on a package: the EXPORT job carries it, one failed task per
    # missing artifact.
    assert "failureReason" not in failed
    assert job["jobStatus"] == "FAILED" and job["requestType"] == "EXPORT"
    got = failures(job)
    assert list(got) == ["acme-policy-email"]
    assert "no longer exists" in got["acme-policy-email"]
    assert job["failedTasks"][0]["artifact"]["type"] == "DULE_CONSENT_POLICY"
    assert job["completedTasks"] == []
    # found/count now reflect the source sandbox.
    state = {a["id"]: a["found"] for a in failed["artifactsList"]}
    assert state == {"acme-ns-crm": True, "acme-policy-email": False}
    # PUBLISH_FAILED may be published again once the artifact is back.
    emulator.add_artifact(
        "acme",
        "dev",
        {
            "id": "acme-policy-email",
            "type": "DULE_CONSENT_POLICY",
            "title": "Email Marketing Consent",
            "dependsOn": [],
        },
    )
    publish(emulator, acme, p["id"])


def test_publish_failed_for_an_artifact_that_never_existed(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    p = ok(acme.post("/packages", json=fitted_create_body()))
    failed, job = publish_with_job(emulator, acme, p["id"], expect="PUBLISH_FAILED")
    assert "failureReason" not in failed
    assert "27115daa-c92b-4f17-a077-d65ffeb0c525" in failures(job)


def test_publish_unknown_package_is_404(acme: httpx.Client) -> None:
    assert_service_error(acme.get(f"/packages/{'a' * 32}/export"), 404, "a" * 32)


def test_publish_records_export_job(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "exported", [SCHEMA_LOYALTY], description="d")
    job_id = ok(acme.get(f"/packages/{p['id']}/export"))["jobId"]
    wait_until(lambda: get_package(acme, p["id"]), lambda q: q["status"] == "PUBLISHED")
    job = wait_until(
        lambda: [j for j in jobs(acme, "requestType==EXPORT") if j["id"] == job_id],
        lambda js: len(js) == 1 and js[0]["jobStatus"] == "SUCCESS",
    )[0]
    assert job["name"] == "exported"
    assert job["description"] == "d"
    assert job["packageType"] == "PARTIAL"
    assert job["sourceSandBox"] == "dev"
    assert job["targetSandbox"] is None  # an export has no target
    assert is_epoch_ms(job["created"]) and is_epoch_ms(job["updated"])
    details = job_details(acme, job_id)
    assert details["requestType"] == "EXPORT"
    assert details["jobStatus"] == "SUCCESS"
    assert details["sourceSandbox"] == {"name": "dev", "imsOrgId": ACME_ID, "empty": False}
    assert "destinationSandbox" not in details
    assert details["completedTasks"] == [] and details["failedTasks"] == []


def test_publish_full_package(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = ok(acme.post("/packages", json={"name": "full-pub", "packageType": "FULL"}))
    ans = ok(acme.get(f"/packages/{p['id']}/export"))
    assert ans["type"] == "FULL"
    wait_until(lambda: get_package(acme, p["id"]), lambda q: q["status"] == "PUBLISHED")


def test_modified_date_moves(acme: httpx.Client) -> None:
    p = create_package(acme, "mod", [])
    time.sleep(0.01)
    q = ok(acme.put("/packages", json={"id": p["id"], "action": "UPDATE", "description": "x"}))
    assert q["modifiedDate"] >= p["modifiedDate"]
    assert q["createdDate"] == p["createdDate"]


def test_seed_titles_table_sane() -> None:
    # Guard on the test's own copy of the seed: 22 artifacts in acme/dev.
    assert len(ACME_DEV) == 22
    assert ACME_DEV[SCHEMA_LOYALTY][2] == [
        CLASS_LOYALTY,
        MIXIN_LOYALTY,
        MIXIN_CONSENT,
        "acme-ns-loyalty",
    ]


# -- found/count against the source sandbox ------------------------------------------------
def test_found_is_relative_to_the_source_sandbox(acme_prod: httpx.Client) -> None:
    p = ok(
        acme_prod.post(
            "/packages",
            json={
                "name": "prod-source",
                "packageType": "PARTIAL",
                "artifacts": [
                    {"id": "acme-prod-mp", "type": "PROFILE_MERGE"},
                    {"id": "acme-mp-default", "type": "PROFILE_MERGE"},
                ],
            },
        )
    )
    got = {a["id"]: (a["found"], a["count"]) for a in p["artifactsList"]}
    assert got == {"acme-prod-mp": (True, 1), "acme-mp-default": (False, 0)}


def test_draft_found_count_follow_live_changes(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    p = create_package(acme, "live", ["acme-policy-email", MIXIN_CONSENT])
    emulator.delete_artifact("acme", "dev", "acme-policy-email")
    r = emulator.http.patch(
        f"/_emulator/orgs/acme/sandboxes/dev/artifacts/{quote(MIXIN_CONSENT, safe='')}",
        json={"dependsOn": [DT_ADDRESS, DT_MONEY]},
    )
    assert r.status_code == 200, r.text
    got = {a["id"]: (a["found"], a["count"]) for a in get_package(acme, p["id"])["artifactsList"]}
    assert got == {"acme-policy-email": (False, 0), MIXIN_CONSENT: (True, 3)}


def test_add_with_epoch_ms_expiry(acme: httpx.Client) -> None:
    p = create_package(acme, "add-epoch", [])
    exp = now_ms() + 3 * DAY_MS
    q = ok(
        acme.put(
            "/packages",
            json={
                "id": p["id"],
                "action": "ADD",
                "expiry": exp,
                "artifacts": [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}],
            },
        )
    )
    assert q["expiry"] == exp
