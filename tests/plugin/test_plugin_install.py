"""The `aep` plugin installed into the engine's plugin cache from the archive
`sandbox-provider plugin-archive` writes (`pulumi plugin install resource aep VERSION --file
…`), not found on PATH: the venv's bin is off the engine's PATH and
PULUMI_IGNORE_AMBIENT_PLUGINS=true, so the cache is the only place the engine can take it
from, at the version the generated SDK's resources ask for."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.engine import VENV, e2e_world

from sandbox_provider.testing import World

from .test_plugin_lifecycle import GOLD
from .test_plugin_sdks import SDK, cached_target, missing_requirements, run

pytestmark = pytest.mark.e2e

PROGRAM = f"""\
import pulumi
import pulumi_aep as aep

opts = pulumi.ResourceOptions(version=VERSION) if VERSION else None
pkg = aep.Package(
    "pkg",
    name="cached-pkg",
    description="run by the installed plugin",
    source_sandbox="dev",
    artifacts=[aep.ArtifactArgs(id={GOLD["id"]!r}, type={GOLD["type"]!r})],
    opts=opts,
)
pub = aep.PublishedPackage("pub", package_id=pkg.package_id, opts=opts)
pulumi.export("packageId", pkg.package_id)
pulumi.export("status", pub.status)
"""


def write_program(world: World, version: str | None = None) -> None:
    """The program on `pulumi_aep`; `version` overrides the one its resources ask for."""
    body = f"VERSION = {version!r}\n" + PROGRAM
    (world.project_dir / "__main__.py").write_text(body)


def off_venv_path(path: str) -> str:
    """`path` without the venv's bin, where `pip install` put `pulumi-resource-aep`."""
    venv_bin = (VENV / "bin").resolve()
    kept = [p for p in path.split(os.pathsep) if p and Path(p).resolve() != venv_bin]
    return os.pathsep.join(kept)


def build_archive(out: Path) -> tuple[str, list[str]]:
    """`sandbox-provider plugin-archive` as a user runs it: the version and the install
    command it prints (its arguments after `pulumi`)."""
    proc = subprocess.run(
        [
            str(VENV / "bin" / "sandbox-provider"),
            "plugin-archive",
            "--out",
            str(out),
            "--python",
            str(VENV / "bin" / "python"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (line,) = [ln for ln in proc.stdout.splitlines() if "pulumi plugin install" in ln]
    command = shlex.split(line)
    assert command[:5] == ["pulumi", "plugin", "install", "resource", "aep"], command
    return command[5], command[1:]


@pytest.fixture
def installed(tmp_path: Path, pulumi_bin: str) -> Iterator[tuple[World, str]]:
    """An e2e world whose engine has the plugin only in its cache (installed from the
    archive), and whose program finds `pulumi_aep`; with the installed version."""
    site = tmp_path / "site"
    source = shutil.copytree(SDK / "python", tmp_path / "pulumi_aep-src")
    pip: list[str | Path] = [VENV / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps"]
    run([*pip, "--target", site, source], timeout=300)
    (dist_info,) = site.glob("pulumi_aep-*.dist-info")
    path = [str(site)]
    wanted = missing_requirements(dist_info)
    if wanted:
        path.append(str(cached_target(wanted)))
    version, install = build_archive(tmp_path / "dist")
    with e2e_world(tmp_path / "world", pulumi_bin) as world:
        env = world.stack.extra_env
        env["PYTHONPATH"] = os.pathsep.join(path)
        env["PATH"] = off_venv_path(world.stack.env()["PATH"])
        env["PULUMI_IGNORE_AMBIENT_PLUGINS"] = "true"
        assert shutil.which("pulumi-resource-aep", path=env["PATH"]) is None
        world.stack.run(*install)
        yield world, version


def test_the_installed_plugin_runs_a_program_at_its_version(
    installed: tuple[World, str],
) -> None:
    world, version = installed
    listed = world.stack.run("plugin", "ls", "--json").stdout
    plugins = [(p["name"], p["kind"], p["version"]) for p in json.loads(listed)]
    assert ("aep", "resource", version) in plugins
    home = Path(world.stack.env()["PULUMI_HOME"])
    assert (home / "plugins" / f"resource-aep-v{version}" / "pulumi-resource-aep").is_file()

    write_program(world)
    up = world.stack.up()
    assert "from $PATH" not in up.stdout + up.stderr
    out = world.stack.outputs()
    (pkg,) = world.packages()
    assert (pkg["id"], pkg["name"], pkg["status"]) == (out["packageId"], "cached-pkg", "PUBLISHED")
    # The generated SDK asked for the plugin at its own version: the one installed.
    resources = world.state_resources()
    providers = [r for r in resources if r["type"] == "pulumi:providers:aep"]
    assert {r["inputs"].get("version") for r in providers} == {version}

    since = world.last_seq()
    world.stack.preview(expect_no_changes=True)
    assert world.emu.requests(since) == []

    world.stack.destroy()
    assert world.packages() == []
    assert world.state_resources() == []


def test_a_version_not_installed_is_not_found(installed: tuple[World, str]) -> None:
    world, _ = installed
    write_program(world, version="99.0.0")
    res = world.stack.preview(check=False)
    assert res.code != 0
    text = " ".join((res.stdout + res.stderr).split())
    # The engine looked in its cache only ("or on your $PATH" is gone with ambient plugins
    # ignored) and found no exact match for the version asked for.
    missing = "no resource plugin 'pulumi-resource-aep' found in the workspace at version v99.0.0"
    assert missing in text, text
    assert "$PATH" not in text
    assert world.writes() == []


def test_the_thin_sdk_asking_no_version_gets_the_installed_one(
    installed: tuple[World, str],
) -> None:
    world, _ = installed
    (world.project_dir / "__main__.py").write_text(
        "import pulumi\nfrom sandbox_provider.plugin import sdk as aep\n\n"
        f"pkg = aep.Package('pkg', name='thin-pkg', artifacts=[{GOLD!r}])\n"
        "pulumi.export('packageId', pkg.package_id)\n"
    )
    up = world.stack.up()
    assert "from $PATH" not in up.stdout + up.stderr
    assert [p["name"] for p in world.packages()] == ["thin-pkg"]
    providers = [r for r in world.state_resources() if r["type"] == "pulumi:providers:aep"]
    assert [r["inputs"].get("version") for r in providers] == [None]
    world.stack.destroy()
    assert world.packages() == []
