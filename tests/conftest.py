"""Shared fixtures: one real emulator process per test session, reset before each test.

Tests talk to it over real HTTP on 127.0.0.1; its state lives in a real SQLite file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox_provider.testing import EmulatorProcess, find_pulumi

# Async operations finish quickly in tests, but still asynchronously.
TEST_DELAY = 0.05


@pytest.fixture(scope="session")
def emulator_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    db = tmp_path_factory.mktemp("emulator") / "exim.db"
    log = db.with_suffix(".log")
    emu = EmulatorProcess.start(db, seed="demo", delay=TEST_DELAY, log_path=log)
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def emulator(emulator_process: EmulatorProcess) -> EmulatorProcess:
    """The session's emulator, reset to the demo seed (timing auto, 0.05 s per step)."""
    emulator_process.reset("demo")
    emulator_process.set_timing(
        mode="auto", publishSeconds=TEST_DELAY, jobSeconds=TEST_DELAY, transferSeconds=TEST_DELAY
    )
    return emulator_process


@pytest.fixture
def fresh_emulator(tmp_path: Path) -> Iterator[EmulatorProcess]:
    """An emulator of the test's own (for restarts, persistence, timing experiments)."""
    emu = EmulatorProcess.start(tmp_path / "exim.db", seed="demo", delay=TEST_DELAY)
    try:
        yield emu
    finally:
        emu.stop()


_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def pulumi_bin() -> str:
    """The real pulumi CLI of the e2e and chaos tiers: $PULUMI_BIN (set by `make test`), else
    the one on PATH. Without one, a local `pytest` run skips those tiers, saying how to get
    it; under CI=true that is a failure (see below)."""
    try:
        return find_pulumi()
    except FileNotFoundError as exc:
        if _CI:
            pytest.fail(f"{exc}; under CI=true the engine tiers must run", pytrace=False)
        pytest.skip(str(exc))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    # Under CI=true no test may skip silently: a skip is reported as a failure.
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if _CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which is not allowed: {report.longrepr}"
