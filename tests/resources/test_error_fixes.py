"""Every not-found and permission error names the input or configuration key that pointed
there, and the fix: the platform's own words alone rarely say which of a program's values
was wrong."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.providers import GOLD, JOURNEY, configure, engine_props, make_package, stack_config

from sandbox_provider.resources import (
    HandshakeProvider,
    ImportJobProvider,
    PackageProvider,
    PublishedPackageProvider,
    TransferProvider,
)
from sandbox_provider.resources.errors import ProviderError
from sandbox_provider.testing import EmulatorProcess

UNKNOWN = "f" * 32


def checked(prov: Any, **news: Any) -> dict[str, Any]:
    result = prov.check({}, engine_props(news))
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def failure(prov: Any, **news: Any) -> str:
    with pytest.raises(ProviderError) as err:
        prov.create(checked(prov, **news))
    return str(err.value)


def test_publishing_an_unknown_package_names_package_id(aep: EmulatorProcess) -> None:
    message = failure(PublishedPackageProvider(), package_id=UNKNOWN)
    assert message.startswith(f"publishing package {UNKNOWN} failed: not found")
    assert "package_id names no package" in message


def test_importing_an_unknown_package_names_package_id(aep: EmulatorProcess) -> None:
    message = failure(ImportJobProvider(), package_id=UNKNOWN, target_sandbox="prod")
    assert "not found" in message and "package_id names no package" in message


def test_transferring_an_unknown_package_names_package_id(aep: EmulatorProcess) -> None:
    partner = aep.org("partner")["imsOrgId"]
    message = failure(TransferProvider(), package_id=UNKNOWN, target_org_id=partner)
    assert "not found" in message and "package_id names no package" in message


def test_an_unknown_source_sandbox_names_source_sandbox(aep: EmulatorProcess) -> None:
    message = failure(PackageProvider(), name="pkg", source_sandbox="nosuch", artifacts=[GOLD])
    assert message.startswith("creating package 'pkg' failed")
    assert "source_sandbox" in message


def test_an_org_id_that_is_not_the_credentials_org_names_aep_org_id(
    aep: EmulatorProcess,
) -> None:
    configure({**stack_config(aep), "aep:orgId": aep.org("partner")["imsOrgId"]})
    message = failure(PackageProvider(), name="pkg", artifacts=[GOLD])
    assert "permission denied" in message
    assert "set aep:orgId to the IMS org of that credential" in message
    assert "grant" not in message  # not a role problem


def test_a_profile_org_id_that_is_not_its_credentials_org_names_the_profile(
    aep: EmulatorProcess,
) -> None:
    config = stack_config(aep)
    profiles = json.loads(config["aep:orgs"])
    profiles["partner"]["orgId"] = aep.org("acme")["imsOrgId"]
    configure({**config, "aep:orgs": json.dumps(profiles)})
    message = failure(PackageProvider(), name="pkg", artifacts=[GOLD], org="partner")
    assert "orgId in the 'partner' profile of aep:orgs" in message


def received_copy(emu: EmulatorProcess) -> str:
    """A published acme package the partner holds a copy of (handshake, then transfer)."""
    partner = emu.org("partner")["imsOrgId"]
    hs = HandshakeProvider()
    hs.create(checked(hs, target_org_id=partner, approve_as="partner"))
    package_id = make_package(emu, "journey", [JOURNEY], publish=True)
    transfer = TransferProvider()
    transfer.create(checked(transfer, package_id=package_id, target_org_id=partner))
    return package_id


def test_transferring_a_received_copy_names_the_owner_fix(aep: EmulatorProcess) -> None:
    package_id = received_copy(aep)
    # Sharing the copy on is the owner's call only.
    message = failure(
        TransferProvider(),
        package_id=package_id,
        target_org_id=aep.org("acme")["imsOrgId"],
        org="partner",
    )
    assert "copy this org received" in message


def test_publishing_a_received_copy_names_the_owner_fix(aep: EmulatorProcess) -> None:
    package_id = received_copy(aep)
    message = failure(
        PublishedPackageProvider(), package_id=package_id, visibility="PUBLIC", org="partner"
    )
    assert "copy this org received" in message
