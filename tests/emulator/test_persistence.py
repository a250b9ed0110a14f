"""State survives a restart: a second process on the same SQLite file sees everything the
first one stored (docs/emulator.md, "Running it"; issue 2, "Storage").

Starting with `--seed demo` on a database that already holds data keeps that data
(docs/emulator.md: a `--db` file that already holds state is not re-seeded). Tokens are
re-issued after the restart here (that they persist is asserted in test_decisions.py).
An operation unfinished at
the stop resumes after the restart (test_unfinished_work_completes_after_restart): the contract
does not say so explicitly, but anything else leaves a package stuck in PUBLISH_IN_PROGRESS.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME,
    ACME_ID,
    PARTNER,
    PARTNER_ID,
    SCHEMA_LOYALTY,
    create_package,
    get_package,
    handshake,
    job_details,
    ok,
    published_package,
    wait_job,
)


def test_state_survives_restart(fresh_emulator: EmulatorProcess, tmp_path: Path) -> None:
    emu = fresh_emulator
    db = emu.db_path
    with emu.api(ACME) as acme, emu.api(PARTNER) as partner:
        draft = create_package(acme, "kept-draft", ["acme-ns-crm"], description="survives")
        pub = published_package(emu, acme, "kept-published", [SCHEMA_LOYALTY])
        job = wait_job(
            acme, ok(acme.post(f"/packages/{pub['id']}/import?targetSandbox=prod"))["jobId"]
        )
        hs = handshake(acme, partner, ACME_ID, PARTNER_ID)
    emu.add_artifact(ACME, "dev", {"id": "acme-extra", "type": "ID_NAMESPACE", "title": "Extra"})
    emu.set_roles(PARTNER, {"Sandbox": ["view"]})
    ok(emu.http.post(f"/_emulator/orgs/{ACME}/sandboxes", json={"name": "qa"}), 201)
    prod_before = sorted(a["id"] for a in emu.artifacts(ACME, "prod"))
    emu.stop()

    again = EmulatorProcess.start(db, seed="demo", delay=0.05)
    try:
        with again.api(ACME) as acme, again.api(PARTNER) as partner:
            assert get_package(acme, draft["id"]) == draft
            p = get_package(acme, pub["id"])
            assert p["status"] == "PUBLISHED"
            assert p["publishDate"] == pub["publishDate"]
            assert ok(acme.get("/packages"))["totalElements"] == 2
            [j] = [
                x for x in ok(acme.get("/packages/jobs?limit=100"))["data"] if x["id"] == job["id"]
            ]
            assert j["jobStatus"] == "SUCCESS"
            # Its details (tasks, replacement map) too.
            assert job_details(acme, job["id"]) == job
            listed = ok(partner.get("/handshake/list?requestType=INCOMING"))["data"]
            assert [(h["id"], h["status"]) for h in listed] == [(hs["id"], "APPROVED")]
        assert "acme-extra" in {a["id"] for a in again.artifacts(ACME, "dev")}
        assert sorted(a["id"] for a in again.artifacts(ACME, "prod")) == prod_before
        assert "qa" in again.org(ACME)["sandboxes"]
        assert again.roles(PARTNER)["permissions"] == {"Sandbox": ["view"]}
    finally:
        again.stop()


def test_unfinished_work_completes_after_restart(fresh_emulator: EmulatorProcess) -> None:
    emu = fresh_emulator
    emu.set_timing(mode="manual")
    with emu.api(ACME) as acme:
        p = create_package(acme, "half-done", ["acme-ns-crm"])
        ok(acme.get(f"/packages/{p['id']}/export"))
        assert get_package(acme, p["id"])["status"] == "PUBLISH_IN_PROGRESS"
    emu.stop()
    again = EmulatorProcess.start(emu.db_path, seed="demo", timing="manual", delay=0.05)
    try:
        with again.api(ACME) as acme:
            assert get_package(acme, p["id"])["status"] == "PUBLISH_IN_PROGRESS"
            again.advance()
            assert get_package(acme, p["id"])["status"] == "PUBLISHED"
    finally:
        again.stop()


def test_database_is_sqlite_wal(fresh_emulator: EmulatorProcess) -> None:
    with fresh_emulator.api(ACME) as acme:
        create_package(acme, "wal", [])
    con = sqlite3.connect(fresh_emulator.db_path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
