"""The kill helper itself: a SIGKILLed `pulumi up` leaves no process, a lock and pending
creates; `pulumi cancel --yes` removes the lock (the pending creates stay)."""

from __future__ import annotations

import pytest

from . import _kill
from .conftest import World

pytestmark = pytest.mark.chaos

PROGRAM = """
    for key, artifact in [("gold", "acme-seg-gold"), ("cart", "acme-seg-cart"),
                          ("highvalue", "acme-seg-highvalue")]:
        pkg = Package(key, name=f"kill-{key}", source_sandbox="dev",
                      artifacts=[{"id": artifact, "type": "PROFILE_SEGMENT"}])
        PublishedPackage(f"{key}-published", package_id=pkg.package_id)
"""

EXPORT = r"/packages/[0-9a-f]{32}/export$"


def test_kill_during_publishes_leaves_no_process_and_a_locked_stack(world: World) -> None:
    world.write_program(PROGRAM)
    # Publications that never finish on their own: the kill lands while all three creates
    # wait for theirs.
    world.emu.set_timing(mode="manual")
    since = world.last_seq()
    upd = _kill.start_update(world.stack)
    try:
        upd.wait_until(
            _kill.requests_where(
                world.emu,
                lambda r: r["method"] == "GET" and r["status"] == 200 and "/export" in r["path"],
                n=3,
                since=since,
            ),
            timeout=60,
        )
        # The language host and the provider plugin are running by now.
        assert len(upd.scan()) >= 3, upd.seen
    finally:
        report = upd.kill()

    assert report.survivors == [], f"still running after the kill: {report.survivors}"
    assert report.zombies == [], f"not reaped: {report.zombies}"
    assert report.returncode == -9
    # The CLI's group and the plugins' own groups: each was killed.
    assert upd.pid in report.pgids
    assert len(report.pgids) >= 2, report.pgids
    assert not _kill.marked_pids(upd.marker)

    # The lock stays, and the creates in flight are pending operations.
    assert _kill.is_locked(world.stack)
    since = world.last_seq()
    locked = world.stack.up(check=False)
    assert locked.code != 0 and "currently locked" in locked.stdout + locked.stderr, locked
    assert world.emu.requests(since) == []
    pending = _kill.pending_operations(world.stack)
    kinds = sorted((p["type"], p["resource"]["urn"].rsplit("::", 1)[1]) for p in pending)
    assert kinds == [
        ("creating", "cart-published"),
        ("creating", "gold-published"),
        ("creating", "highvalue-published"),
    ], kinds

    _kill.cancel(world.stack)
    assert not _kill.is_locked(world.stack)
    # cancel only unlocks: the pending creates are still recorded.
    assert len(_kill.pending_operations(world.stack)) == 3
    # Not the recovery this tier tests (that is the provider's), only that the stack is
    # usable again: the publications finish, and `up` takes each one over.
    world.emu.advance()
    world.emu.set_timing(mode="auto")
    up = world.stack.up()
    assert "3 pending operations from previous deployment" in up.stdout + up.stderr
    world.stack.preview(expect_no_changes=True)
    # Measured (engine 3.259.0): a successful `up` does not clear the pending creates it
    # warned about; only `pulumi refresh --clear-pending-creates` does.
    assert len(_kill.pending_operations(world.stack)) == 3
    world.stack.refresh(clear_pending_creates=True)
    assert _kill.pending_operations(world.stack) == []
    world.stack.preview(expect_no_changes=True)


def test_an_update_that_ends_first_is_reported_and_leaves_nothing(world: World) -> None:
    world.write_program(
        """
        Package("one", name="kill-one", source_sandbox="dev",
                artifacts=[{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}])
        """
    )
    upd = _kill.start_update(world.stack)
    try:
        with pytest.raises(_kill.UpdateExited):
            upd.wait_until(_kill.path_hit(world.emu, r"/never-called$"), timeout=120)
    finally:
        report = upd.kill()
    assert report.returncode == 0, report.stdout + report.stderr
    assert report.survivors == [] and report.zombies == []
    assert not _kill.is_locked(world.stack)
