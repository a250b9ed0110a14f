"""The guardrails policy pack (policy/) through the real CLI: `pulumi preview --policy-pack`
starts it through our Python language host's RunPlugin, from its own virtualenv.

One program breaking every rule at once, on the dynamic resources and on the plugin: the
preview is refused, each rule's message names the input as that path spells it, and nothing
is written to the platform. A compliant program (a PUBLIC package the config lists, a FULL
package into a sandbox that isn't protected, an import into prod that stops at conflicts)
passes on both paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.engine import program

from sandbox_provider.plugin.values import camel
from sandbox_provider.testing import World

pytestmark = pytest.mark.e2e

GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}

VIOLATING = """
whole = {ns}Package("whole", name="policy-whole-dev", package_type="FULL", source_sandbox="dev")
pub = {ns}PublishedPackage(
    "pub", package_id=whole.package_id, visibility="PUBLIC", expiry_period_days=365
)
{ns}ImportJob(
    "to-prod", package_id=pub.package_id, target_sandbox="prod", conflict_policy="use_existing"
)
"""

COMPLIANT = f"""
gold = {{ns}}Package("gold", name="policy-gold", source_sandbox="dev", artifacts=[{GOLD!r}])
pub = {{ns}}PublishedPackage(
    "pub", package_id=gold.package_id, visibility="PUBLIC", expiry_period_days=30
)
{{ns}}ImportJob("to-prod", package_id=pub.package_id, target_sandbox="prod")
whole = {{ns}}Package(
    "whole", name="policy-whole-dev", package_type="FULL", source_sandbox="dev"
)
whole_pub = {{ns}}PublishedPackage("whole-pub", package_id=whole.package_id)
{{ns}}ImportJob(
    "to-staging",
    package_id=whole_pub.package_id,
    target_sandbox="staging",
    conflict_policy="use_existing",
)
"""


@pytest.fixture
def world(each_path: World) -> World:
    return each_path


def spell(world: World, snake: str) -> str:
    """An input as the world's path spells it (the plugin's schema is camelCase)."""
    return camel(snake) if getattr(world, "path", "dynamic") == "plugin" else snake


def preview(world: World, pack: Path, *extra: str) -> tuple[int, str]:
    res = world.stack.run(
        "preview", "--policy-pack", str(pack), *extra, "-s", world.stack.name, check=False
    )
    return res.code, res.stdout + res.stderr


def test_a_program_breaking_every_rule_is_refused_before_any_write(
    world: World, policy_pack: Path
) -> None:
    program(world, VIOLATING)
    since = world.last_seq()
    code, out = preview(world, policy_pack)
    assert code != 0, out
    vis, days = spell(world, "visibility"), spell(world, "expiry_period_days")
    target, conflict = spell(world, "target_sandbox"), spell(world, "conflict_policy")
    alternatives, package_type = spell(world, "alternatives"), spell(world, "package_type")
    expected = {
        "aep-no-public-packages": (
            f"PublishedPackage 'pub' publishes package 'policy-whole-dev' with {vis}='PUBLIC'"
        ),
        "aep-expiry-within-limit": (
            f"{days}=365 is more than this pack's maxExpiryDays (90): set {days} to 90 or fewer"
        ),
        "aep-protected-import-conflicts": (
            f"{target}='prod' is a protected sandbox (protectedSandboxes) and {conflict}="
            f"'use_existing' with no {alternatives} lets the import settle conflicts by itself"
        ),
        "aep-no-full-package-in-protected-sandbox": (
            f"ImportJob 'to-prod' imports Package 'whole', a {package_type}='FULL' package "
            f"(the whole sandbox), into protected sandbox 'prod' ({target})"
        ),
    }
    for policy, message in expected.items():
        assert policy in out, f"{policy} did not report:\n{out}"
        assert message in out, f"{policy}'s message is missing:\n{out}"
    assert "mandatory" in out
    assert world.writes(since) == []


def test_a_compliant_program_passes_with_the_config_listing_its_public_package(
    world: World, policy_pack: Path, tmp_path: Path
) -> None:
    program(world, COMPLIANT)
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"aep-no-public-packages": {"publicPackages": ["policy-gold"]}}))
    since = world.last_seq()
    code, out = preview(world, policy_pack, "--policy-pack-config", str(config))
    assert code == 0, out
    assert "aep-guardrails" in out  # the pack ran
    assert "mandatory" not in out and "advisory" not in out, out
    assert world.writes(since) == []
