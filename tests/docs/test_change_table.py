"""docs/lifecycle.md's "What each change to a program does" against the code: every input it
names is an input of that resource, and the inputs it says are recorded only (no call, no new
object) are exactly those the diffs update in place without a write. The plans themselves are
compared with what `up` does in tests/resources/test_plan_matches_apply.py and
test_safe_changes.py."""

from __future__ import annotations

import re
from pathlib import Path

from sandbox_provider.resources import (
    HandshakeProvider,
    ImportJobProvider,
    PackageProvider,
    PublishedPackageProvider,
    TransferProvider,
    handshake,
    import_job,
    package,
    published_package,
    transfer,
)
from sandbox_provider.resources._base import Inputs
from sandbox_provider.resources.declare import updated_by

LIFECYCLE = Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md"
INPUTS: dict[str, type[Inputs]] = {
    "Package": package.PackageInputs,
    "PublishedPackage": published_package.PublishedPackageInputs,
    "ImportJob": import_job.ImportJobInputs,
    "Handshake": handshake.HandshakeInputs,
    "Transfer": transfer.TransferInputs,
}
PROVIDERS = (
    PackageProvider,
    PublishedPackageProvider,
    ImportJobProvider,
    HandshakeProvider,
    TransferProvider,
)


def rows() -> list[tuple[str, str, str]]:
    text = LIFECYCLE.read_text()
    section = text.split("## What each change to a program does", 1)[1].split("\n#", 1)[0]
    out = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in INPUTS:
            out.append((cells[0], cells[1], cells[2]))
    return out


def named_inputs(change: str) -> set[str]:
    return set(re.findall(r"`([a-z_]+)`", change))


def test_the_table_covers_the_five_resources_and_names_only_their_inputs() -> None:
    table = rows()
    assert {r for r, _, _ in table} == set(INPUTS) and len(PROVIDERS) == len(INPUTS)
    for resource, change, _ in table:
        fields = set(INPUTS[resource].model_fields)
        assert named_inputs(change) <= fields, (resource, change)


def test_recorded_only_is_what_the_diffs_update_without_a_write() -> None:
    recorded = {
        resource: named_inputs(change)
        for resource, change, effect in rows()
        if effect.startswith("recorded only")
    }
    assert recorded["ImportJob"] == set(updated_by(import_job.ImportJobInputs))
    assert recorded["Transfer"] == set(updated_by(transfer.TransferInputs))
    assert recorded["PublishedPackage"] == {"expiry_period_days", "timeout_seconds"}
