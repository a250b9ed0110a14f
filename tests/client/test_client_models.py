"""Wire models: camelCase in/out, unknown fields and enum values kept, odd spellings handled."""

from __future__ import annotations

import json

from sandbox_provider.client import (
    Artifact,
    ArtifactType,
    Conflict,
    Handshake,
    HandshakeBulkResult,
    Job,
    Package,
    PackageStatus,
    Page,
    PreflightResult,
    Transfer,
)

PACKAGE = {
    "id": "209f886b00444eac9bb5836fe32e7681",
    "version": 0,
    "createdDate": 1684475012105,
    "modifiedDate": 1684475012105,
    "tenantId": "c875b077162b40409c1327b16da99c1b",
    "name": "acme",
    "description": "Acme Business Group",
    "imsOrgId": "5C1328435BF324E90A49402A@AdobeOrg",
    "sourceSandbox": {"name": "cjm-mr", "imsOrgId": "5C1328435BF324E90A49402A@AdobeOrg"},
    "packageType": "PARTIAL",
    "expiry": 1684613110000,
    "status": "DRAFT",
    "artifactsList": [
        {"id": "d8d8ed6d@1647559351683", "type": "JOURNEY", "found": False, "count": 0}
    ],
}


def test_package_reads_the_reference_shape_in_snake_case() -> None:
    p = Package.model_validate(PACKAGE)
    assert p.id == PACKAGE["id"]
    assert p.package_type == "PARTIAL"
    assert p.status == PackageStatus.DRAFT
    assert p.source_sandbox is not None
    assert (p.source_sandbox.ims_org_id or "").endswith("@AdobeOrg")
    assert p.artifacts[0].type == ArtifactType.JOURNEY
    assert p.artifacts[0].base_id == "d8d8ed6d"
    assert p.expiry_at is not None and p.expiry_at.year == 2023
    # Unknown fields travel with the model and back out on the wire.
    assert p.model_extra == {"tenantId": "c875b077162b40409c1327b16da99c1b"}
    assert p.to_wire()["tenantId"] == PACKAGE["tenantId"]
    assert p.to_wire()["artifactsList"][0]["id"] == "d8d8ed6d@1647559351683"


def test_unknown_enum_values_are_kept() -> None:
    raw = dict(PACKAGE, status="SOMETHING_NEW", packageType="HYBRID")
    raw["artifactsList"] = [{"id": "c1", "type": "CAMPAIGN", "found": True, "count": 3}]
    p = Package.model_validate(raw)
    assert p.status == "SOMETHING_NEW"
    assert p.artifacts[0].type == "CAMPAIGN"
    assert p.artifacts[0].type not in set(ArtifactType)


def test_populate_by_name_and_enum_members() -> None:
    a = Artifact(id="acme-ns-crm", type=ArtifactType.ID_NAMESPACE, title="CRM ID")
    assert a.to_wire() == {"id": "acme-ns-crm", "type": "ID_NAMESPACE", "title": "CRM ID"}
    assert json.loads(a.model_dump_json(by_alias=True, exclude_none=True))["type"] == "ID_NAMESPACE"


def test_odd_spellings() -> None:
    c = Conflict.model_validate(
        {
            "artifact": {"id": "s1", "type": "REGISTRY_SCHEMA"},
            "suggestionList": [{"id": "s2", "type": "REGISTRY_SCHEMA", "title": "v2"}],
            "parentID": "org::prod::REGISTRY_SCHEMA::s1",
        }
    )
    assert c.parent_id and c.suggestion_list[0].title == "v2"
    j = Job.model_validate({"name": "acme", "jobStatus": "SUCCESS", "sourceSandBox": "dev"})
    assert j.source_sandbox == "dev" and j.status == "SUCCESS"
    pf = PreflightResult.model_validate(
        {
            "packageID": "p",
            "targetSandboxName": "prod",
            "permissionResponse": [
                {
                    "artifactID": "a",
                    "artifactType": "PROFILE_MERGE",
                    "requiredPermissions": {
                        "resources": [
                            {"palmResourceType": "Dataset", "resourcePermissions": ["read"]}
                        ]
                    },
                    "missingPermissions": {"resources": []},
                    "creationAllowed": False,
                }
            ],
        }
    )
    assert pf.package_id == "p" and not pf.allowed
    assert pf.permission_response[0].required_permissions.resources[0].palm_resource_type == (
        "Dataset"
    )


def test_handshake_history_is_parsed_from_its_json_string() -> None:
    history = [
        {"action": "INITIATED", "actionTimeStamp": 1, "actionTakenByImsOrgID": "A@AdobeOrg"},
        {"action": "APPROVED", "actionTimeStamp": 2, "reason": "Done"},
    ]
    bulk = HandshakeBulkResult.model_validate(
        {
            "successfulRequests": {
                "B@AdobeOrg": {
                    "status": "APPROVAL_PENDING",
                    "linkingId": "l1",
                    "sourceIMSOrgName": "acme",
                    "statusHistory": json.dumps(history),
                }
            },
            "failedRequests": {},
        }
    )
    hs = bulk.successful_requests["B@AdobeOrg"]
    assert hs.linking_id == "l1" and hs.source_ims_org_name == "acme"
    assert [h.action for h in hs.history()] == ["INITIATED", "APPROVED"]
    assert hs.history()[0].action_taken_by_ims_org_id == "A@AdobeOrg"
    assert Handshake(status_history="not json").history() == []


def test_transfer_and_page() -> None:
    page = Page[Transfer].model_validate(
        {
            "totalElements": 1,
            "currentPage": 0,
            "totalPages": 1,
            "hasPreviousPage": False,
            "hasNextPage": False,
            "data": [
                {
                    "id": "t1",
                    "sourceIMSOrgId": "A@AdobeOrg",
                    "targetIMSOrgId": "B@AdobeOrg",
                    "status": "IN_PROGRESS",
                    "transferDetails": {
                        "messages": ["Fetched Package"],
                        "additionalMetadata": None,
                    },
                    "requestType": "PRIVATE",
                }
            ],
            "nextPage": None,
            "pageSize": None,
        }
    )
    t = page.data[0]
    assert t.target_ims_org_id == "B@AdobeOrg" and t.last_message == "Fetched Package"
    assert page.has_next_page is False


def test_an_expiry_given_as_a_float_is_sent_as_whole_milliseconds() -> None:
    # The engine hands a dynamic provider every number as a float.
    from datetime import UTC, datetime

    from sandbox_provider.client.packages import expiry_wire

    assert expiry_wire(4073414400000.0) == 4073414400000
    assert expiry_wire(4073414400000) == 4073414400000
    assert expiry_wire("2099-01-31T00:00:00Z") == "2099-01-31T00:00:00Z"
    assert expiry_wire(datetime(2099, 1, 31, tzinfo=UTC)) == "2099-01-31T00:00:00Z"
