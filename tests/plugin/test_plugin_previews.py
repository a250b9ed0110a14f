"""The plans a previewed Create or Update answers (plugin/previews.py): no call, the state's
outputs kept, the new inputs in, unknown only what the call decides."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental.property_value import PropertyValue

from sandbox_provider.plugin.previews import planned_create, planned_update, to_properties
from sandbox_provider.plugin.provider import AepProvider
from sandbox_provider.plugin.schema import by_token
from sandbox_provider.plugin.values import UNKNOWN, from_plain_map

PACKAGE = by_token("aep:index:Package")
PUBLISHED = by_token("aep:index:PublishedPackage")
HANDSHAKE = by_token("aep:index:Handshake")
JOB = by_token("aep:index:ImportJob")
GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}

PACKAGE_STATE: dict[str, Any] = {
    "package_id": "a" * 32,
    "name": "dev-audiences",
    "description": "first",
    "package_type": "PARTIAL",
    "source_sandbox": "dev",
    "include_dependencies": False,
    "declared_artifacts": [GOLD],
    "dependency_artifacts": [],
    "artifacts": [{**GOLD, "title": "Gold", "found": True, "count": 3}],
    "status": "DRAFT",
    "version": 2,
    "expiry": 1_900_000_000_000,
    "created_date": 1_700_000_000_000,
    "modified_date": 1_700_000_000_001,
    "ims_org_id": "ACME@AdobeOrg",
}
PACKAGE_INPUTS = {
    "name": "dev-audiences",
    "description": "second",
    "package_type": "PARTIAL",
    "source_sandbox": "dev",
    "artifacts": [GOLD],
    "include_dependencies": False,
}


def test_a_description_update_keeps_the_id_and_the_contents_known() -> None:
    assert PACKAGE is not None
    plan = planned_update(PACKAGE, PACKAGE_STATE, PACKAGE_INPUTS)
    assert plan["package_id"] == "a" * 32
    assert plan["description"] == "second"
    assert plan["artifacts"] == PACKAGE_STATE["artifacts"]  # the platform's list, unchanged
    assert plan["created_date"] == PACKAGE_STATE["created_date"]
    # Bumped by the write, or the live package's (a publication changes them).
    assert {k: plan[k] for k in ("version", "modified_date", "status", "expiry")} == {
        k: UNKNOWN for k in ("version", "modified_date", "status", "expiry")
    }


def test_changed_artifacts_leave_the_platforms_list_unknown() -> None:
    assert PACKAGE is not None
    other = {"id": "acme-seg-x", "type": "PROFILE_SEGMENT"}
    news = {**PACKAGE_INPUTS, "artifacts": [GOLD, other], "include_dependencies": True}
    plan = planned_update(PACKAGE, PACKAGE_STATE, news)
    assert plan["declared_artifacts"] == [GOLD, other]
    assert plan["artifacts"] == plan["dependency_artifacts"] == UNKNOWN
    dropped = planned_update(PACKAGE, PACKAGE_STATE, {**PACKAGE_INPUTS, "description": None})
    assert "description" not in dropped


def test_an_unfinished_publication_plans_its_platform_values_unknown() -> None:
    assert PUBLISHED is not None
    state = {"package_id": "a" * 32, "status": "PUBLISHED", "visibility": "PRIVATE"}
    news = {"package_id": "a" * 32, "visibility": "PUBLIC"}
    done = planned_update(PUBLISHED, state, news)
    assert (done["status"], done["visibility"]) == ("PUBLISHED", "PUBLIC")
    unfinished = planned_update(PUBLISHED, {**state, "status": "PUBLISH_IN_PROGRESS"}, news)
    assert unfinished["status"] == unfinished["publish_date"] == UNKNOWN


def test_a_pending_handshake_may_be_approved_by_the_update() -> None:
    assert HANDSHAKE is not None
    state = {"linking_id": "l1", "status": "APPROVAL_PENDING", "target_org_id": "T@AdobeOrg"}
    news = {"target_org_id": "T@AdobeOrg", "approve_as": "partner"}
    assert planned_update(HANDSHAKE, state, news)["status"] == UNKNOWN
    decided = planned_update(HANDSHAKE, {**state, "status": "APPROVED"}, news)
    assert decided["status"] == "APPROVED"


def test_a_create_knows_its_inputs_only() -> None:
    assert JOB is not None
    plan = planned_create(JOB, {"package_id": UNKNOWN, "target_sandbox": "prod"})
    assert plan["target_sandbox"] == "prod"
    assert plan["package_id"] == plan["job_id"] == plan["job_status"] == UNKNOWN


def test_unknowns_go_as_the_sentinel_the_sdk_can_marshal() -> None:
    # The SDK's marshal (3.259.0) has no case for a Computed value (should it get one, the
    # plans can send it); the sentinel text is what the engine reads as unknown.
    with pytest.raises(ValueError, match="Unsupported value type"):
        PropertyValue.computed().marshal()
    props = to_properties({"version": UNKNOWN, "name": "x"})
    assert props["version"].marshal().string_value == UNKNOWN
    assert props["name"] == PropertyValue("x")


def test_the_provider_answers_a_preview_without_a_call() -> None:
    provider = AepProvider("0.1.0", workers=1)

    def refuse(*_args: Any, **_kw: Any) -> Any:
        raise AssertionError("a preview must not run the core")

    provider._run = refuse  # type: ignore[method-assign]
    update = p.UpdateRequest(
        "urn:pulumi:s::p::aep:index:Package::pkg",
        "a" * 32,
        from_plain_map(PACKAGE_STATE),
        from_plain_map(PACKAGE_INPUTS),
        timeout=0,
        ignore_changes=[],
        preview=True,
    )
    answer = asyncio.run(provider.update(update))
    assert answer.properties["packageId"] == PropertyValue("a" * 32)
    assert answer.properties["version"] == PropertyValue(UNKNOWN)
