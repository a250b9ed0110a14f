"""The emulator's explicit wiring, in-process: the op-kind -> stepper table the app factory
passes to `Emulator`, the one seeding path (creation and reset), the routers the factory
includes, and the fault rules' matching and answer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from sandbox_provider.emulator import app as app_mod
from sandbox_provider.emulator import (
    imports,
    openapi,
    publish,
    seed,
    sharing,
    timing,
    updates,
    versions,
)
from sandbox_provider.emulator.faults import FaultRules, inject, parse_fault_rules
from sandbox_provider.emulator.state import Emulator
from sandbox_provider.emulator.storage import Doc

ACME_ID = seed.ACME


def _manual() -> timing.TimingSettings:
    return timing.TimingSettings(mode="manual")


@pytest.fixture
def recorded(tmp_path: Path) -> Iterator[tuple[Emulator, list[tuple[str, str]]]]:
    """An Emulator whose steppers only record the ops they were handed."""
    seen: list[tuple[str, str]] = []

    def recorder(kind: str) -> timing.Stepper:
        def step(_: Emulator, op: Doc) -> bool:
            seen.append((kind, op["kind"]))
            return True

        return step

    table = {kind: recorder(kind) for kind in timing.OP_KINDS}
    emu = Emulator(str(tmp_path / "x.db"), steppers=table, timing=_manual(), ticker=False)
    yield emu, seen
    emu.close()


def test_ops_run_through_the_table_they_were_given(
    recorded: tuple[Emulator, list[tuple[str, str]]],
) -> None:
    emu, seen = recorded
    with emu.store.tx():
        timing.new_op(emu, "transfer", 3)
        timing.new_op(emu, "publish", 1)
    assert timing.advance(emu, None) == 2
    assert sorted(seen) == [("publish", "publish"), ("transfer", "transfer")]
    with emu.store.tx():
        assert emu.store.find("op") == []


@pytest.mark.parametrize(
    "kinds", [("publish", "import"), ("publish", "import", "transfer", "restore")]
)
def test_a_table_not_matching_the_op_kinds_is_refused(
    tmp_path: Path, kinds: tuple[str, ...]
) -> None:
    table = {kind: publish.finish_publish for kind in kinds}
    with pytest.raises(ValueError, match="op kinds"):
        Emulator(str(tmp_path / "x.db"), steppers=table, ticker=False)


def test_the_factory_table_names_each_area_stepper() -> None:
    assert app_mod.steppers() == {
        "publish": publish.finish_publish,
        "import": imports.step_import,
        "transfer": sharing.step_transfer,
        "compare": versions.step_compare,
        "save": versions.step_save,
        "update": updates.step_update,
    }


def test_every_route_comes_from_a_router_the_factory_includes(tmp_path: Path) -> None:
    app = app_mod.create_app(tmp_path / "x.db", ticker=False)
    try:
        with TestClient(app) as client:
            listed = client.get("/_emulator/routes").json()["routes"]
        served = {(r["path"], m) for r in listed for m in r["methods"]}
        from_routers = {
            (r.path, m)
            for router in app_mod.ROUTERS
            for r in router.routes
            if isinstance(r, APIRoute)
            for m in (r.methods or set()) - {"HEAD"}
        }
        assert served - from_routers == {(openapi.PATH, "GET")}
        assert from_routers <= served
    finally:
        app.state.emu.close()


def test_creation_seeds_a_new_store_and_keeps_a_seeded_one(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    first = app_mod.create_app(db, seed="demo", ticker=False).state.emu
    with first.store.tx():
        first.store.delete("org", seed.PARTNER)
    first.close()
    again = app_mod.create_app(db, seed="demo", ticker=False).state.emu
    try:
        with again.store.tx():
            assert [o["imsOrgId"] for o in again.store.find("org")] == [ACME_ID]
    finally:
        again.close()


def test_reset_goes_through_the_same_seeding(tmp_path: Path) -> None:
    emu = app_mod.create_app(tmp_path / "x.db", seed="empty", ticker=False).state.emu
    try:
        with emu.store.tx():
            assert emu.store.find("org") == []
        emu.faults.replace(parse_fault_rules({"rules": [{"path": "."}]}))
        emu.reset("demo")
        with emu.store.tx():
            assert {o["imsOrgId"] for o in emu.store.find("org")} == {ACME_ID, seed.PARTNER}
            assert emu.store.get_meta("seeded") == "demo"
        assert emu.faults.to_json() == {"rules": []}
        seed.load(emu, "empty", replace=True)
        with emu.store.tx():
            assert emu.store.find("org") == []
    finally:
        emu.close()


def test_fault_rules_match_by_method_path_and_count() -> None:
    faults = FaultRules()
    faults.replace(
        parse_fault_rules(
            {
                "rules": [
                    {"path": "/packages$", "status": 0, "latencyMs": 5},
                    {"path": "/packages$", "method": "post", "status": 429, "times": 1},
                ]
            }
        )
    )
    latency, rule = faults.match("GET", "/x/packages")
    assert (latency, rule) == (0.005, None)
    latency, rule = faults.match("POST", "/x/packages")
    assert rule is not None and rule.status == 429 and latency == 0.005
    assert faults.match("POST", "/x/packages")[1] is None
    assert [r["remaining"] for r in faults.to_json()["rules"]] == [None, 0]


def test_an_injected_fault_answers_with_its_status_and_retry_after() -> None:
    faults = FaultRules()
    faults.replace(parse_fault_rules({"rules": [{"path": ".", "status": 503, "retryAfter": 2}]}))
    resp, after = asyncio.run(inject(faults, "GET", "/p"))
    assert resp is not None and resp.status_code == 503
    assert after is False  # answers instead of the request (no `"after": true`)
    assert resp.headers["Retry-After"] == "2"
    assert "injected fault: 503 for GET /p" in json.dumps(json.loads(bytes(resp.body)))
    faults.clear()
    assert asyncio.run(inject(faults, "GET", "/p")) == (None, False)
