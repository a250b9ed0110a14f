"""The emulator answers quickly on a kept-alive connection (issue 2: "tests are fast").

Sequential requests on one connection must not each wait for a delayed TCP ACK (~40 ms on
Linux). That happens when the accepted sockets lack TCP_NODELAY: asyncio only sets it on
sockets whose `proto` is IPPROTO_TCP, so a listening socket made with
`socket.socket(family, SOCK_STREAM)` (proto 0) must pass `socket.IPPROTO_TCP` explicitly.
"""

from __future__ import annotations

import time

import httpx

from sandbox_provider.emulator.harness import EmulatorProcess

from ._support import ok

N = 50


def test_keep_alive_requests_are_fast(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    ok(acme.get("/packages"))  # warm the connection
    t0 = time.perf_counter()
    for _ in range(N):
        ok(acme.get("/packages"))
    per_request = (time.perf_counter() - t0) / N
    assert per_request < 0.02, (
        f"{per_request * 1000:.1f} ms per kept-alive request: accepted sockets probably lack "
        "TCP_NODELAY (create the listening socket with proto=socket.IPPROTO_TCP)"
    )


def test_admin_requests_are_fast(emulator: EmulatorProcess) -> None:
    emulator.http.get("/_emulator/health")
    t0 = time.perf_counter()
    for _ in range(N):
        ok(emulator.http.get("/_emulator/health"))
    assert (time.perf_counter() - t0) / N < 0.02
