"""A team's set-up: the state in an S3 bucket (moto on 127.0.0.1), two checkouts, one stack.

The diy backend of pulumi 3.259.0 locks a stack for every `up`, `refresh`, `destroy`,
`import` and stack removal, unconditionally: `pkg/backend/diy/lock.go` has no switch (the
old `PULUMI_SELF_MANAGED_STATE_LOCKING` opt-in is gone) and writes
`.pulumi/locks/<org>/<project>/<stack>/<uuid>.json`, checking for other locks before and
after. `preview` takes no lock.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from chaos import _kill  # the project's one way to kill a `pulumi up`, plugins included
from support.engine import E2E, PROJECT_YAML, VENV
from support.s3_backend import MotoS3, S3Stack, wait_for

from sandbox_provider.testing import EmulatorProcess, configure_for_emulator

pytestmark = pytest.mark.e2e

BUCKET = "team-pulumi-state"
STACK = "e2e"
CHECKPOINT = f".pulumi/stacks/e2e/{STACK}.json"
LOCKS = ".pulumi/locks/"
HISTORY = f".pulumi/history/e2e/{STACK}/"
# The diy backend's own words when another process holds the stack (lock.go).
LOCKED = "the stack is currently locked by 1 lock(s)"
RECOVER = str(VENV / "bin" / "sandbox-provider")

PROGRAM = """
    pkg = Package(
        "pkg",
        name="team-pkg",
        description="shared by two pipelines",
        source_sandbox="dev",
        artifacts=[{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}],
    )
    pub = PublishedPackage("pub", package_id=pkg.package_id)
    pulumi.export("packageId", pkg.package_id)
    pulumi.export("status", pub.status)
