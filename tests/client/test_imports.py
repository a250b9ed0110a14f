"""Import-side methods: conflicts, submit, children, preflight, jobs and their waiter."""

from __future__ import annotations

import pytest

from sandbox_provider.client import (
    Artifact,
    ExImClient,
    ExImTimeoutError,
    JobStatus,
    OperationFailedError,
    Package,
    prop,
)
from sandbox_provider.testing import EmulatorProcess

SCHEMA = "https://ns.adobe.com/acme/schemas/loyalty-profile"
CLASS = "https://ns.adobe.com/acme/classes/loyalty-member"


def published(acme: ExImClient, name: str, artifacts: list[dict[str, str]]) -> Package:
    pkg = acme.create_package(name, artifacts=artifacts)
    acme.publish_package(pkg.id)
    return acme.wait_for_package(pkg.id, timeout=10)


def test_conflicts_children_preflight(acme: ExImClient, emulator: EmulatorProcess) -> None:
    pkg = published(acme, "gold", [{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}])
    conflicts = acme.import_conflicts(pkg.id, "prod")
    by_id = {c.artifact.id: c for c in conflicts}
    assert "acme-seg-gold" in by_id
    assert by_id["acme-seg-gold"].suggestion_list[0].id == "acme-prod-seg-gold"
    kids = acme.package_children(pkg.id)
    assert [k.id for k in kids] == ["acme-seg-gold"]
    assert {c.id for c in kids[0].children} == {SCHEMA, "acme-mp-default"}
    schema_kids = acme.package_children(pkg.id, [Artifact(id=SCHEMA, type="REGISTRY_SCHEMA")])
    assert CLASS in {c.id for c in schema_kids[0].children}
    ok = acme.preflight(pkg.id, "prod")
    assert ok.allowed and ok.permission_response[0].artifact_id == "acme-seg-gold"
    emulator.set_roles("acme", {"Sandbox": ["view"], "Schema": ["read"]})
    denied = acme.preflight(pkg.id, "prod")
    assert not denied.allowed
    missing = {
        r.palm_resource_type for r in denied.permission_response[0].missing_permissions.resources
    }
    assert "Segment" in missing


def test_submit_import_and_wait_for_job(acme: ExImClient, emulator: EmulatorProcess) -> None:
    pkg = published(acme, "loyal", [{"id": SCHEMA, "type": "REGISTRY_SCHEMA"}])
    sub = acme.submit_import(
        pkg.id,
        "prod",
        name="loyal-into-prod",
        description="first import",
        alternatives={SCHEMA: {"id": "acme-prod-schema-loyalty", "type": "REGISTRY_SCHEMA"}},
    )
    assert sub.correlation_id and sub.job_name == "loyal-into-prod"
    seen: list[str | None] = []
    job = acme.wait_for_job(
        sub.job_name,
        correlation_id=sub.correlation_id,
        timeout=10,
        progress=lambda j: seen.append(j.job_status if j else None),
    )
    assert job.job_status == JobStatus.SUCCESS and job.package_id == pkg.id
    assert job.imported_artifacts and job.imported_artifacts[SCHEMA] == "acme-prod-schema-loyalty"
    assert seen[-1] == "SUCCESS"
    # The job name defaults to the package's name.
    sub2 = acme.submit_import(pkg.id, "prod")
    assert sub2.job_name == "loyal"
    acme.wait_for_job("loyal", correlation_id=sub2.correlation_id, timeout=10)
    found = acme.find_job("loyal-into-prod")
    assert found is not None and found.correlation_id == sub.correlation_id
    assert acme.find_job("no such job") is None
    imports = list(acme.list_jobs(prop("requestType").eq("IMPORT")))
    assert {j.name for j in imports} == {"loyal", "loyal-into-prod"}
    exports = list(acme.list_jobs(prop("requestType").eq("EXPORT"), order_by="-created"))
    assert [j.name for j in exports] == ["loyal"]


def test_failed_job_names_the_job_and_reason(acme: ExImClient, emulator: EmulatorProcess) -> None:
    pkg = published(acme, "gone-alt", [{"id": SCHEMA, "type": "REGISTRY_SCHEMA"}])
    sub = acme.submit_import(
        pkg.id, "prod", alternatives={SCHEMA: {"id": "does-not-exist", "type": "REGISTRY_SCHEMA"}}
    )
    with pytest.raises(OperationFailedError) as info:
        acme.wait_for_job(sub.job_name or "", correlation_id=sub.correlation_id, timeout=10)
    err = info.value
    assert err.object_kind == "job" and err.last_status == "FAILED"
    assert "gone-alt" in str(err) and "does-not-exist" in str(err)


def test_waiter_deadline_in_manual_timing(acme: ExImClient, emulator: EmulatorProcess) -> None:
    pkg = acme.create_package("stuck", artifacts=[{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}])
    emulator.set_timing(mode="manual")
    acme.publish_package(pkg.id)
    with pytest.raises(ExImTimeoutError) as info:
        acme.wait_for_package(pkg.id, timeout=0.5, poll_interval=0.05)
    err = info.value
    assert err.object_id == pkg.id and err.last_status == "PUBLISH_IN_PROGRESS"
    assert pkg.id in str(err) and "PUBLISH_IN_PROGRESS" in str(err) and "0.5s" in str(err)
    emulator.advance()
    acme.wait_for_package(pkg.id, timeout=5)
    sub = acme.submit_import(pkg.id, "prod")
    with pytest.raises(ExImTimeoutError) as job_info:
        acme.wait_for_job(sub.job_name or "", correlation_id=sub.correlation_id, timeout=0.3)
    assert job_info.value.last_status == "PENDING" and "stuck" in str(job_info.value)
    with pytest.raises(ExImTimeoutError) as missing:
        acme.wait_for_job("never-submitted", timeout=0.2)
    assert missing.value.last_status == "NOT_FOUND"
