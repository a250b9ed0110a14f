"""What only a real provider can do, through the CLI: a create that made its object but did not
finish records it (the engine's partial state), and the next `up` finishes it; the engine's
custom timeouts bound the waits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox_provider.testing import World

from .test_plugin_lifecycle import GOLD, plugin_world, write

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
