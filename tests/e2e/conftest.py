"""The e2e tier: the real `pulumi` CLI, a local file backend, an emulator per test."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sandbox_provider.testing import EmulatorProcess, Stack, configure_for_emulator

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv"

PROJECT_YAML = """\
name: e2e
runtime:
  name: python
  options:
    toolchain: pip
    virtualenv: {venv}
"""


@dataclass
class E2E:
    """One test's world: its emulator, its project directory and its stack."""

    emu: EmulatorProcess
    stack: Stack
    project_dir: Path

    def write_program(self, body: str) -> None:
        header = (
            "import pulumi\n"
            "from sandbox_provider import (\n"
            "    Handshake, ImportJob, Package, PublishedPackage, Transfer,\n"
            ")\n"
            "\n"
        )
        (self.project_dir / "__main__.py").write_text(header + textwrap.dedent(body))

    def api(self, org: str = "acme", sandbox: str = "dev") -> Any:
        return self.emu.api(org, sandbox)

    def writes(self, since: int = 0) -> list[dict[str, Any]]:
        return [
            r
            for r in self.emu.requests(since)
            if r["path"].startswith("/data/") and r["method"] not in ("GET", "HEAD")
        ]

    def last_seq(self) -> int:
        reqs = self.emu.requests()
        return int(reqs[-1]["seq"]) if reqs else 0

    def packages(self, org: str = "acme") -> list[dict[str, Any]]:
        with self.api(org) as api:
            r = api.get("/packages", params={"limit": 100})
            r.raise_for_status()
            return list(r.json()["data"])


@contextmanager
def e2e_world(tmp: Path, pulumi_bin: str) -> Iterator[E2E]:
    """An emulator, a project directory and a stack configured for it; the emulator is
    stopped on exit."""
    emu = EmulatorProcess.start(tmp / "exim.db", seed="demo", delay=0.05)
    project = tmp / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(PROJECT_YAML.format(venv=VENV))
    stack = Stack(project_dir=project, state_dir=tmp / "state", name="e2e", pulumi=pulumi_bin)
    try:
        stack.init()
        orgs = {"acme": emu.org("acme"), "partner": emu.org("partner")}
        configure_for_emulator(stack, emu.url, orgs)
        yield E2E(emu=emu, stack=stack, project_dir=project)
    finally:
        emu.stop()


@pytest.fixture
def e2e(tmp_path: Path, pulumi_bin: str) -> Iterator[E2E]:
    with e2e_world(tmp_path, pulumi_bin) as world:
        yield world
