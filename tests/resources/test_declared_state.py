"""Every key a resource writes to state is declared, once, in its input or output model
(`sandbox_provider.resources.declare`): create, read and update of each of the five
resources against the emulator, with every output checked against the declaration."""

from __future__ import annotations

from typing import Any

from support.providers import GOLD, JOURNEY, engine_props

from sandbox_provider.resources import (
    HandshakeProvider,
    ImportJobProvider,
    PackageProvider,
    PublishedPackageProvider,
    TransferProvider,
    declare,
    handshake,
    import_job,
    package,
    published_package,
    transfer,
)
from sandbox_provider.testing import EmulatorProcess


def checked(prov: Any, **news: Any) -> dict[str, Any]:
    result = prov.check({}, engine_props(news))
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def lifecycle(prov: Any, module: Any, resource: str, **news: Any) -> dict[str, Any]:
    """Create, read and update (with the same inputs) one object; every state written is
    declared. Returns the created outputs."""
    inputs_model = getattr(module, f"{resource}Inputs")
    declared = declare.declared(inputs_model, getattr(module, f"{resource}Outputs"))
    inputs = checked(prov, **news)
    created = prov.create(inputs)
    outs = dict(created.outs or {})
    read = prov.read(created.id, engine_props(outs))
    updated = prov.update(created.id, outs, engine_props(inputs))
    for step, state in (
        ("create", outs),
        ("read", read.outs or {}),
        ("read inputs", read.inputs or {}),
        ("update", updated.outs or {}),
    ):
        undeclared = sorted(set(state) - declared - {"__provider"})
        assert undeclared == [], f"{resource} {step} wrote undeclared keys {undeclared}"
    return outs


def test_every_resource_writes_only_declared_keys(aep: EmulatorProcess) -> None:
    pkg = lifecycle(
        PackageProvider(),
        package,
        "Package",
        name="declared-state",
        artifacts=[GOLD, JOURNEY],
        include_dependencies=True,
        expiry="2099-01-31T00:00:00Z",  # recorded as the internal `declared_expiry`
    )
    assert "declared_expiry" in pkg
    pub = lifecycle(
        PublishedPackageProvider(),
        published_package,
        "PublishedPackage",
        package_id=pkg["package_id"],
        visibility="PUBLIC",
    )
    lifecycle(
        ImportJobProvider(),
        import_job,
        "ImportJob",
        package_id=pub["package_id"],
        target_sandbox="prod",
        conflict_policy="create_new",
    )
    partner = str(aep.org("partner")["imsOrgId"])
    lifecycle(
        HandshakeProvider(),
        handshake,
        "Handshake",
        target_org_id=partner,
        source_org_name="acme",
        approve_as="partner",
    )
    lifecycle(
        TransferProvider(),
        transfer,
        "Transfer",
        package_id=pub["package_id"],
        target_org_id=partner,
    )


def test_an_undeclared_output_is_caught() -> None:
    declared = declare.declared(package.PackageInputs, package.PackageOutputs)
    assert "declared_expiry" in declared and "adopt_id" in declared
    assert "something_new" not in declared
