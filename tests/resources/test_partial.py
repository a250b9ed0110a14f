"""What a create leaves when it fails after its first write: `Unfinished` with the object's id
and the outputs known so far (the plugin records them as partial state; for a dynamic provider
it is the same error as before), and the update that finishes that same object."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from import_job.test_import_job import checked, published_with_dependencies
from sharing.test_sharing import link, partner_id
from support.providers import GOLD, JOURNEY, engine_props, last_seq, make_package, writes

from sandbox_provider.resources import HandshakeProvider, ImportJobProvider, TransferProvider
from sandbox_provider.resources._base import CANCELLED, call_scope, cancel
from sandbox_provider.resources.errors import ProviderError, Unfinished
from sandbox_provider.testing import EmulatorProcess


@pytest.fixture(autouse=True)
def not_cancelled() -> Iterator[None]:
    CANCELLED.clear()
    yield
    CANCELLED.clear()


def _posts(emu: EmulatorProcess, since: int, suffix: str) -> list[dict[str, Any]]:
    return [w for w in writes(emu, since) if w["path"].endswith(suffix)]


def _jobs(emu: EmulatorProcess) -> list[dict[str, Any]]:
    with emu.api("acme") as api:
        r = api.get("/packages/jobs", params={"limit": 100})
        r.raise_for_status()
        return list(r.json().get("data") or r.json().get("children") or [])


def _import_inputs(emu: EmulatorProcess, **extra: Any) -> dict[str, Any]:
    package_id = published_with_dependencies(emu, GOLD)
    return checked(
        ImportJobProvider(),
        package_id=package_id,
        target_sandbox="prod",
        name="partial",
        conflict_policy="use_existing",
        **extra,
    )


def _unfinished_import(emu: EmulatorProcess, **extra: Any) -> tuple[dict[str, Any], Unfinished]:
    inputs = _import_inputs(emu, timeout_seconds=0.3, **extra)
    emu.set_timing(mode="manual")
    with pytest.raises(Unfinished) as err:
        ImportJobProvider().create(inputs)
    return inputs, err.value


# -- ImportJob -------------------------------------------------------------------------------------
def test_a_timed_out_import_is_unfinished_and_its_update_waits_for_that_job(
    aep: EmulatorProcess,
) -> None:
    inputs, exc = _unfinished_import(aep)
    # The dynamic provider's error, word for word: a ProviderError saying what to do.
    assert isinstance(exc, ProviderError)
    assert "did not finish within 0.3s (last status PENDING)" in str(exc)
    assert str(exc).endswith("may still finish on the platform; raise timeout_seconds")
    (job,) = [j for j in _jobs(aep) if j["name"] == "partial"]
    assert exc.id == job["id"] == exc.outs["job_id"]
    assert exc.outs["job_status"] == "PENDING"
    assert len(_posts(aep, 0, "/import")) == 1 and exc.outs["correlation_id"]
    assert exc.outs["conflicts"], exc.outs  # what this run saw before submitting

    aep.set_timing(mode="auto", jobSeconds=0.05)
    since = last_seq(aep)
    prov = ImportJobProvider()
    assert not prov.diff(exc.id, exc.outs, inputs).changes
    res = prov.update(exc.id, engine_props(exc.outs), inputs)
    assert res.outs is not None and res.outs["job_status"] == "SUCCESS"
    assert res.outs["imported_artifacts"] and "needs_attention" in res.outs
    assert _posts(aep, since, "/import") == []
    # Finished: an update now only records the in-place inputs again.
    assert prov.update(exc.id, engine_props(res.outs), inputs).outs == res.outs


def test_the_engines_custom_timeout_is_the_limit_the_message_names(aep: EmulatorProcess) -> None:
    inputs = _import_inputs(aep, timeout_seconds=600)
    aep.set_timing(mode="manual")
    with call_scope(timeout=0.3), pytest.raises(Unfinished) as err:
        ImportJobProvider().create(inputs)
    assert "did not finish within 0.3s" in str(err.value)
    assert str(err.value).endswith("raise customTimeouts")


def test_a_cancelled_import_wait_is_unfinished(aep: EmulatorProcess) -> None:
    inputs = _import_inputs(aep, timeout_seconds=600)
    aep.set_timing(mode="manual")
    threading.Timer(0.5, cancel).start()
    with pytest.raises(Unfinished) as err:
        ImportJobProvider().create(inputs)
    assert "was cancelled while waiting" in str(err.value)
    assert err.value.outs["job_status"] in ("PENDING", "IN_PROGRESS")


def test_an_update_finding_the_job_failed_records_it_and_the_next_diff_replaces(
    aep: EmulatorProcess,
) -> None:
    nowhere = {"id": "acme-seg-nowhere", "type": "PROFILE_SEGMENT"}
    inputs, exc = _unfinished_import(aep, alternatives={GOLD["id"]: nowhere})
    aep.set_timing(mode="auto", jobSeconds=0.05)
    prov = ImportJobProvider()
    with pytest.raises(Unfinished) as err:
        prov.update(exc.id, engine_props(exc.outs), inputs)
    message = str(err.value)
    assert f"finishing import job 'partial' ({exc.id}) failed: the job ended FAILED" in message
    assert "which replaces this import with a new one" in message
    assert err.value.id == exc.id and err.value.outs["job_status"] == "FAILED"
    diff = prov.diff(exc.id, err.value.outs, inputs)
    assert diff.changes and diff.replaces == ["job_status"]


def test_a_job_a_create_sees_fail_is_an_error_with_nothing_to_record(
    aep: EmulatorProcess,
) -> None:
    nowhere = {"id": "acme-seg-nowhere", "type": "PROFILE_SEGMENT"}
    inputs = _import_inputs(aep, alternatives={GOLD["id"]: nowhere})
    with pytest.raises(ProviderError) as err:
        ImportJobProvider().create(inputs)
    assert not isinstance(err.value, Unfinished)
    assert "the job ended FAILED" in str(err.value)


# -- Transfer --------------------------------------------------------------------------------------
def test_a_timed_out_transfer_is_unfinished_and_its_update_waits_for_it(
    aep: EmulatorProcess,
) -> None:
    link(aep)
    package_id = make_package(aep, "journey", [JOURNEY], publish=True)
    aep.set_timing(mode="manual")
    prov = TransferProvider()
    inputs = checked(
        prov, package_id=package_id, target_org_id=partner_id(aep), timeout_seconds=0.3
    )
    with pytest.raises(Unfinished) as err:
        prov.create(inputs)
    exc = err.value
    assert "did not finish within 0.3s (last status PENDING)" in str(exc)
    assert exc.id == exc.outs["transfer_id"] and exc.outs["status"] == "PENDING"

    aep.set_timing(mode="auto", transferSeconds=0.05)
    since = last_seq(aep)
    assert not prov.diff(exc.id, exc.outs, inputs).changes
    res = prov.update(exc.id, engine_props(exc.outs), inputs)
    assert res.outs is not None and res.outs["status"] == "COMPLETED"
    assert res.outs["transfer_id"] == exc.id
    assert _posts(aep, since, "/transfer") == []
    # A recorded FAILED transfer copied nothing: the diff plans a new one.
    failed = {**res.outs, "status": "FAILED"}
    assert prov.diff(exc.id, failed, inputs).replaces == ["status"]


# -- Handshake -------------------------------------------------------------------------------------
def test_a_link_whose_approval_failed_is_unfinished_and_its_update_approves_it(
    aep: EmulatorProcess,
) -> None:
    prov = HandshakeProvider()
    inputs = checked(
        prov, target_org_id=partner_id(aep), source_org_name="acme", approve_as="partner"
    )
    aep.set_faults([{"path": "/handshake/action", "method": "POST", "status": 400, "times": 1}])
    with pytest.raises(Unfinished) as err:
        prov.create(inputs)
    exc = err.value
    assert "approving as profile 'partner' failed" in str(exc)
    assert exc.id == exc.outs["linking_id"] and exc.outs["status"] == "APPROVAL_PENDING"

    since = last_seq(aep)
    res = prov.update(exc.id, engine_props(exc.outs), inputs)
    assert res.outs is not None and res.outs["status"] == "APPROVED"
    assert _posts(aep, since, "/handshake/bulkCreate") == []
    assert len(_posts(aep, since, "/handshake/action")) == 1
