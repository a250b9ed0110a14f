"""Package methods of ExImClient against the emulator over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sandbox_provider.client import (
    Artifact,
    ArtifactType,
    ConflictError,
    ExImClient,
    NotFoundError,
    OperationFailedError,
    PackageStatus,
    PackageVisibility,
    ValidationError,
    desc,
    prop,
)
from sandbox_provider.testing import EmulatorProcess

from .conftest import exim_requests

NS_CRM = {"id": "acme-ns-crm", "type": "ID_NAMESPACE"}
SEG_GOLD = Artifact(id="acme-seg-gold", type=ArtifactType.PROFILE_SEGMENT, title="Gold")


def test_create_get_find(acme: ExImClient) -> None:
    pkg = acme.create_package("first", description="d", artifacts=[NS_CRM, SEG_GOLD])
    assert pkg.status == PackageStatus.DRAFT and pkg.package_type == "PARTIAL"
    assert pkg.source_sandbox is not None and pkg.source_sandbox.name == "dev"
    assert [a.id for a in pkg.artifacts] == ["acme-ns-crm", "acme-seg-gold"]
    assert all(a.found for a in pkg.artifacts) and pkg.artifacts[0].count == 1
    assert pkg.model_extra, "fields the model doesn't name are kept"
    got = acme.get_package(pkg.id)
    assert got.id == pkg.id and got.description == "d"
    found = acme.find_package_by_name("first")
    assert found is not None and found.id == pkg.id
    assert acme.find_package_by_name("FIRST") is None  # exact name only
    assert acme.find_package_by_name("nope") is None


def test_create_options(acme: ExImClient) -> None:
    expiry = datetime.now(UTC) + timedelta(days=3)
    pkg = acme.create_package("opts", source_sandbox="prod", expiry=expiry, artifacts=())
    assert pkg.source_sandbox is not None and pkg.source_sandbox.name == "prod"
    assert pkg.expiry_at is not None and abs(pkg.expiry_at - expiry) < timedelta(seconds=2)
    full = acme.create_package("full", package_type="FULL")
    assert full.package_type == "FULL"
    other = acme.create_package("per-call-sandbox", sandbox="prod")
    assert other.source_sandbox is not None and other.source_sandbox.name == "prod"


def test_unknown_artifact_type_is_kept(acme: ExImClient) -> None:
    pkg = acme.create_package("new-types", artifacts=[{"id": "c-1", "type": "CAMPAIGN"}])
    assert pkg.artifacts[0].type == "CAMPAIGN" and pkg.artifacts[0].found is False


def test_add_remove_update(acme: ExImClient) -> None:
    pkg = acme.create_package("edit", artifacts=[NS_CRM])
    pkg = acme.add_artifacts(pkg.id, [SEG_GOLD, NS_CRM])
    assert sorted(a.id for a in pkg.artifacts) == ["acme-ns-crm", "acme-seg-gold"]
    pkg = acme.remove_artifacts(pkg.id, [NS_CRM])
    assert [a.id for a in pkg.artifacts] == ["acme-seg-gold"]
    v = pkg.version or 0
    pkg = acme.update_package(pkg.id, name="edited", description="new words")
    assert (pkg.name, pkg.description) == ("edited", "new words") and (pkg.version or 0) > v
    pkg = acme.update_package(pkg.id, description="only this")
    assert pkg.name == "edited" and pkg.description == "only this"
    acme.create_package("taken")
    with pytest.raises(ConflictError) as info:
        acme.update_package(pkg.id, name="taken")
    assert info.value.status == 409 and "taken" in info.value.api_message


def test_delete(acme: ExImClient) -> None:
    pkg = acme.create_package("doomed")
    res = acme.delete_package(pkg.id)
    assert res is not None and pkg.id in (res.reason or "")
    with pytest.raises(NotFoundError):
        acme.get_package(pkg.id)
    with pytest.raises(NotFoundError):
        acme.delete_package(pkg.id)
    assert acme.delete_package(pkg.id, missing_ok=True) is None


def test_list_filters_order_and_pages(acme: ExImClient, emulator: EmulatorProcess) -> None:
    for i in range(7):
        acme.create_package(f"l{i}", artifacts=[NS_CRM])
    acme.publish_package(acme.find_package_by_name("l3").id)  # type: ignore[union-attr]
    since = emulator.requests()[-1]["seq"]
    names = [p.name for p in acme.list_packages(order_by="name", page_size=3)]
    assert names == [f"l{i}" for i in range(7)]
    pages = [r for r in exim_requests(emulator, since) if r["path"].endswith("/packages")]
    assert len(pages) == 3  # 3 + 3 + 1
    assert [p.name for p in acme.list_packages(order_by=desc("name"), page_size=2)][:2] == [
        "l6",
        "l5",
    ]
    drafts = {p.name for p in acme.list_packages(prop("status").eq(PackageStatus.DRAFT))}
    assert drafts == {f"l{i}" for i in range(7)} - {"l3"}
    assert {p.name for p in acme.list_packages("name==l1,l2")} == {"l1", "l2"}
    assert [p.name for p in acme.list_packages(prop("name").ne("l0"), prop("name").le("l2"))] in (
        ["l2", "l1"],
        ["l1", "l2"],
    )


def test_publish_and_wait(acme: ExImClient) -> None:
    pkg = acme.create_package("pub", artifacts=[NS_CRM])
    res = acme.publish_package(pkg.id, expiry_period_days=3)
    assert res.correlation_id and res.name == "pub" and res.job_id
    seen: list[str | None] = []
    done = acme.wait_for_package(pkg.id, timeout=10, progress=lambda p: seen.append(p.status))
    assert done.status == PackageStatus.PUBLISHED and done.publish_date
    assert done.expiry and done.expiry - done.publish_date == 3 * 86_400_000
    assert seen[-1] == "PUBLISHED"
    with pytest.raises(ConflictError):
        acme.publish_package(pkg.id)
    with pytest.raises(ConflictError):
        acme.add_artifacts(pkg.id, [SEG_GOLD])
    with pytest.raises(ValueError):
        acme.publish_package(pkg.id, expiry_period_days=-1)


def test_publish_failure_names_package_and_reason(
    acme: ExImClient, emulator: EmulatorProcess
) -> None:
    emulator.add_artifact(
        "acme", "dev", {"id": "short-lived", "type": "ID_NAMESPACE", "title": "x"}
    )
    pkg = acme.create_package("fails", artifacts=[{"id": "short-lived", "type": "ID_NAMESPACE"}])
    emulator.set_timing(mode="manual")
    res = acme.publish_package(pkg.id)
    assert res.job_id
    emulator.delete_artifact("acme", "dev", "short-lived")
    emulator.advance()
    with pytest.raises(OperationFailedError) as info:
        acme.wait_for_package(pkg.id, timeout=5)
    err = info.value
    assert err.last_status == "PUBLISH_FAILED" and err.object_id == pkg.id
    assert pkg.id in str(err) and "PUBLISH_FAILED" in str(err)
    # No page shows a reason on the package: the publication's EXPORT job names it.
    job = acme.get_job(res.job_id)
    assert job.request_type == "EXPORT" and job.status == "FAILED"
    assert job.failure_reason and "short-lived" in job.failure_reason
    with pytest.raises(OperationFailedError) as job_info:
        acme.wait_for_job(res.job_id, timeout=5)
    assert job_info.value.reason and "short-lived" in job_info.value.reason


def test_visibility(acme: ExImClient) -> None:
    pkg = acme.create_package("vis", artifacts=[NS_CRM])
    pkg = acme.set_visibility(pkg.id, PackageVisibility.PUBLIC)
    assert pkg.package_visibility == "PUBLIC"
    assert acme.set_visibility(pkg.id, "PUBLIC").package_visibility == "PUBLIC"
    with pytest.raises(ConflictError):
        acme.set_visibility(pkg.id, PackageVisibility.PRIVATE)


def test_validation_errors(acme: ExImClient) -> None:
    with pytest.raises(ValidationError) as info:
        acme.create_package("bad", package_type="SOMETIMES")
    assert info.value.status == 400 and "packageType" in info.value.api_message
    with pytest.raises(ValidationError):
        acme.create_package("past", expiry=datetime(2001, 1, 1, tzinfo=UTC))


def test_from_env(emulator: EmulatorProcess) -> None:
    o = emulator.org("acme")
    env = {
        "AEP_PLATFORM_URL": emulator.url,
        "AEP_IMS_URL": emulator.url,
        "AEP_ORG_ID": o["imsOrgId"],
        "AEP_CLIENT_ID": o["clientId"],
        "AEP_CLIENT_SECRET": o["clientSecret"],
        "AEP_SCOPES": "openid,AdobeID,read_organizations",
        "AEP_SANDBOX": "prod",
    }
    with ExImClient.from_env(env) as client:
        pkg = client.create_package("from-env")
        assert pkg.source_sandbox is not None and pkg.source_sandbox.name == "prod"
        assert o["clientSecret"] not in repr(client)
    token = emulator.token("acme")
    env2 = {k: v for k, v in env.items() if k != "AEP_CLIENT_SECRET"} | {"AEP_ACCESS_TOKEN": token}
    with ExImClient.from_env(env2) as client:
        assert client.get_package(pkg.id).name == "from-env"
        assert token not in repr(client)
