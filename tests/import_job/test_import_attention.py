"""ImportJobProvider against the emulator: `needs_attention` (what an import created that
lands needing a person: drafts, disabled policies, Profile off, secrets not copied) and
`use_existing` leaving custom actions to the import unless `alternatives` names them, with the
warnings that say so."""

from __future__ import annotations

from typing import Any

import pytest
from support.providers import engine_props, last_seq, make_package, writes

from sandbox_provider.resources import ImportJobProvider
from sandbox_provider.resources.import_job import AFTER_IMPORT
from sandbox_provider.testing import EmulatorProcess

JOURNEY = {"id": "acme-jr-gold-welcome", "type": "JOURNEY"}
CART_JOURNEY = {"id": "acme-jr-cart-recovery", "type": "JOURNEY"}
FLOW = {"id": "acme-flow-crm", "type": "FLOW"}
ACTION = {"id": "acme-ca-sms", "type": "CUSTOM_ACTION"}
PROD_ACTION = "acme-prod-ca-sms"
SKIP = "conflict_policy='use_existing' does not reuse acme-ca-sms (CUSTOM_ACTION)"
REUSE_ANYWAY = (
    "to reuse 'acme-prod-ca-sms' anyway, name it: "
    "alternatives={'acme-ca-sms': {'id': 'acme-prod-ca-sms', 'type': 'CUSTOM_ACTION'}}"
)


def checked(prov: Any, olds: dict[str, Any] | None = None, **news: Any) -> dict[str, Any]:
    result = prov.check(olds or {}, engine_props(news))
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def prod(emu: EmulatorProcess) -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in emu.artifacts("acme", "prod")}


#: What each object a person must finish holds in the target (the admin listing's state).
LANDED = {
    "JOURNEY": ("status", "DRAFT"),
    "FLOW": ("status", "DRAFT"),
    "CATALOG_DATASET": ("unifiedProfile", "DISABLED"),
    "REGISTRY_SCHEMA": ("unifiedProfile", "DISABLED"),
}


