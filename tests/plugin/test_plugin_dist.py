"""The self-contained plugin `make plugin-dist` builds (scripts/ensure-plugin-dist.sh): its
release archive's layout and checksum, and the archive installed with `pulumi plugin install
resource aep VERSION --file …` running a YAML program's up, no-change preview and destroy with
no Python on the engine's PATH."""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.dist import PluginDist
from support.engine import ROOT, e2e_world

from sandbox_provider.plugin.archive import EXECUTABLE, INTERNAL, platform_suffix

from .test_plugin_lifecycle import GOLD
from .test_plugin_ts_go import up_noop_destroy
from .test_plugin_yaml import HOST, yaml_host_dir

pytestmark = pytest.mark.e2e


# The first test of a session to ask for the archive builds it when the cache has none (a
# minute or two on a loaded two-core machine).
@pytest.mark.timeout(900)
def test_the_archive_holds_the_frozen_plugin_at_its_root(plugin_dist: PluginDist) -> None:
    archive = plugin_dist.archive
    assert archive.name == f"pulumi-resource-aep-v{plugin_dist.version}-{platform_suffix()}.tar.gz"
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name: m for m in tar.getmembers()}
        license_file = tar.extractfile(members["LICENSE"])
        assert license_file is not None
        license_text = license_file.read()
    # At the root, as the engine unpacks it into its plugin directory: no `./`, no folder.
    assert not [n for n in members if n.startswith(("./", "/")) or ".." in n.split("/")]
    assert {n.split("/")[0] for n in members} == {EXECUTABLE, INTERNAL, "README.md", "LICENSE"}
    exe = members[EXECUTABLE]
    assert exe.isfile() and exe.mode == 0o755, (exe.type, oct(exe.mode))
    assert members[INTERNAL].isdir()
    # The interpreter and the plugin's own compiled dependencies travel with it.
    internal = [n for n in members if n.startswith(INTERNAL + "/")]
    assert any(n.startswith(f"{INTERNAL}/libpython3") for n in internal), internal
    assert any(n.startswith(f"{INTERNAL}/grpc/") for n in internal), internal
    assert license_text == (ROOT / "LICENSE").read_bytes()

    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert plugin_dist.checksums.name == f"pulumi-aep_{plugin_dist.version}_checksums.txt"
    assert plugin_dist.checksums.read_text() == f"{digest}  {archive.name}\n"


def yaml_program(name: str, options: Mapping[str, str] | None = None) -> str:
    """A package `name` of the gold segment, published and imported into prod: the three
    resources' create, read and delete paths (and the client's) run in the plugin. `options`:
    every resource's resource options."""
    resources: dict[str, dict[str, Any]] = {
        "pkg": {
            "type": "aep:index:Package",
            "properties": {
                "name": name,
                "sourceSandbox": "dev",
                "artifacts": [{"id": GOLD["id"], "type": GOLD["type"]}],
            },
        },
        "pub": {
            "type": "aep:index:PublishedPackage",
            "properties": {"packageId": "${pkg.packageId}"},
        },
        "job": {
            "type": "aep:index:ImportJob",
            "properties": {
                "packageId": "${pub.packageId}",
                "targetSandbox": "prod",
                "conflictPolicy": "use_existing",
            },
        },
    }
    for resource in resources.values():
        if options:
            resource["options"] = dict(options)
    outputs = {
        "packageId": "${pkg.packageId}",
        "status": "${pub.status}",
        "jobStatus": "${job.jobStatus}",
    }
    program = {"name": "e2e", "runtime": "yaml", "resources": resources, "outputs": outputs}
    return yaml.safe_dump(program, sort_keys=False)


def engine_install(directory: Path, pulumi_bin: str, host_dir: Path) -> Path:
    """`directory` laid out as a Pulumi CLI install is: `pulumi` with the YAML language host
    beside it. With ambient plugins ignored the engine finds a bundled language host there
    only (next to its own binary, symlinks resolved), never on PATH and never installed into
    its plugin cache; so `pulumi` is a hard link (a copy across file systems), the host a
    symlink."""
    directory.mkdir()
    pulumi = directory / "pulumi"
    try:
        os.link(Path(pulumi_bin).resolve(), pulumi)
    except OSError:
        shutil.copy2(Path(pulumi_bin).resolve(), pulumi)
    (directory / HOST).symlink_to(host_dir / HOST)
    return pulumi


@pytest.mark.timeout(1200)
def test_the_installed_archive_runs_a_yaml_program_without_python(
    tmp_path: Path, pulumi_bin: str, plugin_dist: PluginDist
) -> None:
    pulumi = engine_install(tmp_path / "bin", pulumi_bin, yaml_host_dir())
    with e2e_world(tmp_path / "world", str(pulumi)) as world:
        (world.project_dir / "Pulumi.yaml").write_text(yaml_program("frozen-pkg"))
        # Only the engine and its YAML host: no interpreter, no venv, no ambient plugin.
        path = str(pulumi.parent)
        for name in ("python3", "python", EXECUTABLE):
            assert shutil.which(name, path=path) is None, f"{name} is on {path}"
        env = world.stack.extra_env
        env["PATH"] = path
        env["PULUMI_IGNORE_AMBIENT_PLUGINS"] = "true"

        install = ["plugin", "install", "resource", "aep", plugin_dist.version]
        world.stack.run(*install, "--file", str(plugin_dist.archive))
        home = Path(world.stack.env()["PULUMI_HOME"])
        plugin_dir = home / "plugins" / f"resource-aep-v{plugin_dist.version}"
        assert os.access(plugin_dir / EXECUTABLE, os.X_OK)
        assert (plugin_dir / INTERNAL).is_dir()

        up_noop_destroy(world, "frozen-pkg")
