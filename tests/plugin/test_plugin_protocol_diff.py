"""The plugin's detailed diff through the CLI: `preview --diff` shows each artifact added or
removed, and `preview --json` names the kind of each change, the replacing ones included."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox_provider.testing import World

from .test_plugin_lifecycle import plugin_world, write

pytestmark = pytest.mark.e2e

GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
CART = {"id": "acme-seg-cart", "type": "PROFILE_SEGMENT"}
HIGH = {"id": "acme-seg-highvalue", "type": "PROFILE_SEGMENT"}


@pytest.fixture
def plugin(tmp_path: Path, pulumi_bin: str) -> Iterator[World]:
    yield from plugin_world(tmp_path, pulumi_bin)


def _program(artifacts: list[dict[str, str]], sandbox: str = "dev", publish: bool = False) -> str:
    body = (
        f'pkg = aep.Package("pkg", name="diffed", source_sandbox="{sandbox}", '
        f"artifacts={artifacts!r})\n"
    )
    if publish:
        body += 'aep.PublishedPackage("pub", package_id=pkg.package_id)\n'
    return body


def _detailed(world: World) -> dict[str, Any]:
    """The Package step's detailed diff in `preview --json`: path -> kind."""
    res = world.stack.run("preview", "--json", "--stack", world.stack.name)
    steps = json.loads(res.stdout)["steps"]
    (step,) = [s for s in steps if s["urn"].endswith("aep:index:Package::pkg")]
    return {k: v["kind"] for k, v in (step.get("detailedDiff") or {}).items()}


def test_preview_diff_shows_each_artifact_added_and_removed(plugin: World) -> None:
    write(plugin, _program([GOLD, CART]))
    plugin.stack.up()
    since = plugin.last_seq()
    write(plugin, _program([HIGH, GOLD]))  # cart out, highvalue in, gold kept (moved)
    assert _detailed(plugin) == {"artifacts[0]": "add", "artifacts[1]": "delete"}
    res = plugin.stack.run("preview", "--diff", "--stack", plugin.stack.name)
    text = res.stdout
    added = text.index("+ [0]: {")
    assert text.index('+ id  : "acme-seg-highvalue"') > added, text
    removed = text.index("- [1]: {")
    assert text.index('- id  : "acme-seg-cart"') > removed, text
    # gold moved from index 0 to 1 but stays: no entry of its own.
    assert '"acme-seg-gold"' not in text, text
    assert plugin.writes(since) == []


def test_the_property_forcing_a_replace_is_marked_and_artifacts_replace_too(
    plugin: World,
) -> None:
    write(plugin, _program([GOLD, CART], publish=True))
    plugin.stack.up()
    plugin.stack.refresh()  # the Package's state learns it is PUBLISHED
    # A published package's contents can't change: the artifacts force the replace now.
    write(plugin, _program([GOLD, HIGH], publish=True))
    assert _detailed(plugin) == {"artifacts[1]": "update-replace"}
    write(plugin, _program([GOLD], publish=True))
    assert _detailed(plugin) == {"artifacts[1]": "delete-replace"}
    # The replacement's preflight looks the artifacts up in the new sandbox: put them there.
    for art in (GOLD, CART):
        plugin.emu.add_artifact("acme", "prod", {**art, "title": f"{art['id']} in prod"})
    write(plugin, _program([GOLD, CART], sandbox="prod", publish=True))
    assert _detailed(plugin) == {"sourceSandbox": "update-replace"}
    res = plugin.stack.run("preview", "--diff", "--stack", plugin.stack.name)
    assert '~ sourceSandbox: "dev" => "prod"' in res.stdout, res.stdout
    assert "(replace)" in res.stdout
