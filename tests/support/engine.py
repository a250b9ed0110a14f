"""The e2e tier: the real `pulumi` CLI, a local file backend, an emulator per test.

A test's world is `sandbox_provider.testing.World` (the same helper the chaos tier and users
have): its emulator, project directory and stack."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sandbox_provider.testing import World, new_world
from sandbox_provider.testing.world import PROJECT_YAML as _PROJECT_YAML

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv"
#: A project file for this tier's programs (`.format(venv=...)`).
PROJECT_YAML = _PROJECT_YAML.replace("{name}", "e2e")

E2E = World


@contextmanager
def e2e_world(tmp: Path, pulumi_bin: str) -> Iterator[World]:
    """An emulator, a project directory and a stack configured for it; the emulator is
    stopped on exit."""
    world = new_world(tmp, pulumi_bin, project="e2e", name="e2e")
    try:
        yield world
    finally:
        world.emu.stop()


@pytest.fixture
def e2e(tmp_path: Path, pulumi_bin: str) -> Iterator[World]:
    with e2e_world(tmp_path, pulumi_bin) as world:
        yield world


# -- the plugin path -------------------------------------------------------------------------
PLUGIN_HEADER = "import pulumi\nfrom sandbox_provider.plugin import sdk as aep\n\n"


def on_plugin(world: World) -> World:
    """Put the venv's bin (where `pip install` put `pulumi-resource-aep`) on the engine's
    PATH (the engine's ambient look-up finds it there)."""
    exe = VENV / "bin" / "pulumi-resource-aep"
    assert exe.exists(), f"{exe} is missing: run `.venv/bin/pip install -e . --no-deps`"
    path = str(VENV / "bin") + os.pathsep + world.stack.env()["PATH"]
    world.stack.extra_env["PATH"] = path
    return world


def write(world: World, body: str) -> None:
    (world.project_dir / "__main__.py").write_text(PLUGIN_HEADER + textwrap.dedent(body))


@pytest.fixture(params=["dynamic", "plugin"])
def each_path(request: pytest.FixtureRequest, tmp_path: Path, pulumi_bin: str) -> Iterator[World]:
    """An e2e world on the dynamic resources, then on the plugin: `program(world, body)`
    writes a body whose resources are spelled `{ns}Package(...)` for either."""
    with e2e_world(tmp_path, pulumi_bin) as world:
        if request.param == "plugin":
            on_plugin(world)
        world.path = request.param  # type: ignore[attr-defined]
        yield world


def program(world: World, body: str) -> None:
    """`body` with `{ns}` the resources' namespace of the world's path (`aep.` on the
    plugin, nothing on the dynamic path), as the world's program."""
    plugin = getattr(world, "path", "dynamic") == "plugin"
    body = body.replace("{ns}", "aep." if plugin else "")
    if plugin:
        write(world, body)
    else:
        world.write_program(body)
