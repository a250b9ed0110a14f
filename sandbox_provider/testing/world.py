"""One test's world: an emulator, a project directory, and a stack configured for it.

The e2e and chaos tiers (and a user's own engine tests) need the same few things around a
program: write it, run the stack, then look at what reached the platform (the emulator's
request log, its API) and at the state.
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ._command import find_pulumi
from .emulator import TEST_DELAY, EmulatorProcess
from .stack import Stack, configure_for_emulator

#: What `World.write_program` puts above a program's body.
PROGRAM_HEADER = (
    "import pulumi\n"
    "from sandbox_provider import (\n"
    "    Handshake, ImportJob, Package, PublishedPackage, Transfer,\n"
    ")\n"
    "\n"
)

PROJECT_YAML = """\
name: {name}
runtime:
  name: python
  options:
    toolchain: pip
    virtualenv: {venv}
"""


def write_project(
    directory: Path, *, name: str = "test", program: str | None = None, venv: str | None = None
) -> Path:
    """A Python Pulumi project in `directory` (made if missing) whose program runs in `venv`
    (default: this interpreter's environment, where sandbox_provider is installed)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(PROJECT_YAML.format(name=name, venv=venv or sys.prefix))
    if program is not None:
        (directory / "__main__.py").write_text(textwrap.dedent(program))
    return directory


#: The package-version calls that change nothing though their format lines say PATCH
#: (packages.md "Migrate object configuration updates"): a package's capabilities, a compare
#: (a job that only computes a difference) and the history.
_READING_PATCHES = re.compile(r"/exim/packages/[^/]+(/version/compare|/history)?$")


def is_write(request: Mapping[str, Any]) -> bool:
    """Whether a logged request may change the platform: a non-GET `/data/...` call but the
    version calls that only read (`_READING_PATCHES`)."""
    path, method = str(request["path"]), request["method"]
    if not path.startswith("/data/") or method in ("GET", "HEAD"):
        return False
    return not (method == "PATCH" and _READING_PATCHES.search(path))


@dataclass
class World:
    """One test's world: its emulator, project directory and stack (and scratch directory
    and the emulator's org records, when `new_world` made it)."""

    emu: EmulatorProcess
    stack: Stack
    project_dir: Path
    tmp: Path | None = None
    orgs: dict[str, dict[str, Any]] = field(default_factory=dict)

    # -- program ---------------------------------------------------------------------------
    def write_program(self, body: str) -> None:
        """The program: `body` below an import of pulumi and every resource."""
        (self.project_dir / "__main__.py").write_text(PROGRAM_HEADER + textwrap.dedent(body))

    # -- the emulator's request log --------------------------------------------------------
    def writes(self, since: int = 0) -> list[dict[str, Any]]:
        """The exim writes logged after seq `since` (`is_write`)."""
        return [r for r in self.emu.requests(since) if is_write(r)]

    def last_seq(self) -> int:
        """The seq of the last logged request (0 for none): pass it as `since` later."""
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

    def jobs(self, org: str = "acme", request_type: str | None = None) -> list[dict[str, Any]]:
        """The org's jobs as `GET /packages/jobs` lists them (`request_type`: IMPORT or
        EXPORT only, the list's documented filter; the items don't show it)."""
        params = {"property": f"requestType=={request_type}"} if request_type else {}
        return self.list_all(org, "/packages/jobs", **params)

    def import_jobs(self, org: str = "acme") -> list[dict[str, Any]]:
        return self.jobs(org, "IMPORT")

    def job(self, job_id: str, org: str = "acme") -> dict[str, Any]:
        """One job with its outcome: the `object` of `GET /tools/job/{job_id}`."""
        with self.api(org) as api:
            r = api.get(f"/tools/job/{job_id}")
            r.raise_for_status()
            return dict(r.json()["object"])

    def transfers(self, org: str = "acme") -> list[dict[str, Any]]:
        return self.list_all(org, "/transfer/list")

    # -- the state -------------------------------------------------------------------------
    def state_resources(self) -> list[dict[str, Any]]:
        deployment = self.stack.export_state()["deployment"]
        return list(deployment.get("resources") or [])


def new_world(
    tmp: Path,
    pulumi: str | None = None,
    *,
    project: str = "test",
    name: str = "test",
    delay: float = TEST_DELAY,
    org_names: tuple[str, ...] = ("acme", "partner"),
    stack_credentials: bool = True,
    extra_config: Mapping[str, str] | None = None,
) -> World:
    """Start an emulator (demo seed, its log in `tmp/emulator.log`) and create a stack of a
    new project in `tmp/project`, configured for it (`org_names[0]` the default profile).
    Stop it with `world.emu.stop()`.

    `stack_credentials=False` sets only `extra_config` (the caller gives the credentials as
    `AEP_*` variables through `stack.extra_env`)."""
    tmp.mkdir(parents=True, exist_ok=True)
    emu = EmulatorProcess.start(
        tmp / "exim.db", seed="demo", delay=delay, log_path=tmp / "emulator.log"
    )
    try:
        project_dir = write_project(tmp / "project", name=project)
        stack = Stack(
            project_dir=project_dir,
            state_dir=tmp / "state",
            name=name,
            pulumi=pulumi or find_pulumi(),
        )
        stack.init()
        orgs = {org: emu.org(org) for org in org_names}
        if stack_credentials:
            configure_for_emulator(
                stack, emu.url, orgs, default_org=org_names[0], extra=extra_config
            )
        elif extra_config:
            stack.set_config(extra_config)
        return World(emu=emu, stack=stack, project_dir=project_dir, tmp=tmp, orgs=orgs)
    except BaseException:
        emu.stop()
        raise
