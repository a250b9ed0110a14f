"""What one engine run shows a provider process of the stack's state (`_claims`), and the two
decisions it settles: a create never takes over what the state records under another resource,
and the engine's delete of a replacement's "old" side never deletes what the create took over.
"""

from __future__ import annotations

from typing import Any

import pytest
from support.providers import GOLD, engine_props, last_seq, make_package, writes

from sandbox_provider.resources import ImportJobProvider, PackageProvider, _claims
from sandbox_provider.resources._base import call_scope
from sandbox_provider.resources.errors import ProviderError
from sandbox_provider.testing import EmulatorProcess

URN = "urn:pulumi:s::p::aep:index:Package::pkg"
OTHER = "urn:pulumi:s::p::aep:index:Package::other"


def checked(prov: Any, **news: Any) -> dict[str, Any]:
    result = prov.check({}, engine_props(news))
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def package_ids(emu: EmulatorProcess, name: str) -> list[str]:
    with emu.api("acme") as api:
        r = api.get("/packages", params={"limit": 100})
        r.raise_for_status()
        return [p["id"] for p in r.json()["data"] if p["name"] == name]


def test_a_create_finding_its_own_record_deletes_it_first(aep: EmulatorProcess) -> None:
    prov = PackageProvider()
    inputs = checked(prov, name="mine", source_sandbox="dev", artifacts=[GOLD])
    with call_scope(urn=URN):
        old = prov.create(inputs)
    # The engine runs this resource's replacement create-first (deleteBeforeReplace: false):
    # its check showed the record, so the taken name is this resource's own old package.
    _claims.remember_inputs(URN, inputs)
    with call_scope(urn=URN):
        new = prov.create(inputs)
    assert new.id != old.id
    assert package_ids(aep, "mine") == [new.id]


def test_a_name_recorded_under_another_resource_is_not_taken_over(aep: EmulatorProcess) -> None:
    prov = PackageProvider()
    inputs = checked(prov, name="shared", source_sandbox="dev", artifacts=[GOLD])
    with call_scope(urn=OTHER):
        first = prov.create(inputs)
        prov.diff(first.id, dict(first.outs or {}), inputs)  # the record, as a diff shows it
    since = last_seq(aep)
    with call_scope(urn=URN), pytest.raises(ProviderError) as err:
        prov.create(inputs)
    assert "records under another resource" in str(err.value) and "\n" not in str(err.value)
    # Only the create's own POST, refused for the name: nothing deleted, nothing changed.
    assert [(w["method"], w["status"]) for w in writes(aep, since)] == [("POST", 409)]
    assert package_ids(aep, "shared") == [first.id]


def test_the_old_side_of_a_take_over_is_kept(aep: EmulatorProcess) -> None:
    prov = PackageProvider()
    inputs = checked(prov, name="kept", source_sandbox="dev", artifacts=[GOLD])
    old = prov.create(inputs)
    _claims.forget()  # a new run: `pulumi up --replace` on the plugin shows no record
    with call_scope(urn=URN):
        new = prov.create(inputs)  # the name is taken by a package just as declared
    assert new.id == old.id
    prov.delete(old.id, engine_props(dict(old.outs or {})))  # the engine's "old" side
    assert package_ids(aep, "kept") == [old.id]
    _claims.forget()  # in a later run, a delete deletes
    prov.delete(old.id, engine_props(dict(old.outs or {})))
    assert package_ids(aep, "kept") == []


def test_an_import_job_recorded_elsewhere_is_not_taken_over(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "gold", [GOLD], publish=True)
    prov = ImportJobProvider()
    inputs = checked(
        prov, package_id=package_id, target_sandbox="prod", conflict_policy="create_new"
    )
    first = prov.create(inputs)
    prov.diff(first.id, dict(first.outs or {}), inputs)
    second = prov.create(inputs)  # the same declaration twice: two imports, one each
    assert second.id != first.id


def test_a_target_sandbox_that_does_not_exist_is_named_before_any_write(
    aep: EmulatorProcess,
) -> None:
    package_id = make_package(aep, "gold2", [GOLD], publish=True)
    prov = ImportJobProvider()
    since = last_seq(aep)
    # At preview: the check of a new import looks the sandbox up (one attempt).
    result = prov.check({}, engine_props({"package_id": package_id, "target_sandbox": "prdo"}))
    assert [(f.property, f.reason) for f in result.failures] == [
        ("target_sandbox", "'prdo' is not a sandbox of this org: fix target_sandbox")
    ]
    # And at the create (the look-up at preview may not have been possible).
    with pytest.raises(ProviderError) as err:
        prov.create(engine_props({"package_id": package_id, "target_sandbox": "prdo"}))
    assert "target_sandbox 'prdo' is not a sandbox of this org" in str(err.value)
    assert writes(aep, since) == []
