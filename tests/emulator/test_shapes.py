"""Every documented response carries the reference page's fields with the page's JSON types
(exim-packages-api.md: each "Response" block). One test per response block, driven through a
realistic flow on the demo seed.

`description` is required only where the request gave one (the page's visibility answer has
none). Types follow the page: dates are epoch-ms integers, `statusHistory` is a JSON string,
`transferDetails.additionalMetadata` may be null.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME_ID,
    PARTNER_ID,
    SCHEMA_LOYALTY,
    handshake,
    is_epoch_ms,
    iso_in,
    job_details,
    ok,
    published_package,
    wait_job,
    wait_transfer,
)

STR, INT, BOOL, LIST, DICT, EPOCH = str, int, bool, list, dict, "epoch"
NULLABLE_DICT = "dict-or-null"


def check(obj: dict[str, Any], spec: dict[str, Any], where: str) -> None:
    missing = [k for k in spec if k not in obj]
    assert not missing, f"{where}: missing documented fields {missing}; got {sorted(obj)}"
    for k, t in spec.items():
        v = obj[k]
        if t == EPOCH:
            assert is_epoch_ms(v), f"{where}.{k} should be epoch ms: {v!r}"
        elif t == NULLABLE_DICT:
            assert v is None or isinstance(v, dict), f"{where}.{k}: {v!r}"
        elif t is INT:
            assert isinstance(v, int) and not isinstance(v, bool), f"{where}.{k}: {v!r}"
        else:
            assert isinstance(v, t), f"{where}.{k} should be {t.__name__}: {v!r}"


PACKAGE = {
    "id": STR,
    "version": INT,
    "createdDate": EPOCH,
    "modifiedDate": EPOCH,
    "createdBy": STR,
    "modifiedBy": STR,
    "tenantId": STR,
    "name": STR,
    "imsOrgId": STR,
    "sourceSandbox": DICT,
    "packageType": STR,
    "expiry": EPOCH,
    "status": STR,
    "artifactsList": LIST,
}
ARTIFACT = {"id": STR, "type": STR, "found": BOOL, "count": INT}


@pytest.fixture
def pub(emulator: EmulatorProcess, acme: httpx.Client) -> dict[str, Any]:
    return published_package(emulator, acme, "shapes", [SCHEMA_LOYALTY, "acme-seg-gold"])


def test_create_response(acme: httpx.Client) -> None:
    p = ok(
        acme.post(
            "/packages",
            json={
                "name": "acme",
                "description": "Acme Business Group",
                "packageType": "PARTIAL",
                "sourceSandbox": {"name": "dev", "imsOrgId": ACME_ID},
                "expiry": iso_in(10),
                "artifacts": [{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT", "title": "Gold"}],
            },
        )
    )
    check(p, {**PACKAGE, "description": STR, "requestId": STR, "userId": STR}, "create")
    check(p["sourceSandbox"], {"name": STR, "imsOrgId": STR}, "create.sourceSandbox")
    for a in p["artifactsList"]:
        check(a, ARTIFACT, "create.artifactsList[]")


@pytest.mark.parametrize("action", ["ADD", "DELETE", "UPDATE"])
def test_put_responses(acme: httpx.Client, action: str) -> None:
    p = ok(
        acme.post(
            "/packages",
            json={
                "name": "put-shape",
                "description": "d",
                "packageType": "PARTIAL",
                "artifacts": [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}],
            },
        )
    )
    extra: dict[str, Any] = (
        {"name": "put-shape-2", "description": "d2"}
        if action == "UPDATE"
        else {"artifacts": [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}]}
    )
    q = ok(acme.put("/packages", json={"id": p["id"], "action": action, **extra}))
    check(q, {**PACKAGE, "description": STR}, f"PUT {action}")


def test_lookup_and_list_of_published(acme: httpx.Client, pub: dict[str, Any]) -> None:
    spec = {**PACKAGE, "publishDate": EPOCH}
    check(ok(acme.get(f"/packages/{pub['id']}")), spec, "lookup")
    env = ok(acme.get("/packages"))
    check(
        env,
        {
            "totalElements": INT,
            "currentPage": INT,
            "totalPages": INT,
            "hasPreviousPage": BOOL,
            "hasNextPage": BOOL,
            "data": LIST,
        },
        "list",
    )
    check(env["data"][0], spec, "list.data[]")
    for a in env["data"][0]["artifactsList"]:
        check(a, ARTIFACT, "list.data[].artifactsList[]")


def test_visibility_response(acme: httpx.Client, pub: dict[str, Any]) -> None:
    q = ok(
        acme.put(
            "/packages", json={"id": pub["id"], "action": "UPDATE", "packageVisibility": "PUBLIC"}
        )
    )
    check(q, {**PACKAGE, "packageVisibility": STR}, "visibility")


#: A `GET /packages/jobs` item: exactly these (packages.md "List export/import jobs").
JOB_ITEM = {
    "id": STR,
    "name": STR,
    "updated": EPOCH,
    "created": EPOCH,
    "jobType": STR,
    "packageType": STR,
    "description": STR,
    "jobStatus": STR,
    "visibility": STR,
    "sourceSandBox": STR,
    "targetSandbox": STR,
    "createdBy": STR,
}

#: `GET /tools/job/{JOB_ID}`'s `object` (tools.md "Job details"), `destinationSandbox` aside.
JOB_DETAILS = {
    "id": STR,
    "name": STR,
    "visibility": STR,
    "requestType": STR,
    "expiry": INT,
    "snapshotId": STR,
    "createdTimestamp": EPOCH,
    "modifiedTimestamp": EPOCH,
    "type": STR,
    "jobStatus": STR,
    "jobType": STR,
    "counter": INT,
    "imsOrgId": STR,
    "sourceSandbox": DICT,
    "completedTasks": LIST,
    "failedTasks": LIST,
    "importReplacementMap": DICT,
    "sourceParentArtifactMap": DICT,
}
SANDBOX = {"name": STR, "imsOrgId": STR, "empty": BOOL}
TASK = {"taskType": STR, "taskStatus": STR, "artifact": DICT}
TASK_ARTIFACT = {
    "id": STR,
    "type": STR,
    "found": BOOL,
    "count": INT,
    "title": STR,
    "messages": LIST,
}


def check_job_details(job: dict[str, Any], where: str) -> None:
    check(job, JOB_DETAILS, where)
    check(job["sourceSandbox"], SANDBOX, f"{where}.sourceSandbox")
    if "destinationSandbox" in job:
        check(job["destinationSandbox"], SANDBOX, f"{where}.destinationSandbox")
    for key in ("completedTasks", "failedTasks"):
        for t in job[key]:
            check(t, TASK, f"{where}.{key}[]")
            check(t["artifact"], TASK_ARTIFACT, f"{where}.{key}[].artifact")
            for m in t["artifact"]["messages"]:
                check(m, {"status": STR, "attempt": INT, "message": STR}, f"{where}.messages[]")
    for k, v in job["importReplacementMap"].items():
        assert isinstance(k, str) and isinstance(v, str), (k, v)
    for k, v in job["sourceParentArtifactMap"].items():
        assert isinstance(k, str) and isinstance(v, str) and v.count("::") == 3, (k, v)


def test_publish_response(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = ok(
        acme.post(
            "/packages", json={"name": "pshape", "description": "d", "packageType": "PARTIAL"}
        )
    )
    ans = ok(acme.get(f"/packages/{p['id']}/export"))
    check(
        ans,
        {
            "name": STR,
            "description": STR,
            "visibility": STR,
            "sourceSandbox": DICT,
            "type": STR,
            "correlationId": STR,
            "jobId": STR,
        },
        "export",
    )


def test_conflicts_response(acme: httpx.Client, pub: dict[str, Any]) -> None:
    res = ok(acme.get(f"/packages/{pub['id']}/import?targetSandbox=prod"))
    assert res
    for e in res:
        check(e, {"artifact": DICT, "suggestionList": LIST, "parentID": STR}, "conflict")
        check(e["artifact"], {**ARTIFACT, "messages": LIST}, "conflict.artifact")
        for m in e["artifact"]["messages"]:
            check(
                m, {"status": STR, "attempt": INT, "message": STR}, "conflict.artifact.messages[]"
            )
        for s in e["suggestionList"]:
            check(s, {**ARTIFACT, "title": STR}, "conflict.suggestionList[]")


def test_submit_import_response(acme: httpx.Client, pub: dict[str, Any]) -> None:
    ans = ok(
        acme.post(
            "/packages/import",
            json={
                "id": pub["id"],
                "name": "acme",
                "description": "Acme Business Group",
                "destinationSandbox": {"name": "prod", "imsOrgId": ACME_ID},
                "alternatives": {},
            },
        )
    )
    check(
        ans,
        {
            "name": STR,
            "description": STR,
            "visibility": STR,
            "sourceSandbox": DICT,
            "destinationSandbox": DICT,
            "type": STR,
            "correlationId": STR,
            "jobId": STR,
        },
        "import",
    )
    assert ans["visibility"] == "TENANT"
    job = wait_job(acme, ans["jobId"])
    check_job_details(job, "tools/job")
    check(job["destinationSandbox"], SANDBOX, "tools/job.destinationSandbox")
    assert job["completedTasks"], job
    assert job["description"] == "Acme Business Group"
    assert job["visibility"] == "TENANT"
    [item] = [j for j in ok(acme.get("/packages/jobs"))["data"] if j["id"] == ans["jobId"]]
    check(item, JOB_ITEM, "jobs.data[]")
    assert set(item) == set(JOB_ITEM), sorted(item)
    assert item["description"] == "Acme Business Group"
    assert item["visibility"] == "TENANT"


def test_children_response(acme: httpx.Client, pub: dict[str, Any]) -> None:
    for e in ok(acme.post(f"/packages/{pub['id']}/children")):
        check(e, {"id": STR, "title": STR, "type": STR, "children": LIST}, "children[]")
        for c in e["children"]:
            check(c, {"id": STR, "title": STR, "type": STR}, "children[].children[]")


def test_preflight_response(acme: httpx.Client, pub: dict[str, Any]) -> None:
    res = ok(acme.get(f"/packages/preflight/{pub['id']}?targetSandbox=prod"))
    check(
        res, {"packageID": STR, "targetSandboxName": STR, "permissionResponse": LIST}, "preflight"
    )
    for e in res["permissionResponse"]:
        check(
            e,
            {
                "artifactID": STR,
                "requiredPermissions": DICT,
                "missingPermissions": DICT,
                "artifactType": STR,
                "creationAllowed": BOOL,
            },
            "preflight.permissionResponse[]",
        )
        for r in e["requiredPermissions"]["resources"]:
            check(r, {"palmResourceType": STR, "resourcePermissions": LIST}, "requiredPermissions")


HANDSHAKE = {
    "id": STR,
    "version": INT,
    "createdDate": EPOCH,
    "modifiedDate": EPOCH,
    "createdBy": STR,
    "modifiedBy": STR,
    "sourceIMSOrgId": STR,
    "targetIMSOrgId": STR,
    "sourceRegion": STR,
    "status": STR,
    "createdByName": STR,
    "modifiedByIMSOrgId": STR,
    "statusHistory": STR,
    "linkingId": STR,
}


def test_handshake_responses(acme: httpx.Client, partner: httpx.Client) -> None:
    res = ok(
        acme.post(
            "/handshake/bulkCreate",
            json={
                "targetIMSOrgIds": [PARTNER_ID],
                "sourceIMSDetails": {"id": ACME_ID, "name": "acme_org"},
            },
        )
    )
    check(res, {"successfulRequests": DICT, "failedRequests": DICT}, "bulkCreate")
    hs = res["successfulRequests"][PARTNER_ID]
    check(hs, {**HANDSHAKE, "sourceIMSOrgName": STR, "modifiedByName": STR}, "bulkCreate.hs")
    for h in json.loads(hs["statusHistory"]):
        check(
            h,
            {"actionTakenByImsOrgID": STR, "action": STR, "actionTimeStamp": EPOCH},
            "statusHistory[]",
        )
    done = ok(
        partner.post(
            "/handshake/action",
            json={
                "linkingID": hs["linkingId"],
                "status": "APPROVED",
                "reason": "Done",
                "targetIMSOrgDetails": {"id": PARTNER_ID, "name": "partner", "region": "va6"},
            },
        )
    )
    check(
        done,
        {**HANDSHAKE, "targetRegion": STR, "sourceOrgName": STR, "targetOrgName": STR},
        "action",
    )
    env = ok(partner.get("/handshake/list?property=status%3D%3DAPPROVED&requestType=INCOMING"))
    listed = {k: v for k, v in HANDSHAKE.items() if k != "createdBy"}  # the page shows none
    check(
        env["data"][0],
        {**listed, "targetRegion": STR, "sourceOrgName": STR, "targetOrgName": STR},
        "handshake/list.data[]",
    )


TRANSFER_CREATED = {
    "id": STR,
    "version": INT,
    "createdDate": EPOCH,
    "modifiedDate": EPOCH,
    "createdBy": STR,
    "modifiedBy": STR,
    "sourceIMSOrgId": STR,
    "targetIMSOrgId": STR,
    "packageId": STR,
    "status": STR,
    "initiatedBy": STR,
    "requestType": STR,
}
TRANSFER_READ = {
    "id": STR,
    "sourceIMSOrgId": STR,
    "sourceOrgName": STR,
    "targetIMSOrgId": STR,
    "targetOrgName": STR,
    "packageId": STR,
    "packageName": STR,
    "status": STR,
    "initiatedBy": STR,
    "createdDate": EPOCH,
    "requestType": STR,
}


def test_transfer_responses(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client, pub: dict[str, Any]
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    [t] = ok(
        acme.post("/transfer", json={"packageId": pub["id"], "targets": [{"imsOrgId": PARTNER_ID}]})
    )
    check(t, {**TRANSFER_CREATED, "transferDetails": DICT}, "transfer")
    check(
        t["transferDetails"],
        {"messages": LIST, "additionalMetadata": NULLABLE_DICT},
        "transferDetails",
    )
    done = wait_transfer(emulator, acme, t["id"])
    check(done, {**TRANSFER_READ, "transferDetails": DICT}, "transfer/{id}")
    item = ok(acme.get("/transfer/list?property=status==COMPLETED"))["data"][0]
    check(
        item,
        {**TRANSFER_READ, "completedTime": EPOCH, "transferDetails": DICT},
        "transfer/list.data[]",
    )


def test_pull_request_response(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client, pub: dict[str, Any]
) -> None:
    ok(
        acme.put(
            "/packages", json={"id": pub["id"], "action": "UPDATE", "packageVisibility": "PUBLIC"}
        )
    )
    t = ok(
        partner.post("/transfer/pullRequest", json={"imsOrgId": ACME_ID, "packageId": pub["id"]})
    )
    check(t, {**TRANSFER_CREATED, "pipelineMessageId": STR}, "pullRequest")
    wait_transfer(emulator, partner, t["id"])
    env = ok(
        partner.get(
            "/transfer/list?property=status%3D%3DCOMPLETED%2CFAILED&requestType=PUBLIC&orderby=-createdDate"
        )
    )
    check(env["data"][0], {**TRANSFER_READ, "completedTime": EPOCH}, "public list.data[]")


def test_export_job_shape(acme: httpx.Client, pub: dict[str, Any]) -> None:
    jobs = ok(acme.get("/packages/jobs?property=requestType==EXPORT"))["data"]
    assert len(jobs) == 1
    # An export has no target sandbox (null) and `pub` has no description (null).
    spec = {k: v for k, v in JOB_ITEM.items() if k not in ("targetSandbox", "description")}
    check(jobs[0], spec, "export job")
    assert set(jobs[0]) == set(JOB_ITEM), sorted(jobs[0])
    assert jobs[0]["targetSandbox"] is None
    details = job_details(acme, jobs[0]["id"])
    check_job_details(details, "export tools/job")
    assert details["requestType"] == "EXPORT"
    assert "destinationSandbox" not in details
