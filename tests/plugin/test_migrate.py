"""`sandbox_provider.migrate.plan` over exported deployments: what moves, what stays, and what
it refuses (the end-to-end move is tests/plugin/test_plugin_migration.py)."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox_provider.migrate import plan

STACK = "urn:pulumi:prod::infra::pulumi:pulumi:Stack::infra-prod"
DYN = "urn:pulumi:prod::infra::pulumi:providers:pulumi-python::default"


def res(kind: str, name: str, **extra: Any) -> dict[str, Any]:
    urn = f"urn:pulumi:prod::infra::{kind}::{name}"
    return {"urn": urn, "type": kind, "id": f"id-{name}", "provider": f"{DYN}::p1", **extra}


def deployment(*resources: dict[str, Any], **extra: Any) -> dict[str, Any]:
    root = {"urn": STACK, "type": "pulumi:pulumi:Stack"}
    provider = {"urn": DYN, "type": "pulumi:providers:pulumi-python", "id": "p1"}
    return {"resources": [root, provider, *resources], **extra}


def test_a_dynamic_resource_becomes_the_plugins_with_its_recorded_state() -> None:
    job = res(
        "pulumi-python:dynamic/aep:ImportJob",
        "to-prod",
        parent=STACK,
        inputs={"__provider": "pickle", "package_id": "p", "conflict_policy": "use_existing"},
        outputs={"__provider": "pickle", "job_id": "j", "imported_artifacts": {"a_b": "c"}},
    )
    migration = plan(deployment(job), "prod")
    (entry,) = migration.resources
    assert entry == {
        "type": "aep:index:ImportJob",
        "name": "to-prod",
        "id": "id-to-prod",
        "inputs": {"packageId": "p", "conflictPolicy": "use_existing"},
        # Nested keys are data (artifact ids): only the top level is renamed.
        "outputs": {"jobId": "j", "importedArtifacts": {"a_b": "c"}},
    }
    # The dynamic provider goes with its last user.
    assert migration.remove == [job["urn"], DYN]
    assert migration.commands("m.json")[0].startswith("pulumi state delete --stack prod --yes ")


def test_adoption_input_is_dropped_and_a_component_parent_kept() -> None:
    parent = "urn:pulumi:prod::infra::my:Component::group"
    pkg = res(
        "pulumi-python:dynamic/aep:Package",
        "pkg",
        parent=parent,
        inputs={"name": "n", "adopt_id": "x"},
        outputs={"package_id": "x"},
    )
    (entry,) = plan(deployment(pkg), "prod").resources
    assert entry["inputs"] == {"name": "n"}
    assert entry["parent"] == parent


def test_other_dynamic_resources_stay_and_keep_their_provider() -> None:
    mine = res("pulumi-python:dynamic/aep:Handshake", "link", inputs={}, outputs={})
    theirs = res("pulumi-python:dynamic/other:Thing", "thing", inputs={}, outputs={})
    migration = plan(deployment(mine, theirs), "prod")
    assert [r["name"] for r in migration.resources] == ["link"]
    assert migration.remove == [mine["urn"]]


def test_nothing_to_move_removes_nothing() -> None:
    migration = plan(deployment(), "prod")
    assert migration.resources == [] and migration.remove == []
    assert migration.lines("m.json") == ["wrote m.json: nothing"]


def test_pending_operations_are_refused_with_what_to_run() -> None:
    with pytest.raises(ValueError, match="sandbox-provider recover"):
        plan(deployment(pending_operations=[{"type": "creating"}]), "prod")
