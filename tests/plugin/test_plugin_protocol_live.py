"""The plugin during an operation, through the CLI: progress lines attached to the resource
(the engine's log with its URN, not the Stack's stderr), and the engine's Cancel (Ctrl-C)
ending a wait at once, the unfinished publication recorded for the next `up`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox_provider.testing import World

from .test_plugin_lifecycle import GOLD, plugin_world, write

pytestmark = pytest.mark.e2e

PROGRAM = f"""
    pkg = aep.Package("pkg", name="live", source_sandbox="dev", artifacts=[{GOLD!r}])
    pub = aep.PublishedPackage("pub", package_id=pkg.package_id, timeout_seconds=600)
    pulumi.export("status", pub.status)
"""


@pytest.fixture
def plugin(tmp_path: Path, pulumi_bin: str) -> Iterator[World]:
    yield from plugin_world(tmp_path, pulumi_bin)


def _urn(world: World, token: str, name: str) -> str:
    return f"urn:pulumi:{world.stack.name}::e2e::{token}::{name}"


def test_progress_lines_are_the_resources_own_in_the_engine_log(plugin: World) -> None:
    write(plugin, PROGRAM)
    res = plugin.stack.run("up", "--yes", "--skip-preview", "--json", "--stack", plugin.stack.name)
    events = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    diagnostics = [e["diagnosticEvent"] for e in events if "diagnosticEvent" in e]
    ours = [d for d in diagnostics if d["message"].startswith("aep: ")]
    pub_urn = _urn(plugin, "aep:index:PublishedPackage", "pub")
    by_pub = [d["message"].strip() for d in ours if d.get("urn") == pub_urn]
    # Each status change of the wait, in order, on the PublishedPackage itself.
    assert [m.rsplit(": ", 1)[-1] for m in by_pub] == ["PUBLISH_IN_PROGRESS", "PUBLISHED"], ours
    assert any(
        d.get("urn") == _urn(plugin, "aep:index:Package", "pkg") and "created" in d["message"]
        for d in ours
    ), ours
    # None is left without a resource (the dynamic provider's stderr lands on the Stack).
    assert all(d.get("urn") for d in ours), ours

    # The plain display shows them on the resource's row, not under the Stack.
    plugin.stack.destroy()
    res = plugin.stack.run("up", "--yes", "--skip-preview", "--stack", plugin.stack.name)
    rows = [line for line in res.stdout.splitlines() if "aep:index:PublishedPackage pub " in line]
    assert any(r.endswith("PUBLISH_IN_PROGRESS") and "creating" in r for r in rows), res.stdout


def _export_seen(world: World, since: int) -> bool:
    return any(r["path"].endswith("/export") for r in world.emu.requests(since))


def _up_process(world: World) -> subprocess.Popen[str]:
    args = ["--non-interactive", "up", "--yes", "--skip-preview", "--stack", world.stack.name]
    return subprocess.Popen(
        [world.stack.command.command, *args],
        cwd=world.project_dir,
        env=world.stack.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _resource(world: World, token: str) -> dict[str, Any]:
    (found,) = [r for r in world.state_resources() if r["type"] == token]
    return found


def test_ctrl_c_cancels_a_wait_at_once_and_the_next_up_finishes_it(plugin: World) -> None:
    plugin.emu.set_timing(mode="manual")  # the publication would wait its 600 s
    write(plugin, PROGRAM)
    since = plugin.last_seq()
    proc = _up_process(plugin)
    try:
        deadline = time.monotonic() + 120
        while not _export_seen(plugin, since):
            assert proc.poll() is None, proc.communicate()[0]
            assert time.monotonic() < deadline, "the publish never started"
            time.sleep(0.2)
        time.sleep(1.0)  # inside the wait's sleep between polls
        # One Ctrl-C to the CLI: the engine cancels, which it passes on to the provider.
        os.kill(proc.pid, signal.SIGINT)
        cancelled_at = time.monotonic()
        out, _ = proc.communicate(timeout=120)
        took = time.monotonic() - cancelled_at
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert "was cancelled while waiting (last status PUBLISH_IN_PROGRESS)" in out, out
    assert took < 10, f"the CLI took {took:.1f}s to stop after Ctrl-C:\n{out}"
    # The publication it had submitted is recorded, unfinished.
    pub = _resource(plugin, "aep:index:PublishedPackage")
    assert pub["outputs"]["status"] == "PUBLISH_IN_PROGRESS"
    assert pub.get("initErrors"), pub

    plugin.emu.set_timing(mode="auto", publishSeconds=0.05)
    plugin.emu.advance()
    plugin.stack.up()
    assert plugin.stack.outputs()["status"] == "PUBLISHED"
