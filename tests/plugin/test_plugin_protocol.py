"""The core's hooks the plugin drives (per-call reporter and custom timeout, cancel ending a
wait at once) and the plugin's detailed diff of artifacts, without the CLI."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from pulumi.provider.experimental import provider as p

from sandbox_provider.client.timing import WAIT_SECONDS
from sandbox_provider.plugin.diffs import artifact_entries, detailed_diff
from sandbox_provider.resources import _base, errors
from sandbox_provider.resources._common import StatusReporter, wait_seconds

K = p.PropertyDiffKind
A = {"id": "a", "type": "PROFILE_SEGMENT"}
B = {"id": "b", "type": "PROFILE_SEGMENT"}
C = {"id": "c", "type": "PROFILE_SEGMENT"}


@pytest.fixture(autouse=True)
def not_cancelled() -> Iterator[None]:
    _base.CANCELLED.clear()
    yield
    _base.CANCELLED.clear()


def test_progress_goes_to_the_calls_reporter_and_to_stderr_outside_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen: list[tuple[str, str]] = []
    with _base.call_scope(lambda severity, message: seen.append((severity, message))):
        _base.progress("one")
        _base.warn("two")
    _base.progress("three")
    assert seen == [("info", "aep: one"), ("warning", "aep: two")]
    assert capsys.readouterr().err == "aep: three\n"


def test_a_custom_timeout_overrides_timeout_seconds_for_that_call_only() -> None:
    assert wait_seconds({"timeout_seconds": 30}) == 30
    with _base.call_scope(timeout=5):
        assert wait_seconds({"timeout_seconds": 30}) == 5
    with _base.call_scope(timeout=0):  # the engine sends 0 when none was given
        assert wait_seconds({}) == WAIT_SECONDS


def test_cancel_ends_a_sleeping_wait_at_once_and_its_poller_stops() -> None:
    report: StatusReporter[str] = StatusReporter(lambda s: s, lambda _s, status: status)
    polls: list[str] = []

    def slow_wait() -> str:
        for _ in range(100):
            report("RUNNING")
            polls.append("poll")
            time.sleep(0.1)
        return "DONE"

    threading.Timer(0.3, _base.cancel).start()
    start = time.monotonic()
    with pytest.raises(errors.Cancelled, match="waiting for x was cancelled"):
        _base.interruptible(slow_wait, "waiting for x")
    assert time.monotonic() - start < 1.0
    time.sleep(0.3)
    count = len(polls)
    time.sleep(0.3)
    assert len(polls) == count < 10  # the poller raised at its next poll
    with pytest.raises(errors.Cancelled, match="before it started"):
        _base.interruptible(lambda: "never", "waiting for y")


def test_a_wait_that_finishes_or_fails_returns_or_raises_as_it_would() -> None:
    assert _base.interruptible(lambda: 42, "w") == 42
    with pytest.raises(ZeroDivisionError):
        _base.interruptible(lambda: 1 // 0, "w")


def test_unfinished_is_the_dynamic_error_carrying_id_and_outputs() -> None:
    exc = errors.Unfinished("publishing failed: run up again", "pkg1", {"status": "IN"})
    assert isinstance(exc, errors.ProviderError)
    assert str(exc) == "publishing failed: run up again"
    assert (exc.id, exc.outs) == ("pkg1", {"status": "IN"})


def test_artifacts_added_and_removed_each_get_an_entry() -> None:
    entries = artifact_entries([A, B], [C, A], replace=False)
    assert entries is not None
    assert {k: v.kind for k, v in entries.items()} == {
        "artifacts[1]": K.DELETE,
        "artifacts[0]": K.ADD,
    }
    # An index removed from the old list and added in the new one is one update.
    swapped = artifact_entries([A, B], [A, C], replace=True)
    assert swapped is not None
    assert {k: v.kind for k, v in swapped.items()} == {"artifacts[1]": K.UPDATE_REPLACE}
    # An entry not known yet (a preview): no entry-by-entry diff.
    assert artifact_entries([A], [A, {"id": None, "type": "X"}], replace=False) is None


def test_detailed_diff_compares_declared_artifacts_not_the_platforms_list() -> None:
    platform = [{**A, "title": "A", "count": 3, "found": True}]
    olds = {"name": "old", "artifacts": platform, "declared_artifacts": [A]}
    news = {"name": "new", "artifacts": [A]}
    kinds = {k: v.kind for k, v in detailed_diff(["name", "artifacts"], olds, news, []).items()}
    assert kinds == {"name": K.UPDATE}
    # A replace whose inputs are the same (drift, an expiry) still names its property.
    drift = detailed_diff(["artifacts"], olds, {"artifacts": [A]}, ["artifacts", "expiry"])
    assert {k: (v.kind, v.input_diff) for k, v in drift.items()} == {
        "artifacts": (K.UPDATE_REPLACE, False),
        "expiry": (K.UPDATE_REPLACE, False),
    }
