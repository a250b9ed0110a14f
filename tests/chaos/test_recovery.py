"""A `pulumi up` killed at any moment, then the documented recovery (`sandbox-provider
recover`, then `pulumi up`): 0 duplicate packages, 0 duplicate import jobs, 0 objects the
state doesn't know, no pending operation left, and a no-change preview.

The program is the chaos program (26 resources: packages with dependencies, publications,
imports into prod, a handshake, a share and a public pull). The kill takes the CLI's process
group and its plugins' groups (see `_kill`). Three moments:

1. while packages are being created: some POSTs have landed, and the dependency step after
   them is held back (latency on the children endpoint), so half-made packages are left;
2. while publications run: publish calls landed, the packages still PUBLISH_IN_PROGRESS;
3. while imports and transfers run: import jobs submitted and still running;
4. while an import's submit is in flight (the POST sent, its answer not back): the platform
   takes it after the CLI is gone, and the next `up` takes that job over.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from . import _kill
from .conftest import World
from .test_faults import audit, write_chaos_program

pytestmark = pytest.mark.chaos

RECOVER = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "sandbox-provider")


def ok(r: dict[str, Any]) -> bool:
    return 200 <= int(r["status"]) < 300


def recover(w: World) -> str:
    """The first recovery command, run as a user would in the project directory."""
    cp = subprocess.run(
        [RECOVER, "recover", "--stack", w.stack.name, "--pulumi", w.stack.pulumi],
        cwd=w.project_dir,
        env=w.stack.env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cp.returncode == 0, cp.stdout + cp.stderr
    return cp.stdout


def kill_then_recover(
    w: World,
    moment: Callable[[], bool],
    after_kill: Callable[[], None],
    *,
    write: Callable[[World], None] = write_chaos_program,
    check: Callable[[World], list[str]] = audit,
) -> str:
    """Kill the chaos program's `up` at `moment`, then recover and `up`; returns that up's
    output. `write` puts the program in place, `check` audits the end (see test_faults)."""
    write(w)
    upd = _kill.start_update(w.stack)
    try:
        upd.wait_until(moment, timeout=240)
    finally:
        report = upd.kill()
    assert report.survivors == [] and report.zombies == [], report
    assert report.returncode == -9, "the update ended before the kill:\n" + report.stdout
    # No `pulumi stack export` before the recovery: a kill during a checkpoint write can leave
    # the stack unloadable until `recover` repairs it (that is part of what is tested).
    after_kill()
    out = recover(w)
    assert "pending creating" in out and "now run `pulumi up`" in out, out
    assert _kill.pending_operations(w.stack) == []
    up = w.stack.up(check=False)
    assert up.code == 0, up.stdout[-4000:] + up.stderr[-2000:]
    assert "pending operations" not in up.stdout + up.stderr
    problems = check(w)
    assert problems == [], "\n".join(problems)
    return up.stdout


@pytest.mark.timeout(600)
def test_killed_while_packages_are_created(world: World) -> None:
    since = world.last_seq()
    # Hold every dependency look-up back, so the kill lands between a package's two writes.
    world.emu.set_faults([{"path": r"/children$", "method": "POST", "latencyMs": 4000}])
    posts = _kill.requests_where(
        world.emu,
        lambda r: r["method"] == "POST" and r["path"].endswith("/packages") and ok(r),
        n=4,
        since=since,
    )
    out = kill_then_recover(world, posts, world.emu.clear_faults)
    # At least one package was made by the killed run and finished by the next one.
    assert "taking it over" in out, out[-3000:]


def killed_while_publications_run(world: World, **flavour: Any) -> None:
    """The scenario, for the dynamic resources (no `flavour`) and the plugin's
    (`write=`/`check=` of kill_then_recover)."""
    since = world.last_seq()
    # Publications that don't finish until the test says so.
    world.emu.set_timing(mode="manual")
    exports = _kill.requests_where(
        world.emu,
        lambda r: r["method"] == "GET" and r["path"].endswith("/export") and ok(r),
        n=3,
        since=since,
    )

    def resume() -> None:
        world.emu.advance(5)
        world.emu.set_timing(mode="auto", publishSeconds=0.05, jobSeconds=0.05)

    out = kill_then_recover(world, exports, resume, **flavour)
    assert "is already published" in out or "PUBLISH_IN_PROGRESS" in out, out[-3000:]


def killed_while_imports_and_transfers_run(world: World, **flavour: Any) -> None:
    """The scenario, for either flavour (as above)."""
    since = world.last_seq()
    # Imports and transfers take long enough for the kill to find them running.
    world.emu.set_timing(mode="auto", publishSeconds=0.05, jobSeconds=60, transferSeconds=60)
    imports = _kill.requests_where(
        world.emu,
        lambda r: r["method"] == "POST" and r["path"].endswith("/packages/import") and ok(r),
        n=2,
        since=since,
    )

    def finish() -> None:
        # What was submitted goes on on the platform; let it end while nobody watches.
        world.emu.set_timing(mode="manual")
        world.emu.advance(10)
        world.emu.set_timing(
            mode="auto", publishSeconds=0.05, jobSeconds=0.05, transferSeconds=0.05
        )

    out = kill_then_recover(world, imports, finish, **flavour)
    assert "taking it over" in out, out[-3000:]


@pytest.mark.timeout(600)
def test_killed_while_publications_run(world: World) -> None:
    killed_while_publications_run(world)


@pytest.mark.timeout(600)
def test_killed_while_imports_and_transfers_run(world: World) -> None:
    killed_while_imports_and_transfers_run(world)


@pytest.mark.timeout(300)
def test_a_checkpoint_sidecar_emptied_by_a_kill_is_repaired(world: World) -> None:
    world.write_program(
        """
        Package("one", name="attrs-one", source_sandbox="dev",
                artifacts=[{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}])
        """
    )
    world.stack.up()
    # What a kill during the file backend's write of the checkpoint's sidecar leaves.
    [attrs] = (world.stack.state_dir / ".pulumi" / "stacks").rglob("chaos.json.attrs")
    attrs.write_bytes(b"")
    broken = world.stack.run("stack", "export", "--stack", "chaos", check=False)
    assert broken.code != 0 and "failed to load checkpoint: EOF" in broken.stderr
    out = recover(world)
    assert f"removed {attrs}" in out, out
    world.stack.preview(expect_no_changes=True)
    assert [p["name"] for p in world.packages()] == ["attrs-one"]


SUBMIT_PROGRAM = """
    pkg = Package("gold", name="kill-submit", source_sandbox="dev",
                  artifacts=[{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}])
    pub = PublishedPackage("gold-pub", package_id=pkg.package_id)
    ImportJob("to-prod", package_id=pub.package_id, target_sandbox="prod",
              name="kill-submit-to-prod", conflict_policy="create_new")
