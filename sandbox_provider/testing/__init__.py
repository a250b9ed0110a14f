"""Test tooling for programs that use sandbox_provider: run them against the local emulator.

Install with the emulator's web server (`pip install 'sandbox_provider[emulator]'`) and have a
`pulumi` CLI (on PATH, or its path in $PULUMI_BIN). In a test suite, enable the fixtures:

    # conftest.py
    pytest_plugins = ["sandbox_provider.testing.pytest_plugin"]

    # test_infra.py
    from pathlib import Path

    def test_my_program_publishes_its_package(emulator, stack_factory):
        stack = stack_factory(Path(__file__).parent.parent / "infra")  # holds Pulumi.yaml
        stack.up()
        package_id = stack.outputs()["packageId"]
        with emulator.api("acme", "dev") as api:
            assert api.get(f"/packages/{package_id}").json()["status"] == "PUBLISHED"

`emulator` is a running `sandbox-provider emulator` (demo seed, reset before each test);
`stack_factory` makes a stack of the project on a local file backend, its `aep:*` config
pointed at that emulator. Without pytest:

    from sandbox_provider.testing import Stack, configure_for_emulator, running

    with running("exim.db") as emu:
        stack = Stack(project_dir=Path("infra"), state_dir=Path("state"))
        stack.init()
        configure_for_emulator(stack, emu.url, {"acme": emu.org("acme")})
        stack.up()

The names load on first use: the emulator helper speaks plain HTTP and does not import
pulumi; the stack helper drives the engine through `pulumi.automation`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# name -> the module of this package that defines it
_EXPORTS = {
    "EXIM_PREFIX": "emulator",
    "TEST_DELAY": "emulator",
    "EmulatorProcess": "emulator",
    "running": "emulator",
    "PulumiError": "_command",
    "find_pulumi": "_command",
    "Result": "stack",
    "Stack": "stack",
    "configure_for_emulator": "stack",
    "World": "world",
    "new_world": "world",
    "write_project": "world",
}

__all__ = [
    "EXIM_PREFIX",
    "TEST_DELAY",
    "EmulatorProcess",
    "PulumiError",
    "Result",
    "Stack",
    "configure_for_emulator",
    "World",
    "find_pulumi",
    "new_world",
    "running",
    "write_project",
]

if TYPE_CHECKING:
    from ._command import PulumiError, find_pulumi
    from .emulator import EXIM_PREFIX, TEST_DELAY, EmulatorProcess, running
    from .stack import Result, Stack, configure_for_emulator
    from .world import World, new_world, write_project


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sandbox_provider.testing' has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)
