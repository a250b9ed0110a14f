"""Previews of updates on the `aep` plugin, through the real CLI, for a Python program.

Configure answers `supports_preview`, so a previewed Update answers its plan: the outputs the
update keeps stay known (a Package's `packageId`), and what is built on them is not planned
as replaced. Without it the engine plans `packageId` unknown, and the PublishedPackage and
ImportJob on it show as replaced while `up` replaces nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox_provider.testing import World

from .test_plugin_lifecycle import GOLD, plugin_world, write

pytestmark = pytest.mark.e2e


@pytest.fixture
def plugin(tmp_path: Path, pulumi_bin: str) -> Iterator[World]:
    yield from plugin_world(tmp_path, pulumi_bin)


def program(description: str, timeout: int = 900) -> str:
    return f"""
    pkg = aep.Package(
        "pkg",
        name="preview-pkg",
        description={description!r},
        source_sandbox="dev",
        artifacts=[{GOLD!r}],
    )
    pub = aep.PublishedPackage("pub", package_id=pkg.package_id)
    job = aep.ImportJob(
        "job",
        package_id=pub.package_id,
        target_sandbox="prod",
        conflict_policy="use_existing",
        timeout_seconds={timeout},
    )
    pulumi.export("packageId", pkg.package_id)
    pulumi.export("version", pkg.version)
    pulumi.export("jobId", job.job_id)
    # What the program sees during the preview: an output's apply runs only once it is known.
    for label, out in [
        ("packageId", pkg.package_id),
        ("description", pkg.description),
        ("status", pkg.status),
        ("version", pkg.version),
        ("publishedStatus", pub.status),
        ("jobId", job.job_id),
        ("jobStatus", job.job_status),
        ("timeoutSeconds", job.timeout_seconds),
    ]:
        out.apply(lambda v, label=label: pulumi.log.info(f"known {{label}}={{v}}"))
"""


def preview(world: World) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """`pulumi preview --json`: resource name -> its step for the steps that change it, and
    what the program saw known (`known NAME=VALUE` lines it logs)."""
    res = world.stack.run("preview", "--json", "-s", world.stack.name)
    doc = json.loads(res.stdout)
    steps = {
        s["urn"].rsplit("::", 1)[-1]: s for s in doc["steps"] if s["op"] not in ("same", "refresh")
    }
    known = {}
    for d in doc.get("diagnostics") or []:
        text = d.get("message", "").strip()
        if text.startswith("known "):
            name, _, value = text.removeprefix("known ").partition("=")
            known[name] = value
    return steps, known


def test_a_previewed_update_keeps_the_package_id_and_replaces_nothing(plugin: World) -> None:
    write(plugin, program("first"))
    plugin.stack.up()
    before = plugin.stack.outputs()

    write(plugin, program("second"))
    since = plugin.last_seq()
    planned, known = preview(plugin)
    assert plugin.emu.requests(since) == []  # a plan: no call at all
    assert {name: s["op"] for name, s in planned.items()} == {"pkg": "update"}
    assert planned["pkg"]["diffReasons"] == ["description"]
    # What the update keeps is known; what the platform bumps on the write (the version) or
    # changed behind the state (the status a publication set) is not.
    assert known == {
        "packageId": before["packageId"],
        "description": "second",
        "publishedStatus": "PUBLISHED",
        "jobId": before["jobId"],
        "jobStatus": "SUCCESS",
        "timeoutSeconds": "900.0",
    }

    since = plugin.last_seq()
    assert plugin.stack.up().summary == {"update": 1, "same": 3}
    writes = [w for w in plugin.writes(since) if not w["path"].endswith("/children")]
    assert [(w["method"], w["path"]) for w in writes] == [
        ("PUT", "/data/foundation/exim/packages")
    ], writes
    after = plugin.stack.outputs()
    assert (after["packageId"], after["jobId"]) == (before["packageId"], before["jobId"])
    assert after["version"] > before["version"]


def test_a_previewed_update_of_a_recorded_only_input_is_known_entirely(plugin: World) -> None:
    write(plugin, program("first"))
    plugin.stack.up()
    before = plugin.stack.outputs()

    write(plugin, program("first", timeout=1200))
    since = plugin.last_seq()
    planned, known = preview(plugin)
    assert plugin.emu.requests(since) == []
    assert {name: s["op"] for name, s in planned.items()} == {"job": "update"}
    assert planned["job"]["diffReasons"] == ["timeoutSeconds"]
    # Recorded only: the job's outputs stay known, with the new timeout.
    assert known["jobId"] == before["jobId"]
    assert (known["jobStatus"], float(known["timeoutSeconds"])) == ("SUCCESS", 1200)
    assert float(known["version"]) == before["version"]  # the package is the same

    since = plugin.last_seq()
    assert plugin.stack.up().summary == {"update": 1, "same": 3}
    assert plugin.writes(since) == []
