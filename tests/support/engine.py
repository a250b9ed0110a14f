"""The e2e tier: the real `pulumi` CLI, a local file backend, an emulator per test.

A test's world is `sandbox_provider.testing.World` (the same helper the chaos tier and users
have): its emulator, project directory and stack."""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Iterator, Sequence
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


def built_dir(variable: str, script: str, executables: Sequence[str]) -> Path:
    """The directory holding `executables` (tools the tests build once): ${variable} if set
    (`make test` sets it), else the directory scripts/`script` prints last (its cache; it
    builds them when Go is here). A directory that was named but lacks one is a broken set-up,
    never a skip; without Go the test skips, which under CI=true is a failure
    (tests/conftest.py)."""
    given = os.environ.get(variable)
    if given:
        for exe in executables:
            assert os.access(Path(given) / exe, os.X_OK), f"{variable}={given} has no {exe}"
        return Path(given)
    path = ROOT / "scripts" / script
    proc = subprocess.run(
        ["bash", str(path)], capture_output=True, text=True, timeout=900, check=False
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        pytest.skip(f"no {', '.join(executables)}: {script} failed: {proc.stderr.strip()[-500:]}")
    return Path(lines[-1])


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
