"""The emulator's clock (POST/GET /_emulator/clock): moving it forward expires packages and
tokens as the platform's time would, and a reset puts it back."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME,
    ACME_ID,
    DAY_MS,
    assert_service_error,
    create_package,
    failure_text,
    get_package,
    job_details,
    listed_job,
    now_ms,
    ok,
    publish,
    wait_job,
)


def _import(c: httpx.Client, pid: str) -> dict[str, Any]:
    payload = {"id": pid, "destinationSandbox": {"name": "prod", "imsOrgId": ACME_ID}}
    return wait_job(c, ok(c.post("/packages/import", json=payload))["jobId"])


def test_clock_starts_unmoved_and_reports_total(emulator: EmulatorProcess) -> None:
    got = ok(emulator.http.get("/_emulator/clock"))
    assert got["advancedSeconds"] == 0
    assert abs(got["now"] - now_ms()) < 60_000
    assert emulator.advance_clock(3600) == 3600
    assert emulator.advance_clock(60.5) == 3660.5
    assert ok(emulator.http.get("/_emulator/clock"))["advancedSeconds"] == 3660.5


def test_advancing_moves_a_packages_dates_back(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    pkg = publish(emulator, acme, create_package(acme, "aging", ["acme-ns-crm"])["id"])
    emulator.advance_clock(10 * 86400)
    with emulator.api(ACME, "dev") as c:  # the token expired with the move
        later = get_package(c, pkg["id"])
        for field in ("expiry", "publishDate", "createdDate", "modifiedDate"):
            assert later[field] == pkg[field] - 10 * DAY_MS, field
        # Still 80 days to go: importable.
        assert _import(c, pkg["id"])["jobStatus"] == "SUCCESS"


def test_a_package_past_its_expiry_is_kept_but_neither_imported_nor_shared(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    pkg = publish(emulator, acme, create_package(acme, "expiring", ["acme-ns-crm"])["id"])
    emulator.advance_clock(91 * 86400)
    with emulator.api(ACME, "dev") as c:
        seen = get_package(c, pkg["id"])
        # The platform documents no EXPIRED status: the package stays, its expiry past.
        assert seen["status"] == "PUBLISHED"
        assert seen["expiry"] < now_ms()
        assert pkg["id"] in {p["id"] for p in ok(c.get("/packages"))["data"]}
        job = _import(c, pkg["id"])
        assert job["jobStatus"] == "FAILED"
        assert "expired" in failure_text(job).lower()
        # It can still be deleted.
        ok(c.delete(f"/packages/{pkg['id']}"))


def test_advancing_moves_a_jobs_dates_back(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    pid = create_package(acme, "job-dates", ["acme-ns-crm"])["id"]
    export = ok(acme.get(f"/packages/{pid}/export"))["jobId"]
    publish_done = wait_job(acme, export)
    job = _import(acme, pid)
    listed = {j: listed_job(acme, j) for j in (export, job["id"])}
    details = {export: publish_done, job["id"]: job}
    emulator.advance_clock(3 * 86400)
    with emulator.api(ACME, "dev") as c:  # the token expired with the move
        for jid in (export, job["id"]):
            later = listed_job(c, jid)
            assert later["created"] == listed[jid]["created"] - 3 * DAY_MS, jid
            assert later["updated"] == listed[jid]["updated"] - 3 * DAY_MS, jid
            again = job_details(c, jid)
            for field in ("createdTimestamp", "modifiedTimestamp"):
                assert again[field] == details[jid][field] - 3 * DAY_MS, (jid, field)
            assert again["jobStatus"] == "SUCCESS"


def test_tokens_expire_with_the_clock(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    assert acme.get("/packages").status_code == 200
    emulator.advance_clock(2 * 86400)
    assert acme.get("/packages").status_code == 401
    with emulator.api(ACME, "dev") as fresh:
        assert fresh.get("/packages").status_code == 200


def test_a_draft_expiry_must_be_in_the_moved_future(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    emulator.advance_clock(86400)
    # A date an hour from the wall clock is still in the future: "now" is the wall clock.
    ahead = now_ms() + 3_600_000
    with emulator.api(ACME, "dev") as c:
        pkg = create_package(c, "draft-after-move", ["acme-ns-crm"], expiry=ahead)
        assert pkg["expiry"] == ahead
        r = c.post("/packages", json={"name": "past", "packageType": "FULL", "expiry": 1})
        assert_service_error(r, 400, "expiry")


def test_reset_puts_the_clock_back(emulator: EmulatorProcess) -> None:
    emulator.advance_clock(500)
    emulator.reset()
    assert ok(emulator.http.get("/_emulator/clock"))["advancedSeconds"] == 0


def test_an_operation_due_later_is_due_once_the_clock_moves(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    emulator.set_timing(mode="auto", publishSeconds=3600)
    pid = create_package(acme, "slow", ["acme-ns-crm"])["id"]
    ok(acme.get(f"/packages/{pid}/export"))
    assert get_package(acme, pid)["status"] == "PUBLISH_IN_PROGRESS"
    emulator.advance_clock(3600)  # less than the token's lifetime: acme's token still works
    deadline = time.monotonic() + 5
    while get_package(acme, pid)["status"] != "PUBLISHED":
        assert time.monotonic() < deadline, "the publication was not due after the move"
        time.sleep(0.02)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"advanceSeconds": -1},
        {"advanceSeconds": "60"},
        {"advanceSeconds": True},
        {"advanceSeconds": 1e12},
        {"advanceSeconds": 1, "steps": 2},
        [60],
    ],
)
def test_bad_clock_bodies_are_refused(emulator: EmulatorProcess, payload: object) -> None:
    r = emulator.http.post("/_emulator/clock", json=payload)
    assert_service_error(r, 400, "advanceSeconds")
    assert ok(emulator.http.get("/_emulator/clock"))["advancedSeconds"] == 0
