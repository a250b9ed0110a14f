"""The chaos tier: the real `pulumi` CLI against an emulator that misbehaves on purpose.

Each test gets its own emulator process (real HTTP on 127.0.0.1, real SQLite), its own
project directory and its own stack on a `file://` backend (see `World`). The tier is
bounded: a handful of `pulumi` commands per test, traffic only to 127.0.0.1, and every
process a test starts is ended by its pid.
"""

from __future__ import annotations

import json
import sqlite3
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess, Stack, configure_for_emulator

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv"
#: Async steps (publish, import, transfer) finish this fast, but still asynchronously.
DELAY = 0.05

PROJECT_YAML = """\
name: chaos
runtime:
  name: python
  options:
    toolchain: pip
    virtualenv: {venv}
"""

HEADER = (
    "import pulumi\n"
    "from sandbox_provider import (\n"
    "    Handshake, ImportJob, Package, PublishedPackage, Transfer,\n"
    ")\n"
    "\n"
)


@dataclass
class World:
    """One test's world: its emulator, project directory, stack and scratch directory."""

    emu: EmulatorProcess
    stack: Stack
    project_dir: Path
    tmp: Path
    orgs: dict[str, dict[str, Any]] = field(default_factory=dict)

    # -- program ---------------------------------------------------------------------------
    def write_program(self, body: str) -> None:
        (self.project_dir / "__main__.py").write_text(HEADER + textwrap.dedent(body))

    # -- the emulator's request log --------------------------------------------------------
    def writes(self, since: int = 0) -> list[dict[str, Any]]:
        return [
            r
            for r in self.emu.requests(since)
            if r["path"].startswith("/data/") and r["method"] not in ("GET", "HEAD")
        ]

    def last_seq(self) -> int:
        reqs = self.emu.requests()
        return int(reqs[-1]["seq"]) if reqs else 0

    # -- the platform, through the API -----------------------------------------------------
    def api(self, org: str = "acme", sandbox: str = "dev") -> httpx.Client:
        return self.emu.api(org, sandbox)

    def list_all(self, org: str, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a paginated exim list (`start`/`limit` offsets)."""
        items: list[dict[str, Any]] = []
        start = 0
        with self.api(org) as api:
            while True:
                r = api.get(path, params={**params, "start": start, "limit": 100})
                r.raise_for_status()
                body = r.json()
                page = body.get("data", body) if isinstance(body, dict) else body
                items.extend(page)
                nxt = body.get("nextPage") if isinstance(body, dict) else None
                if nxt is None or not page:
                    return items
                start = int(nxt)

    def packages(self, org: str = "acme") -> list[dict[str, Any]]:
        return self.list_all(org, "/packages")

    def jobs(self, org: str = "acme") -> list[dict[str, Any]]:
        return self.list_all(org, "/packages/jobs")

    def transfers(self, org: str = "acme") -> list[dict[str, Any]]:
        return self.list_all(org, "/transfer/list")

    # -- the platform, in its database (read-only: everything, every org) -----------------
    def db_docs(self, kind: str) -> list[dict[str, Any]]:
        con = sqlite3.connect(f"file:{self.emu.db_path}?mode=ro", uri=True, timeout=10)
        try:
            rows = con.execute("SELECT data FROM docs WHERE kind=? ORDER BY seq", (kind,))
            return [json.loads(r[0]) for r in rows.fetchall()]
        finally:
            con.close()

    # -- the state -------------------------------------------------------------------------
    def state_resources(self) -> list[dict[str, Any]]:
        deployment = self.stack.export_state()["deployment"]
        return list(deployment.get("resources") or [])


def new_world(
    tmp: Path,
    pulumi: str,
    *,
    name: str = "chaos",
    delay: float = DELAY,
    stack_credentials: bool = True,
    extra_config: dict[str, str] | None = None,
) -> World:
    """Start an emulator and create a stack pointed at it.

    `stack_credentials=False` leaves the credentials out of the stack config (the caller
    gives them as `AEP_*` variables through `stack.extra_env`)."""
    tmp.mkdir(parents=True, exist_ok=True)
    emu = EmulatorProcess.start(
        tmp / "exim.db", seed="demo", delay=delay, log_path=tmp / "emulator.log"
    )
    try:
        project = tmp / "project"
        project.mkdir()
        (project / "Pulumi.yaml").write_text(PROJECT_YAML.format(venv=VENV))
        stack = Stack(project_dir=project, state_dir=tmp / "state", name=name, pulumi=pulumi)
        stack.init()
        orgs = {"acme": emu.org("acme"), "partner": emu.org("partner")}
        extra = {"demo:partnerOrgId": orgs["partner"]["imsOrgId"], **(extra_config or {})}
        if stack_credentials:
            configure_for_emulator(stack, emu.url, orgs, extra=extra)
        else:
            stack.set_config(extra)
        return World(emu=emu, stack=stack, project_dir=project, tmp=tmp, orgs=orgs)
    except BaseException:
        emu.stop()
        raise


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
#: Filled by test_faults: one entry per fault run, {"seed", "first_up", "ups", "errors"...}.
FAULT_RUNS: list[dict[str, Any]] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FAULT_RUNS:
        return
    passed = sum(1 for r in FAULT_RUNS if r["first_up"])
    n = len(FAULT_RUNS)
    tr = terminalreporter
    tr.section("chaos: fault runs")
    for r in FAULT_RUNS:
        tr.write_line(
            f"seed {r['seed']}: first up {'passed' if r['first_up'] else 'FAILED'}, "
            f"ups {r['ups']}, faults injected {r['faults']}, {r['seconds']:.1f}s"
        )
        for err in r["errors"]:
            tr.write_line(f"    first-up failure: {err}")
    tr.write_line(
        f"CHAOS FIRST-UP PASS RATE: {passed}/{n} runs ({100.0 * passed / n:.0f}%) passed "
        "their first `pulumi up` under faults"
    )
