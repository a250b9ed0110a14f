"""The `aep` plugin run as a Python *source* plugin: a directory with `PulumiPlugin.yaml`
(runtime python, the project's virtualenv) and a `__main__.py`, named by the project's
`plugins.providers`. The engine starts it through the Python language host's `RunPlugin`
(scripts/ensure-pulumi.sh, recipe 3; before it: `method RunPlugin not implemented`), with no
`pulumi-resource-aep` on PATH and ambient plugins ignored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.engine import VENV, e2e_world

from .test_plugin_install import off_venv_path
from .test_plugin_lifecycle import GOLD

pytestmark = pytest.mark.e2e

PROGRAM = f"""\
import pulumi
from sandbox_provider.plugin import sdk as aep

pkg = aep.Package("pkg", name="source-pkg", artifacts=[{GOLD!r}])
pulumi.export("packageId", pkg.package_id)
"""


def test_the_plugin_runs_from_python_source(tmp_path: Path, pulumi_bin: str) -> None:
    source = tmp_path / "aep-source"
    source.mkdir()
    (source / "PulumiPlugin.yaml").write_text(
        f"runtime:\n  name: python\n  options:\n    virtualenv: {VENV}\n"
    )
    (source / "__main__.py").write_text("from sandbox_provider.plugin import main\n\nmain()\n")
    with e2e_world(tmp_path / "w", pulumi_bin) as world:
        project = world.project_dir / "Pulumi.yaml"
        project.write_text(
            project.read_text() + f"plugins:\n  providers:\n    - name: aep\n      path: {source}\n"
        )
        (world.project_dir / "__main__.py").write_text(PROGRAM)
        env = world.stack.extra_env
        env["PATH"] = off_venv_path(world.stack.env()["PATH"])
        env["PULUMI_IGNORE_AMBIENT_PLUGINS"] = "true"
        assert shutil.which("pulumi-resource-aep", path=env["PATH"]) is None

        up = world.stack.up()
        assert "from $PATH" not in up.stdout + up.stderr
        assert [p["name"] for p in world.packages()] == ["source-pkg"]
        world.stack.destroy()
        assert world.packages() == []
