"""What only a real provider can do, through the CLI: a create that made its object but did not
finish records it (the engine's partial state), and the next `up` finishes it; the engine's
custom timeouts bound the waits."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox_provider.testing import World

from .test_plugin_lifecycle import GOLD, plugin_world, write
from .test_plugin_protocol_live import _up_process

pytestmark = pytest.mark.e2e

PUB = "aep:index:PublishedPackage"


@pytest.fixture
def plugin(tmp_path: Path, pulumi_bin: str) -> Iterator[World]:
    yield from plugin_world(tmp_path, pulumi_bin)


def _program(pub_options: str = "", timeout_seconds: float | None = 2) -> str:
    args = f", timeout_seconds={timeout_seconds}" if timeout_seconds is not None else ""
    return f"""
    pkg = aep.Package("pkg", name="partial", source_sandbox="dev", artifacts=[{GOLD!r}])
    pub = aep.PublishedPackage("pub", package_id=pkg.package_id{args}{pub_options})
    pulumi.export("status", pub.status)
    """


def _resource(world: World, token: str) -> dict[str, Any]:
    (found,) = [r for r in world.state_resources() if r["type"] == token]
    return found


def _publishes(world: World, since: int) -> list[dict[str, Any]]:
    # Publishing is a GET that changes state (`GET /packages/{id}/export`).
    return [r for r in world.emu.requests(since) if r["path"].endswith("/export")]


def test_a_timed_out_publish_is_recorded_and_the_next_up_finishes_it(plugin: World) -> None:
    plugin.emu.set_timing(mode="manual")  # publishing stays PUBLISH_IN_PROGRESS
    write(plugin, _program())
    since = plugin.last_seq()
    res = plugin.stack.up(check=False)
    out = res.stdout + res.stderr
    assert res.code != 0
    assert "did not finish within 2s (last status PUBLISH_IN_PROGRESS)" in out, out
    # The engine kept the publication it was told of: the id, the outputs and the reason.
    (pkg,) = plugin.packages()
    pub = _resource(plugin, PUB)
    assert pub["id"] == pkg["id"]
    assert pub["outputs"]["status"] == "PUBLISH_IN_PROGRESS"
    assert any("did not finish within 2s" in r for r in pub.get("initErrors", [])), pub
    assert len(_publishes(plugin, since)) == 1

    # The platform finishes; the next up calls Update on the partial resource, which waits
    # for the publication it started instead of publishing again.
    plugin.emu.set_timing(mode="auto", publishSeconds=0.05)
    plugin.emu.advance()
    since = plugin.last_seq()
    res = plugin.stack.up()
    assert res.summary.get("update") == 1, res.stdout
    assert plugin.stack.outputs()["status"] == "PUBLISHED"
    pub = _resource(plugin, PUB)
    assert not pub.get("initErrors"), pub
    assert pub["outputs"]["status"] == "PUBLISHED"
    assert _publishes(plugin, since) == []
    assert plugin.stack.preview().summary.get("update", 0) == 0


def test_an_unfinished_update_stays_partial_until_one_finishes(plugin: World) -> None:
    plugin.emu.set_timing(mode="manual")
    write(plugin, _program())
    assert plugin.stack.up(check=False).code != 0
    # Still publishing: the update times out too, and the resource stays recorded as partial.
    res = plugin.stack.up(check=False)
    assert res.code != 0
    assert "finishing the publication of package" in res.stdout + res.stderr
    pub = _resource(plugin, PUB)
    assert pub.get("initErrors") and pub["outputs"]["status"] == "PUBLISH_IN_PROGRESS"
    plugin.emu.set_timing(mode="auto", publishSeconds=0.05)
    plugin.emu.advance()
    plugin.stack.up()
    assert plugin.stack.outputs()["status"] == "PUBLISHED"


def test_custom_timeouts_bound_the_wait_instead_of_timeout_seconds(plugin: World) -> None:
    plugin.emu.set_timing(mode="manual")
    # timeout_seconds says 600; the engine's customTimeouts says 3 seconds, and wins.
    options = ', opts=pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="3s"))'
    write(plugin, _program(options, timeout_seconds=600))
    res = plugin.stack.up(check=False, timeout=120)
    out = res.stdout + res.stderr
    assert res.code != 0
    assert "did not finish within 3s" in out, out
    assert "raise customTimeouts" in out
    assert res.seconds < 60, res.seconds
    assert _resource(plugin, PUB)["outputs"]["status"] == "PUBLISH_IN_PROGRESS"
    # Without customTimeouts the resource's own timeout_seconds holds, as in dynamic.
    write(plugin, _program(timeout_seconds=2))
    res = plugin.stack.up(check=False)
    assert "did not finish within 2s" in res.stdout + res.stderr
    assert "raise timeout_seconds" in res.stdout + res.stderr


# -- ImportJob, Transfer, Handshake: each create that writes before it can fail ------------------
JOB = "aep:index:ImportJob"
TRANSFER = "aep:index:Transfer"
HANDSHAKE = "aep:index:Handshake"
#: A wait that outlasts any test: the operation stays where it is until `advance()`.
FOREVER = 1e6


def _import_program(alternatives: dict[str, Any] | None = None, timeout: float = 2) -> str:
    return f"""
    pkg = aep.Package("pkg", name="partial-import", source_sandbox="dev", artifacts=[{GOLD!r}])
    pub = aep.PublishedPackage("pub", package_id=pkg.package_id)
    job = aep.ImportJob("job", package_id=pub.package_id, target_sandbox="prod",
                        conflict_policy="use_existing", alternatives={alternatives!r},
                        timeout_seconds={timeout})
    pulumi.export("jobStatus", job.job_status)
    """


def _imports(world: World) -> list[dict[str, Any]]:
    return world.import_jobs()


def _finish_everything(world: World) -> None:
    """Every operation on the platform moves to its end, and new ones finish at once."""
    world.emu.set_timing(mode="manual")
    world.emu.advance()
    world.emu.set_timing(mode="auto", publishSeconds=0.05, jobSeconds=0.05, transferSeconds=0.05)


def _posts(world: World, since: int, suffix: str) -> list[dict[str, Any]]:
    return [w for w in world.writes(since) if w["path"].endswith(suffix)]


def test_a_timed_out_import_is_recorded_and_the_next_up_waits_for_it(plugin: World) -> None:
    plugin.emu.set_timing(mode="auto", publishSeconds=0.05, jobSeconds=FOREVER)
    write(plugin, _import_program())
    res = plugin.stack.up(check=False)
    out = res.stdout + res.stderr
    assert res.code != 0
    assert "did not finish within 2s (last status PENDING)" in out, out
    (submitted,) = _imports(plugin)
    job = _resource(plugin, JOB)
    # The engine kept the job it was told of: its id, what is known of it, and the reason.
    assert job["id"] == submitted["id"] == job["outputs"]["jobId"]
    assert job["outputs"]["jobStatus"] == "PENDING"
    # The submit answer's correlation id (the jobs list doesn't show one).
    assert len(job["outputs"]["correlationId"]) == 36, job
    assert any("did not finish within 2s" in r for r in job.get("initErrors", [])), job

    _finish_everything(plugin)
    since = plugin.last_seq()
    res = plugin.stack.up()
    assert res.summary.get("update") == 1, res.stdout
    assert plugin.stack.outputs()["jobStatus"] == "SUCCESS"
    job = _resource(plugin, JOB)
    assert not job.get("initErrors") and job["outputs"]["jobStatus"] == "SUCCESS", job
    assert job["outputs"]["importedArtifacts"], job
    # Waited for, never submitted again: one import on the platform.
    assert _posts(plugin, since, "/import") == []
    assert [j["id"] for j in _imports(plugin)] == [submitted["id"]]
    assert plugin.stack.preview().summary.get("update", 0) == 0


def test_a_recorded_import_that_failed_is_replaced_once_the_cause_is_fixed(
    plugin: World,
) -> None:
    plugin.emu.set_timing(mode="auto", publishSeconds=0.05, jobSeconds=FOREVER)
    # The target id isn't in prod yet: the import fails when it runs.
    later = {"id": "acme-seg-later", "type": "PROFILE_SEGMENT"}
    write(plugin, _import_program({GOLD["id"]: later}))
    assert plugin.stack.up(check=False).code != 0
    _finish_everything(plugin)
    (failed,) = _imports(plugin)
    assert failed["jobStatus"] == "FAILED"

    # The update finds the job FAILED: the platform's reason, and it stays recorded as such.
    res = plugin.stack.up(check=False)
    out = res.stdout + res.stderr
    assert res.code != 0
    assert (
        "the job ended FAILED: acme-seg-gold (PROFILE_SEGMENT): alternative 'acme-seg-later'" in out
    ), out
    assert "which replaces this import with a new one" in out
    job = _resource(plugin, JOB)
    assert job["outputs"]["jobStatus"] == "FAILED" and job.get("initErrors"), job

    # Fixed behind the program's back: the next up replaces the import with a new one.
    plugin.emu.add_artifact("acme", "prod", {**later, "title": "Later"})
    assert plugin.stack.preview().summary.get("replace") == 1
    since = plugin.last_seq()
    res = plugin.stack.up()
    assert res.summary.get("replace") == 1, res.stdout
    assert len(_posts(plugin, since, "/import")) == 1
    statuses = sorted(j["jobStatus"] for j in _imports(plugin))
    assert statuses == ["FAILED", "SUCCESS"]
    job = _resource(plugin, JOB)
    assert job["outputs"]["jobStatus"] == "SUCCESS" and not job.get("initErrors"), job
    assert job["id"] != failed["id"]
    assert plugin.stack.preview().summary.get("update", 0) == 0


def _sharing_program(world: World, transfer_timeout: float = 2) -> str:
    partner = world.orgs["partner"]["imsOrgId"]
    return f"""
    pkg = aep.Package("pkg", name="partial-share", source_sandbox="dev", artifacts=[{GOLD!r}])
    pub = aep.PublishedPackage("pub", package_id=pkg.package_id)
    link = aep.Handshake("link", target_org_id={partner!r}, source_org_name="acme",
                         approve_as="partner")
    share = aep.Transfer("share", package_id=pub.package_id, target_org_id={partner!r},
                         timeout_seconds={transfer_timeout},
                         opts=pulumi.ResourceOptions(depends_on=[link]))
    pulumi.export("linkStatus", link.status)
    pulumi.export("transferStatus", share.status)
    """


def test_a_timed_out_transfer_is_recorded_and_the_next_up_waits_for_it(plugin: World) -> None:
    plugin.emu.set_timing(mode="auto", publishSeconds=0.05, transferSeconds=FOREVER)
    write(plugin, _sharing_program(plugin))
    res = plugin.stack.up(check=False)
    out = res.stdout + res.stderr
    assert res.code != 0
    assert "did not finish within 2s (last status PENDING)" in out, out
    (requested,) = plugin.transfers()
    share = _resource(plugin, TRANSFER)
    assert share["id"] == requested["id"] == share["outputs"]["transferId"]
    assert share["outputs"]["status"] == "PENDING"
    assert any("may still complete" in r for r in share.get("initErrors", [])), share

    _finish_everything(plugin)
    since = plugin.last_seq()
    res = plugin.stack.up()
    assert res.summary.get("update") == 1, res.stdout
    assert plugin.stack.outputs()["transferStatus"] == "COMPLETED"
    assert not _resource(plugin, TRANSFER).get("initErrors")
    assert _posts(plugin, since, "/transfer") == []
    assert [t["id"] for t in plugin.transfers()] == [requested["id"]]
    assert plugin.stack.preview().summary.get("update", 0) == 0


def test_a_link_whose_approval_failed_is_recorded_and_the_next_up_approves_it(
    plugin: World,
) -> None:
    # The approval (as the target org) is refused once; the link itself was created.
    plugin.emu.set_faults([{"path": "/handshake/action", "method": "POST", "status": 400}])
    write(plugin, _sharing_program(plugin, transfer_timeout=60))
    res = plugin.stack.up(check=False)
    out = res.stdout + res.stderr
    assert res.code != 0
    assert "approving as profile 'partner' failed" in out, out
    link = _resource(plugin, HANDSHAKE)
    assert link["outputs"]["status"] == "APPROVAL_PENDING" and link.get("initErrors"), link
    assert link["id"] == link["outputs"]["linkingId"]
    assert not [r for r in plugin.state_resources() if r["type"] == TRANSFER]

    plugin.emu.clear_faults()
    since = plugin.last_seq()
    res = plugin.stack.up()
    assert res.summary.get("update") == 1 and res.summary.get("create") == 1, res.stdout
    outputs = plugin.stack.outputs()
    assert (outputs["linkStatus"], outputs["transferStatus"]) == ("APPROVED", "COMPLETED")
    # Approved, not created again.
    assert _posts(plugin, since, "/handshake/bulkCreate") == []
    assert len(_posts(plugin, since, "/handshake/action")) == 1
    assert not _resource(plugin, HANDSHAKE).get("initErrors")
    assert plugin.stack.preview().summary.get("update", 0) == 0


def test_ctrl_c_during_an_import_wait_records_the_job_for_the_next_up(plugin: World) -> None:
    plugin.emu.set_timing(mode="auto", publishSeconds=0.05, jobSeconds=FOREVER)
    write(plugin, _import_program(timeout=600))
    proc = _up_process(plugin)
    try:
        deadline = time.monotonic() + 120
        while not _imports(plugin):
            assert proc.poll() is None, proc.communicate()[0]
            assert time.monotonic() < deadline, "the import was never submitted"
            time.sleep(0.2)
        time.sleep(1.0)  # inside the wait
        os.kill(proc.pid, signal.SIGINT)  # one Ctrl-C: the engine cancels the provider
        out, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert "was cancelled while waiting (last status PENDING)" in out, out
    (submitted,) = _imports(plugin)
    job = _resource(plugin, JOB)
    assert job["id"] == submitted["id"] and job.get("initErrors"), job

    _finish_everything(plugin)
    since = plugin.last_seq()
    plugin.stack.up()
    assert plugin.stack.outputs()["jobStatus"] == "SUCCESS"
    assert _posts(plugin, since, "/import") == []
    assert [j["id"] for j in _imports(plugin)] == [submitted["id"]]