"""


def one_import_known_to_the_state(w: World) -> list[str]:
    jobs = w.import_jobs()
    state = [
        (r.get("outputs") or {}).get("job_id")
        for r in w.state_resources()
        if r.get("type", "").endswith("aep:ImportJob")
    ]
    problems = []
    if [j["name"] for j in jobs] != ["kill-submit-to-prod"]:
        problems.append(f"import jobs on the platform: {[(j['name'], j['id']) for j in jobs]}")
    if [j["id"] for j in jobs] != state:
        problems.append(f"jobs {[j['id'] for j in jobs]} != the state's {state}")
    return problems


@pytest.mark.timeout(300)
def test_killed_while_an_import_submit_is_in_flight(world: World) -> None:
    since = world.last_seq()
    world.emu.set_timing(mode="auto", publishSeconds=0.05, jobSeconds=0.05)
    # The submit is held 6 s on the server (which still handles it once its body is in).
    world.emu.set_faults(
        [{"path": r"/packages/import$", "method": "POST", "status": None, "latencyMs": 6000}]
    )
    conflicts_read = _kill.requests_where(
        world.emu,
        lambda r: r["method"] == "GET" and r["path"].endswith("/import") and ok(r),
        since=since,
    )
    seen_at: list[float] = []

    def in_flight() -> bool:
        # The conflicts are read just before the submit: a moment later it is on the wire.
        if not seen_at and conflicts_read():
            seen_at.append(time.monotonic())
        return bool(seen_at) and time.monotonic() - seen_at[0] > 2.0

    def landed() -> None:
        submitted = _kill.requests_where(
            world.emu,
            lambda r: r["method"] == "POST" and r["path"].endswith("/packages/import") and ok(r),
            since=since,
        )
        deadline = time.monotonic() + 30
        while not submitted() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert submitted(), "\n".join(
            f"{r['method']} {r['path']} {r['status']}" for r in world.emu.requests(since)
        )
        world.emu.clear_faults()

    out = kill_then_recover(
        world,
        in_flight,
        landed,
        write=lambda w: w.write_program(SUBMIT_PROGRAM),
        check=one_import_known_to_the_state,
    )
    assert "taking it over" in out or "is already" in out, out[-3000:]
    posts = [
        r
        for r in world.emu.requests(since)
        if r["method"] == "POST" and r["path"].endswith("/packages/import")
    ]
    assert len(posts) == 1, posts


#: A package and its publication, which the kills below stop while it waits.
SOLO = """
pkg = Package("solo", name="kill-cli-only", source_sandbox="dev",
              artifacts=[{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}])
PublishedPackage("solo-pub", package_id=pkg.package_id)
"""


@pytest.mark.timeout(300)
def test_a_kill_of_the_cli_alone_leaves_plugins_that_recover_ends(world: World) -> None:
    world.write_program(SOLO)
    kill_cli_alone(world, provider="pulumi-resource-pulumi-python")


def kill_cli_alone(world: World, *, provider: str) -> None:
    """`kill -9` of the CLI's process group (a CI runner stopping the job's group) leaves the
    language host and the provider plugin (`provider`, as `recover` names it) running in
    their own groups; `recover` ends them and names each, and the next `up` converges."""
    world.emu.set_timing(mode="manual")  # the publication waits until the test says so
    since = world.last_seq()
    upd = _kill.start_update(world.stack)
    try:
        upd.wait_until(
            _kill.requests_where(world.emu, lambda r: r["path"].endswith("/export"), since=since)
        )
        plugins = upd.scan() - {upd.pid}
        os.killpg(upd.pid, signal.SIGKILL)  # the CLI's group only, as a runner would
        upd.proc.wait(timeout=30)
        time.sleep(1)
        left = upd.scan()
        # The engine started them in groups of their own: they outlive the CLI.
        assert left and left <= plugins, (left, plugins)
        world.emu.set_timing(mode="auto")
        out = recover(world)
        ended = {line for line in out.splitlines() if line.startswith("ended ")}
        assert any("pulumi-language-python" in line for line in ended), out
        assert any(provider in line for line in ended), out
        deadline = time.monotonic() + 15
        while upd.scan() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert upd.scan() == set(), out
    finally:
        report = upd.kill()
    assert report.survivors == [], report
    up = world.stack.up(check=False)
    assert up.code == 0, up.stdout[-4000:] + up.stderr[-2000:]
    assert [p["name"] for p in world.packages()] == ["kill-cli-only"]
    world.stack.preview(expect_no_changes=True)
