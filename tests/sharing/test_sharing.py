"""HandshakeProvider and TransferProvider against the emulator (orgs acme and partner)."""

from __future__ import annotations

from typing import Any

import pytest
from support.providers import JOURNEY, NS_CRM, POLICY, engine_props, last_seq, make_package, writes

from sandbox_provider.resources import HandshakeProvider, TransferProvider
from sandbox_provider.resources.errors import ProviderError
from sandbox_provider.testing import EmulatorProcess


def checked(prov: Any, olds: dict[str, Any] | None = None, **news: Any) -> dict[str, Any]:
    result = prov.check(olds or {}, engine_props(news))
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def partner_id(emu: EmulatorProcess) -> str:
    return str(emu.org("partner")["imsOrgId"])


def acme_id(emu: EmulatorProcess) -> str:
    return str(emu.org("acme")["imsOrgId"])


def link(emu: EmulatorProcess, approve: bool = True) -> dict[str, Any]:
    prov = HandshakeProvider()
    news: dict[str, Any] = {"target_org_id": partner_id(emu), "source_org_name": "acme"}
    if approve:
        news["approve_as"] = "partner"
    return prov.create(checked(prov, **news)).outs or {}


# -- Handshake -----------------------------------------------------------------------------------
def test_handshake_approved_with_the_target_profile(aep: EmulatorProcess) -> None:
    prov = HandshakeProvider()
    inputs = checked(
        prov, target_org_id=partner_id(aep), source_org_name="acme", approve_as="partner"
    )
    res = prov.create(inputs)
    outs = res.outs or {}
    assert res.id == outs["linking_id"] and outs["handshake_id"]
    assert outs["status"] == "APPROVED"
    with aep.api("partner") as api:
        incoming = api.get("/handshake/list", params={"requestType": "INCOMING"}).json()["data"]
    assert [h["status"] for h in incoming] == ["APPROVED"]
    assert prov.diff(res.id, outs, inputs).changes is False
    read = prov.read(res.id, engine_props(outs))
    assert (read.outs or {})["status"] == "APPROVED"


