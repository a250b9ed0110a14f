"""Cross-org methods: handshakes, transfers, public packages, payload."""

from __future__ import annotations

import pytest

from sandbox_provider.client import (
    ConflictError,
    ExImClient,
    HandshakeStatus,
    NotFoundError,
    OperationFailedError,
    PermissionDeniedError,
    TransferStatus,
    prop,
)
from sandbox_provider.testing import EmulatorProcess

ACME = "ACME0000000000000000A001@AdobeOrg"
PARTNER = "PRTN0000000000000000B002@AdobeOrg"
NS = [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}]


def approve(acme: ExImClient, partner: ExImClient) -> str:
    bulk = acme.create_handshakes([PARTNER], source_org_name="acme")
    hs = bulk.successful_requests[PARTNER]
    assert hs.status == HandshakeStatus.APPROVAL_PENDING and hs.linking_id
    done = partner.act_on_handshake(
        hs.linking_id, "APPROVED", reason="ok", target_org_name="partner", target_region="va6"
    )
    assert done.status == "APPROVED"
    return hs.linking_id


def test_handshakes(acme: ExImClient, partner: ExImClient) -> None:
    bulk = acme.create_handshakes(
        [PARTNER, "NOBODY000000000000000000@AdobeOrg"], source_org_name="acme"
    )
    assert PARTNER in bulk.successful_requests
    assert "NOBODY000000000000000000@AdobeOrg" in bulk.failed_requests
    again = acme.create_handshakes([PARTNER], source_org_name="acme")
    link = bulk.successful_requests[PARTNER].linking_id
    assert again.successful_requests[PARTNER].linking_id == link
    assert bulk.successful_requests[PARTNER].history()[0].action == "INITIATED"
    incoming = list(partner.list_handshakes("INCOMING"))
    assert [h.linking_id for h in incoming] == [link]
    assert list(partner.list_handshakes("OUTGOING")) == []
    assert link is not None
    with pytest.raises(PermissionDeniedError):
        acme.act_on_handshake(
            link, "APPROVED", reason="self", target_org_name="acme", target_region="va7"
        )
    rejected = partner.act_on_handshake(
        link, "REJECTED", reason="no", target_org_name="partner", target_region="va6"
    )
    assert rejected.status == "REJECTED"
    assert [h.action for h in rejected.history()][-1] == "REJECTED"
    with pytest.raises(ConflictError):
        partner.act_on_handshake(
            link, "APPROVED", reason="late", target_org_name="partner", target_region="va6"
        )
    assert [h.status for h in partner.list_handshakes(status="REJECTED")] == ["REJECTED"]
    with pytest.raises(NotFoundError):
        partner.act_on_handshake(
            "nope", "APPROVED", reason="x", target_org_name="partner", target_region="va6"
        )


def test_private_transfer(acme: ExImClient, partner: ExImClient) -> None:
    approve(acme, partner)
    pkg = acme.create_package("shared", artifacts=NS)
    acme.publish_package(pkg.id)
    acme.wait_for_package(pkg.id, timeout=10)
    transfers = acme.create_transfer(pkg.id, [PARTNER])
    assert len(transfers) == 1 and transfers[0].id and transfers[0].package_id == pkg.id
    msgs: list[int] = []
    done = acme.wait_for_transfer(
        transfers[0].id, timeout=10, progress=lambda t: msgs.append(len(t.messages))
    )
    assert done.status == TransferStatus.COMPLETED
    assert done.last_message == "Finished with status: COMPLETED" and msgs == sorted(msgs)
    assert acme.get_transfer(transfers[0].id).status == "COMPLETED"
    listed = list(acme.list_transfers(prop("status").eq("COMPLETED"), request_type="PRIVATE"))
    assert [t.id for t in listed] == [transfers[0].id]
    # The target now holds a published copy it can import.
    copy = partner.get_package(pkg.id)
    assert copy.status == "PUBLISHED"
    sub = partner.submit_import(pkg.id, "prod")
    assert sub.job_id
    job = partner.wait_for_job(sub.job_id, timeout=10)
    assert job.status == "SUCCESS" and job.target_sandbox == "prod" and job.imported_artifacts
    assert [j.id for j in partner.find_jobs(request_type="IMPORT")] == [sub.job_id]


def test_failed_transfer_names_transfer_and_reason(acme: ExImClient) -> None:
    pkg = acme.create_package("unshared", artifacts=NS)
    acme.publish_package(pkg.id)
    acme.wait_for_package(pkg.id, timeout=10)
    (t,) = acme.create_transfer(pkg.id, [PARTNER])  # no handshake
    assert t.id
    with pytest.raises(OperationFailedError) as info:
        acme.wait_for_transfer(t.id, timeout=10)
    assert info.value.last_status == "FAILED" and t.id in str(info.value)
    assert info.value.reason
    with pytest.raises(NotFoundError):
        acme.get_transfer("0" * 32)


def test_public_package_pull_and_payload(
    acme: ExImClient, partner: ExImClient, emulator: EmulatorProcess
) -> None:
    pkg = acme.create_package("public", artifacts=NS)
    acme.publish_package(pkg.id)
    acme.wait_for_package(pkg.id, timeout=10)
    acme.set_visibility(pkg.id, "PUBLIC")
    payload = partner.package_payload(pkg.id)
    assert payload.package_id == pkg.id and payload.ims_org_id == ACME
    pull = partner.pull_public_package(pkg.id, ACME)
    assert pull.id and pull.request_type == "PUBLIC" and pull.package_id == pkg.id
    assert partner.wait_for_transfer(pull.id, timeout=10).status == "COMPLETED"
    public = list(partner.list_transfers(request_type="PUBLIC"))
    assert pull.id in {t.id for t in public}
