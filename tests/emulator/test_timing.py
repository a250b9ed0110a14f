"""Asynchronous completion and the timing settings (docs/emulator.md, "Timing"): in `auto`
operations finish after the configured seconds with no further call; in `manual` nothing moves
until /_emulator/advance, whose answer counts the state changes.

Not asserted (contract silent): how the configured seconds split across intermediate states;
only "not finished well before" and "finished soon after" are checked, with wide margins.
"""

from __future__ import annotations

import time

import httpx

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME_ID,
    PARTNER_ID,
    create_package,
    get_package,
    handshake,
    job_details,
    jobs,
    listed_job,
    ok,
    transfer_by_id,
    wait_until,
)


def _publish_now(emu: EmulatorProcess, c: httpx.Client, name: str) -> str:
    p = create_package(c, name, ["acme-ns-crm"])
    ok(c.get(f"/packages/{p['id']}/export"))
    return str(p["id"])


def test_auto_publish_honours_publish_seconds(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    emulator.set_timing(mode="auto", publishSeconds=1.0)
    t0 = time.monotonic()
    pid = _publish_now(emulator, acme, "slow")
    time.sleep(0.3)
    assert get_package(acme, pid)["status"] == "PUBLISH_IN_PROGRESS"
    wait_until(lambda: get_package(acme, pid), lambda p: p["status"] == "PUBLISHED", timeout=5)
    assert time.monotonic() - t0 >= 0.9


def test_auto_job_honours_job_seconds(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    pid = _publish_now(emulator, acme, "job-timing")
    wait_until(lambda: get_package(acme, pid), lambda p: p["status"] == "PUBLISHED")
    emulator.set_timing(jobSeconds=1.0)
    job_id = ok(acme.post(f"/packages/{pid}/import?targetSandbox=prod"))["jobId"]
    time.sleep(0.3)
    assert listed_job(acme, job_id)["jobStatus"] in ("PENDING", "IN_PROGRESS")
    job = wait_until(
        lambda: listed_job(acme, job_id), lambda j: j["jobStatus"] == "SUCCESS", timeout=5
    )
    assert job["jobStatus"] == "SUCCESS"


def test_auto_transfer_honours_transfer_seconds(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    pid = _publish_now(emulator, acme, "transfer-timing")
    wait_until(lambda: get_package(acme, pid), lambda p: p["status"] == "PUBLISHED")
    emulator.set_timing(transferSeconds=1.0)
    [t] = ok(acme.post("/transfer", json={"packageId": pid, "targets": [{"imsOrgId": PARTNER_ID}]}))
    time.sleep(0.3)
    assert transfer_by_id(acme, t["id"])["status"] in ("PENDING", "IN_PROGRESS")
    done = wait_until(
        lambda: transfer_by_id(acme, t["id"]), lambda x: x["status"] == "COMPLETED", timeout=5
    )
    assert done["transferDetails"]["messages"][-1] == "Finished with status: COMPLETED"


def test_manual_nothing_moves_without_advance(manual: EmulatorProcess, acme: httpx.Client) -> None:
    pid = _publish_now(manual, acme, "frozen")
    time.sleep(0.4)  # far beyond the 0.05 s configured
    assert get_package(acme, pid)["status"] == "PUBLISH_IN_PROGRESS"
    assert manual.advance() >= 1
    assert get_package(acme, pid)["status"] == "PUBLISHED"


def test_advance_steps_counts_every_operation(manual: EmulatorProcess, acme: httpx.Client) -> None:
    a = _publish_now(manual, acme, "a")
    b = _publish_now(manual, acme, "b")
    manual.advance()
    assert manual.advance() == 0
    ca = ok(acme.post(f"/packages/{a}/import?targetSandbox=prod"))["jobId"]
    cb = ok(acme.post(f"/packages/{b}/import?targetSandbox=prod"))["jobId"]
    # Each step moves every unfinished operation one state: two jobs, two changes.
    assert manual.advance(steps=1) == 2
    assert {listed_job(acme, c)["jobStatus"] for c in (ca, cb)} == {"IN_PROGRESS"}
    assert manual.advance(steps=1) == 2
    assert {listed_job(acme, c)["jobStatus"] for c in (ca, cb)} == {"SUCCESS"}
    assert manual.advance(steps=5) == 0


def test_advance_without_steps_runs_to_completion(
    manual: EmulatorProcess, acme: httpx.Client
) -> None:
    pid = _publish_now(manual, acme, "all-the-way")
    n = manual.advance()
    assert n >= 1
    assert get_package(acme, pid)["status"] == "PUBLISHED"
    job_id = ok(acme.post(f"/packages/{pid}/import?targetSandbox=prod"))["jobId"]
    assert manual.advance() >= 2  # PENDING -> IN_PROGRESS -> SUCCESS
    assert listed_job(acme, job_id)["jobStatus"] == "SUCCESS"


def test_switching_manual_to_auto_finishes_pending_work(
    manual: EmulatorProcess, acme: httpx.Client
) -> None:
    pid = _publish_now(manual, acme, "switch")
    manual.set_timing(mode="auto", publishSeconds=0.05)
    wait_until(lambda: get_package(acme, pid), lambda p: p["status"] == "PUBLISHED", timeout=5)


def test_in_flight_work_survives_deletions(
    manual: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    """Deleting packages and artifacts under running operations never breaks the engine:
    every operation still ends in a final state and no request gets a 5xx (which outcome is
    not fixed by the contract)."""
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    publishing = _publish_now(manual, acme, "deleted-while-publishing")
    importing = _publish_now(manual, acme, "deleted-while-importing")
    transferring = _publish_now(manual, acme, "deleted-while-transferring")
    gutted = create_package(acme, "gutted", ["acme-seg-gold"])
    ok(acme.get(f"/packages/{gutted['id']}/export"))
    manual.advance()
    ok(acme.delete(f"/packages/{publishing}"))
    # new work on the published ones, then pull the rug
    manual.clear_requests()
    c1 = ok(acme.post(f"/packages/{importing}/import?targetSandbox=prod"))["jobId"]
    c2 = ok(acme.post(f"/packages/{gutted['id']}/import?targetSandbox=prod"))["jobId"]
    [t] = ok(
        acme.post(
            "/transfer", json={"packageId": transferring, "targets": [{"imsOrgId": PARTNER_ID}]}
        )
    )
    ok(acme.delete(f"/packages/{importing}"))
    ok(acme.delete(f"/packages/{transferring}"))
    manual.delete_artifact("acme", "dev", "acme-mp-default")
    manual.delete_artifact("acme", "prod", "acme-prod-mp")
    manual.advance()
    assert manual.advance() == 0
    assert listed_job(acme, c1)["jobStatus"] in ("SUCCESS", "FAILED")
    assert listed_job(acme, c2)["jobStatus"] in ("SUCCESS", "FAILED")
    # The jobs outlive their packages: /tools/job still answers for each.
    for job in jobs(acme):
        assert job_details(acme, job["id"])["jobStatus"] in ("SUCCESS", "FAILED")
    assert transfer_by_id(acme, t["id"])["status"] in ("COMPLETED", "FAILED")
    assert [r for r in manual.requests() if r["status"] >= 500] == []
    assert ok(acme.get("/packages"))["totalElements"] == 1  # only "gutted" is left


def test_reset_with_work_in_flight(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.set_timing(publishSeconds=0.3)
    _publish_now(emulator, acme, "in-flight")
    emulator.reset("demo")
    time.sleep(0.5)
    assert ok(emulator.http.get("/_emulator/health")) == {"status": "ok"}
    with emulator.api("acme") as c:
        assert ok(c.get("/packages"))["totalElements"] == 0
        assert ok(c.get("/packages/jobs"))["totalElements"] == 0
