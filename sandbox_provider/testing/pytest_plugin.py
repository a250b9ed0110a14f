"""pytest fixtures for testing a Pulumi program against the emulator. Enable them with

    pytest_plugins = ["sandbox_provider.testing.pytest_plugin"]

- `emulator`: one `sandbox-provider emulator` process for the session (real HTTP on
  127.0.0.1, a real SQLite file), reset to the demo seed before each test that uses it;
  `emulator_process` is the same process without the reset.
- `fresh_emulator`: an emulator of the test's own (restarts, persistence, timing).
- `pulumi_bin`: the CLI (`$PULUMI_BIN`, else `pulumi` on PATH). Without one the test is
  skipped, saying how to get it; under `CI=true` that is a failure instead.
- `stack_factory`: `stack_factory(project_dir)` (or `stack_factory(program="...")` for a
  new project) gives an initialised `Stack` on a file backend under the test's tmp_path,
  its `aep:*` config pointed at `emulator` (or at the one passed as `emulator=`).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from ._command import find_pulumi
from .emulator import TEST_DELAY, EmulatorProcess
from .stack import Stack, configure_for_emulator
from .world import write_project

StackFactory = Callable[..., Stack]

_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def pulumi_bin() -> str:
    """The pulumi CLI; skips the test without one, except under CI=true (then it fails)."""
    try:
        return find_pulumi()
    except FileNotFoundError as exc:
        if _CI:
            pytest.fail(f"{exc}; under CI=true the engine tests must run", pytrace=False)
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def emulator_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """The session's emulator as started (demo seed, async steps of TEST_DELAY seconds)."""
    db = tmp_path_factory.mktemp("emulator") / "exim.db"
    emu = EmulatorProcess.start(db, seed="demo", delay=TEST_DELAY, log_path=db.with_suffix(".log"))
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def emulator(emulator_process: EmulatorProcess) -> EmulatorProcess:
    """The session's emulator, reset to the demo seed (timing auto, TEST_DELAY per step)."""
    emulator_process.reset("demo")
    emulator_process.set_timing(
        mode="auto", publishSeconds=TEST_DELAY, jobSeconds=TEST_DELAY, transferSeconds=TEST_DELAY
    )
    return emulator_process


@pytest.fixture
def fresh_emulator(tmp_path: Path) -> Iterator[EmulatorProcess]:
    """An emulator of the test's own, stopped after it."""
    emu = EmulatorProcess.start(tmp_path / "exim.db", seed="demo", delay=TEST_DELAY)
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def stack_factory(
    request: pytest.FixtureRequest, tmp_path: Path, pulumi_bin: str
) -> Iterator[StackFactory]:
    """Make stacks of a project, configured for an emulator. A stack config file the factory
    writes into an existing project (`Pulumi.<name>.yaml`) is removed afterwards."""
    written: list[Path] = []
    made = itertools.count()

    def make(
        project_dir: Path | str | None = None,
        *,
        program: str | None = None,
        name: str = "test",
        emulator: EmulatorProcess | None = None,
        orgs: Sequence[str] = ("acme", "partner"),
        config: Mapping[str, str] | None = None,
        configure: bool = True,
    ) -> Stack:
        n = next(made)
        if project_dir is None:
            project = write_project(tmp_path / f"project-{n}", program=program or "")
        else:
            project = Path(project_dir)
            if program is not None:
                raise TypeError("give a project_dir or a program, not both")
        settings = project / f"Pulumi.{name}.yaml"
        if not settings.exists():
            written.append(settings)
        stack = Stack(
            project_dir=project, state_dir=tmp_path / f"state-{n}", name=name, pulumi=pulumi_bin
        )
        stack.init()
        if configure:
            emu = emulator or request.getfixturevalue("emulator")
            records = {org: emu.org(org) for org in orgs}
            configure_for_emulator(stack, emu.url, records, default_org=orgs[0], extra=config)
        elif config:
            stack.set_config(config)
        return stack

    try:
        yield make
    finally:
        for path in written:
            path.unlink(missing_ok=True)
