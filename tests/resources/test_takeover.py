"""What can't be rolled back is recognised as the create's own result by the next create:
a finished import, a completed transfer, a publication, a handshake. Each test stops a create
right after its first write (its wait times out, or a fault refuses the next call), lets the
operation finish on the platform, and checks that the next create takes the result over
without a second write."""

from __future__ import annotations

from typing import Any

import pytest
from support.providers import GOLD, JOURNEY, engine_props, last_seq, make_package, writes

from sandbox_provider.resources import (
    HandshakeProvider,
    ImportJobProvider,
    PublishedPackageProvider,
    TransferProvider,
)
from sandbox_provider.resources.errors import ProviderError
from sandbox_provider.testing import EmulatorProcess

#: Refused at once (500s are not retried).
REFUSE_APPROVAL = {"path": r"/handshake/action$", "method": "POST", "status": 500}


def checked(prov: Any, **news: Any) -> dict[str, Any]:
    result = prov.check({}, engine_props(news))
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def settle(emu: EmulatorProcess) -> None:
    """Let every running operation finish on the platform."""
    emu.advance(10)


def import_inputs(emu: EmulatorProcess, **extra: Any) -> dict[str, Any]:
    package_id = make_package(emu, "gold", [GOLD], publish=True)
    return checked(
        ImportJobProvider(),
        package_id=package_id,
        target_sandbox="prod",
        name="to-prod",
        conflict_policy="create_new",
        **extra,
    )


def jobs(emu: EmulatorProcess) -> list[dict[str, Any]]:
    with emu.api("acme") as api:
        params: dict[str, Any] = {"limit": 100, "property": "requestType==IMPORT"}
        r = api.get("/packages/jobs", params=params)
        r.raise_for_status()
        return list(r.json()["data"])


def test_an_import_that_finished_after_its_run_failed_is_taken_over(
    aep: EmulatorProcess,
) -> None:
    prov = ImportJobProvider()
    inputs = import_inputs(aep, timeout_seconds=0.3)
    aep.set_timing(mode="manual")
    with pytest.raises(ProviderError, match="did not finish"):
        prov.create(inputs)
    assert len(jobs(aep)) == 1
    settle(aep)
    since = last_seq(aep)
    res = prov.create(inputs)
    outs = res.outs or {}
    assert outs["job_status"] == "SUCCESS" and len(jobs(aep)) == 1
    assert writes(aep, since) == []  # no preflight write, no second submit


def test_an_earlier_import_with_other_alternatives_is_not_taken_over(
    aep: EmulatorProcess,
) -> None:
    prov = ImportJobProvider()
    inputs = import_inputs(aep)
    first = prov.create(inputs)
    imported = (first.outs or {})["imported_artifacts"]
    # A later program maps the segment to an existing prod object instead: a new import.
    prod_segment = next(a for a in aep.artifacts("acme", "prod") if a["type"] == "PROFILE_SEGMENT")
    alternatives = {GOLD["id"]: {"id": prod_segment["id"], "type": "PROFILE_SEGMENT"}}
    assert imported[GOLD["id"]] != prod_segment["id"]
    second = prov.create({**inputs, "alternatives": alternatives})
    assert second.id != first.id and len(jobs(aep)) == 2


def test_an_import_of_an_earlier_package_of_the_same_name_is_not_taken_over(
    aep: EmulatorProcess,
) -> None:
    # The program's first run imported package "gold" (the job takes the package's name).
    # Then destroy, and the same program again: a new "gold", published later. The jobs list
    # shows no package id; the first job was created before this package was published, so it
    # can't be this package's import, and the create imports again.
    prov = ImportJobProvider()
    first_package = make_package(aep, "gold", [GOLD], publish=True)
    program = {"target_sandbox": "prod", "conflict_policy": "create_new"}
    first = prov.create(checked(prov, package_id=first_package, **program))
    with aep.api("acme") as api:
        api.delete(f"/packages/{first_package}").raise_for_status()
    second_package = make_package(aep, "gold", [GOLD], publish=True)
    since = last_seq(aep)
    second = prov.create(checked(prov, package_id=second_package, **program))
    assert second.id != first.id
    assert [j["name"] for j in jobs(aep)] == ["gold", "gold"]
    assert [w["path"] for w in writes(aep, since)] == ["/data/foundation/exim/packages/import"]


def test_a_finished_import_of_another_package_under_the_job_name_is_not_taken_over(
    aep: EmulatorProcess,
) -> None:
    # Two packages imported under one job name: the finished job's tasks show which package
    # it imported, so the second package's create doesn't take the first one's job over.
    prov = ImportJobProvider()
    program = {"target_sandbox": "prod", "name": "nightly", "conflict_policy": "create_new"}
    gold = make_package(aep, "gold", [GOLD], publish=True)
    first = prov.create(checked(prov, package_id=gold, **program))
    journey = make_package(aep, "journey", [JOURNEY], publish=True)
    second = prov.create(checked(prov, package_id=journey, **program))
    assert second.id != first.id and len(jobs(aep)) == 2
    assert JOURNEY["id"] in (second.outs or {})["created_artifacts"]


def test_a_transfer_that_completed_after_its_run_failed_is_taken_over(
    aep: EmulatorProcess,
) -> None:
    partner = aep.org("partner")["imsOrgId"]
    hs = HandshakeProvider()
    hs.create(checked(hs, target_org_id=partner, approve_as="partner"))
    package_id = make_package(aep, "journey", [JOURNEY], publish=True)
    prov = TransferProvider()
    inputs = checked(prov, package_id=package_id, target_org_id=partner, timeout_seconds=0.3)
    aep.set_timing(mode="manual")
    with pytest.raises(ProviderError, match="did not finish"):
        prov.create(inputs)
    settle(aep)
    since = last_seq(aep)
    res = prov.create(inputs)
    assert (res.outs or {})["status"] == "COMPLETED"
    assert writes(aep, since) == []


def test_a_publication_whose_wait_failed_is_taken_over(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "gold", [GOLD])
    prov = PublishedPackageProvider()
    inputs = checked(prov, package_id=package_id, visibility="PUBLIC", timeout_seconds=0.3)
    aep.set_timing(mode="manual")
    with pytest.raises(ProviderError, match="did not finish"):
        prov.create(inputs)
    settle(aep)
    since = last_seq(aep)
    res = prov.create(inputs)
    assert (res.outs or {})["status"] == "PUBLISHED"
    assert (res.outs or {})["visibility"] == "PUBLIC"
    assert [w["path"] for w in writes(aep, since)] == ["/data/foundation/exim/packages"]  # PUBLIC


def test_a_handshake_whose_approval_failed_is_approved_by_the_next_create(
    aep: EmulatorProcess,
) -> None:
    partner = aep.org("partner")["imsOrgId"]
    prov = HandshakeProvider()
    inputs = checked(prov, target_org_id=partner, approve_as="partner")
    aep.set_faults([REFUSE_APPROVAL])
    with pytest.raises(ProviderError):
        prov.create(inputs)
    aep.clear_faults()
    res = prov.create(inputs)
    assert (res.outs or {})["status"] == "APPROVED"
    with aep.api("acme") as api:
        r = api.get("/handshake/list", params={"requestType": "OUTGOING"})
        r.raise_for_status()
        assert len([h for h in r.json()["data"] if h.get("targetOrgId", partner) == partner]) == 1
