"""Conflicts, children, preflight, import submission (both forms), the import job and what it
really creates in the target sandbox (docs/emulator.md, "Behaviour decisions"). A job's outcome
is read from `GET /tools/job/{jobId}` (tools.md "Job details"): `importReplacementMap`, the
tasks and their message statuses; the rules of each type are asserted one by one in
test_import_rules.py.

Points the first contract left open (preflight lists only the package's own artifacts; a
failed job creates nothing; the dependencies of an artifact mapped by `alternatives` are not
imported) were later decided in docs/emulator.md and are asserted in test_decisions.py.
"""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._pages import item_fields
from ._support import (
    ACME,
    ACME_DEV,
    ACME_ID,
    ACME_PROD,
    CLASS_LOYALTY,
    DT_ADDRESS,
    DT_MONEY,
    MIXIN_CONSENT,
    MIXIN_LOYALTY,
    REQUIRED,
    SCHEMA_LOYALTY,
    SCHEMA_WEB,
    all_permissions,
    artifacts_by_id,
    assert_service_error,
    create_package,
    failure_text,
    failures,
    get_package,
    is_epoch_ms,
    job_details,
    jobs,
    listed_job,
    ok,
    outcomes,
    publish,
    published_package,
    wait_job,
)

SCHEMA_CLOSURE = {
    SCHEMA_LOYALTY,
    CLASS_LOYALTY,
    MIXIN_LOYALTY,
    MIXIN_CONSENT,
    DT_ADDRESS,
    DT_MONEY,
    "acme-ns-loyalty",
}


def closure(ids: list[str]) -> set[str]:
    out: set[str] = set()
    todo = list(ids)
    while todo:
        a = todo.pop()
        if a not in out:
            out.add(a)
            todo.extend(ACME_DEV[a][2])
    return out


def submit(c: httpx.Client, pid: str, sandbox: str = "prod", **extra: Any) -> dict[str, Any]:
    payload = {"id": pid, "destinationSandbox": {"name": sandbox, "imsOrgId": ACME_ID}, **extra}
    return dict(ok(c.post("/packages/import", json=payload)))


JOB_LIST_FIELDS = item_fields("GET /packages/jobs")


def assert_rewired(
    emu: EmulatorProcess, imported: dict[str, str], prod_before: dict[str, dict[str, Any]]
) -> None:
    """Every artifact the job created has the source's type, title (with `_<epoch ms>` when
    prod already held one of that type and title) and mapped dependencies."""
    prod = artifacts_by_id(emu, ACME, "prod")
    for src, tgt in imported.items():
        assert tgt in prod, f"{src} -> {tgt} not in prod"
        typ, title, deps = ACME_DEV[src]
        assert prod[tgt]["type"] == typ
        if tgt in prod_before:  # reused: as it was
            assert prod[tgt] == prod_before[tgt]
            continue
        assert tgt != src
        taken = any(a["type"] == typ and a["title"] == title for a in prod_before.values())
        if taken:
            assert re.fullmatch(re.escape(title) + r"_\d{13}", prod[tgt]["title"]), prod[tgt]
        else:
            assert prod[tgt]["title"] == title
        assert set(prod[tgt]["dependsOn"]) == {imported[d] for d in deps}, (src, prod[tgt])


# -- conflicts -------------------------------------------------------------------------------
def _conflicts(c: httpx.Client, pid: str, target: str = "prod") -> dict[str, dict]:
    res = ok(c.get(f"/packages/{pid}/import", params={"targetSandbox": target}))
    assert isinstance(res, list)
    out = {}
    for entry in res:
        assert set(entry) >= {"artifact", "suggestionList", "parentID"}, entry
        art = entry["artifact"]
        assert isinstance(entry["parentID"], str)
        assert entry["parentID"].endswith(f"::{art['type']}::{art['id']}"), entry["parentID"]
        for s in entry["suggestionList"]:
            assert set(s) >= {"id", "type", "title"}, s
            assert s["type"] == art["type"]
        out[art["id"]] = entry
    return out


def test_conflicts_for_a_schema(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "schema", [SCHEMA_LOYALTY])
    got = _conflicts(acme, p["id"])
    assert {k: [s["id"] for s in v["suggestionList"]] for k, v in got.items()} == {
        SCHEMA_LOYALTY: ["acme-prod-schema-loyalty", "acme-prod-schema-loyalty-old"],
        CLASS_LOYALTY: ["acme-prod-class-loyalty"],
    }
    assert got[SCHEMA_LOYALTY]["artifact"]["type"] == "REGISTRY_SCHEMA"
    titles = [s["title"] for s in got[SCHEMA_LOYALTY]["suggestionList"]]
    assert titles == ["Loyalty Profile Schema v2", "Loyalty Profile (old)"]


