"""The chaos tier on the `aep` plugin: the chaos program (26 resources) written with the
plugin's SDK, under the fault runs' injected refusals and under kills of the whole process
tree, converges as the dynamic resources do.

- faults: a few of test_faults' seeds (429/503 on exim, 503 on IMS, 4 s tokens); the first
  `up` passes, or a later one (faults still on) converges; then test_faults' audit, read the
  plugin's way (`aep:index:` types, camelCase outputs), and no resource left partial.
- kills: SIGKILL while publications wait and while imports and transfers run, then
  `sandbox-provider recover` and one `pulumi up` (test_recovery's `kill_then_recover`).
- `pulumi refresh --import-pending-creates URN ID` after such a kill: measured to import
  nothing (why `recover` does not use it; see its docstring).

The plugin shares the resources' core, so a pending create whose object exists is created
again and the create takes the object over, as for a dynamic resource.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from sandbox_provider.plugin.values import camel

from . import _kill, _program
from .conftest import World
from .test_faults import Run, audit, fault_run
from .test_recovery import (
    SOLO,
    kill_cli_alone,
    killed_while_imports_and_transfers_run,
    killed_while_publications_run,
    ok,
    recover,
)

pytestmark = pytest.mark.chaos

VENV_BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"
PLUGIN_TYPE_PREFIX = "aep:index:"
#: What `write_plugin_program` puts above the chaos program's body (the same names as the
#: dynamic resources', so the body is shared).
PLUGIN_HEADER = (
    "import pulumi\n"
    "from sandbox_provider.plugin.sdk import (\n"
    "    Handshake, ImportJob, Package, PublishedPackage, Transfer,\n"
    ")\n"
    "\n"
)
#: A few of test_faults' seeds: enough to see retries and reruns, inside the time budget.
SEEDS = [0, 1, 2]


def write_plugin_program(world: World, body: str | None = None) -> None:
    """The chaos program (or `body`) on the plugin; the engine finds `pulumi-resource-aep` on
    PATH."""
    exe = VENV_BIN / "pulumi-resource-aep"
    assert exe.exists(), f"{exe} is missing: run `.venv/bin/pip install -e . --no-deps`"
    world.stack.extra_env["PATH"] = str(VENV_BIN) + os.pathsep + world.stack.env()["PATH"]
    text = _program.program() if body is None else body
    (world.project_dir / "__main__.py").write_text(PLUGIN_HEADER + text)


def plugin_audit(world: World) -> list[str]:
    """test_faults' audit on the plugin's state, and no resource left partial (a create
    recorded unfinished that no later `up` finished)."""
    problems = audit(world, type_prefix=PLUGIN_TYPE_PREFIX, output_key=camel)
    resources = world.state_resources()
    partial = [r["urn"].rsplit("::", 1)[1] for r in resources if r.get("initErrors")]
    if partial:
        problems.append(f"resources left partial (initErrors): {partial}")
    dynamic = [r["urn"] for r in resources if r["type"].startswith("pulumi-python:dynamic")]
    if dynamic:
        problems.append(f"dynamic resources in a plugin program's state: {dynamic}")
    return problems


# -- faults ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def plugin_fault_runs(
    tmp_path_factory: pytest.TempPathFactory, pulumi_bin: str
) -> Iterator[dict[int, Run]]:
    tmp = tmp_path_factory.mktemp("plugin-faults")

    def one(seed: int) -> Run:
        return fault_run(tmp, pulumi_bin, seed, write=write_plugin_program, check=plugin_audit)

    with ThreadPoolExecutor(max_workers=len(SEEDS), thread_name_prefix="plugin-fault") as pool:
        runs = list(pool.map(one, SEEDS))
    passed = sum(r.first_up for r in runs)
    print(
        f"\nPLUGIN CHAOS FIRST-UP PASS RATE: {passed}/{len(runs)} runs passed their first "
        "`pulumi up` under faults"
    )
    yield {r.seed: r for r in runs}


@pytest.mark.timeout(600)
@pytest.mark.parametrize("seed", SEEDS)
def test_plugin_up_under_faults_converges_with_no_duplicate(
    plugin_fault_runs: dict[int, Run], seed: int, record_property: Any
) -> None:
    run = plugin_fault_runs[seed]
    record_property("first_up_passed", run.first_up)
    record_property("ups", run.ups)
    record_property("errors", run.errors)
    assert run.converged, "\n".join(run.problems)
    assert run.problems == [], "\n".join(run.problems)
    # The faults did reach the plugin's calls: retried, not absent.
    assert run.faults > 0, run


# -- kills -------------------------------------------------------------------------------------
#: What makes a kill scenario of test_recovery run on the plugin.
PLUGIN = {"write": write_plugin_program, "check": plugin_audit}


@pytest.mark.timeout(600)
def test_plugin_killed_while_publications_run(world: World) -> None:
    killed_while_publications_run(world, **PLUGIN)


@pytest.mark.timeout(600)
def test_plugin_killed_while_imports_and_transfers_run(world: World) -> None:
    killed_while_imports_and_transfers_run(world, **PLUGIN)


@pytest.mark.timeout(300)
def test_plugin_a_kill_of_the_cli_alone_leaves_plugins_that_recover_ends(world: World) -> None:
    # The plugin installed in a virtualenv runs as `python .../bin/pulumi-resource-aep`.
    write_plugin_program(world, SOLO)
    kill_cli_alone(world, provider="pulumi-resource-aep")


@pytest.mark.timeout(600)
def test_import_pending_creates_does_not_import_a_plugin_resource(world: World) -> None:
    """Measured (engine 3.259.0): `pulumi refresh --import-pending-creates URN ID` turns the
    pending create into a pending import that nothing then runs; the refresh drops it, the
    resource is not in the state, and the plugin is never asked to Read it. So `recover` does
    not use it: the next `up` creates the resource again and the create takes the job over."""
    write_plugin_program(world)
    since = world.last_seq()
    world.emu.set_timing(mode="auto", publishSeconds=0.05, jobSeconds=60, transferSeconds=60)
    upd = _kill.start_update(world.stack)
    try:
        upd.wait_until(
            _kill.requests_where(
                world.emu,
                lambda r: (
                    r["method"] == "POST" and r["path"].endswith("/packages/import") and ok(r)
                ),
                n=2,
                since=since,
            ),
            timeout=240,
        )
    finally:
        report = upd.kill()
    assert report.survivors == [] and report.returncode == -9, report
    world.emu.set_timing(mode="manual")
    world.emu.advance(10)
    world.emu.set_timing(mode="auto", publishSeconds=0.05, jobSeconds=0.05, transferSeconds=0.05)
    _kill.cancel(world.stack)

    jobs = {j["name"]: j["id"] for j in world.import_jobs()}
    pending = {p["resource"]["urn"] for p in _kill.pending_operations(world.stack)}
    named = {
        urn: jobs[_program.job_name(key)]
        for urn in pending
        for key in _program.IMPORTED
        if urn.endswith(f"::{key}-to-prod") and _program.job_name(key) in jobs
    }
    assert len(named) >= 2, (pending, jobs)
    args = [
        a
        for urn, job_id in named.items()
        for a in ("--import-pending-creates", urn, "--import-pending-creates", job_id)
    ]
    refreshed = world.stack.run(
        "refresh", "--yes", "--skip-preview", "--stack", world.stack.name, *args
    )
    left = {p["resource"]["urn"] for p in _kill.pending_operations(world.stack)}
    assert left == pending - set(named)
    assert not set(named) & {r["urn"] for r in world.state_resources()}
    # Nothing reads the jobs: the engine never asks the plugin about them.
    assert "aep:index:ImportJob" not in refreshed.stdout, refreshed.stdout

    # The documented recovery clears the rest; the next up takes each submitted job over.
    out = recover(world)
    assert ("pending creating" in out) == bool(left), out
    up = world.stack.up()
    assert up.stdout.count("taking it over") >= len(named), up.stdout[-3000:]
    problems = plugin_audit(world)
    assert problems == [], "\n".join(problems)