"""


@pytest.fixture
def s3(tmp_path: Path) -> Iterator[MotoS3]:
    server = MotoS3.start(tmp_path / "moto.log")
    try:
        server.create_bucket(BUCKET)
        yield server
    finally:
        server.stop()


def first_checkout(tmp: Path, s3: MotoS3, emu: EmulatorProcess, pulumi_bin: str) -> E2E:
    """A project directory whose stack is created on the S3 backend and set up for `emu`."""
    project = tmp / "checkout-a"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(PROJECT_YAML.format(venv=VENV))
    stack = S3Stack(
        project_dir=project,
        state_dir=tmp / "home-a",
        name=STACK,
        pulumi=pulumi_bin,
        backend=s3.backend_url(BUCKET),
    )
    stack.init()
    orgs = {"acme": emu.org("acme"), "partner": emu.org("partner")}
    configure_for_emulator(stack, emu.url, orgs)
    world = E2E(emu=emu, stack=stack, project_dir=project)
    world.write_program(PROGRAM)
    return world


def second_checkout(tmp: Path, first: E2E) -> E2E:
    """Another clone of the same project (as a second CI runner has): the same files, its
    own PULUMI_HOME, the same backend and stack."""
    project = tmp / "checkout-b"
    shutil.copytree(first.project_dir, project, ignore=shutil.ignore_patterns("__pycache__"))
    assert isinstance(first.stack, S3Stack)
    stack = S3Stack(
        project_dir=project,
        state_dir=tmp / "home-b",
        name=STACK,
        pulumi=first.stack.pulumi,
        backend=first.stack.backend,
    )
    return E2E(emu=first.emu, stack=stack, project_dir=project)


def state_resources(world: E2E, type_suffix: str) -> list[dict[str, Any]]:
    resources = world.stack.export_state()["deployment"].get("resources") or []
    return [r for r in resources if r["type"].endswith(type_suffix)]


def test_a_stack_on_an_s3_backend_keeps_its_state_in_the_bucket(
    tmp_path: Path, s3: MotoS3, fresh_emulator: EmulatorProcess, pulumi_bin: str
) -> None:
    world = first_checkout(tmp_path, s3, fresh_emulator, pulumi_bin)
    world.stack.up()
    (pkg,) = world.packages()
    assert world.stack.outputs() == {"packageId": pkg["id"], "status": "PUBLISHED"}

    keys = s3.keys(BUCKET)
    assert CHECKPOINT in keys, keys
    assert [k for k in keys if k.startswith(LOCKS)] == [], "the update left its lock behind"
    checkpoint = json.loads(s3.read(BUCKET, CHECKPOINT))
    recorded = [
        r["id"]
        for r in checkpoint["checkpoint"]["latest"]["resources"]
        if r["type"].endswith(":Package")
    ]
    assert recorded == [pkg["id"]]
    # The config secrets reach the bucket only encrypted by the stack's passphrase.
    blobs = b"".join(s3.read(BUCKET, k) for k in keys)
    for org in ("acme", "partner"):
        assert fresh_emulator.org(org)["clientSecret"].encode() not in blobs

    # A backend URL in the AWS SDK v1 spelling (disableSSL, s3ForcePathStyle, an endpoint
    # without its scheme) still reaches the same bucket: the CLI translates it.
    legacy = S3Stack(
        project_dir=world.project_dir,
        state_dir=tmp_path / "home-legacy",
        name=STACK,
        pulumi=pulumi_bin,
        backend=s3.legacy_backend_url(BUCKET),
    )
    listed = json.loads(legacy.run("stack", "ls", "--json").stdout)
    assert [s["name"] for s in listed] == [STACK], listed

    # A second checkout (another runner) sees the same stack: nothing to do, no API call.
    other = second_checkout(tmp_path, world)
    since = world.last_seq()
    other.stack.preview(expect_no_changes=True)
    assert fresh_emulator.requests(since) == []

    world.stack.destroy()
    assert world.packages() == []
    checkpoint = json.loads(s3.read(BUCKET, CHECKPOINT))
    assert not checkpoint["checkpoint"]["latest"].get("resources")
    assert [k for k in s3.keys(BUCKET) if k.startswith(LOCKS)] == []


@contextmanager
def background_up(world: E2E, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`pulumi up` of `world`'s stack, running while the block runs. On the way out it is
    given time to finish; one still running is interrupted, then killed, by its pid."""
    stack = world.stack
    cmd = [stack.pulumi, "up", "--yes", "--skip-preview", "--stack", stack.name]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*cmd, "--non-interactive"],
            cwd=stack.project_dir,
            env=stack.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield proc
    finally:
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            # SIGINT: the CLI cancels and ends its plugins itself.
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)


