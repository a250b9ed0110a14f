"""Moving a stack from the dynamic resources to the `aep` plugin, exactly as docs/migration.md
says: `sandbox-provider migrate` writes the import file from the stack's state, the commands it
prints move the resources in the state, the program changes its import line and resource
calls, and then nothing changes: no API write anywhere in the move, a no-change preview, the
platform still holding one of each.

And why the move needs more than `pulumi import NAME ID`: the plugin's Read rebuilds inputs
from the platform, which holds neither `include_dependencies` nor an ImportJob's
`conflict_policy`, so the same program plans replacements (pinned here, so that
docs/migration.md can be simplified the day it stops being true)."""

from __future__ import annotations

import json
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.engine import VENV, e2e_world

from sandbox_provider.testing import World

from .test_plugin_lifecycle import PLUGIN_HEADER, on_plugin

pytestmark = pytest.mark.e2e

GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
HIGH = {"id": "acme-seg-highvalue", "type": "PROFILE_SEGMENT"}

#: The demo's shape on both: `{P}` is "" (dynamic: names imported) or "aep." (the plugin's SDK).
BODY = """
pkg = {P}Package(
    "dev-audiences",
    name="dev-audiences",
    source_sandbox="dev",
    artifacts=[{gold!r}, {high!r}],
    include_dependencies=True,
)
pub = {P}PublishedPackage("dev-audiences-published", package_id=pkg.package_id)
job = {P}ImportJob(
    "to-prod", package_id=pub.package_id, target_sandbox="prod", conflict_policy="use_existing"
)
link = {P}Handshake(
    "partner-link", target_org_id={partner!r}, source_org_name="acme", approve_as="partner"
)
share = {P}Transfer(
    "to-partner",
    package_id=pub.package_id,
    target_org_id={partner!r},
    opts=pulumi.ResourceOptions(depends_on=[link]),
)
pulumi.export("packageId", pkg.package_id)
pulumi.export("jobId", job.job_id)
pulumi.export("transferStatus", share.status)
"""
TOKENS = ["Package", "PublishedPackage", "ImportJob", "Handshake", "Transfer"]


@pytest.fixture
def world(tmp_path: Path, pulumi_bin: str) -> Iterator[World]:
    with e2e_world(tmp_path, pulumi_bin) as w:
        yield w


def body(world: World, prefix: str) -> str:
    partner = world.orgs["partner"]["imsOrgId"]
    return BODY.format(P=prefix, gold=GOLD, high=HIGH, partner=partner)


def on_dynamic(world: World) -> dict[str, Any]:
    world.write_program(body(world, ""))
    world.stack.up()
    dynamic = sorted(r["type"] for r in world.state_resources() if "dynamic/aep:" in r["type"])
    assert dynamic == sorted(f"pulumi-python:dynamic/aep:{t}" for t in TOKENS)
    return world.stack.outputs()


