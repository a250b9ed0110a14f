"""The reference page's request bodies sent verbatim, ids and all. On the demo seed they name
packages, orgs and handshakes that do not exist, so each gets the contract's answer for that:
a 404 naming the id, a 400 naming the field, or the 403 of a share request sent on behalf of
another org. (The fitted versions, with ids of the seed, are in the other modules.)"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ._support import assert_service_error, ok

PKG = "6fa50baedd344a278129a87e68cc9dc7"
CJM = "https://ns.adobe.com/cjmstage/schemas/"
SCHEMA_A = CJM + "ac33bbd22eb4ad6656e1c7e12e9f520261fb39fd28a902a9"
SCHEMA_B = CJM + "a3b935344685afad4e52c753161cf673ec23d4fb1b3e9ce"

CASES: list[tuple[str, str, str, Any, int, str]] = [
    (
        "add",
        "PUT",
        "/packages",
        {
            "id": PKG,
            "action": "ADD",
            "expiry": "2023-05-20T20:05:10Z",
            "artifacts": [
                {"id": "d8d8ed6d-696a-40bd-b4fe-ca053ec94e29@1647559351683", "type": "JOURNEY"}
            ],
        },
        404,
        PKG,
    ),
    (
        "delete",
        "PUT",
        "/packages",
        {
            "id": PKG,
            "action": "DELETE",
            "artifacts": [
                {"id": "d8d8ed6d-696a-40bd-b4fe-ca053ec94e29@1647559351683", "type": "JOURNEY"}
            ],
        },
        404,
        PKG,
    ),
    (
        "update",
        "PUT",
        "/packages",
        {
            "id": PKG,
            "action": "UPDATE",
            "name": "acme",
            "description": "Acme Business Group",
            "sourceSandbox": {
                "name": "acme-sandbox",
                "imsOrgId": "5C1328435BF324E90A49402A@AdobeOrg",
            },
        },
        404,
        PKG,
    ),
    (
        "visibility",
        "PUT",
        "/packages",
        {
            "id": "673264e41f8b49229d61467a1a94a907",
            "action": "UPDATE",
            "packageVisibility": "PUBLIC",
        },
        404,
        "673264e41f8b49229d61467a1a94a907",
    ),
    (
        "submit-import",
        "POST",
        "/packages/import/",
        {
            "id": "09484a599f5f4a5faa43986643964615",
            "name": "acme",
            "description": "Acme Business Group",
            "destinationSandbox": {
                "name": "cjm-mr",
                "imsOrgId": "5C1328435BF324E90A49402A@AdobeOrg",
            },
            "alternatives": {SCHEMA_A: {"id": SCHEMA_B, "type": "REGISTRY_SCHEMA"}},
        },
        404,
        "09484a599f5f4a5faa43986643964615",
    ),
    (
        "transfer",
        "POST",
        "/transfer/",
        {
            "packageId": "99089521828a4d4f999674496f3d84f1",
            "targets": [{"imsOrgId": "{TARGET_IMS_ORG}"}],
        },
        404,
        "99089521828a4d4f999674496f3d84f1",
    ),
    (
        "pull-request",
        "POST",
        "/transfer/pullRequest",
        {
            "imsOrgId": "2E63197465A811E70A494213@AdobeOrg",
            "packageId": "673264e41f8b49229d61467a1a94a907",
        },
        404,
        "673264e41f8b49229d61467a1a94a907",
    ),
    (
        "handshake-action",
        "POST",
        "/handshake/action",
        {
            "linkingID": "96e325cd387348f2baa27aafb0d291db",
            "status": "APPROVED",
            "reason": "Done",
            "targetIMSOrgDetails": {"id": "acme@AdobeOrg", "name": "acme", "region": "va7"},
        },
        404,
        "96e325cd387348f2baa27aafb0d291db",
    ),
    (
        "bulk-create",
        "POST",
        "/handshake/bulkCreate",
        {
            "targetIMSOrgIds": ["acme@AdobeOrg"],
            "sourceIMSDetails": {"id": "acme@AdobeOrg", "name": "acme_org"},
        },
        403,
        "sourceIMSDetails",
    ),
]


@pytest.mark.parametrize("name,method,path,body,status,mention", CASES, ids=[c[0] for c in CASES])
def test_reference_body_verbatim(
    acme: httpx.Client, name: str, method: str, path: str, body: Any, status: int, mention: str
) -> None:
    assert_service_error(acme.request(method, path, json=body), status, mention)


@pytest.mark.parametrize(
    "path",
    [
        "/packages/d30e0424a37b46ada6a5cf37f47a86ff",
        "/packages/8f585fad94d042cd82dbcba594108a41/export",
        "/packages/8f585fad94d042cd82dbcba594108a41/import?targetSandbox=targetSandboxName",
        "/packages/preflight/b7bda68eb1214c86824f1d7204616e51?targetSandbox=acme-sandbox",
        "/transfer/0c843180a64c445ca1beece339abc04b",
        "/packages/payload/575e86f794324af4ba4ce0dc3887dade",
    ],
)
def test_reference_get_paths_verbatim(acme: httpx.Client, path: str) -> None:
    err = assert_service_error(acme.get(path), 404)
    pid = next(seg for seg in path.split("?")[0].split("/") if len(seg) == 32)
    # Unknown package (or, where checked first, the page's unknown target sandbox) is named.
    assert any(m in err["detail"] for m in (pid, "acme-sandbox", "targetSandboxName")), err


def test_reference_delete_verbatim(acme: httpx.Client) -> None:
    assert_service_error(
        acme.delete("/packages/d30e0424a37b46ada6a5cf37f47a86ff"),
        404,
        "d30e0424a37b46ada6a5cf37f47a86ff",
    )


def test_reference_list_queries_verbatim(acme: httpx.Client) -> None:
    for path in (
        "/packages/?property=status==DRAFT,PUBLISHED&property=createdDate>=2023-05-11T18:29:59.999Z"
        "&property=createdDate<=2023-05-16T18:29:59.999Z&start=0&orderby=-createdDate&limit=20",
        "/packages/jobs?property=requestType==IMPORT&property=jobStatus==SUCCESS&orderby=createdDate&start=0&limit=5",
        "/handshake/list?property=status%3D%3DAPPROVED&requestType=INCOMING",
        "/transfer/list?property=status==COMPLETED&start=0&limit=2&orderBy=-createdDate",
        "/transfer/list?property=status%3D%3DCOMPLETED%2CFAILED&requestType=PUBLIC&orderby=-createdDate",
    ):
        env = ok(acme.get(path))
        assert env["data"] == [] and env["totalElements"] == 0, path
        assert env["hasPreviousPage"] is False and env["hasNextPage"] is False