def test_needs_attention_lists_exactly_what_was_created_needing_a_person(
    aep: EmulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    # In prod: a live journey of the same title as one imported. Journeys always arrive as
    # new copies (ui-sandbox-tooling.md), so the import makes a draft beside it.
    live = aep.add_artifact(
        "acme", "prod", {"type": "JOURNEY", "title": "Cart Recovery", "status": "LIVE"}
    )
    package_id = make_package(aep, "attention", [JOURNEY, CART_JOURNEY, FLOW], publish=True)
    prov = ImportJobProvider()
    inputs = checked(
        prov, package_id=package_id, target_sandbox="prod", conflict_policy="create_new"
    )
    outs = prov.create(inputs).outs or {}
    created = outs["created_artifacts"]
    assert created[CART_JOURNEY["id"]] != live["id"]  # a new copy, not the live one
    assert {JOURNEY["id"], CART_JOURNEY["id"], FLOW["id"]} <= set(created)
    # Exactly the created objects of the types the UI guide says need a person, in job order.
    held = prod(aep)
    wanted = [tid for tid in created.values() if held[tid]["type"] in AFTER_IMPORT]
    assert [i["artifact_id"] for i in outs["needs_attention"]] == wanted
    assert {i["type"] for i in outs["needs_attention"]} == set(LANDED)
    for item in outs["needs_attention"]:
        assert item["action"] == AFTER_IMPORT[item["type"]]
        field, value = LANDED[item["type"]]
        assert held[item["artifact_id"]][field] == value, held[item["artifact_id"]]
    assert held[live["id"]]["status"] == "LIVE"
    # What it reused (the same-titled namespace, merge policy) is not listed.
    assert not set(outs["reused_artifacts"].values()) & {
        i["artifact_id"] for i in outs["needs_attention"]
    }
    err = capsys.readouterr().err
    for item in outs["needs_attention"]:
        assert (
            f"warning: aep: import job 'attention' created {item['type']} {item['artifact_id']} "
            f"in sandbox 'prod', which needs a person: {item['action']}"
        ) in err
    assert f"created JOURNEY {live['id']}" not in err

    # A state recorded before the output existed: no diff; a refresh keeps the list.
    older = {k: v for k, v in outs.items() if k != "needs_attention"}
    diff = prov.diff(outs["job_id"], older, checked(prov, older, **inputs))
    assert (diff.changes, diff.replaces) == (False, [])
    read = prov.read(outs["job_id"], engine_props(outs))
    assert (read.outs or {})["needs_attention"] == outs["needs_attention"]


def test_a_dataflow_mapped_to_an_existing_one_needs_nothing(aep: EmulatorProcess) -> None:
    # The same title but for case and spaces: what use_existing counts as the same object.
    existing = aep.add_artifact(
        "acme", "prod", {"type": "FLOW", "title": " crm loyalty DATAFLOW", "status": "ENABLED"}
    )
    package_id = make_package(aep, "flow-reused", [FLOW], publish=True)
    prov = ImportJobProvider()
    outs = (
        prov.create(
            checked(
                prov, package_id=package_id, target_sandbox="prod", conflict_policy="use_existing"
            )
        ).outs
        or {}
    )
    assert outs["alternatives_used"][FLOW["id"]]["id"] == existing["id"]
    # The flow needs nothing; its schema and dataset had only near matches and were created.
    assert [i["type"] for i in outs["needs_attention"] if i["type"] == "FLOW"] == []
    assert prod(aep)[existing["id"]]["status"] == "ENABLED"


def test_adoption_gives_the_same_needs_attention_with_no_write(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "adopt-attention", [JOURNEY, FLOW], publish=True)
    prov = ImportJobProvider()
    inputs = checked(
        prov, package_id=package_id, target_sandbox="prod", conflict_policy="create_new"
    )
    created = prov.create(inputs).outs or {}
    since = last_seq(aep)
    adopted = prov.create(engine_props({**inputs, "adopt_id": created["job_id"]})).outs or {}
    assert writes(aep, since) == []
    assert adopted["needs_attention"] == created["needs_attention"]
    assert {"JOURNEY", "FLOW"} <= {i["type"] for i in adopted["needs_attention"]}


def test_the_table_names_every_object_the_ui_guide_says_lands_needing_a_person() -> None:
    # ui-sandbox-tooling.md: dataflows and journeys as drafts, datasets with Profile off,
    # governance policies disabled, schemas without Profile, custom actions' secrets, campaigns.
    assert set(AFTER_IMPORT) == {
        "JOURNEY",
        "FLOW",
        "CATALOG_DATASET",
        "DULE_CONSENT_POLICY",
        "REGISTRY_SCHEMA",
        "CUSTOM_ACTION",
        "CAMPAIGN",
    }


# -- use_existing and custom actions ------------------------------------------------------------
@pytest.fixture
def action_package(aep: EmulatorProcess) -> str:
    """A published package of a custom action (and a segment) whose look-alikes are in prod."""
    aep.add_artifact(
        "acme", "dev", {"id": ACTION["id"], "type": "CUSTOM_ACTION", "title": "Send SMS"}
    )
    aep.add_artifact(
        "acme", "prod", {"id": PROD_ACTION, "type": "CUSTOM_ACTION", "title": "Send SMS (prod)"}
    )
    gold = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
    return make_package(aep, "actions", [ACTION, gold], publish=True)


def test_use_existing_creates_a_custom_action_new_and_warns_once(
    aep: EmulatorProcess, action_package: str, capsys: pytest.CaptureFixture[str]
) -> None:
    prov = ImportJobProvider()
    # The preview of a new import: check looks the conflicts up (a read) and warns.
    since = last_seq(aep)
    inputs = checked(
        prov, package_id=action_package, target_sandbox="prod", conflict_policy="use_existing"
    )
    assert writes(aep, since) == []
    err = capsys.readouterr().err
    assert SKIP in err and REUSE_ANYWAY in err
    assert "documented as unsafe" in err

    outs = prov.create(inputs).outs or {}
    assert ACTION["id"] not in outs["alternatives_used"]
    # Only a near match in prod ('Gold Loyalty Members 2024'): created, not reused.
    assert "acme-seg-gold" not in outs["alternatives_used"]
    new_id = outs["imported_artifacts"][ACTION["id"]]
    assert new_id != PROD_ACTION
    assert prod(aep)[new_id]["type"] == "CUSTOM_ACTION"
    # The same provider process (an `up` runs check, then create) says it once.
    assert capsys.readouterr().err.count(SKIP) == 0


def test_create_warns_when_the_preview_could_not_look(
    aep: EmulatorProcess, action_package: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # As when the package is made in the same run: check saw no package id, create warns.
    prov = ImportJobProvider()
    inputs = {"package_id": action_package, "target_sandbox": "prod"}
    outs = prov.create(engine_props({**inputs, "conflict_policy": "use_existing"})).outs or {}
    assert outs["imported_artifacts"][ACTION["id"]] != PROD_ACTION
    err = capsys.readouterr().err
    assert err.count(SKIP) == 1 and REUSE_ANYWAY in err


def test_alternatives_naming_the_custom_action_reuse_it(
    aep: EmulatorProcess, action_package: str, capsys: pytest.CaptureFixture[str]
) -> None:
    prov = ImportJobProvider()
    inputs = checked(
        prov,
        package_id=action_package,
        target_sandbox="prod",
        conflict_policy="use_existing",
        alternatives={ACTION["id"]: {"id": PROD_ACTION, "type": "CUSTOM_ACTION"}},
    )
    outs = prov.create(inputs).outs or {}
    assert outs["imported_artifacts"][ACTION["id"]] == PROD_ACTION
    assert "does not reuse" not in capsys.readouterr().err


def test_use_existing_never_maps_a_journey_onto_an_existing_one(
    aep: EmulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    # prod holds a live journey of the same type and title: an exact match by title, which
    # `use_existing` would take for anything else. Journeys always arrive as new copies
    # (ui-sandbox-tooling.md), so mapping it would promise a reuse the platform won't make.
    live = aep.add_artifact(
        "acme", "prod", {"type": "JOURNEY", "title": "Gold Member Welcome", "status": "LIVE"}
    )
    package_id = make_package(aep, "journeys", [JOURNEY], publish=True)
    prov = ImportJobProvider()
    inputs = checked(
        prov, package_id=package_id, target_sandbox="prod", conflict_policy="use_existing"
    )
    outs = prov.create(inputs).outs or {}
    assert JOURNEY["id"] not in outs["alternatives_used"]
    copy = outs["created_artifacts"][JOURNEY["id"]]
    assert copy != live["id"] and prod(aep)[copy]["status"] == "DRAFT"
    assert prod(aep)[live["id"]]["status"] == "LIVE"
    err = capsys.readouterr().err
    assert f"{JOURNEY['id']} (JOURNEY) arrives as a new copy" in err
    # Nothing to choose for it, so no alternatives entry is offered (its dependencies may be).
    assert f"{JOURNEY['id']} (JOURNEY) 'Gold Member Welcome' has none" not in err


@pytest.mark.parametrize("policy", ["create_new", "fail"])
def test_other_policies_say_nothing_at_preview(
    aep: EmulatorProcess,
    action_package: str,
    capsys: pytest.CaptureFixture[str],
    policy: str,
) -> None:
    prov = ImportJobProvider()
    since = last_seq(aep)
    checked(prov, package_id=action_package, target_sandbox="prod", conflict_policy=policy)
    # No conflicts lookup: only the one of the target sandbox a new import makes.
    calls = [(r["method"], r["path"]) for r in aep.requests(since)]
    assert [c for c in calls if c[1].startswith("/data/")] == [
        ("GET", "/data/foundation/exim/packages")
    ], calls
    assert "does not reuse" not in capsys.readouterr().err


def test_a_preview_lookup_that_fails_says_nothing(
    aep: EmulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    prov = ImportJobProvider()
    checked(prov, package_id="0" * 32, target_sandbox="prod", conflict_policy="use_existing")
    assert "does not reuse" not in capsys.readouterr().err
