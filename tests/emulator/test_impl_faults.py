"""Fault latency versus client time-outs: a request that reached the emulator is handled
even when its client gives up during the injected latency (docs/emulator.md, "Known
pitfalls")."""

from __future__ import annotations

import time

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess


def test_request_lands_although_the_client_timed_out(emulator: EmulatorProcess) -> None:
    emulator.set_faults(
        [{"path": "/packages$", "method": "POST", "status": 0, "latencyMs": 600, "times": 1}]
    )
    with emulator.api("acme") as api:
        with pytest.raises(httpx.TimeoutException):
            api.post("/packages", json={"name": "late", "packageType": "PARTIAL"}, timeout=0.2)
        time.sleep(0.8)
        names = [p["name"] for p in api.get("/packages").json()["data"]]
    assert names == ["late"]
    posts = [r for r in emulator.requests() if r["method"] == "POST" and "packages" in r["path"]]
    assert [r["status"] for r in posts] == [200]
