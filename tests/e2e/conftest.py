"""The e2e tier: the real `pulumi` CLI, a local file backend, an emulator per test.

A test's world is `sandbox_provider.testing.World` (the same helper the chaos tier and users
have): its emulator, project directory and stack."""

from __future__ import annotations

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
