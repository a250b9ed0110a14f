"""The demo stack in Pulumi YAML (examples/yaml-demo) on the `aep` plugin, through the real CLI:
the YAML language host (scripts/ensure-pulumi-yaml.sh) runs the program, the engine runs
`pulumi-resource-aep` from the venv's bin, and the stack's config holds only `aep:*` keys.
And `pulumi package add` of the plugin in a YAML project (the host's `Link`)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.engine import ROOT, VENV, built_dir

from sandbox_provider import __version__
from sandbox_provider.plugin.schema import PACKAGE, PLUGIN_DOWNLOAD_URL
from sandbox_provider.testing import EmulatorProcess, Stack, World, configure_for_emulator

from .test_plugin_lifecycle import on_plugin

pytestmark = pytest.mark.e2e

EXAMPLE = ROOT / "examples" / "yaml-demo"
HOST = "pulumi-language-yaml"


def yaml_host_dir() -> Path:
    """The directory holding pulumi-language-yaml (scripts/ensure-pulumi-yaml.sh):
    $PULUMI_YAML_DIR, else the script's cache."""
    return built_dir("PULUMI_YAML_DIR", "ensure-pulumi-yaml.sh", (HOST,))


def on_yaml_host(stack: Stack, host_dir: Path) -> None:
    """Put the YAML host on the stack's PATH (the engine finds language hosts there)."""
    stack.extra_env["PATH"] = str(host_dir) + os.pathsep + stack.env()["PATH"]


@pytest.fixture(scope="session")
def yaml_host() -> Path:
    return yaml_host_dir()


def yaml_world(tmp: Path, pulumi_bin: str, host_dir: Path) -> World:
    """examples/yaml-demo copied as is, a stack with only the `aep:*` settings, an emulator
    of its own (demo seed), the plugin and the YAML host on PATH."""
    emu = EmulatorProcess.start(tmp / "exim.db", seed="demo", log_path=tmp / "emulator.log")
    try:
        project = tmp / "project"
        shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".state", "Pulumi.*.yaml"))
        stack = Stack(project_dir=project, state_dir=tmp / "state", name="yaml", pulumi=pulumi_bin)
        stack.init()
        orgs = {name: emu.org(name) for name in ("acme", "partner")}
        configure_for_emulator(stack, emu.url, orgs)
        world = on_plugin(World(emu=emu, stack=stack, project_dir=project, tmp=tmp, orgs=orgs))
        on_yaml_host(world.stack, host_dir)
        return world
    except BaseException:
        emu.stop()
        raise


@pytest.fixture
def demo(tmp_path: Path, pulumi_bin: str, yaml_host: Path) -> Iterator[World]:
    world = yaml_world(tmp_path, pulumi_bin, yaml_host)
    try:
        yield world
    finally:
        world.emu.stop()


def plan(world: World, *args: str) -> dict[str, tuple[str, list[str]]]:
    """`pulumi preview --json ARGS`: resource name -> (op, diff reasons) of each step that is
    not `same` or `refresh`."""
    res = world.stack.run("preview", "--json", "-s", world.stack.name, *args)
    steps = json.loads(res.stdout)["steps"]
    return {
        s["urn"].rsplit("::", 1)[-1]: (s["op"], sorted(s.get("diffReasons") or []))
        for s in steps
        if s["op"] not in ("same", "refresh")
    }


def drift_by_hand(world: World, package_id: str) -> None:
    """A person edits the published package's description in the UI (the plain API)."""
    with world.api() as api:
        r = api.put(
            "/packages",
            json={
                "id": package_id,
                "action": "UPDATE",
                "name": "dev-audiences",
                "description": "changed by hand",
            },
        )
        r.raise_for_status()


TYPES = {
    "aep:index:Package": 3,
    "aep:index:PublishedPackage": 3,
    "aep:index:ImportJob": 1,
    "aep:index:Handshake": 1,
    "aep:index:Transfer": 2,
}


