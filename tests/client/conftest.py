"""Clients of the demo orgs, talking to the session's emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sandbox_provider.client import ExImClient, RetryPolicy
from sandbox_provider.testing import EmulatorProcess

# Short waits: the emulator answers in milliseconds, and faults are injected on purpose.
TEST_RETRY = RetryPolicy(
    max_attempts=25, deadline=30.0, initial_backoff=0.005, max_backoff=0.05, reconcile_grace=1.0
)

MakeClient = Callable[..., ExImClient]


@pytest.fixture
def make_client(emulator: EmulatorProcess) -> Iterator[MakeClient]:
    made: list[ExImClient] = []

    def make(org: str = "acme", **kw: Any) -> ExImClient:
        o = emulator.org(org)
        kw.setdefault("client_secret", o["clientSecret"])
        kw.setdefault("sandbox", "dev")
        kw.setdefault("retry", TEST_RETRY)
        c = ExImClient(
            org_id=kw.pop("org_id", o["imsOrgId"]),
            client_id=kw.pop("client_id", o["clientId"]),
            platform_url=emulator.url,
            ims_url=emulator.url,
            **kw,
        )
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture
def acme(make_client: MakeClient) -> ExImClient:
    return make_client("acme")


@pytest.fixture
def partner(make_client: MakeClient) -> ExImClient:
    return make_client("partner")


def exim_requests(emulator: EmulatorProcess, since: int = 0) -> list[dict[str, Any]]:
    """The emulator's request log for the exim API only (no IMS calls)."""
    return [r for r in emulator.requests(since) if r["path"].startswith("/data/")]