def test_handshake_without_approver_stays_pending_and_warns(
    aep: EmulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    prov = HandshakeProvider()
    inputs = checked(prov, target_org_id=partner_id(aep))
    outs = prov.create(inputs).outs or {}
    assert outs["status"] == "APPROVAL_PENDING"
    err = capsys.readouterr().err
    assert "warning:" in err and "APPROVAL_PENDING" in err and "approve_as" in err

    # Setting approve_as later approves it in place.
    news = checked(prov, inputs, target_org_id=partner_id(aep), approve_as="partner")
    d = prov.diff(outs["linking_id"], outs, news)
    assert (d.changes, d.replaces) == (True, [])
    outs = prov.update(outs["linking_id"], outs, news).outs or {}
    assert outs["status"] == "APPROVED"


def test_handshake_read_reflects_a_rejection(aep: EmulatorProcess) -> None:
    outs = link(aep, approve=False)
    with aep.api("partner") as api:
        api.post(
            "/handshake/action",
            json={
                "linkingID": outs["linking_id"],
                "status": "REJECTED",
                "reason": "no",
                "targetIMSOrgDetails": {"id": partner_id(aep), "name": "partner", "region": "va6"},
            },
        ).raise_for_status()
    read = HandshakeProvider().read(outs["linking_id"], engine_props(outs))
    assert (read.outs or {})["status"] == "REJECTED"
    assert HandshakeProvider().read("nope", engine_props(outs)).id == ""


def test_a_second_handshake_for_the_same_pair_is_taken_over(aep: EmulatorProcess) -> None:
    first = link(aep)
    second = link(aep)
    assert second["linking_id"] == first["linking_id"] and second["status"] == "APPROVED"


def test_handshake_errors(aep: EmulatorProcess) -> None:
    prov = HandshakeProvider()
    with pytest.raises(ProviderError) as err:
        prov.create(checked(prov, target_org_id="NOBODY0000@AdobeOrg"))
    assert str(err.value).startswith("linking with org NOBODY0000@AdobeOrg failed")
    assert "does not exist" in str(err.value)
    since = last_seq(aep)
    outs = link(aep)
    prov.delete(outs["linking_id"], engine_props(outs))
    assert [w for w in writes(aep, since) if "action" in w["path"] and w["status"] >= 400] == []


# -- Transfer ------------------------------------------------------------------------------------
def test_private_transfer_after_an_approved_handshake(aep: EmulatorProcess) -> None:
    link(aep)
    package_id = make_package(aep, "journey", [JOURNEY], publish=True)
    prov = TransferProvider()
    inputs = checked(prov, package_id=package_id, target_org_id=partner_id(aep))
    res = prov.create(inputs)
    outs = res.outs or {}
    assert res.id == outs["transfer_id"]
    assert outs["status"] == "COMPLETED" and outs["request_type"] == "PRIVATE"
    assert outs["messages"][-1].endswith("COMPLETED")
    with aep.api("partner") as api:
        assert api.get(f"/packages/{package_id}").json()["status"] == "PUBLISHED"

    assert prov.diff(res.id, outs, inputs).changes is False
    d = prov.diff(res.id, outs, {**inputs, "package_id": "f" * 32})
    assert (d.changes, d.replaces) == (True, ["package_id"])
    read = prov.read(res.id, engine_props(outs))
    assert (read.outs or {})["status"] == "COMPLETED" and read.inputs == {
        k: v for k, v in inputs.items() if k != "__provider"
    }
    since = last_seq(aep)
    prov.delete(res.id, engine_props(outs))
    assert writes(aep, since) == []


def test_a_transfer_without_handshake_fails_with_the_messages(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "journey", [JOURNEY], publish=True)
    prov = TransferProvider()
    with pytest.raises(ProviderError) as err:
        prov.create(checked(prov, package_id=package_id, target_org_id=partner_id(aep)))
    first = str(err.value).splitlines()[0]
    assert first.startswith(f"transferring package {package_id} to org {partner_id(aep)} failed")
    assert "ended FAILED (no APPROVED handshake between" in first


def test_public_pull_into_the_acting_org(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "starter", [POLICY, NS_CRM], publish=True)
    with aep.api("acme") as api:
        api.put(
            "/packages",
            json={"id": package_id, "action": "UPDATE", "packageVisibility": "PUBLIC"},
        ).raise_for_status()
    prov = TransferProvider()
    inputs = checked(
        prov,
        package_id=package_id,
        source_org_id=acme_id(aep),
        request_type="PUBLIC",
        org="partner",
    )
    outs = prov.create(inputs).outs or {}
    assert outs["status"] == "COMPLETED" and outs["request_type"] == "PUBLIC"
    with aep.api("partner") as api:
        assert api.get(f"/packages/{package_id}").status_code == 200
    read = prov.read(outs["transfer_id"], engine_props(outs))
    assert (read.outs or {})["status"] == "COMPLETED"


def test_pulling_a_private_package_fails_clearly(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "private", [POLICY], publish=True)
    prov = TransferProvider()
    with pytest.raises(ProviderError) as err:
        prov.create(
            checked(
                prov,
                package_id=package_id,
                source_org_id=acme_id(aep),
                request_type="PUBLIC",
                org="partner",
            )
        )
    assert str(err.value).startswith(f"pulling public package {package_id} from org")


def test_transfer_of_an_unknown_transfer_id_reads_as_gone(aep: EmulatorProcess) -> None:
    read = TransferProvider().read("f" * 32, engine_props({"package_id": "f" * 32}))
    assert read.id == ""


def test_a_timed_out_transfer_is_waited_for_not_requested_again(aep: EmulatorProcess) -> None:
    link(aep)
    package_id = make_package(aep, "journey", [JOURNEY], publish=True)
    aep.set_timing(mode="manual")
    prov = TransferProvider()
    inputs = checked(
        prov, package_id=package_id, target_org_id=partner_id(aep), timeout_seconds=0.3
    )
    with pytest.raises(ProviderError, match="did not finish within 0.3s"):
        prov.create(inputs)
    since = last_seq(aep)
    aep.set_timing(mode="auto", transferSeconds=0.05)
    outs = prov.create({**inputs, "timeout_seconds": 30.0}).outs or {}
    assert outs["status"] == "COMPLETED"
    assert [w for w in writes(aep, since) if w["path"].endswith("/transfer")] == []