def test_the_yaml_demo_up_drift_repair_destroy(demo: World) -> None:
    config = yaml.safe_load((demo.project_dir / f"Pulumi.{demo.stack.name}.yaml").read_text())
    assert all(k.startswith("aep:") for k in config["config"]), config["config"]

    since = demo.last_seq()
    assert demo.stack.preview().summary == {"create": sum(TYPES.values()) + 1}
    assert demo.writes(since) == []

    demo.stack.up()
    out: dict[str, Any] = demo.stack.outputs()
    assert out["audiencesStatus"] == "PUBLISHED"
    assert out["prodImportStatus"] == "SUCCESS"
    assert out["handshakeStatus"] == "APPROVED"
    assert out["journeyTransferStatus"] == "COMPLETED"
    assert (out["starterKitVisibility"], out["starterKitPullStatus"]) == ("PUBLIC", "COMPLETED")
    # With every dependency: the two segments and their schema, class, mixins, ...
    artifact_ids = {a["id"] for a in out["audiencesArtifacts"]}
    assert {"acme-seg-gold", "acme-seg-highvalue"} < artifact_ids
    assert sorted(p["name"] for p in demo.packages()) == [
        "consent-starter-kit",
        "dev-audiences",
        "gold-welcome-journey",
    ]
    # The partner received the journey and pulled the kit (copies it holds).
    assert sorted(p["name"] for p in demo.packages("partner")) == [
        "consent-starter-kit",
        "gold-welcome-journey",
    ]
    resources = demo.state_resources()
    types = [r["type"] for r in resources if r["type"].startswith("aep:")]
    assert {t: types.count(t) for t in TYPES} == TYPES
    # Everything is the plugin's: no dynamic provider in the state.
    assert not [r for r in resources if "pulumi-python:dynamic" in r["type"]]

    since = demo.last_seq()
    demo.stack.preview(expect_no_changes=True)
    assert demo.emu.requests(since) == []

    drift_by_hand(demo, out["audiencesPackageId"])
    # Without a refresh the engine trusts its state; a refreshing preview reads the drift
    # through the plugin (and writes nothing).
    assert plan(demo) == {}
    since = demo.last_seq()
    found = plan(demo, "--refresh")
    assert demo.writes(since) == []
    op, reasons = found["dev-audiences"]
    assert op == "update" and "description" in reasons, found

    since = demo.last_seq()
    assert demo.stack.up(refresh=True).summary == {"update": 1, "same": sum(TYPES.values())}
    # The dependency look-ups are POSTs that only read (`/children`); one PUT repairs it.
    writes = [w for w in demo.writes(since) if not w["path"].endswith("/children")]
    assert [(w["method"], w["path"]) for w in writes] == [
        ("PUT", "/data/foundation/exim/packages")
    ], writes
    with demo.api() as api:
        pkg = api.get(f"/packages/{out['audiencesPackageId']}").json()
    assert pkg["description"] == "Loyalty audiences built in dev"
    assert pkg["status"] == "PUBLISHED"
    assert demo.stack.preview(refresh=True, expect_no_changes=True).summary.get("same")

    demo.stack.destroy()
    assert demo.packages() == []
    assert demo.state_resources() == []


def test_a_refreshing_preview_plans_only_the_drifted_update(demo: World) -> None:
    # The plugin previews the update (Configure's supports_preview): the package keeps its
    # packageId, so the PublishedPackage and ImportJob on it stay as they are.
    demo.stack.up()
    drift_by_hand(demo, demo.stack.outputs()["audiencesPackageId"])
    since = demo.last_seq()
    assert plan(demo, "--refresh") == {"dev-audiences": ("update", ["description"])}
    assert demo.writes(since) == []


def test_package_add_records_the_plugin_and_its_download_url(
    tmp_path: Path, pulumi_bin: str, yaml_host: Path
) -> None:
    # No stack and no `up`: `pulumi package add` reads the schema from the executable and the
    # YAML host's Link (v1.27 or newer) writes the project's record of the package, which is
    # where the engine later takes the version and the download location from.
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: package-add\nruntime: yaml\n")
    stack = Stack(project_dir=project, state_dir=tmp_path / "state", pulumi=pulumi_bin)
    on_yaml_host(stack, yaml_host)
    plugin = VENV / "bin" / "pulumi-resource-aep"
    stack.run("package", "add", str(plugin))

    assert yaml.safe_load((project / "Pulumi.yaml").read_text())["packages"] == {
        PACKAGE: f"{PACKAGE}@{__version__}"
    }
    lock = project / "sdks" / PACKAGE / f"{PACKAGE}-{__version__}.yaml"
    record = yaml.safe_load(lock.read_text())
    assert record == {
        "packageDeclarationVersion": 1,
        "name": PACKAGE,
        "version": __version__,
        "downloadUrl": PLUGIN_DOWNLOAD_URL,
    }