def test_two_concurrent_ups_one_is_refused_by_the_lock_and_nothing_is_lost(
    tmp_path: Path, s3: MotoS3, fresh_emulator: EmulatorProcess, pulumi_bin: str
) -> None:
    emu = fresh_emulator
    first = first_checkout(tmp_path, s3, emu, pulumi_bin)
    second = second_checkout(tmp_path, first)
    # Nothing asynchronous moves until the test says so: the first update creates the
    # package, asks for the publication, then waits for it holding the stack's lock.
    emu.set_timing(mode="manual")
    log = tmp_path / "first-up.log"

    def first_is_waiting_for_the_publication() -> bool:
        assert proc.poll() is None, "the first up ended early:\n" + log.read_text()
        holds_lock = any(k.startswith(LOCKS) for k in s3.keys(BUCKET))
        published = any(r["path"].endswith("/export") for r in emu.requests())
        return holds_lock and published

    try:
        with background_up(first, log) as proc:
            wait_for(first_is_waiting_for_the_publication, 120, "the first up to hold the lock")
            (lock,) = [k for k in s3.keys(BUCKET) if k.startswith(LOCKS)]
            since = first.last_seq()

            res = second.stack.up(check=False, timeout=180)
            output = res.stdout + res.stderr
            assert res.code != 0, output
            assert LOCKED in output, output
            assert "pulumi cancel" in output, output
            # It names the holder: the first run's lock object and the CLI's pid.
            assert lock in output and f"(pid {proc.pid})" in output, output
            # Refused before its program ran: no write of its own, the first's lock intact.
            assert first.writes(since) == []
            assert [k for k in s3.keys(BUCKET) if k.startswith(LOCKS)] == [lock]
            assert proc.poll() is None, "the refused up disturbed the running one"

            emu.set_timing(mode="auto", publishSeconds=0.05)
            emu.advance()
            assert proc.wait(timeout=120) == 0, log.read_text()
    finally:
        # Whatever failed above, let the first update finish rather than hang on the clock.
        emu.set_timing(mode="auto", publishSeconds=0.05)

    # The refused pipeline runs again and finds nothing to do; so does the first.
    since = first.last_seq()
    second.stack.preview(expect_no_changes=True)
    second.stack.up(expect_no_changes=True)
    first.stack.preview(expect_no_changes=True)
    assert first.writes(since) == []

    # The platform holds exactly what the state knows: one package, published, once.
    (pkg,) = first.packages()
    assert pkg["status"] == "PUBLISHED"
    assert [r["id"] for r in state_resources(first, ":Package")] == [pkg["id"]]
    assert [r["outputs"]["package_id"] for r in state_resources(first, ":PublishedPackage")] == [
        pkg["id"]
    ]
    assert [k for k in s3.keys(BUCKET) if k.startswith(LOCKS)] == []
    # The backend's history: the first update, succeeded, then the no-change one; the
    # refused run left no entry.
    histories = [k for k in s3.keys(BUCKET, HISTORY) if k.endswith(".history.json")]
    results = [json.loads(s3.read(BUCKET, k))["result"] for k in histories]
    assert results == ["succeeded", "succeeded"], results


def test_a_run_killed_holding_the_lock_is_recovered_from_another_checkout(
    tmp_path: Path, s3: MotoS3, fresh_emulator: EmulatorProcess, pulumi_bin: str
) -> None:
    emu = fresh_emulator
    first = first_checkout(tmp_path, s3, emu, pulumi_bin)
    second = second_checkout(tmp_path, first)
    emu.set_timing(mode="manual")

    def holds_lock_and_waits_for_the_publication() -> bool:
        holds_lock = any(k.startswith(LOCKS) for k in s3.keys(BUCKET))
        return holds_lock and any(r["path"].endswith("/export") for r in emu.requests())

    # A lost runner: the first pipeline's update killed, plugins and all, mid-publication.
    upd = _kill.start_update(first.stack, log_dir=tmp_path / "killed")
    try:
        upd.wait_until(holds_lock_and_waits_for_the_publication, timeout=120)
    finally:
        report = upd.kill()
    assert report.survivors == [] and report.zombies == [], report
    assert report.returncode == -9, "the update ended before the kill:\n" + report.stdout
    emu.set_timing(mode="auto", publishSeconds=0.05)

    # Its lock outlives it in the bucket: every other pipeline is refused ...
    refused = second.stack.up(check=False)
    assert refused.code != 0 and LOCKED in refused.stdout + refused.stderr

    # ... until `recover` runs, from any checkout with the same backend and credentials.
    cp = subprocess.run(
        [RECOVER, "recover", "--stack", STACK, "--pulumi", pulumi_bin],
        cwd=second.project_dir,
        env=second.stack.env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cp.returncode == 0, cp.stdout + cp.stderr
    assert "pending creating" in cp.stdout, cp.stdout
    assert [k for k in s3.keys(BUCKET) if k.startswith(LOCKS)] == []
    assert _kill.pending_operations(second.stack) == []

    # One `up` converges: it takes the killed run's package and publication over.
    second.stack.up()
    first.stack.preview(expect_no_changes=True)
    (pkg,) = first.packages()
    assert pkg["status"] == "PUBLISHED"
    assert [r["id"] for r in state_resources(first, ":Package")] == [pkg["id"]]
