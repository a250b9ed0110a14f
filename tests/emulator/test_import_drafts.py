"""What an import leaves for a person: the journeys and dataflows it creates land as drafts
(a dataflow without its source credentials), shown by the admin listing; what it reuses keeps
its own state (docs/emulator.md, "Import semantics"; ui-sandbox-tooling.md "Objects supported
for sandbox tooling"). Every landing state, type by type, is in test_import_rules.py."""

from __future__ import annotations

from typing import Any

import httpx

from sandbox_provider.testing import EmulatorProcess

from ._support import ACME, ACME_ID, artifacts_by_id, ok, publish, published_package, wait_job

JOURNEY = "acme-jr-gold-welcome"
FLOW = "acme-flow-crm"


def submit_and_wait(c: httpx.Client, pid: str, **extra: Any) -> dict[str, Any]:
    """Import package `pid` into acme's prod; the job once it succeeded."""
    payload = {"id": pid, "destinationSandbox": {"name": "prod", "imsOrgId": ACME_ID}, **extra}
    job = wait_job(c, ok(c.post("/packages/import", json=payload))["jobId"])
    assert job["jobStatus"] == "SUCCESS", job
    return job


def test_created_journeys_and_dataflows_are_drafts(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    pkg = published_package(emulator, acme, "drafts", [JOURNEY, FLOW])
    before = set(artifacts_by_id(emulator, ACME, "prod"))
    imported = submit_and_wait(acme, pkg["id"])["importReplacementMap"]
    prod = artifacts_by_id(emulator, ACME, "prod")
    journey, flow = prod[imported[JOURNEY]], prod[imported[FLOW]]
    assert imported[JOURNEY] not in before and imported[FLOW] not in before
    assert journey["status"] == "DRAFT" and "sourceCredentials" not in journey
    assert (flow["status"], flow["sourceCredentials"]) == ("DRAFT", "NOT_COPIED")
    # Everything else the import created (the segment, datasets, schemas...) has no state.
    others = [prod[t] for s, t in imported.items() if s not in (JOURNEY, FLOW) and t not in before]
    assert others and all("status" not in a for a in others), others
    # The source objects are untouched: the draft state belongs to the copies.
    dev = artifacts_by_id(emulator, ACME, "dev")
    assert "status" not in dev[JOURNEY] and "status" not in dev[FLOW]


def test_reused_journeys_and_dataflows_keep_their_state(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    # A live journey and an enabled dataflow, each named as an alternative: neither becomes a
    # draft. (A journey is never reused by title any more, always created: the alternative is
    # the way to reuse one; before the per-type rules the same title sufficed.)
    live = emulator.add_artifact(
        ACME, "prod", {"type": "JOURNEY", "title": "Gold journey (prod)", "status": "LIVE"}
    )
    enabled = emulator.add_artifact(
        ACME, "prod", {"type": "FLOW", "title": "CRM flow (prod)", "status": "ENABLED"}
    )
    assert live["status"] == "LIVE" and enabled["status"] == "ENABLED"
    pkg = published_package(emulator, acme, "reuse", [JOURNEY, FLOW])
    alternatives = {
        JOURNEY: {"id": live["id"], "type": "JOURNEY"},
        FLOW: {"id": enabled["id"], "type": "FLOW"},
    }
    imported = submit_and_wait(acme, pkg["id"], alternatives=alternatives)["importReplacementMap"]
    assert imported[JOURNEY] == live["id"] and imported[FLOW] == enabled["id"]
    prod = artifacts_by_id(emulator, ACME, "prod")
    assert prod[live["id"]] == live and prod[enabled["id"]] == enabled


def test_a_custom_action_is_held_packaged_and_imported(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    # A type newer than the reference table: kept as is, and the import copies it like any
    # other; custom actions don't land as drafts, but with their secrets replaced.
    action = emulator.add_artifact(
        ACME, "dev", {"id": "acme-ca-sms", "type": "custom_action", "title": "Send SMS"}
    )
    assert action["type"] == "CUSTOM_ACTION"
    pkg = ok(
        acme.post(
            "/packages",
            json={
                "name": "actions",
                "packageType": "PARTIAL",
                "artifacts": [{"id": "acme-ca-sms", "type": "CUSTOM_ACTION"}],
            },
        )
    )
    assert [(a["type"], a["found"]) for a in pkg["artifactsList"]] == [("CUSTOM_ACTION", True)]
    publish(emulator, acme, pkg["id"])
    imported = submit_and_wait(acme, pkg["id"])["importReplacementMap"]
    copy = artifacts_by_id(emulator, ACME, "prod")[imported["acme-ca-sms"]]
    assert (copy["type"], copy["title"]) == ("CUSTOM_ACTION", "Send SMS")
    assert "status" not in copy
    assert copy["secrets"] == "REPLACED"
