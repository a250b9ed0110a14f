"""The `aep` provider plugin through the real CLI: the engine runs `pulumi-resource-aep`
(found on PATH, in the venv's bin) for a program written with the plugin's Python SDK."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.engine import PLUGIN_HEADER, e2e_world, on_plugin, write

from sandbox_provider.testing import World

pytestmark = pytest.mark.e2e

GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
# Imported from here by the other plugin tests.
__all__ = ["GOLD", "PLUGIN_HEADER", "on_plugin", "plugin_world", "write"]


def plugin_world(tmp_path: Path, pulumi_bin: str) -> Iterator[World]:
    """The body of each plugin test file's `plugin` fixture: an e2e world on the plugin."""
    with e2e_world(tmp_path, pulumi_bin) as world:
        yield on_plugin(world)


@pytest.fixture
def plugin(tmp_path: Path, pulumi_bin: str) -> Iterator[World]:
    yield from plugin_world(tmp_path, pulumi_bin)


PROGRAM = f"""
    pkg = aep.Package(
        "pkg",
        name="plugin-pkg",
        description="made by the plugin",
        source_sandbox="dev",
        artifacts=[{GOLD!r}],
    )
    pub = aep.PublishedPackage("pub", package_id=pkg.package_id)
    job = aep.ImportJob(
        "job", package_id=pub.package_id, target_sandbox="prod", conflict_policy="use_existing"
    )
    pulumi.export("packageId", pkg.package_id)
    pulumi.export("status", pub.status)
    pulumi.export("jobStatus", job.job_status)
"""


def test_package_published_and_imported_on_the_plugin(plugin: World) -> None:
    write(plugin, PROGRAM)
    since = plugin.last_seq()
    assert plugin.stack.preview().summary.get("create") == 4
    assert plugin.writes(since) == []

    plugin.stack.up()
    out = plugin.stack.outputs()
    (pkg,) = plugin.packages()
    assert pkg["id"] == out["packageId"]
    assert pkg["name"] == "plugin-pkg"
    assert pkg["status"] == "PUBLISHED" == out["status"]
    assert out["jobStatus"] == "SUCCESS"
    imports = plugin.import_jobs()
    assert [j["jobStatus"] for j in imports] == ["SUCCESS"]

    types = {r["type"] for r in plugin.state_resources()}
    assert {"aep:index:Package", "aep:index:PublishedPackage", "aep:index:ImportJob"} <= types
    assert "pulumi:providers:aep" in types

    since = plugin.last_seq()
    plugin.stack.preview(expect_no_changes=True)
    assert plugin.emu.requests(since) == []

    since = plugin.last_seq()
    plugin.stack.destroy()
    deletes = [w for w in plugin.writes(since) if w["method"] == "DELETE"]
    assert [w["path"] for w in deletes] == [f"/data/foundation/exim/packages/{out['packageId']}"]
    assert plugin.packages() == []


def test_an_explicit_provider_acts_for_a_second_org(plugin: World) -> None:
    partner = plugin.orgs["partner"]
    write(
        plugin,
        f"""
        partner = aep.Provider(
            "partner",
            platform_url={plugin.emu.url!r},
            ims_url={plugin.emu.url!r},
            org_id={partner["imsOrgId"]!r},
            client_id={partner["clientId"]!r},
            client_secret={partner["clientSecret"]!r},
            sandbox="dev",
        )
        mine = aep.Package("mine", name="acme-pkg", artifacts=[{GOLD!r}])
        theirs = aep.Package(
            "theirs",
            name="partner-pkg",
            package_type="FULL",
            opts=pulumi.ResourceOptions(provider=partner),
        )
        # aep:orgs profiles keep working on the default provider, as on the dynamic resources.
        profile = aep.Package("profile", name="partner-by-profile", package_type="FULL",
                              org="partner")
        """,
    )
    plugin.stack.up()
    assert [p["name"] for p in plugin.packages("acme")] == ["acme-pkg"]
    assert sorted(p["name"] for p in plugin.packages("partner")) == [
        "partner-by-profile",
        "partner-pkg",
    ]
    provider = [r for r in plugin.state_resources() if r["urn"].endswith("::partner")]
    (state,) = provider
    # The credential the program gave is recorded as a secret, never in plain text.
    assert partner["clientSecret"] not in str(state)
    plugin.stack.preview(expect_no_changes=True)
    plugin.stack.destroy()
    assert plugin.packages("partner") == []


def test_all_five_resources_and_a_refresh_on_the_plugin(plugin: World) -> None:
    partner = plugin.orgs["partner"]["imsOrgId"]
    write(
        plugin,
        f"""
        pkg = aep.Package("pkg", name="shared", source_sandbox="dev", artifacts=[{GOLD!r}])
        pub = aep.PublishedPackage("pub", package_id=pkg.package_id)
        link = aep.Handshake(
            "link", target_org_id={partner!r}, source_org_name="acme", approve_as="partner"
        )
        share = aep.Transfer(
            "share",
            package_id=pub.package_id,
            target_org_id={partner!r},
            opts=pulumi.ResourceOptions(depends_on=[link]),
        )
        pulumi.export("packageId", pkg.package_id)
        pulumi.export("linkStatus", link.status)
        pulumi.export("transferStatus", share.status)
        """,
    )
    plugin.stack.up()
    out = plugin.stack.outputs()
    assert out["linkStatus"] == "APPROVED"
    assert out["transferStatus"] == "COMPLETED"
    received = [t for t in plugin.transfers("partner") if t.get("packageId") == out["packageId"]]
    assert received, plugin.transfers("partner")
    types = sorted(r["type"] for r in plugin.state_resources() if r["type"].startswith("aep:"))
    assert types == [
        "aep:index:Handshake",
        "aep:index:Package",
        "aep:index:PublishedPackage",
        "aep:index:Transfer",
    ]
    # Read of every resource through the plugin, and nothing to change or write.
    since = plugin.last_seq()
    plugin.stack.preview(expect_no_changes=True, refresh=True)
    assert plugin.writes(since) == []
    plugin.stack.destroy()
    assert plugin.packages() == []
