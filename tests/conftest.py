"""Shared fixtures: the ones this package gives its users (sandbox_provider.testing's pytest
plugin: one real emulator process per test session, reset before each test; an emulator of a
test's own; the pulumi CLI; stacks configured for the emulator), and the CI=true rule.

Tests talk to the emulator over real HTTP on 127.0.0.1; its state lives in a real SQLite file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

# support/: what tests in several folders share (tests/ is on sys.path, as the rootdir's
# conftest directory): the engine worlds, the in-process providers' set-up and the plugin's
# release archive.
pytest_plugins = [
    "sandbox_provider.testing.pytest_plugin",
    "support.dist",
    "support.engine",
    "support.providers",
]

_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    # Under CI=true no test may skip silently: a skip is reported as a failure.
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if _CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which is not allowed: {report.longrepr}"


@pytest.fixture(autouse=True)
def _fresh_claims() -> Iterator[None]:
    # What a provider process learns of a stack lasts one engine run; here many tests share
    # one process, each its own run.
    from sandbox_provider.resources import _claims

    _claims.forget()
    yield
    _claims.forget()


# -- the chaos tier's fault runs, summed up ----------------------------------------------------
#: One entry per fault run (tests/chaos/test_faults.py), from the reports: the runs happen in
#: whichever process ran the test, a pytest-xdist worker or this one.
_FAULT_RUNS: list[dict[str, Any]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        for key, value in report.user_properties:
            if key == "fault_run" and isinstance(value, dict):
                _FAULT_RUNS.append(value)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _FAULT_RUNS:
        return
    runs = sorted(_FAULT_RUNS, key=lambda r: int(r["seed"]))
    passed = sum(1 for r in runs if r["first_up"])
    tr = terminalreporter
    tr.section("chaos: fault runs")
    for r in runs:
        tr.write_line(
            f"seed {r['seed']}: first up {'passed' if r['first_up'] else 'FAILED'}, "
            f"ups {r['ups']}, faults injected {r['faults']}, {r['seconds']:.1f}s"
        )
        for err in r["errors"]:
            tr.write_line(f"    first-up failure: {err}")
    tr.write_line(
        f"CHAOS FIRST-UP PASS RATE: {passed}/{len(runs)} runs "
        f"({100.0 * passed / len(runs):.0f}%) passed their first `pulumi up` under faults"
    )
