"""Import-side methods: conflicts, submit, children, preflight, jobs and their waiter."""

from __future__ import annotations

import time

import pytest

from sandbox_provider.client import (
    Artifact,
    ExImClient,
    ExImTimeoutError,
    ImportSubmission,
    JobStatus,
    NotFoundError,
    OperationFailedError,
    Package,
    job_package,
    prop,
)
from sandbox_provider.testing import EmulatorProcess

from .conftest import exim_requests

SCHEMA = "https://ns.adobe.com/acme/schemas/loyalty-profile"
CLASS = "https://ns.adobe.com/acme/classes/loyalty-member"
NS_CRM = {"id": "acme-ns-crm", "type": "ID_NAMESPACE"}


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
    assert sub.job_id and sub.job_name == "loyal-into-prod"
    seen: list[str | None] = []
    job = acme.wait_for_job(
        sub.job_id, timeout=10, progress=lambda j: seen.append(j.job_status if j else None)
    )
    assert job.job_status == JobStatus.SUCCESS and job.id == sub.job_id
    assert job.name == "loyal-into-prod" and job.target_sandbox == "prod"
    assert job.imported_artifacts[SCHEMA] == "acme-prod-schema-loyalty"
    assert seen[-1] == "SUCCESS"
    # The job name defaults to the package's name.
    sub2 = acme.submit_import(pkg.id, "prod")
    assert sub2.job_name == "loyal" and sub2.job_id and sub2.job_id != sub.job_id
    assert acme.wait_for_job(sub2.job_id, timeout=10).name == "loyal"
    assert [j.id for j in acme.find_jobs(name="loyal-into-prod")] == [sub.job_id]
    assert acme.find_jobs(name="no such job") == []
    imports = list(acme.list_jobs(prop("requestType").eq("IMPORT")))
    assert {j.name for j in imports} == {"loyal", "loyal-into-prod"}
    exports = list(acme.list_jobs(prop("requestType").eq("EXPORT"), order_by="-created"))
    assert [j.name for j in exports] == ["loyal"]
    # No page ties a listed job to its package: `job_package` infers it from name and dates.
    (listed,) = acme.find_jobs(name="loyal", request_type="IMPORT")
    found = job_package(listed, acme.list_packages())
    assert found is not None and found.id == pkg.id
    (renamed,) = acme.find_jobs(name="loyal-into-prod")
    assert job_package(renamed, acme.list_packages()) is None  # a job given its own name


def test_get_job_of_a_successful_import(acme: ExImClient, emulator: EmulatorProcess) -> None:
    pkg = published(acme, "gold", [{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}])
    alternative = {"id": "acme-prod-schema-loyalty", "type": "REGISTRY_SCHEMA"}
    sub = acme.submit_import(pkg.id, "prod", alternatives={SCHEMA: alternative})
    assert sub.job_id
    acme.wait_for_job(sub.job_id, timeout=10)
    job = acme.get_job(sub.job_id)
    assert job.id == sub.job_id and job.request_type == "IMPORT" and job.status == "SUCCESS"
    assert job.source_sandbox is not None and job.source_sandbox.name == "dev"
    assert job.target_sandbox == "prod" and job.failed_tasks == [] and job.failure_reason is None
    # The segment is created; the schema mapped by `alternatives` and the merge policy (never
    # created by an import: the target's is used) are reused.
    created = job.created_artifacts
    assert set(created) == {"acme-seg-gold"}
    new_seg = created["acme-seg-gold"]
    assert new_seg != "acme-seg-gold"
    assert job.reused_artifacts == {
        SCHEMA: "acme-prod-schema-loyalty",
        "acme-mp-default": "acme-prod-mp",
    }
    assert job.imported_artifacts == {**created, **job.reused_artifacts}
    outcomes = {
        t.artifact.id: (t.task_status, t.outcome) for t in job.completed_tasks if t.artifact
    }
    assert outcomes == {
        "acme-seg-gold": ("SUCCESS", "CREATED"),
        SCHEMA: ("SUCCESS", "OBJECT_REUSED"),
        "acme-mp-default": ("SUCCESS", "OBJECT_REUSED"),
    }
    # What the job says it created is in the target sandbox.
    prod = {a["id"]: a for a in emulator.artifacts("acme", "prod")}
    assert prod[new_seg]["type"] == "PROFILE_SEGMENT"
    # The publication's EXPORT job is readable the same way.
    exports = acme.find_jobs(name="gold", request_type="EXPORT")
    assert [acme.get_job(j.id or "").request_type for j in exports] == ["EXPORT"]


def test_get_job_of_a_failed_import_names_the_artifact(acme: ExImClient) -> None:
    pkg = published(acme, "gone-alt", [{"id": SCHEMA, "type": "REGISTRY_SCHEMA"}])
    sub = acme.submit_import(
        pkg.id, "prod", alternatives={SCHEMA: {"id": "does-not-exist", "type": "REGISTRY_SCHEMA"}}
    )
    assert sub.job_id
    with pytest.raises(OperationFailedError):
        acme.wait_for_job(sub.job_id, timeout=10)
    job = acme.get_job(sub.job_id)
    assert job.status == "FAILED" and job.completed_tasks == []
    assert job.created_artifacts == {} and job.imported_artifacts == {}
    assert [t.artifact.id for t in job.failed_tasks if t.artifact] == [SCHEMA]
    assert job.failure_reason and SCHEMA in job.failure_reason
    assert "does-not-exist" in job.failure_reason


