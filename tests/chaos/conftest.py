"""The chaos tier: the real `pulumi` CLI against an emulator that misbehaves on purpose.

Each test gets its own emulator process (real HTTP on 127.0.0.1, real SQLite), its own
project directory and its own stack on a `file://` backend (see `World`). The tier is
bounded: a handful of `pulumi` commands per test, traffic only to 127.0.0.1, and every
process a test starts is ended by its pid.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pytest

from sandbox_provider import testing
from sandbox_provider.testing import TEST_DELAY as DELAY

__all__ = ["DELAY", "World", "new_world"]


@dataclass
class World(testing.World):
    """sandbox_provider.testing's world, plus a look into the emulator's database."""

    # -- the platform, in its database (read-only: everything, every org) -----------------
    def db_docs(self, kind: str) -> list[dict[str, Any]]:
        con = sqlite3.connect(f"file:{self.emu.db_path}?mode=ro", uri=True, timeout=10)
        try:
            rows = con.execute("SELECT data FROM docs WHERE kind=? ORDER BY seq", (kind,))
            return [json.loads(r[0]) for r in rows.fetchall()]
        finally:
            con.close()


def new_world(
    tmp: Path,
    pulumi: str,
    *,
    name: str = "chaos",
    delay: float = DELAY,
    stack_credentials: bool = True,
    extra_config: dict[str, str] | None = None,
) -> World:
    """Start an emulator and create a stack pointed at it (`demo:partnerOrgId` set too).

    `stack_credentials=False` leaves the credentials out of the stack config (the caller
    gives them as `AEP_*` variables through `stack.extra_env`)."""
    base = testing.new_world(
        tmp,
        pulumi,
        project="chaos",
        name=name,
        delay=delay,
        stack_credentials=stack_credentials,
        extra_config=extra_config,
    )
    world = World(**{f.name: getattr(base, f.name) for f in fields(base)})
    try:
        # The demo program's partner (its id is the emulator's, known once it runs).
        world.stack.set_config({"demo:partnerOrgId": world.orgs["partner"]["imsOrgId"]})
    except BaseException:
        world.emu.stop()
        raise
    return world


@pytest.fixture
def world_factory(tmp_path: Path, pulumi_bin: str) -> Iterator[Callable[..., World]]:
    """Make worlds (each with its own emulator); every emulator is stopped afterwards."""
    made: list[World] = []

    def make(sub: str = "w", **kw: Any) -> World:
        w = new_world(tmp_path / sub, pulumi_bin, **kw)
        made.append(w)
        return w

    try:
        yield make
    finally:
        for w in made:
            w.emu.stop()


@pytest.fixture
def world(world_factory: Callable[..., World]) -> World:
    return world_factory()


# -- the report line of the fault runs --------------------------------------------------------
