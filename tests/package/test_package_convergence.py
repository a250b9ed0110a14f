"""Package creates that finish or leave nothing: rollback after a failed second step, take-over
of what an interrupted create left, artifacts the platform reports missing."""

from __future__ import annotations

from typing import Any

import pytest
from support.providers import GOLD, engine_props, last_seq, make_package, writes

from sandbox_provider.resources import PackageProvider
from sandbox_provider.resources.errors import ProviderError
from sandbox_provider.testing import EmulatorProcess

PROGRAM: dict[str, Any] = {
    "name": "pkg",
    "description": "as declared",
    "artifacts": [GOLD],
    "include_dependencies": True,
}
# Injected faults answer 500: final at once (no retry), like a call refused on every attempt.
REFUSE_CHILDREN = {"path": r"/packages/[0-9a-f]+/children$", "method": "POST", "status": 500}
REFUSE_DELETE = {"path": r"/packages/[0-9a-f]+$", "method": "DELETE", "status": 500}


def checked(prov: PackageProvider, **news: Any) -> dict[str, Any]:
    result = prov.check({}, engine_props(news))
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return result.inputs


def packages(emu: EmulatorProcess) -> list[dict[str, Any]]:
    with emu.api("acme") as api:
        r = api.get("/packages", params={"limit": 100})
        r.raise_for_status()
        return list(r.json()["data"])


def post_by_hand(emu: EmulatorProcess, artifacts: list[dict[str, str]]) -> str:
    """What a create killed between its POST and its dependency ADD leaves."""
    return make_package(emu, "pkg", artifacts, description="as declared")


def held(emu: EmulatorProcess, package_id: str) -> set[str]:
    with emu.api("acme") as api:
        r = api.get(f"/packages/{package_id}")
        r.raise_for_status()
        return {a["id"] for a in r.json()["artifactsList"]}


def test_a_failed_dependency_step_rolls_the_package_back(aep: EmulatorProcess) -> None:
    prov = PackageProvider()
    inputs = checked(prov, **PROGRAM)
    aep.set_faults([REFUSE_CHILDREN])
    with pytest.raises(ProviderError) as err:
        prov.create(inputs)
    message = str(err.value)
    assert message.startswith("adding the dependencies of package 'pkg'")
    assert "rolled back" in message and "deleted again" in message
    assert packages(aep) == []
    # Nothing stands in the way of the next run.
    aep.clear_faults()
    res = prov.create(inputs)
    assert [p["id"] for p in packages(aep)] == [res.id]
    assert "acme-mp-default" in held(aep, res.id)


def test_a_failed_rollback_is_said_and_the_next_create_finishes_the_package(
    aep: EmulatorProcess,
) -> None:
    prov = PackageProvider()
    inputs = checked(prov, **PROGRAM)
    aep.set_faults([REFUSE_CHILDREN, REFUSE_DELETE])
    with pytest.raises(ProviderError) as err:
        prov.create(inputs)
    [left] = packages(aep)
    assert f"package {left['id']} was left on the platform" in str(err.value)
    assert "the next `pulumi up` takes it over" in str(err.value)
    aep.clear_faults()
    res = prov.create(inputs)
    assert res.id == left["id"] and len(packages(aep)) == 1
    assert {"acme-seg-gold", "acme-mp-default"} <= held(aep, res.id)
    assert [d["id"] for d in (res.outs or {})["dependency_artifacts"]]


def test_a_package_left_without_its_dependencies_is_taken_over_and_finished(
    aep: EmulatorProcess,
) -> None:
    left = post_by_hand(aep, [GOLD])
    prov = PackageProvider()
    since = last_seq(aep)
    res = prov.create(checked(prov, **PROGRAM))
    assert res.id == left and len(packages(aep)) == 1
    assert "acme-mp-default" in held(aep, left)
    methods = [(r["method"], r["path"].rsplit("/", 1)[-1]) for r in writes(aep, since)]
    # The refused POST, the children look-ups, one ADD: no second package, no delete.
    assert methods[0] == ("POST", "packages") and methods[-1] == ("PUT", "packages")
    assert ("DELETE", left) not in methods


def test_a_package_exactly_as_declared_is_taken_over_without_writing(
    aep: EmulatorProcess,
) -> None:
    prov = PackageProvider()
    first = prov.create(checked(prov, **PROGRAM))
    since = last_seq(aep)
    again = prov.create(checked(prov, **PROGRAM))
    assert again.id == first.id and len(packages(aep)) == 1
    assert [r["method"] for r in writes(aep, since) if r["path"].endswith("/packages")] == [
        "POST"  # the refused one
    ]
    assert again.outs and again.outs["dependency_artifacts"] == (first.outs or {}).get(
        "dependency_artifacts"
    )


def test_adopting_a_package_left_without_its_dependencies_finishes_it(
    aep: EmulatorProcess,
) -> None:
    left = post_by_hand(aep, [GOLD])
    prov = PackageProvider()
    res = prov.create({**checked(prov, **PROGRAM), "adopt_id": left})
    assert res.id == left and "acme-mp-default" in held(aep, left)


def test_an_artifact_the_sandbox_lacks_fails_the_create_and_leaves_nothing(
    aep: EmulatorProcess,
) -> None:
    prov = PackageProvider()
    missing = {"id": "acme-seg-nope", "type": "PROFILE_SEGMENT"}
    inputs = checked(prov, name="pkg", artifacts=[GOLD, missing])
    with pytest.raises(ProviderError) as err:
        prov.create(inputs)
    message = str(err.value)
    assert message.splitlines()[0].startswith(
        "creating package 'pkg' failed: 1 artifact(s) are not in sandbox 'dev'"
    )
    assert "artifacts[1]: 'acme-seg-nope' (PROFILE_SEGMENT)" in message
    assert "rolled back" in message
    assert packages(aep) == []


def test_an_update_adding_an_artifact_the_sandbox_lacks_takes_it_out_again(
    aep: EmulatorProcess,
) -> None:
    prov = PackageProvider()
    res = prov.create(checked(prov, name="pkg", artifacts=[GOLD]))
    missing = {"id": "acme-seg-nope", "type": "PROFILE_SEGMENT"}
    news = checked(prov, name="pkg", artifacts=[GOLD, missing])
    with pytest.raises(ProviderError, match=r"artifacts\[1\]: 'acme-seg-nope'"):
        prov.update(res.id, res.outs or {}, news)
    assert held(aep, res.id) == {"acme-seg-gold"}
