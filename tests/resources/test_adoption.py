"""Adoption with `import_` (the `adopt_id` input) of a publication, an import job, a handshake
and a transfer made through the plain API: taken over without a write when the program
matches, refused naming each difference when it doesn't, and managed like a created one
afterwards (read, diff, delete)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from support import by_hand
from support.providers import CART, GOLD, JOURNEY, engine_props, last_seq, make_package, writes

from sandbox_provider.resources import (
    HandshakeProvider,
    ImportJobProvider,
    PublishedPackageProvider,
    TransferProvider,
)
from sandbox_provider.resources.errors import ProviderError
from sandbox_provider.testing import EmulatorProcess


def checked(prov: Any, **news: Any) -> dict[str, Any]:
    result = prov.check({}, engine_props(news))
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def adopt(emu: EmulatorProcess, prov: Any, adopt_id: str, **program: Any) -> dict[str, Any]:
    """Adopt as the engine would run it (check, then create), asserting 0 writes; then the
    same program, with or without import_, plans no change."""
    inputs = checked(prov, **program, adopt_id=adopt_id)
    since = last_seq(emu)
    res = prov.create(engine_props(inputs))
    assert writes(emu, since) == []
    outs = dict(res.outs or {})
    for news in (inputs, checked(prov, **program)):
        diff = prov.diff(res.id, outs, news)
        assert (diff.changes, diff.replaces) == (False, []), news
    # A refresh finds it where a created one would be, and still plans no change.
    read = prov.read(res.id, engine_props(outs))
    assert read.id == res.id
    assert prov.diff(res.id, read.outs or {}, inputs).changes is False
    outs["id"] = res.id
    return outs


def refused(prov: Any, adopt_id: str, **program: Any) -> str:
    with pytest.raises(ProviderError) as err:
        prov.create(engine_props(checked(prov, **program, adopt_id=adopt_id)))
    return str(err.value)


# -- PublishedPackage ----------------------------------------------------------------------
def test_a_publication_is_adopted_without_writing(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "gold", [GOLD], publish=True)
    prov = PublishedPackageProvider()
    outs = adopt(aep, prov, package_id, package_id=package_id)
    assert (outs["id"], outs["status"], outs["visibility"]) == (package_id, "PUBLISHED", "PRIVATE")
    prov.delete(outs["id"], engine_props(outs))  # the stack forgets it; the package stays
    assert by_hand.ok(aep.api("acme").get(f"/packages/{package_id}"))["status"] == "PUBLISHED"


def test_a_publication_that_differs_is_refused_naming_each_difference(
    aep: EmulatorProcess,
) -> None:
    published = make_package(aep, "gold", [GOLD], publish=True)
    draft = make_package(aep, "cart", [CART])
    prov = PublishedPackageProvider()
    message = refused(prov, published, package_id=draft, visibility="PUBLIC")
    assert message.startswith(f"adopting the publication of package {published} failed")
    assert f"package_id is {draft!r} in the program, but import_ names {published!r}" in message
    assert "visibility is 'PRIVATE' on the platform, 'PUBLIC' in the program" in message
    message = refused(prov, draft, package_id=draft)
    assert "the package is DRAFT on the platform, not PUBLISHED" in message
    assert "remove import_ to publish it" in message
    message = refused(prov, "f" * 32, package_id="f" * 32)
    assert "not found" in message and "check the id given to import_" in message


# -- ImportJob -----------------------------------------------------------------------------
def test_an_import_job_is_adopted_without_writing(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "gold", [GOLD], publish=True)
    job = by_hand.import_job(aep, package_id)
    assert job["jobStatus"] == "SUCCESS"
    prov = ImportJobProvider()
    program = {"package_id": package_id, "target_sandbox": "prod", "name": "to-prod"}
    outs = adopt(aep, prov, job["id"], **program)
    assert outs["id"] == job["id"] and outs["job_status"] == "SUCCESS"
    assert outs["imported_artifacts"] == job["importReplacementMap"]
    # What it created and reused comes from its tasks.
    created = {
        t["artifact"]["id"]
        for t in job["completedTasks"]
        if t["artifact"]["messages"][-1]["status"] == "CREATED"
    }
    assert set(outs["created_artifacts"]) == created
    assert set(outs["reused_artifacts"]) == set(job["importReplacementMap"]) - created


def test_an_import_job_that_differs_is_refused_naming_each_difference(
    aep: EmulatorProcess,
) -> None:
    package_id = make_package(aep, "gold", [GOLD], publish=True)
    other = make_package(aep, "cart", [CART], publish=True)
    job = by_hand.import_job(aep, package_id)
    prov = ImportJobProvider()
    message = refused(
        prov, job["id"], package_id=other, target_sandbox="dev", description="not this one"
    )
    assert message.startswith(f"adopting import job {job['id']} failed")
    # The job shows no package: its tasks show it imported none of `other`'s artifacts.
    assert f"the job did not import {CART['id']} of package {other}" in message
    assert "target_sandbox is 'prod' on the platform, 'dev' in the program" in message
    assert "description is None on the platform, 'not this one' in the program" in message
    # The alternatives the program gives must be what the job used.
    wrong = {GOLD["id"]: {"id": "acme-seg-other", "type": "PROFILE_SEGMENT"}}
    message = refused(
        prov, job["id"], package_id=package_id, target_sandbox="prod", alternatives=wrong
    )
    assert f"alternatives.{GOLD['id']}.id is " in message and "'acme-seg-other' in" in message
    message = refused(prov, "f" * 32, package_id=package_id, target_sandbox="prod")
    assert f"has no import job {'f' * 32}" in message
    assert "check the id given to import_" in message


def test_a_failed_import_job_is_not_adopted(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "gold", [GOLD], publish=True)
    # An alternative that isn't in the target: the job ends FAILED, having imported nothing.
    missing = {GOLD["id"]: {"id": "acme-seg-nowhere", "type": "PROFILE_SEGMENT"}}
    job = by_hand.import_job(aep, package_id, alternatives=missing)
    assert job["jobStatus"] == "FAILED"
    message = refused(ImportJobProvider(), job["id"], package_id=package_id, target_sandbox="prod")
    assert "the job ended FAILED (" in message
    assert "alternative 'acme-seg-nowhere' for artifact" in message
    assert "remove import_ to import the package again" in message


# -- Handshake -----------------------------------------------------------------------------
def test_a_handshake_is_adopted_by_its_id_or_its_linking_id(aep: EmulatorProcess) -> None:
    hs = by_hand.handshake(aep)
    partner = aep.org("partner")["imsOrgId"]
    prov = HandshakeProvider()
    by_id = adopt(aep, prov, hs["id"], target_org_id=partner, source_org_name="acme")
    by_link = adopt(aep, prov, hs["linkingId"], target_org_id=partner)
    assert by_id["id"] == by_link["id"] == hs["linkingId"]
    assert (by_id["status"], by_id["handshake_id"]) == ("APPROVED", hs["id"])


def test_a_handshake_that_differs_is_refused_naming_each_difference(
    aep: EmulatorProcess,
) -> None:
    hs = by_hand.handshake(aep)
    partner = aep.org("partner")["imsOrgId"]
    other = "0123456789ABCDEF01234567@AdobeOrg"
    prov = HandshakeProvider()
    message = refused(prov, hs["id"], target_org_id=other, source_org_name="Acme Corp")
    assert message.startswith(f"adopting handshake {hs['id']} failed")
    assert f"target_org_id is {partner!r} on the platform, {other!r} in the program" in message
    assert "source_org_name is 'acme' on the platform, 'Acme Corp' in the program" in message
    message = refused(prov, "no-such-link", target_org_id=partner)
    assert "no outgoing handshake with this id or linking id" in message


def test_a_pending_handshake_is_adopted_as_pending_or_approved_with_approve_as(
    aep: EmulatorProcess,
) -> None:
    hs = by_hand.handshake(aep, approve=False)
    partner = aep.org("partner")["imsOrgId"]
    prov = HandshakeProvider()
    outs = adopt(aep, prov, hs["linkingId"], target_org_id=partner)
    assert outs["status"] == "APPROVAL_PENDING"
    # approve_as declares an approved link: adopting finishes it, as create would.
    since = last_seq(aep)
    inputs = checked(prov, target_org_id=partner, approve_as="partner", adopt_id=hs["id"])
    res = prov.create(engine_props(inputs))
    assert (res.id, (res.outs or {})["status"]) == (hs["linkingId"], "APPROVED")
    assert [w["path"] for w in writes(aep, since)] == ["/data/foundation/exim/handshake/action"]
    # An update that died right after that approval runs the same create again: the link is
    # approved now, so it is adopted as it stands, without a second approval.
    since = last_seq(aep)
    again = prov.create(engine_props(inputs))
    assert (again.id, (again.outs or {})["status"]) == (hs["linkingId"], "APPROVED")
    assert writes(aep, since) == []


# -- Transfer ------------------------------------------------------------------------------
def test_a_transfer_is_adopted_without_writing(aep: EmulatorProcess) -> None:
    by_hand.handshake(aep)
    package_id = make_package(aep, "journey", [JOURNEY], publish=True)
    t = by_hand.transfer(aep, package_id)
    assert t["status"] == "COMPLETED"
    partner = aep.org("partner")["imsOrgId"]
    prov = TransferProvider()
    outs = adopt(aep, prov, t["id"], package_id=package_id, target_org_id=partner)
    assert (outs["id"], outs["status"], outs["request_type"]) == (t["id"], "COMPLETED", "PRIVATE")
    assert outs["messages"] == t["transferDetails"]["messages"]


def test_a_running_transfer_is_waited_for_then_adopted(aep: EmulatorProcess) -> None:
    by_hand.handshake(aep)
    package_id = make_package(aep, "journey", [JOURNEY], publish=True)
    aep.set_timing(mode="manual")
    t = by_hand.transfer(aep, package_id, wait=False)
    assert t["status"] == "PENDING"
    # The platform moves on while the adoption waits.
    mover = threading.Timer(0.5, aep.advance, args=(10,))
    mover.start()
    try:
        partner = aep.org("partner")["imsOrgId"]
        outs = adopt(aep, TransferProvider(), t["id"], package_id=package_id, target_org_id=partner)
    finally:
        mover.join()
    assert outs["status"] == "COMPLETED"


def test_a_transfer_that_differs_or_failed_is_refused(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "journey", [JOURNEY], publish=True)
    other = make_package(aep, "gold", [GOLD], publish=True)
    # No handshake yet: the transfer ends FAILED and copies nothing.
    t = by_hand.transfer(aep, package_id)
    assert t["status"] == "FAILED"
    partner = aep.org("partner")["imsOrgId"]
    prov = TransferProvider()
    message = refused(prov, t["id"], package_id=other, target_org_id=partner)
    assert message.startswith(f"adopting transfer {t['id']} failed")
    assert f"package_id is {package_id!r} on the platform, {other!r} in the program" in message
    assert "the transfer ended FAILED (" in message and "remove import_" in message
    pull = refused(
        prov,
        t["id"],
        package_id=package_id,
        request_type="PUBLIC",
        source_org_id=aep.org("acme")["imsOrgId"],
        org="partner",
    )
    assert "request_type is 'PRIVATE' on the platform, 'PUBLIC' in the program" in pull
    missing = refused(prov, "f" * 32, package_id=package_id, target_org_id=partner)
    assert "not found" in missing and "check the id given to import_" in missing
