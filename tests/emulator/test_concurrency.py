"""Concurrent requests never corrupt the store: parallel creates all land, names stay unique,
racing duplicate names yield exactly one winner, and no request gets a 5xx (issue 2, "Storage")."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from sandbox_provider.testing import EmulatorProcess

from ._support import ACME, PARTNER, create_package, job_details, ok

#: What importing acme-ns-crm, acme-policy-email and acme-ds-web (with its closure) into prod
#: lands, per the type rules (docs/emulator.md, "Import semantics"): a namespace, a schema and
#: a field group are reused by title, so each lands once however many jobs import it;
#: everything else is created by every job, the first copy with the source's title and the
#: later ones with `_<epoch ms>` (the target already holds one of that title).
REUSED_TITLES = {
    ("ID_NAMESPACE", "CRM ID"),
    ("REGISTRY_SCHEMA", "Web Events Schema"),
    ("REGISTRY_MIXIN", "Commerce Details"),
}
CREATED_TITLES = {
    ("DULE_CONSENT_POLICY", "Email Marketing Consent"),
    ("CATALOG_DATASET", "Web Events Dataset"),
    ("REGISTRY_CLASS", "Web Event"),
    ("REGISTRY_DATATYPE", "Money Amount"),
}


def assert_each_job_saw_the_others(landed: list[dict], jobs: int) -> None:
    """`landed`: what the imports added to prod. Reused types land once; created types once
    per job, exactly one of them with the plain title (the later jobs saw it)."""
    by_type: dict[str, list[str]] = {}
    for a in landed:
        by_type.setdefault(a["type"], []).append(a["title"])
    for typ, title in REUSED_TITLES:
        assert by_type.pop(typ) == [title], (typ, landed)
    for typ, title in CREATED_TITLES:
        titles = by_type.pop(typ)
        assert len(titles) == jobs, (typ, titles)
        assert titles.count(title) == 1, (typ, titles)
        suffixed = [t for t in titles if t != title]
        assert all(re.fullmatch(re.escape(title) + r"_\d{13}", t) for t in suffixed), titles
    assert by_type == {}, by_type


THREADS = 8
PER_THREAD = 25


def test_parallel_creates(emulator: EmulatorProcess) -> None:
    clients = [emulator.api(ACME) for _ in range(THREADS)]
    statuses: list[int] = []
    lock = threading.Lock()

    def work(i: int) -> list[str]:
        ids = []
        for j in range(PER_THREAD):
            r = clients[i].post(
                "/packages",
                json={
                    "name": f"t{i}-p{j}",
                    "packageType": "PARTIAL",
                    "artifacts": [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}],
                },
            )
            with lock:
                statuses.append(r.status_code)
            if r.status_code == 200:
                ids.append(r.json()["id"])
        return ids

    try:
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(work, range(THREADS), timeout=60))
    finally:
        for c in clients:
            c.close()
    assert statuses.count(200) == THREADS * PER_THREAD, sorted(set(statuses))
    all_ids = [pid for ids in results for pid in ids]
    assert len(set(all_ids)) == THREADS * PER_THREAD
    with emulator.api(ACME) as c:
        env = ok(c.get("/packages", params={"limit": 500}))
        assert env["totalElements"] == THREADS * PER_THREAD
        names = [p["name"] for p in env["data"]]
        assert len(names) == len(set(names)) == THREADS * PER_THREAD
        assert {p["id"] for p in env["data"]} == set(all_ids)
    con = sqlite3.connect(emulator.db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


def test_racing_duplicate_names(emulator: EmulatorProcess) -> None:
    clients = [emulator.api(ACME) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)

    def work(i: int) -> int:
        barrier.wait(timeout=10)
        r = clients[i].post("/packages", json={"name": "contested", "packageType": "PARTIAL"})
        return r.status_code

    try:
        with ThreadPoolExecutor(THREADS) as pool:
            statuses = list(pool.map(work, range(THREADS), timeout=60))
    finally:
        for c in clients:
            c.close()
    assert sorted(statuses) == [200] + [409] * (THREADS - 1)


def test_parallel_updates_bump_version_once_each(emulator: EmulatorProcess) -> None:
    with emulator.api(ACME) as c:
        p = create_package(c, "hot", [])
    clients = [emulator.api(ACME) for _ in range(THREADS)]

    def work(i: int) -> list[int]:
        out = []
        for j in range(5):
            r = clients[i].put(
                "/packages", json={"id": p["id"], "action": "UPDATE", "description": f"{i}-{j}"}
            )
            out.append(r.status_code)
        return out

    try:
        with ThreadPoolExecutor(THREADS) as pool:
            statuses = [s for ss in pool.map(work, range(THREADS), timeout=60) for s in ss]
    finally:
        for c2 in clients:
            c2.close()
    assert statuses == [200] * (THREADS * 5)
    with emulator.api(ACME) as c:
        assert ok(c.get(f"/packages/{p['id']}"))["version"] == THREADS * 5


def test_two_orgs_in_parallel(emulator: EmulatorProcess) -> None:
    def work(org: str) -> list[int]:
        with emulator.api(org) as c:
            return [
                c.post(
                    "/packages", json={"name": f"{org}-{k}", "packageType": "PARTIAL"}
                ).status_code
                for k in range(20)
            ]

    with ThreadPoolExecutor(4) as pool:
        res = list(pool.map(work, [ACME, PARTNER, ACME, PARTNER], timeout=60))
    flat = [s for r in res for s in r]
    assert all(s < 500 for s in flat)
    # The same names were raced by two threads per org: 20 wins each org, the rest 409.
    assert flat.count(200) == 40 and flat.count(409) == 40
    for org in (ACME, PARTNER):
        with emulator.api(org) as c:
            assert ok(c.get("/packages", params={"limit": 100}))["totalElements"] == 20


def test_request_log_seq_unique_under_load(emulator: EmulatorProcess) -> None:
    emulator.clear_requests()
    clients = [emulator.api(ACME) for _ in range(THREADS)]

    def work(i: int) -> None:
        for _ in range(10):
            clients[i].get("/packages")

    try:
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(work, range(THREADS), timeout=60))
    finally:
        for c in clients:
            c.close()
    log = [e for e in emulator.requests() if e["path"].startswith("/data/")]
    seqs = [e["seq"] for e in log]
    assert len(log) == THREADS * 10
    assert len(set(seqs)) == len(seqs)
    assert seqs == sorted(seqs)


def test_simultaneous_imports_reuse_what_the_first_created(manual: EmulatorProcess) -> None:
    """Five jobs importing the same package into prod in the same steps: each sees what the
    earlier ones created. Types reused by title land once (the first creates, the others
    reuse); the others land once per job, only the first with the plain title. (Before the
    per-type rules every type was reused by title, so each title landed once.)"""
    with manual.api(ACME) as c:
        p = create_package(c, "same-five", ["acme-ns-crm", "acme-policy-email", "acme-ds-web"])
        ok(c.get(f"/packages/{p['id']}/export"))
        manual.advance()
        before = {a["id"] for a in manual.artifacts(ACME, "prod")}
        ids = [
            ok(c.post(f"/packages/{p['id']}/import?targetSandbox=prod"))["jobId"] for _ in range(5)
        ]
        manual.advance()
        jobs_ = [job_details(c, j) for j in ids]
        assert [j["jobStatus"] for j in jobs_] == ["SUCCESS"] * 5
        # The namespace, schema and field group map to the same objects in every job.
        shared = ("acme-ns-crm", "https://ns.adobe.com/acme/schemas/web-events")
        assert len({tuple(j["importReplacementMap"][s] for s in shared) for j in jobs_}) == 1
        # The dataset is a new one each time.
        assert len({j["importReplacementMap"]["acme-ds-web"] for j in jobs_}) == 5
    landed = [a for a in manual.artifacts(ACME, "prod") if a["id"] not in before]
    # 3 reused-by-title objects once, 4 created ones 5 times.
    assert len(landed) == 3 + 4 * 5
    assert_each_job_saw_the_others(landed, 5)


def test_acknowledged_writes_survive_a_kill(tmp_path: Path) -> None:
    """SIGKILL in the middle of parallel writes: the database stays intact and every create
    that was answered 200 is there after a restart."""
    db = tmp_path / "kill.db"
    emu = EmulatorProcess.start(db, delay=0.05)
    acked: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    clients = [emu.api(ACME) for _ in range(4)]

    def work(i: int) -> None:
        for j in range(200):
            if stop.is_set():
                return
            try:
                r = clients[i].post(
                    "/packages", json={"name": f"k{i}-{j}", "packageType": "PARTIAL"}
                )
            except httpx.HTTPError:
                return
            if r.status_code == 200:
                with lock:
                    acked.append(r.json()["id"])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while len(acked) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    emu.proc.kill()
    emu.proc.wait(timeout=10)
    stop.set()
    for t in threads:
        t.join(timeout=10)
    for c in clients:
        c.close()
    emu.http.close()
    assert len(acked) >= 40

    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
    again = EmulatorProcess.start(db, delay=0.05)
    try:
        with again.api(ACME) as c:
            held = {p["id"] for p in ok(c.get("/packages", params={"limit": 1000}))["data"]}
        assert set(acked) <= held
    finally:
        again.stop()


def test_parallel_imports_in_auto_mode_create_each_title_once(emulator: EmulatorProcess) -> None:
    """Eight orgs-worth of work at once: each thread publishes its own package holding the same
    artifacts and imports it into prod while the background clock runs. The type rules must
    hold across jobs: what is reused by title lands once, what is created lands once per job
    with only the first copy under the plain title."""
    before = {a["id"] for a in emulator.artifacts(ACME, "prod")}

    def work(i: int) -> str:
        with emulator.api(ACME) as c:
            p = create_package(c, f"par-{i}", ["acme-policy-email", "acme-ns-crm", "acme-ds-web"])
            ok(c.get(f"/packages/{p['id']}/export"))
            deadline = time.monotonic() + 15
            while ok(c.get(f"/packages/{p['id']}"))["status"] != "PUBLISHED":
                assert time.monotonic() < deadline
                time.sleep(0.02)
            job_id = ok(c.post(f"/packages/{p['id']}/import?targetSandbox=prod"))["jobId"]
            while True:
                status = job_details(c, job_id)["jobStatus"]
                if status in ("SUCCESS", "FAILED"):
                    return str(status)
                assert time.monotonic() < deadline
                time.sleep(0.02)

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(work, range(THREADS), timeout=60))
    assert results == ["SUCCESS"] * THREADS
    landed = [a for a in emulator.artifacts(ACME, "prod") if a["id"] not in before]
    assert len(landed) == 3 + 4 * THREADS
    assert_each_job_saw_the_others(landed, THREADS)
    assert [r for r in emulator.requests() if r["status"] >= 500] == []