def migrate(world: World) -> subprocess.CompletedProcess[str]:
    """`sandbox-provider migrate --stack S`, run as a user runs it in the project directory."""
    return subprocess.run(
        [str(VENV / "bin" / "sandbox-provider"), "migrate", "--stack", world.stack.name],
        cwd=world.project_dir,
        env={**world.stack.env(), "PULUMI_BIN": world.stack.command.command},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_printed(world: World, line: str) -> None:
    args = shlex.split(line)
    assert args[0] == "pulumi", line
    world.stack.run(*args[1:])


def one_of_each(world: World, before: dict[str, Any]) -> None:
    """The platform holds what the dynamic stack made, once: no copy made by the move."""
    (pkg,) = [p for p in world.packages() if p["name"] == "dev-audiences"]
    assert pkg["id"] == before["packageId"] and pkg["status"] == "PUBLISHED"
    imports = world.import_jobs()
    assert [j["id"] for j in imports] == [before["jobId"]]
    partner = world.orgs["partner"]["imsOrgId"]
    links = [h for h in world.list_all("acme", "/handshake/list") if h["targetIMSOrgId"] == partner]
    assert [h["status"] for h in links] == ["APPROVED"], links
    shared = [t for t in world.transfers() if t.get("packageId") == pkg["id"]]
    assert len(shared) == 1, shared


def test_the_documented_move_writes_nothing_and_changes_nothing(world: World) -> None:
    before = on_dynamic(world)
    since = world.last_seq()

    # 1. The import file, from the stack's state; the commands to run, in order.
    proc = migrate(world)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    spec = json.loads((world.project_dir / "migrate.json").read_text())
    assert sorted(r["type"] for r in spec["resources"]) == sorted(f"aep:index:{t}" for t in TOKENS)
    (job,) = [r for r in spec["resources"] if r["type"] == "aep:index:ImportJob"]
    # The inputs the platform can't give back travel in the file.
    assert job["inputs"]["conflictPolicy"] == "use_existing"
    assert "__provider" not in job["inputs"] and "__provider" not in job["outputs"]
    commands = [line.strip() for line in proc.stdout.splitlines() if line.startswith("  pulumi ")]
    assert [c.split()[1] for c in commands] == ["state", "import", "preview"], proc.stdout

    # 2. The dynamic resources (and their provider) leave the state; the platform keeps them.
    delete, import_, preview = commands
    run_printed(world, delete)
    assert not [r for r in world.state_resources() if "pulumi-python" in r["type"]]

    # 3. The program on the plugin's SDK: its import line and `aep.` before each resource.
    (world.project_dir / "__main__.py").write_text(PLUGIN_HEADER + body(world, "aep."))

    # 4. The file is imported through the plugin: recorded as they were, Read skipped.
    on_plugin(world)
    run_printed(world, import_)
    by_type = {r["type"]: r for r in world.state_resources()}
    pkg = by_type["aep:index:Package"]
    assert pkg["id"] == before["packageId"]
    assert pkg["inputs"]["includeDependencies"] is True
    assert pkg["inputs"]["artifacts"] == [GOLD, HIGH]
    assert not pkg.get("protect")

    # 5. Nothing to change, with the platform read back or not.
    run_printed(world, preview)
    world.stack.up(expect_no_changes=True)
    world.stack.preview(expect_no_changes=True, refresh=True)
    assert world.stack.outputs() == before
    assert world.writes(since) == []
    one_of_each(world, before)

    # The stack is the plugin's now: its provider, none of the dynamic one.
    types = {r["type"] for r in world.state_resources()}
    assert "pulumi:providers:aep" in types and "pulumi:providers:pulumi-python" not in types


def test_a_plain_import_by_id_would_plan_replacements(world: World) -> None:
    before = on_dynamic(world)
    proc = migrate(world)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    delete = next(line.strip() for line in proc.stdout.splitlines() if "state delete" in line)
    run_printed(world, delete)
    on_plugin(world)
    spec = json.loads((world.project_dir / "migrate.json").read_text())
    # The same resources by id alone: what `pulumi import aep:index:<T> NAME ID` records.
    bare = {"resources": [{k: r[k] for k in ("type", "name", "id")} for r in spec["resources"]]}
    (world.project_dir / "bare.json").write_text(json.dumps(bare))
    since = world.last_seq()
    world.stack.run(
        "import",
        "--file",
        "bare.json",
        "--protect=false",
        "--generate-code=false",
        "--yes",
        "--stack",
        world.stack.name,
    )
    (world.project_dir / "__main__.py").write_text(PLUGIN_HEADER + body(world, "aep."))
    res = world.stack.run("preview", "--json", "--stack", world.stack.name)
    steps = {s["urn"].rsplit("::", 1)[-1]: s["op"] for s in json.loads(res.stdout)["steps"]}
    assert steps["dev-audiences"] == "replace", steps
    assert steps["to-prod"] == "replace", steps
    assert world.writes(since) == []
    one_of_each(world, before)
