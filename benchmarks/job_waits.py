"""Waits cost little: `wait_for_job(job_id)` against the old way, polling the jobs list.

Run as a section of the runner: `python -m benchmarks.run waits` (writes its section of
`benchmarks/RESULTS.md`). One emulator (127.0.0.1, started and stopped here) holds an org
with `--earlier` jobs (publications and imports of a few packages); then one import job runs
for `--job-seconds` (auto timing) and three waiters follow it side by side, from the moment
the submit answers until they see it SUCCESS:

- `wait_for_job(job_id)`: `GET /tools/job/{JOB_ID}`, one call a poll;
- the old way, the whole list: every page of `GET /packages/jobs` each poll, the job picked
  by id (what a waiter must do where the server filters only on documented fields);
- the old way as `find_job` sent it: every page of `GET /packages/jobs?property=name==NAME&
  property=requestType==IMPORT` each poll (the emulator honours `name==`, which no page
  documents as a filter of this list).

All three poll on the same schedule (the waiter's defaults: 0.2 s, ×1.5 a poll, capped at
10 s). For each: how long after the job finished it noticed (the job's `modifiedTimestamp`
from `GET /tools/job` against the wall clock when the wait returned; one host, one clock), the
exim calls it made (the emulator's request log, `?since=SEQ`), the job items and bytes it
read. A benchmark measures; it never asserts.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from sandbox_provider.client import ExImClient, prop
from sandbox_provider.client.transport import DEFAULT_PAGE_SIZE
from sandbox_provider.client.waiters import POLL_GROWTH
from sandbox_provider.testing import EmulatorProcess

NS = {"id": "acme-ns-crm", "type": "ID_NAMESPACE"}
#: The waiter's defaults (`Waiters.wait_for_job`), used by the baselines too.
POLL_INTERVAL = 0.2
MAX_POLL_INTERVAL = 10.0
#: Packages the earlier jobs are spread over (one EXPORT job each, the rest IMPORT jobs).
PACKAGES = 10


@dataclass
class Waiter:
    label: str
    #: Which exim requests of the log are this waiter's.
    mine: Callable[[dict[str, Any]], bool]
    started: float = 0.0
    returned_ms: int = 0
    seconds: float = 0.0
    polls: int = 0
    items: int = 0
    bytes: int = 0
    calls: int = 0
    #: time.monotonic() when each poll had its answer (all pages of it).
    polled_at: list[float] = field(default_factory=list)
    error: str | None = None


def _client(emu: EmulatorProcess, counter: Waiter | None = None) -> ExImClient:
    from benchmarks.run import emulator_client  # run.py loads this module lazily

    def count(response: httpx.Response) -> None:
        if counter is not None and "/data/" in response.request.url.path:
            counter.bytes += int(response.headers.get("content-length", 0))

    http = httpx.Client(event_hooks={"response": [count]})
    return emulator_client(emu, "acme", deadline=30.0, http_client=http)


def _set_up(emu: EmulatorProcess, earlier: int) -> tuple[list[str], int]:
    """`PACKAGES` published packages and `earlier` jobs in all (their EXPORT jobs, then
    imports into prod round-robin), every one finished. Returns the package ids and the
    number of jobs made."""
    emu.set_timing(mode="auto", publishSeconds=0.05, jobSeconds=0.05, transferSeconds=0.05)
    org = emu.org("acme")["imsOrgId"]
    api = emu.api("acme", "dev")
    ids = []
    for i in range(PACKAGES):
        r = api.post(
            "/packages",
            json={"name": f"wait-bench-{i:02d}", "packageType": "PARTIAL", "artifacts": [NS]},
        )
        r.raise_for_status()
        ids.append(r.json()["id"])
        api.get(f"/packages/{ids[-1]}/export").raise_for_status()
    _until(lambda: all(api.get(f"/packages/{p}").json()["status"] == "PUBLISHED" for p in ids))
    for k in range(earlier - PACKAGES):
        body = {"id": ids[k % PACKAGES], "destinationSandbox": {"name": "prod", "imsOrgId": org}}
        api.post("/packages/import", json=body).raise_for_status()

    def running() -> list[Any]:
        return [
            j
            for status in ("PENDING", "IN_PROGRESS")
            for j in api.get(
                "/packages/jobs", params={"property": f"jobStatus=={status}", "limit": 1}
            ).json()["data"]
        ]

    _until(lambda: running() == [])
    total = len(api.get("/packages/jobs", params={"limit": 1000}).json()["data"])
    api.close()
    return ids, total


def _until(done: Callable[[], bool], timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise RuntimeError("the emulator did not finish the set-up in time")
        time.sleep(0.1)


def _baseline(
    client: ExImClient, waiter: Waiter, job_id: str, filters: list[Any], timeout: float
) -> None:
    """The old waiter's loop: every page of the jobs list per poll, until the job is
    SUCCESS (same schedule as `wait_for_job`)."""
    delay = POLL_INTERVAL
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        jobs = list(client.list_jobs(*filters, page_size=DEFAULT_PAGE_SIZE))
        waiter.polls += 1
        waiter.items += len(jobs)
        waiter.polled_at.append(time.monotonic())
        status = next((j.job_status for j in jobs if j.id == job_id), None)
        if status in ("SUCCESS", "FAILED", "CANCELLED"):
            return
        time.sleep(delay)
        delay = min(MAX_POLL_INTERVAL, delay * POLL_GROWTH)
    raise TimeoutError(f"job {job_id} not finished after {timeout:g}s")


def run(job_seconds: float, earlier: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-waits-") as tmp:
        emu = EmulatorProcess.start(Path(tmp) / "exim.db", seed="demo", delay=0.05)
        try:
            return _measure(emu, job_seconds, earlier)
        finally:
            emu.stop()


def _measure(emu: EmulatorProcess, job_seconds: float, earlier: int) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    packages, jobs_before = _set_up(emu, earlier)
    emu.set_timing(jobSeconds=job_seconds)
    submitter = _client(emu)
    sub = submitter.submit_import(packages[0], "prod")
    job_id, name = sub.job_id, sub.job_name
    if not job_id or not name:
        raise RuntimeError(f"the submit answered no job id: {sub!r}")

    def is_jobs_list(r: dict[str, Any]) -> bool:
        return r["method"] == "GET" and r["path"].rstrip("/").endswith("/packages/jobs")

    waiters = [
        Waiter(
            "`wait_for_job(job_id)`: GET /tools/job/{id}",
            lambda r: r["method"] == "GET" and r["path"].endswith(f"/tools/job/{job_id}"),
        ),
        Waiter(
            "old: the whole jobs list (GET /packages/jobs, every page)",
            lambda r: is_jobs_list(r) and "property" not in r["query"],
        ),
        Waiter(
            "old, as `find_job` filtered it (requestType==IMPORT and name==, undocumented)",
            lambda r: is_jobs_list(r) and "property" in r["query"],
        ),
    ]
    clients = [_client(emu, w) for w in waiters]
    for c in clients:
        c.token_provider.token()  # tokens fetched before the clock starts
    timeout = job_seconds * 3 + 30
    filtered = [prop("name").eq(name), prop("requestType").eq("IMPORT")]

    def new_way() -> None:
        at = waiters[0].polled_at
        clients[0].wait_for_job(
            job_id, timeout=timeout, progress=lambda _: at.append(time.monotonic())
        )

    bodies: list[Callable[[], None]] = [
        new_way,
        lambda: _baseline(clients[1], waiters[1], job_id, [], timeout),
        lambda: _baseline(clients[2], waiters[2], job_id, filtered, timeout),
    ]
    since = emu.requests()[-1]["seq"]
    gate = threading.Barrier(len(waiters))

    def follow(waiter: Waiter, body: Callable[[], None]) -> None:
        gate.wait()
        waiter.started = time.monotonic()
        try:
            body()
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it doesn't stop
            waiter.error = f"{type(exc).__name__}: {exc}"
        waiter.returned_ms = int(time.time() * 1000)
        waiter.seconds = time.monotonic() - waiter.started

    threads = [
        threading.Thread(target=follow, args=(w, b)) for w, b in zip(waiters, bodies, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log = [r for r in emu.requests(since) if r["path"].startswith("/data/")]
    details = submitter.get_job(job_id)
    for w, c in zip(waiters, clients, strict=True):
        mine = [r for r in log if w.mine(r)]
        w.calls = len(mine)
        c.close()
    # One GET a poll, one job an answer.
    waiters[0].polls = len(waiters[0].polled_at)
    waiters[0].items = waiters[0].calls
    submitter.close()
    return {
        "job_id": job_id,
        "name": name,
        "jobs_before": jobs_before,
        "same_name": len(_import_jobs_named(emu, name)),
        "created": details.created_timestamp,
        "finished": details.modified_timestamp,
        "status": details.status,
        "waiters": waiters,
        "other_calls": len(log) - sum(w.calls for w in waiters),
        "load": (load_before, os.getloadavg()[0]),
    }


def _import_jobs_named(emu: EmulatorProcess, name: str) -> list[dict[str, Any]]:
    api = emu.api("acme", "dev")
    params = httpx.QueryParams(
        [("property", f"name=={name}"), ("property", "requestType==IMPORT"), ("limit", "1000")]
    )
    data = api.get("/packages/jobs", params=params).json()["data"]
    api.close()
    return list(data)


def section(
    command_line: str, machine_line: str, date: str, job_seconds: float, earlier: int
) -> str:
    r = run(job_seconds, earlier)
    finished = r["finished"] or 0
    lines = [
        "## Waits cost little: following a job by id against polling the jobs list",
        "",
        f"- command: `{command_line}`",
        f"- machine: {machine_line}",
        f"- date: {date}",
        f"- load (1-min average, before / after; other engineers' work shares the cores): "
        f"{r['load'][0]:.1f} / {r['load'][1]:.1f}",
        f"- emulator: started by the benchmark, demo seed, 127.0.0.1; the org holds "
        f"{r['jobs_before']} earlier jobs ({PACKAGES} EXPORT, {r['jobs_before'] - PACKAGES} "
        f"IMPORT over {PACKAGES} package names); then one import job (`jobSeconds: "
        f"{job_seconds:g}`, auto timing) ran for "
        f"{((r['finished'] or 0) - (r['created'] or 0)) / 1000:.1f} s and ended {r['status']}",
        f"- three waiters followed that job side by side from the submit's answer, each with "
        f"its own client, on the waiter's schedule (first poll at once, then "
        f"{POLL_INTERVAL:g} s ×{POLL_GROWTH:g} a poll, capped at {MAX_POLL_INTERVAL:g} s); "
        f"list pages of {DEFAULT_PAGE_SIZE} (the client's page size); "
        f"{r['same_name']} IMPORT jobs carry the job's name `{r['name']}`",
        "- noticed after = wall clock when the wait returned − the job's `modifiedTimestamp` "
        "(`GET /tools/job`); calls from the emulator's request log (`?since=SEQ`); bytes = "
        "the answers' `content-length`; gaps = between the ends of two polls (all pages of "
        "each), on the waiter's side",
        "",
        "| waiter | exim calls | polls | calls / poll | job items read | KiB read | "
        "wait s | noticed after s | last gap s | longest gap s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    base = r["waiters"][0]
    for w in r["waiters"]:
        lag = (w.returned_ms - finished) / 1000 if finished else float("nan")
        per_poll = w.calls / w.polls if w.polls else 0.0
        label = w.label + (f" (error: {w.error})" if w.error else "")
        gaps = [b - a for a, b in zip(w.polled_at, w.polled_at[1:], strict=False)]
        lines.append(
            f"| {label} | {w.calls} | {w.polls} | {per_poll:.1f} | {w.items} | "
            f"{w.bytes / 1024:.1f} | {w.seconds:.1f} | {lag:.2f} | "
            f"{(gaps[-1] if gaps else 0):.2f} | {max(gaps, default=0):.2f} |"
        )
    whole, named = r["waiters"][1], r["waiters"][2]
    lag = (base.returned_ms - finished) / 1000 if finished else float("nan")
    last = base.polled_at[-1] - base.polled_at[-2] if len(base.polled_at) > 1 else 0.0
    within = "within" if lag <= max(last, 0.0) + 0.5 else "NOT within"
    lines += [
        "",
        f"`wait_for_job` noticed the end {lag:.2f} s after it: {within} one poll interval "
        f"(the last was {last:.2f} s; the cap is {MAX_POLL_INTERVAL:g} s).",
        "",
        "Side by side (the old way over `wait_for_job`, same job, same run): exim calls "
        f"{whole.calls / max(base.calls, 1):.1f}× (whole list), "
        f"{named.calls / max(base.calls, 1):.1f}× (filtered by name); bytes read "
        f"{whole.bytes / max(base.bytes, 1):.1f}× and {named.bytes / max(base.bytes, 1):.1f}×. "
        f"Other exim calls in the window: {r['other_calls']}.",
    ]
    return "\n".join(lines) + "\n"
