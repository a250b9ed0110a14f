"""ImportJobProvider against the emulator: preflight, conflicts, policies, waits, failures."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown
from support.providers import CART, GOLD, engine_props, last_seq, make_package, wait_status, writes

from sandbox_provider.resources import ImportJobProvider, PackageProvider, _claims
from sandbox_provider.resources.errors import ProviderError
from sandbox_provider.testing import EmulatorProcess

LOYALTY_SCHEMA = "https://ns.adobe.com/acme/schemas/loyalty-profile"


def checked(prov: Any, olds: dict[str, Any] | None = None, **news: Any) -> dict[str, Any]:
    result = prov.check(olds or {}, engine_props(news))
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def published_with_dependencies(emu: EmulatorProcess, artifact: dict[str, str]) -> str:
    """A published package of `artifact` and all it depends on, built with the Package
    provider itself."""
    pkgs = PackageProvider()
    res = pkgs.create(
        checked(
            pkgs, name=f"deps-{artifact['id']}", artifacts=[artifact], include_dependencies=True
        )
    )
    with emu.api("acme") as api:
        api.get(f"/packages/{res.id}/export").raise_for_status()
    assert wait_status(emu, res.id, "PUBLISHED")["status"] == "PUBLISHED"
    return res.id


def prod_titles(emu: EmulatorProcess) -> dict[str, str]:
    return {a["title"]: a["id"] for a in emu.artifacts("acme", "prod")}


LOYALTY_CLASS = "https://ns.adobe.com/acme/classes/loyalty-member"


def test_use_existing_reuses_exact_matches_only_and_names_the_near_ones(
    aep: EmulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    package_id = published_with_dependencies(aep, GOLD)
    prov = ImportJobProvider()
    inputs = checked(
        prov,
        package_id=package_id,
        target_sandbox="prod",
        name="to-prod",
        conflict_policy="use_existing",
    )
    capsys.readouterr()
    res = prov.create(inputs)
    outs = res.outs or {}
    assert outs["job_status"] == "SUCCESS" and res.id == outs["job_id"]
    conflicts = {c["artifact_id"]: c for c in outs["conflicts"]}
    assert conflicts[LOYALTY_SCHEMA]["suggestions"][0]["id"].startswith("acme-prod-schema-loyalty")
    # Reused: the same type and title ("Loyalty Member", "Default Time-based Merge Policy").
    used = outs["alternatives_used"]
    assert used == {
        LOYALTY_CLASS: {"id": "acme-prod-class-loyalty", "type": "REGISTRY_CLASS"},
        "acme-mp-default": {"id": "acme-prod-mp", "type": "PROFILE_MERGE"},
    }
    # Not reused: look-alikes whose titles differ ("Loyalty Profile Schema v2", "Gold Loyalty
    # Members 2024"); they are created, and each warning names them and the entry to reuse.
    assert outs["imported_artifacts"]["acme-seg-gold"] != "acme-prod-seg-gold"
    assert outs["imported_artifacts"][LOYALTY_SCHEMA] not in (
        "acme-prod-schema-loyalty",
        "acme-prod-schema-loyalty-old",
    )
    err = capsys.readouterr().err
    assert (
        "acme-seg-gold (PROFILE_SEGMENT) 'Gold Loyalty Members' has none in the target, so the "
        "import creates it; near matches: 'acme-prod-seg-gold' ('Gold Loyalty Members 2024'); "
        "to reuse one, name it: alternatives={'acme-seg-gold': {'id': 'acme-prod-seg-gold', "
        "'type': 'PROFILE_SEGMENT'}}"
    ) in err
    # The chosen mapping is printed.
    assert f"{LOYALTY_CLASS} -> existing acme-prod-class-loyalty (same type and title)" in err

    diff = prov.diff(res.id, outs, checked(prov, outs, **inputs))
    assert (diff.changes, diff.replaces) == (False, [])


def test_policy_fail_lists_every_conflict_with_its_suggestions(aep: EmulatorProcess) -> None:
    package_id = published_with_dependencies(aep, GOLD)
    prov = ImportJobProvider()
    since = last_seq(aep)
    with pytest.raises(ProviderError) as err:
        prov.create(checked(prov, package_id=package_id, target_sandbox="prod"))
    message = str(err.value)
    assert message.startswith(f"importing package {package_id} into sandbox 'prod' failed: ")
    assert "conflict(s) with existing objects" in message
    assert LOYALTY_SCHEMA in message and "acme-prod-schema-loyalty" in message
    assert "alternatives=" in message and "conflict_policy=" in message
    assert writes(aep, since) == []  # nothing submitted


def test_explicit_alternatives_come_first(aep: EmulatorProcess) -> None:
    package_id = published_with_dependencies(aep, GOLD)
    prov = ImportJobProvider()
    # Settle every conflict explicitly by listing them first.
    with aep.api("acme") as api:
        conflicts = api.get(f"/packages/{package_id}/import", params={"targetSandbox": "prod"})
        conflicts.raise_for_status()
    alternatives = {
        c["artifact"]["id"]: {"id": c["suggestionList"][-1]["id"], "type": c["artifact"]["type"]}
        for c in conflicts.json()
    }
    res = prov.create(
        checked(prov, package_id=package_id, target_sandbox="prod", alternatives=alternatives)
    )
    outs = res.outs or {}
    assert outs["job_status"] == "SUCCESS"
    assert outs["alternatives_used"] == alternatives


def test_create_new_submits_without_alternatives(aep: EmulatorProcess) -> None:
    package_id = published_with_dependencies(aep, GOLD)
    prov = ImportJobProvider()
    res = prov.create(
        checked(prov, package_id=package_id, target_sandbox="prod", conflict_policy="create_new")
    )
    outs = res.outs or {}
    assert outs["job_status"] == "SUCCESS" and outs["alternatives_used"] == {}
    assert "Gold Loyalty Members" in prod_titles(aep)  # a new copy next to the look-alike


def test_missing_permissions_are_listed_per_artifact(aep: EmulatorProcess) -> None:
    package_id = published_with_dependencies(aep, CART)
    granted = aep.roles("acme")["permissions"]
    aep.set_roles(
        "acme",
        {k: [p for p in v if not (k == "Segment" and p == "write")] for k, v in granted.items()},
    )
    prov = ImportJobProvider()
    since = last_seq(aep)
    with pytest.raises(ProviderError) as err:
        prov.create(
            checked(
                prov, package_id=package_id, target_sandbox="prod", conflict_policy="use_existing"
            )
        )
    message = str(err.value)
    assert "lack permissions" in message
    assert "acme-seg-cart (PROFILE_SEGMENT): missing Segment[write]" in message
    assert writes(aep, since) == []


def test_a_replaced_package_s_import_checks_permissions_before_anything_is_deleted(
    aep: EmulatorProcess,
) -> None:
    package_id = make_package(aep, "perm", [GOLD], publish=True)
    prov = ImportJobProvider()
    inputs = checked(
        prov, package_id=package_id, target_sandbox="prod", conflict_policy="create_new"
    )
    prov.create(inputs)
    granted = aep.roles("acme")["permissions"]
    aep.set_roles(
        "acme",
        {k: [p for p in v if not (k == "Segment" and p == "write")] for k, v in granted.items()},
    )
    # The preview of the Package's replacement: the import's package id isn't known yet. Its
    # check asks the preflight of the package it imported, while that one still exists.
    since = last_seq(aep)
    replacing = prov.check(inputs, engine_props({**inputs, "package_id": Unknown()}))
    (failure,) = replacing.failures
    assert failure.property == "target_sandbox"
    assert "acme-seg-gold (PROFILE_SEGMENT): missing Segment[write]" in failure.reason
    assert "(nothing was deleted)" in failure.reason and "\n" not in failure.reason
    assert writes(aep, since) == []
    # An update in place of the Package keeps its id (a dynamic preview reads it unknown too):
    # nothing to check, nothing asked.
    _claims.plan(_claims.PACKAGE, package_id, kept=True)
    since = last_seq(aep)
    kept = prov.check(inputs, engine_props({**inputs, "package_id": Unknown()}))
    assert kept.failures == [] and aep.requests(since) == []
    _claims.forget()


def test_a_failed_job_is_an_error_and_nothing_is_recorded(aep: EmulatorProcess) -> None:
    package_id = published_with_dependencies(aep, GOLD)
    prov = ImportJobProvider()
    with pytest.raises(ProviderError) as err:
        prov.create(
            checked(
                prov,
                package_id=package_id,
                target_sandbox="prod",
                conflict_policy="use_existing",
                alternatives={"acme-mp-default": {"id": "no-such-thing", "type": "PROFILE_MERGE"}},
            )
        )
    first = str(err.value).splitlines()[0]
    assert "the job ended FAILED" in first and "no-such-thing" in first


def test_an_unpublished_package_fails_clearly(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "draft", [GOLD])
    prov = ImportJobProvider()
    with pytest.raises(ProviderError) as err:
        prov.create(
            checked(
                prov,
                package_id=package_id,
                target_sandbox="prod",
                check_permissions=False,
                conflict_policy="create_new",
            )
        )
    assert str(err.value).startswith(f"importing package {package_id} into sandbox 'prod' failed")


def test_input_changes_replace_timeouts_update_in_place_delete_forgets(
    aep: EmulatorProcess,
) -> None:
    package_id = published_with_dependencies(aep, GOLD)
    prov = ImportJobProvider()
    inputs = checked(
        prov, package_id=package_id, target_sandbox="prod", conflict_policy="use_existing"
    )
    res = prov.create(inputs)
    outs = res.outs or {}
    d = prov.diff(res.id, outs, {**inputs, "target_sandbox": "dev"})
    assert (d.changes, d.replaces) == (True, ["target_sandbox"])
    news = {**inputs, "timeout_seconds": 30.0}
    d = prov.diff(res.id, outs, news)
    assert (d.changes, d.replaces) == (True, [])
    updated = prov.update(res.id, outs, news).outs or {}
    assert updated["timeout_seconds"] == 30.0 and updated["job_status"] == "SUCCESS"

    read = prov.read(res.id, engine_props(updated))
    assert read.id == res.id and (read.outs or {})["job_status"] == "SUCCESS"
    assert (read.inputs or {})["package_id"] == package_id

    since = last_seq(aep)
    prov.delete(res.id, engine_props(updated))
    prov.delete(res.id, engine_props(updated))
    assert writes(aep, since) == []
    gone = prov.read("f" * 32, engine_props(updated))
    assert gone.id == ""


def test_a_timed_out_import_is_waited_for_not_submitted_again(aep: EmulatorProcess) -> None:
    package_id = published_with_dependencies(aep, GOLD)
    aep.set_timing(mode="manual")
    prov = ImportJobProvider()
    inputs = checked(
        prov,
        package_id=package_id,
        target_sandbox="prod",
        name="slow",
        conflict_policy="use_existing",
        timeout_seconds=0.3,
    )
    with pytest.raises(ProviderError) as err:
        prov.create(inputs)
    assert "did not finish within 0.3s" in str(err.value)
    since = last_seq(aep)
    aep.set_timing(mode="auto", jobSeconds=0.05)
    res = prov.create({**inputs, "timeout_seconds": 30.0})
    assert (res.outs or {})["job_status"] == "SUCCESS"
    assert [w for w in writes(aep, since) if w["path"].endswith("/import")] == []