def test_get_job_of_an_unknown_id_or_another_org_is_not_found(
    acme: ExImClient, partner: ExImClient
) -> None:
    with pytest.raises(NotFoundError):
        acme.get_job("0" * 32)
    pkg = published(acme, "mine", [NS_CRM])
    sub = acme.submit_import(pkg.id, "prod")
    assert sub.job_id and acme.get_job(sub.job_id).id == sub.job_id
    with pytest.raises(NotFoundError):
        partner.get_job(sub.job_id)


def test_failed_job_names_the_job_and_reason(acme: ExImClient, emulator: EmulatorProcess) -> None:
    pkg = published(acme, "gone-alt", [{"id": SCHEMA, "type": "REGISTRY_SCHEMA"}])
    sub = acme.submit_import(
        pkg.id, "prod", alternatives={SCHEMA: {"id": "does-not-exist", "type": "REGISTRY_SCHEMA"}}
    )
    assert sub.job_id
    with pytest.raises(OperationFailedError) as info:
        acme.wait_for_job(sub.job_id, label=sub.job_name, timeout=10)
    err = info.value
    assert err.object_kind == "job" and err.last_status == "FAILED"
    assert err.object_id == sub.job_id and sub.job_id in str(err)
    assert "gone-alt" in str(err) and "does-not-exist" in str(err)
    assert err.reason and SCHEMA in err.reason and "does-not-exist" in err.reason


def test_a_job_not_found_at_first_is_waited_for(
    acme: ExImClient, emulator: EmulatorProcess
) -> None:
    pkg = published(acme, "late-job", [NS_CRM])
    sub = acme.submit_import(pkg.id, "prod")
    assert sub.job_id
    since = emulator.requests()[-1]["seq"]
    # The platform doesn't know the job yet for the first two looks.
    emulator.set_faults([{"path": "/tools/job/", "method": "GET", "status": 404, "times": 2}])
    seen: list[str | None] = []
    job = acme.wait_for_job(
        sub.job_id,
        timeout=10,
        not_found_grace=5,
        poll_interval=0.01,
        progress=lambda j: seen.append(j.status if j else None),
    )
    assert job.status == "SUCCESS" and seen[:2] == [None, None] and seen[-1] == "SUCCESS"
    looks = [r for r in exim_requests(emulator, since) if "/tools/job/" in r["path"]]
    assert [r["status"] for r in looks[:2]] == [404, 404] and looks[2]["status"] == 200


def test_a_job_never_found_fails_after_the_grace(
    acme: ExImClient, emulator: EmulatorProcess
) -> None:
    missing = "f" * 32
    with pytest.raises(NotFoundError):
        acme.wait_for_job(missing, timeout=10, not_found_grace=0.3, poll_interval=0.02)
    looks = [r for r in exim_requests(emulator) if r["path"].endswith(missing)]
    # It kept looking through the grace, then gave up (well before the 10 s deadline).
    assert len(looks) > 1 and all(r["status"] == 404 for r in looks)


def test_find_jobs_filters(acme: ExImClient, partner: ExImClient) -> None:
    pkg = published(acme, "multi", [NS_CRM])

    def submit(target: str, name: str) -> ImportSubmission:
        time.sleep(0.005)  # distinct `created` ms, so "newest first" is one order
        return acme.submit_import(pkg.id, target, name=name)

    first = submit("prod", "to-prod")
    second = submit("prod", "to-prod")
    other = submit("dev", "to-dev")
    ids = [first.job_id, second.job_id, other.job_id]
    assert all(ids) and len(set(ids)) == 3
    for job_id in ids:
        acme.wait_for_job(job_id or "", timeout=10)
    (export,) = acme.find_jobs(request_type="EXPORT")
    assert export.name == "multi" and export.target_sandbox is None
    # Newest first.
    assert [j.id for j in acme.find_jobs(request_type="IMPORT")] == ids[::-1]
    assert [j.id for j in acme.find_jobs(name="to-prod")] == [second.job_id, first.job_id]
    assert [j.id for j in acme.find_jobs(target_sandbox="dev")] == [other.job_id]
    assert [j.id for j in acme.find_jobs(name="to-prod", target_sandbox="dev")] == []
    assert [j.id for j in acme.find_jobs(name="multi")] == [export.id]
    assert acme.find_jobs(name="multi", request_type="IMPORT") == []
    # created_from: at or after the given epoch ms.
    all_jobs = acme.find_jobs()
    assert len(all_jobs) == 4
    cut = next(j for j in all_jobs if j.id == second.job_id).created
    assert cut is not None
    later = {j.id for j in acme.find_jobs(created_from=cut)}
    assert {second.job_id, other.job_id} <= later and export.id not in later
    assert acme.find_jobs(created_from=max(j.created or 0 for j in all_jobs) + 1) == []
    # Another org sees none of them.
    assert partner.find_jobs() == []


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
    assert sub.job_id
    with pytest.raises(ExImTimeoutError) as job_info:
        acme.wait_for_job(sub.job_id, label=sub.job_name, timeout=0.3)
    assert job_info.value.last_status == "PENDING" and job_info.value.object_id == sub.job_id
    assert "stuck" in str(job_info.value) and sub.job_id in str(job_info.value)
    # Within the not-found grace, an unknown job is NOT_FOUND until the deadline.
    with pytest.raises(ExImTimeoutError) as missing:
        acme.wait_for_job("never-submitted", timeout=0.2)
    assert missing.value.last_status == "NOT_FOUND"
