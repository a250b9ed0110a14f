"""Concurrent requests never corrupt the store: parallel creates all land, names stay unique,
racing duplicate names yield exactly one winner, and no request gets a 5xx (issue 2, "Storage")."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

from sandbox_provider.emulator.harness import EmulatorProcess

from ._support import ACME, PARTNER, create_package, ok

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