def test_conflicts_for_a_segment(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "seg", ["acme-seg-gold"])
    got = _conflicts(acme, p["id"])
    assert {k: [s["id"] for s in v["suggestionList"]] for k, v in got.items()} == {
        "acme-seg-gold": ["acme-prod-seg-gold"],
        SCHEMA_LOYALTY: ["acme-prod-schema-loyalty", "acme-prod-schema-loyalty-old"],
        CLASS_LOYALTY: ["acme-prod-class-loyalty"],
        "acme-mp-default": ["acme-prod-mp"],
    }


def test_conflicts_exact_title_ranks_first(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.add_artifact(
        ACME,
        "prod",
        {
            "id": "acme-prod-schema-exact",
            "type": "REGISTRY_SCHEMA",
            "title": "loyalty profile schema",
        },
    )
    p = published_package(emulator, acme, "schema", [SCHEMA_LOYALTY])
    got = _conflicts(acme, p["id"])
    assert [s["id"] for s in got[SCHEMA_LOYALTY]["suggestionList"]] == [
        "acme-prod-schema-exact",
        "acme-prod-schema-loyalty",
        "acme-prod-schema-loyalty-old",
    ]


def test_no_conflicts(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "plain", ["acme-ns-crm", "acme-policy-email"])
    assert ok(acme.get(f"/packages/{p['id']}/import/?targetSandbox=prod")) == []


def test_conflicts_unknown_target_sandbox(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "x", ["acme-ns-crm"])
    r = acme.get(f"/packages/{p['id']}/import", params={"targetSandbox": "nowhere"})
    assert_service_error(r, 404, "nowhere")


def test_conflicts_unknown_package(acme: httpx.Client) -> None:
    r = acme.get(f"/packages/{'b' * 32}/import", params={"targetSandbox": "prod"})
    assert_service_error(r, 404, "b" * 32)


# -- children --------------------------------------------------------------------------------
def test_children_reference_shape(acme: httpx.Client) -> None:
    p = create_package(acme, "kids", ["acme-flow-crm"])
    body = [
        {"id": "acme-flow-crm", "type": "FLOW"},
        {"id": SCHEMA_LOYALTY, "type": "REGISTRY_SCHEMA"},
        {"id": CLASS_LOYALTY, "type": "REGISTRY_CLASS"},
    ]
    res = ok(acme.post(f"/packages/{p['id']}/children", json=body))
    assert [e["id"] for e in res] == [b["id"] for b in body]
    for e in res:
        typ, title, deps = ACME_DEV[e["id"]]
        assert e["type"] == typ and e["title"] == title
        assert {c["id"] for c in e["children"]} == set(deps)
        for child in e["children"]:
            assert child["type"] == ACME_DEV[child["id"]][0]
            assert child["title"] == ACME_DEV[child["id"]][1]
    assert res[2]["children"] == []


def test_children_without_body(acme: httpx.Client) -> None:
    p = create_package(acme, "kids2", ["acme-jr-gold-welcome", "acme-seg-cart", "acme-ns-crm"])
    for r in (
        acme.post(f"/packages/{p['id']}/children"),
        acme.post(f"/packages/{p['id']}/children/"),
    ):
        res = ok(r)
        assert {e["id"]: {c["id"] for c in e["children"]} for e in res} == {
            "acme-jr-gold-welcome": {"acme-seg-gold"},
            "acme-seg-cart": {SCHEMA_WEB, "acme-mp-default"},
            "acme-ns-crm": set(),
        }


def test_children_unknown_package(acme: httpx.Client) -> None:
    assert_service_error(acme.post(f"/packages/{'c' * 32}/children"), 404, "c" * 32)


# -- preflight -------------------------------------------------------------------------------
def _preflight(c: httpx.Client, pid: str, target: str = "prod") -> dict[str, dict]:
    res = ok(c.get(f"/packages/preflight/{pid}", params={"targetSandbox": target}))
    assert res["packageID"] == pid
    assert res["targetSandboxName"] == target
    out = {}
    for e in res["permissionResponse"]:
        assert set(e) >= {
            "artifactID",
            "requiredPermissions",
            "missingPermissions",
            "artifactType",
            "creationAllowed",
        }
        out[e["artifactID"]] = e
    return out


def _perm_map(block: dict) -> dict[str, list[str]]:
    return {r["palmResourceType"]: sorted(r["resourcePermissions"]) for r in block["resources"]}


def _sorted(req: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: sorted(v) for k, v in req.items()}


def test_preflight_default_roles(acme: httpx.Client) -> None:
    p = create_package(acme, "pf", ["acme-seg-gold", "acme-mp-default", "acme-jr-cart-recovery"])
    got = _preflight(acme, p["id"])
    assert {"acme-seg-gold", "acme-mp-default", "acme-jr-cart-recovery"} <= set(got)
    for aid, e in got.items():
        typ = ACME_DEV[aid][0]
        assert e["artifactType"] == typ
        assert _perm_map(e["requiredPermissions"]) == _sorted(REQUIRED[typ])
        assert e["missingPermissions"]["resources"] == []
        assert e["creationAllowed"] is True


def test_preflight_after_withholding_a_permission(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    perms = all_permissions()
    perms["Segment"] = ["read", "write"]
    emulator.set_roles(ACME, perms)
    p = create_package(acme, "pf2", ["acme-seg-gold", "acme-ns-crm"])
    got = _preflight(acme, p["id"])
    seg = got["acme-seg-gold"]
    assert _perm_map(seg["missingPermissions"]) == {"Segment": ["delete"]}
    assert seg["creationAllowed"] is False
    assert got["acme-ns-crm"]["creationAllowed"] is True
    assert got["acme-ns-crm"]["missingPermissions"]["resources"] == []


def test_preflight_reference_merge_policy_case(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    perms = all_permissions()
    perms["ProfileConfig"] = ["read"]
    del perms["Dataset"]
    emulator.set_roles(ACME, perms)
    p = create_package(acme, "pf3", ["acme-mp-default"])
    e = _preflight(acme, p["id"])["acme-mp-default"]
    assert _perm_map(e["missingPermissions"]) == {
        "ProfileConfig": ["delete", "write"],
        "Dataset": ["read"],
    }
    assert e["creationAllowed"] is False


def test_preflight_unknown_type_needs_sandbox_view_only(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    emulator.add_artifact(ACME, "dev", {"id": "acme-campaign-1", "type": "CAMPAIGN", "title": "C"})
    p = ok(
        acme.post(
            "/packages",
            json={
                "name": "pf4",
                "packageType": "PARTIAL",
                "artifacts": [{"id": "acme-campaign-1", "type": "CAMPAIGN"}],
            },
        )
    )
    assert p["artifactsList"][0]["type"] == "CAMPAIGN"  # unknown types are kept
    e = _preflight(acme, p["id"])["acme-campaign-1"]
    assert _perm_map(e["requiredPermissions"]) == {"Sandbox": ["view"]}
    assert e["creationAllowed"] is True


def test_preflight_unknown_target_sandbox(acme: httpx.Client) -> None:
    p = create_package(acme, "pf5", ["acme-ns-crm"])
    r = acme.get(f"/packages/preflight/{p['id']}", params={"targetSandbox": "atlantis"})
    assert_service_error(r, 404, "atlantis")


# -- import job lifecycle --------------------------------------------------------------------
def test_import_lifecycle_manual(manual: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "acme", [SCHEMA_LOYALTY], description="Acme Business Group")
    ok(acme.get(f"/packages/{p['id']}/export"))
    manual.advance()
    assert get_package(acme, p["id"])["status"] == "PUBLISHED"
    prod_before = artifacts_by_id(manual, ACME, "prod")

    # The reference page's body, fitted to the seed (trailing-slash path as on the page).
    ans = ok(
        acme.post(
            "/packages/import/",
            json={
                "id": p["id"],
                "name": "acme",
                "description": "Acme Business Group",
                "destinationSandbox": {"name": "prod", "imsOrgId": ACME_ID},
                "alternatives": {},
            },
        )
    )
    assert ans["name"] == "acme"
    assert ans["description"] == "Acme Business Group"
    assert ans["sourceSandbox"]["name"] == "dev"
    assert ans["destinationSandbox"]["name"] == "prod"
    assert ans["destinationSandbox"]["imsOrgId"] == ACME_ID
    assert ans["type"] == "PARTIAL"
    assert isinstance(ans["correlationId"], str) and ans["correlationId"]
    assert isinstance(ans["jobId"], str) and ans["jobId"]

    job = listed_job(acme, ans["jobId"])
    assert set(job) == JOB_LIST_FIELDS
    assert job["jobStatus"] == "PENDING"
    assert job["name"] == "acme"
    assert job["sourceSandBox"] == "dev"
    assert job["targetSandbox"] == "prod"
    assert job["packageType"] == "PARTIAL"
    assert job["jobType"] == "NEW"
    assert is_epoch_ms(job["created"]) and is_epoch_ms(job["updated"])
    details = job_details(acme, ans["jobId"])
    assert details["requestType"] == "IMPORT"
    assert details["jobStatus"] == "PENDING"
    assert details["completedTasks"] == [] and details["failedTasks"] == []
    assert set(artifacts_by_id(manual, ACME, "prod")) == set(prod_before)

    assert manual.advance(steps=1) >= 1
    assert listed_job(acme, ans["jobId"])["jobStatus"] == "IN_PROGRESS"
    assert job_details(acme, ans["jobId"])["jobStatus"] == "IN_PROGRESS"
    assert manual.advance(steps=1) >= 1
    assert listed_job(acme, ans["jobId"])["jobStatus"] == "SUCCESS"
    done = job_details(acme, ans["jobId"])
    assert done["jobStatus"] == "SUCCESS"
    assert done["failedTasks"] == []
    assert manual.advance() == 0

    imported = done["importReplacementMap"]
    assert set(imported) == SCHEMA_CLOSURE
    # Nothing of the closure is reused by title in prod: the class "Loyalty Member" has a
    # same-titled twin there, but a class is not a type reused by title (ui-sandbox-tooling.md
    # names schemas, field groups, audiences; the old rule reused any same title), so a copy
    # titled "Loyalty Member_<epoch ms>" is created beside it.
    assert {s: st for s, (st, _) in outcomes(done).items()} == dict.fromkeys(
        SCHEMA_CLOSURE, "CREATED"
    )
    for src in SCHEMA_CLOSURE:
        assert imported[src] not in prod_before
    assert_rewired(manual, imported, prod_before)
    prod_after = artifacts_by_id(manual, ACME, "prod")
    assert len(prod_after) == len(prod_before) + 7

    # The reference page's list-jobs query finds it.
    env = ok(
        acme.get(
            "/packages/jobs?property=requestType==IMPORT&property=jobStatus==SUCCESS"
            "&orderby=createdDate&start=0&limit=5"
        )
    )
    assert [j["id"] for j in env["data"]] == [ans["jobId"]]


def test_import_completes_by_itself_in_auto(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "flow", ["acme-flow-crm"])
    prod_before = artifacts_by_id(emulator, ACME, "prod")
    ans = submit(acme, p["id"])
    job = wait_job(acme, ans["jobId"])
    assert job["jobStatus"] == "SUCCESS"
    imported = job["importReplacementMap"]
    assert set(imported) == closure(["acme-flow-crm"])
    assert_rewired(emulator, imported, prod_before)


def test_import_segment_reuses_the_merge_policy(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    p = published_package(emulator, acme, "seg", ["acme-seg-gold"])
    prod_before = artifacts_by_id(emulator, ACME, "prod")
    job = wait_job(acme, submit(acme, p["id"])["jobId"])
    assert job["jobStatus"] == "SUCCESS"
    imported = job["importReplacementMap"]
    # A merge policy is never created: prod's of the same title is used.
    assert imported["acme-mp-default"] == "acme-prod-mp"
    assert outcomes(job)["acme-mp-default"] == ("OBJECT_REUSED", "acme-prod-mp")
    # The class of the same title is not reused any more (a class isn't reused by title):
    # a copy is created.
    assert imported[CLASS_LOYALTY] != "acme-prod-class-loyalty"
    assert outcomes(job)[CLASS_LOYALTY][0] == "CREATED"
    # "Gold Loyalty Members 2024" is only similar: a new segment is created.
    assert imported["acme-seg-gold"] not in prod_before
    assert_rewired(emulator, imported, prod_before)


def test_import_alternatives_honoured(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "alt", [SCHEMA_LOYALTY])
    alternatives = {
        SCHEMA_LOYALTY: {"id": "acme-prod-schema-loyalty", "type": "REGISTRY_SCHEMA"},
    }
    job = wait_job(acme, submit(acme, p["id"], alternatives=alternatives)["jobId"])
    assert job["jobStatus"] == "SUCCESS", job
    assert job["importReplacementMap"][SCHEMA_LOYALTY] == "acme-prod-schema-loyalty"
    assert outcomes(job)[SCHEMA_LOYALTY] == ("OBJECT_REUSED", "acme-prod-schema-loyalty")
    schemas = [a for a in emulator.artifacts(ACME, "prod") if a["type"] == "REGISTRY_SCHEMA"]
    assert {a["id"] for a in schemas} == {
        "acme-prod-schema-loyalty",
        "acme-prod-schema-loyalty-old",
    }


def test_import_alternative_missing_in_target_fails(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    p = published_package(emulator, acme, "alt2", [SCHEMA_LOYALTY])
    alternatives = {SCHEMA_LOYALTY: {"id": "acme-prod-no-such-schema", "type": "REGISTRY_SCHEMA"}}
    job = wait_job(acme, submit(acme, p["id"], alternatives=alternatives)["jobId"])
    assert job["jobStatus"] == "FAILED"
    # One failed task, naming the artifact whose alternative is missing.
    got = failures(job)
    assert list(got) == [SCHEMA_LOYALTY]
    assert "acme-prod-no-such-schema" in got[SCHEMA_LOYALTY]
    assert job["completedTasks"] == []


def test_second_import_of_same_package(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    # The first import created both in prod. The second reuses the namespace of the same title
    # (identity namespaces are reused by title) but creates the consent policy again, titled
    # `<title>_<epoch ms>`: a policy is not a type reused by title (before the per-type rules,
    # the emulator reused both).
    p = published_package(emulator, acme, "twice", ["acme-ns-crm", "acme-policy-email"])
    first = wait_job(acme, submit(acme, p["id"])["jobId"])
    assert first["jobStatus"] == "SUCCESS"
    prod = artifacts_by_id(emulator, ACME, "prod")
    n = len(prod)
    second = wait_job(acme, submit(acme, p["id"])["jobId"])
    assert second["jobStatus"] == "SUCCESS"
    ns_id = first["importReplacementMap"]["acme-ns-crm"]
    assert second["importReplacementMap"]["acme-ns-crm"] == ns_id
    assert outcomes(second)["acme-ns-crm"] == ("OBJECT_REUSED", ns_id)
    policy = second["importReplacementMap"]["acme-policy-email"]
    assert policy != first["importReplacementMap"]["acme-policy-email"]
    assert outcomes(second)["acme-policy-email"] == ("CREATED", policy)
    after = artifacts_by_id(emulator, ACME, "prod")
    assert len(after) == n + 1
    assert re.fullmatch(r"Email Marketing Consent_\d{13}", after[policy]["title"]), after[policy]


# -- the other submit form -------------------------------------------------------------------
def test_import_by_path_without_body(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "path-form", ["acme-ns-crm"])
    ans = ok(acme.post(f"/packages/{p['id']}/import", params={"targetSandbox": "prod"}))
    assert isinstance(ans["correlationId"], str)
    assert isinstance(ans["jobId"], str)
    job = wait_job(acme, ans["jobId"])
    assert job["jobStatus"] == "SUCCESS"
    assert job["name"] == "path-form"  # defaults to the package's name
    assert job["destinationSandbox"]["name"] == "prod"
    assert listed_job(acme, ans["jobId"])["targetSandbox"] == "prod"


def test_import_by_path_with_body(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "path-body", [SCHEMA_LOYALTY])
    ans = ok(
        acme.post(
            f"/packages/{p['id']}/import/?targetSandbox=prod",
            json={
                "name": "my job",
                "alternatives": {
                    SCHEMA_LOYALTY: {"id": "acme-prod-schema-loyalty", "type": "REGISTRY_SCHEMA"}
                },
            },
        )
    )
    job = wait_job(acme, ans["jobId"])
    assert job["jobStatus"] == "SUCCESS"
    assert job["name"] == "my job"
    assert job["importReplacementMap"][SCHEMA_LOYALTY] == "acme-prod-schema-loyalty"


def test_import_by_path_defaults_to_sandbox_header(
    emulator: EmulatorProcess, acme: httpx.Client, acme_prod: httpx.Client
) -> None:
    p = published_package(emulator, acme, "hdr", ["acme-ns-crm"])
    ans = ok(acme_prod.post(f"/packages/{p['id']}/import"))
    job = wait_job(acme_prod, ans["jobId"])
    assert job["destinationSandbox"]["name"] == "prod"
    assert listed_job(acme_prod, ans["jobId"])["targetSandbox"] == "prod"
    assert job["jobStatus"] == "SUCCESS"


def test_job_name_and_description_default_to_package(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    p = create_package(acme, "named", ["acme-ns-crm"], description="pkg description")
    publish(emulator, acme, p["id"])
    ans = submit(acme, p["id"])
    job = wait_job(acme, ans["jobId"])
    assert job["name"] == "named"
    assert job["description"] == "pkg description"
    listed = listed_job(acme, ans["jobId"])
    assert (listed["name"], listed["description"]) == ("named", "pkg description")


# -- refusals and FAILED jobs ----------------------------------------------------------------
def test_import_of_a_draft_is_409(acme: httpx.Client) -> None:
    p = create_package(acme, "draft", ["acme-ns-crm"])
    r = acme.post(
        "/packages/import",
        json={"id": p["id"], "destinationSandbox": {"name": "prod", "imsOrgId": ACME_ID}},
    )
    assert_service_error(r, 409)
    assert_service_error(acme.post(f"/packages/{p['id']}/import?targetSandbox=prod"), 409)


def test_import_of_unknown_package_is_404(acme: httpx.Client) -> None:
    missing = "d" * 32
    r = acme.post(
        "/packages/import",
        json={"id": missing, "destinationSandbox": {"name": "prod", "imsOrgId": ACME_ID}},
    )
    assert_service_error(r, 404, missing)
    assert_service_error(acme.post(f"/packages/{missing}/import?targetSandbox=prod"), 404, missing)


def test_import_fails_on_missing_permission(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "noperm", [SCHEMA_LOYALTY])
    perms = all_permissions()
    perms["Schema"] = ["read"]
    emulator.set_roles(ACME, perms)
    job = wait_job(acme, submit(acme, p["id"])["jobId"])
    assert job["jobStatus"] == "FAILED"
    # One failed task per artifact the job would have created and may not: every schema
    # registry artifact of the closure (the namespace needs Identity, which the org has).
    got = failures(job)
    assert set(got) == {a for a in SCHEMA_CLOSURE if ACME_DEV[a][0].startswith("REGISTRY")}
    for aid, message in got.items():
        assert "Schema" in message and "write" in message and aid in message, message
    assert job["completedTasks"] == []
    assert job["importReplacementMap"] == {}


def test_import_fails_on_expired_package(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "stale", ["acme-ns-crm"])
    done = publish(emulator, acme, p["id"], expiry_period=0)
    assert done["expiry"] == done["publishDate"]
    time.sleep(0.02)
    job = wait_job(acme, submit(acme, p["id"])["jobId"])
    assert job["jobStatus"] == "FAILED"
    # A job-level reason: one failed task per root artifact of the package.
    got = failures(job)
    assert list(got) == ["acme-ns-crm"]
    assert "expired" in got["acme-ns-crm"].lower()


@pytest.mark.parametrize("form", ["body", "path"])
def test_import_fails_on_unknown_target_sandbox(
    emulator: EmulatorProcess, acme: httpx.Client, form: str
) -> None:
    p = published_package(emulator, acme, f"lost-{form}", ["acme-ns-crm"])
    if form == "body":
        ans = submit(acme, p["id"], sandbox="moon")
    else:
        ans = ok(acme.post(f"/packages/{p['id']}/import", params={"targetSandbox": "moon"}))
    job = wait_job(acme, ans["jobId"])
    assert job["jobStatus"] == "FAILED"
    assert list(failures(job)) == ["acme-ns-crm"]
    assert "moon" in failure_text(job)


def test_failed_import_job_manual_lifecycle(manual: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "mf", ["acme-ns-crm"])
    ok(acme.get(f"/packages/{p['id']}/export"))
    manual.advance()
    ans = submit(acme, p["id"], sandbox="moon")
    assert listed_job(acme, ans["jobId"])["jobStatus"] in ("PENDING", "FAILED")
    manual.advance()
    assert listed_job(acme, ans["jobId"])["jobStatus"] == "FAILED"
    assert job_details(acme, ans["jobId"])["jobStatus"] == "FAILED"


def test_jobs_list_filters_by_status(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = published_package(emulator, acme, "mixed", ["acme-ns-crm"])
    good = wait_job(acme, submit(acme, p["id"])["jobId"])
    bad = wait_job(acme, submit(acme, p["id"], sandbox="moon")["jobId"])
    assert [j["id"] for j in jobs(acme, "requestType==IMPORT", "jobStatus==FAILED")] == [bad["id"]]
    assert [j["id"] for j in jobs(acme, "requestType==IMPORT", "jobStatus==SUCCESS")] == [
        good["id"]
    ]
    assert {j["id"] for j in jobs(acme, "requestType==IMPORT", "jobStatus==SUCCESS,FAILED")} == {
        good["id"],
        bad["id"],
    }


def test_prod_seed_is_as_documented(emulator: EmulatorProcess) -> None:
    prod = artifacts_by_id(emulator, ACME, "prod")
    assert {k: (v["type"], v["title"]) for k, v in prod.items()} == ACME_PROD


def test_preflight_every_type_of_the_table(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    # One artifact of each type the permissions table names (docs/emulator.md).
    pick: dict[str, str] = {}
    for aid, (typ, _title, _deps) in ACME_DEV.items():
        pick.setdefault(typ, aid)
    assert set(pick) == set(REQUIRED)
    p = ok(
        acme.post(
            "/packages",
            json={
                "name": "every-type",
                "packageType": "PARTIAL",
                "artifacts": [{"id": a, "type": t} for t, a in pick.items()],
            },
        )
    )
    got = _preflight(acme, p["id"])
    for typ, aid in pick.items():
        assert _perm_map(got[aid]["requiredPermissions"]) == _sorted(REQUIRED[typ]), typ
        assert got[aid]["creationAllowed"] is True
    # Withhold everything but Sandbox view: every type except unknown ones is refused, and the
    # missing permissions are exactly the required ones minus Sandbox view.
    emulator.set_roles(ACME, {"Sandbox": ["view"]})
    got = _preflight(acme, p["id"])
    for typ, aid in pick.items():
        expected = {k: v for k, v in _sorted(REQUIRED[typ]).items() if k != "Sandbox"}
        assert _perm_map(got[aid]["missingPermissions"]) == expected, typ
        assert got[aid]["creationAllowed"] is False


def test_target_sandbox_defaults_to_header(
    emulator: EmulatorProcess, acme: httpx.Client, acme_prod: httpx.Client
) -> None:
    p = published_package(emulator, acme, "defaults", [CLASS_LOYALTY])
    explicit = ok(acme.get(f"/packages/{p['id']}/import?targetSandbox=prod"))
    assert ok(acme_prod.get(f"/packages/{p['id']}/import")) == explicit
    pre = ok(acme_prod.get(f"/packages/preflight/{p['id']}"))
    assert pre["targetSandboxName"] == "prod"


def test_same_title_of_another_type_is_not_reused(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    # Identity namespaces are reused by title, but only one of the same type.
    emulator.add_artifact(
        ACME,
        "prod",
        {"id": "prod-mixin-named-like-ns", "type": "REGISTRY_MIXIN", "title": "CRM ID"},
    )
    p = published_package(emulator, acme, "typed", ["acme-ns-crm"])
    job = wait_job(acme, submit(acme, p["id"])["jobId"])
    assert job["jobStatus"] == "SUCCESS"
    new_id = job["importReplacementMap"]["acme-ns-crm"]
    assert new_id != "prod-mixin-named-like-ns"
    assert outcomes(job)["acme-ns-crm"] == ("CREATED", new_id)
    created = artifacts_by_id(emulator, ACME, "prod")[new_id]
    # No namespace of that title in prod: the copy keeps the title (no `_<epoch ms>`).
    assert (created["type"], created["title"]) == ("ID_NAMESPACE", "CRM ID")


def test_import_into_its_own_source_reuses_everything(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    # Every object already exists in the target under its own id: OBJECT_EXISTS, not created.
    p = published_package(emulator, acme, "self", ["acme-flow-crm"])
    before = artifacts_by_id(emulator, ACME, "dev")
    job = wait_job(acme, submit(acme, p["id"], sandbox="dev")["jobId"])
    assert job["jobStatus"] == "SUCCESS"
    assert job["importReplacementMap"] == {a: a for a in closure(["acme-flow-crm"])}
    assert outcomes(job) == {a: ("OBJECT_EXISTS", a) for a in closure(["acme-flow-crm"])}
    assert artifacts_by_id(emulator, ACME, "dev") == before
