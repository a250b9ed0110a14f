"""What needs a person after an import, and what `use_existing` won't reuse, through the real
engine: the preview of an import warns that a custom action will be created new (and how to
reuse it anyway), `up` prints what the import left as drafts and outputs it as
`needs_attention`, and the next preview (with a refresh) changes nothing."""

from __future__ import annotations

import pytest
from support.engine import E2E
from support.providers import make_package  # tests/ is on sys.path: the provider tier's maker

pytestmark = pytest.mark.e2e

JOURNEY = {"id": "acme-jr-gold-welcome", "type": "JOURNEY"}
FLOW = {"id": "acme-flow-crm", "type": "FLOW"}
ACTION = {"id": "acme-ca-sms", "type": "CUSTOM_ACTION"}
SKIP = (
    "conflict_policy='use_existing' does not reuse acme-ca-sms (CUSTOM_ACTION): reusing an "
    "existing CUSTOM_ACTION is documented as unsafe"
)
REUSE_ANYWAY = "alternatives={'acme-ca-sms': {'id': 'acme-prod-ca-sms', 'type': 'CUSTOM_ACTION'}}"


def test_preview_warns_of_the_skip_up_lists_what_needs_a_person(e2e: E2E) -> None:
    e2e.emu.add_artifact("acme", "dev", {**ACTION, "title": "Send SMS"})
    e2e.emu.add_artifact(
        "acme", "prod", {"id": "acme-prod-ca-sms", "type": "CUSTOM_ACTION", "title": "SMS Send"}
    )
    package_id = make_package(e2e.emu, "journeys", [JOURNEY, FLOW, ACTION], publish=True)
    e2e.write_program(
        f"""
        job = ImportJob("job", package_id={package_id!r}, target_sandbox="prod",
                        name="journeys-to-prod", conflict_policy="use_existing")
        pulumi.export("needsAttention", job.needs_attention)
        pulumi.export("imported", job.imported_artifacts)
        pulumi.export("created", job.created_artifacts)
        """
    )
    since = e2e.last_seq()
    preview = e2e.stack.preview()
    assert preview.summary.get("create") == 2, preview.summary
    shown = preview.stdout + preview.stderr
    assert SKIP in shown and REUSE_ANYWAY in shown
    assert e2e.writes(since) == []

    up = e2e.stack.up()
    outputs = e2e.stack.outputs()
    imported = outputs["imported"]
    assert imported[ACTION["id"]] != "acme-prod-ca-sms"  # created new, as the warning said
    attention = outputs["needsAttention"]
    listed = {(i["artifact_id"], i["type"]) for i in attention}
    # The package's own: the journey and the flow as drafts, the custom action's secrets.
    assert {
        (imported[JOURNEY["id"]], "JOURNEY"),
        (imported[FLOW["id"]], "FLOW"),
        (imported[ACTION["id"]], "CUSTOM_ACTION"),
    } <= listed
    # Every entry is an object this import created, of a type the UI guide names.
    prod = {a["id"]: a for a in e2e.emu.artifacts("acme", "prod")}
    assert {tid for tid, _ in listed} <= set(outputs["created"].values())
    assert {prod[tid]["type"] for tid, _ in listed} <= {
        "JOURNEY",
        "FLOW",
        "CUSTOM_ACTION",
        "CATALOG_DATASET",
        "REGISTRY_SCHEMA",
    }
    shown = up.stdout + up.stderr
    for item in attention:
        assert (
            f"import job 'journeys-to-prod' created {item['type']} {item['artifact_id']} in "
            f"sandbox 'prod', which needs a person: {item['action']}"
        ) in shown
    assert "publish the journey in Journey Optimizer" in shown
    assert prod[imported[JOURNEY["id"]]]["status"] == "DRAFT"
    assert prod[imported[ACTION["id"]]]["secrets"] == "REPLACED"

    again = e2e.stack.preview(expect_no_changes=True, refresh=True)
    assert "does not reuse" not in again.stdout + again.stderr
    assert e2e.stack.outputs()["needsAttention"] == attention
