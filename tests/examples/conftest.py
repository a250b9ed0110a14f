"""The examples tier: each program under examples/ through the real `pulumi` CLI.

Each test copies one example folder as it is into its tmp directory, gives it a stack on a
`file://` backend with only the `aep:*` settings (the partner as profile `partner` of
`aep:orgs`), and runs it against an emulator of its own (demo seed): nothing is shared
between tests, so they can run in parallel.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from plugin.test_plugin_lifecycle import on_plugin
from plugin.test_plugin_yaml import on_yaml_host, yaml_host_dir
from support.engine import E2E

from sandbox_provider.testing import EmulatorProcess, Stack, configure_for_emulator

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
VENV = ROOT / ".venv"
#: What every example's Pulumi.yaml says, so that it runs from a clone (`make venv`).
CLONE_VENV = "../../.venv"


@dataclass
class Example(E2E):
    """An example's world: the e2e helpers (emulator, stack, request log) plus the example."""

    name: str = ""

    def preview_writes(self, **opts: Any) -> tuple[dict[str, int], list[dict[str, Any]]]:
        """A preview's change summary and the API writes it made (there must be none);
        `opts` are `auto.Stack.preview`'s (`expect_no_changes=True`)."""
        since = self.last_seq()
        summary = self.stack.preview(**opts).summary
        return summary, self.writes(since)

    def get(self, path: str, org: str = "acme", sandbox: str = "dev") -> Any:
        """One GET of the exim API as `org`; the status code for a 404, else the body."""
        with self.api(org, sandbox) as api:
            r = api.get(path)
        if r.status_code == 404:
            return 404
        r.raise_for_status()
        return r.json()

    def jobs(self, org: str = "acme", request_type: str | None = None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": 100}
        if request_type:
            params["property"] = f"requestType=={request_type}"
        with self.api(org) as api:
            r = api.get("/packages/jobs", params=params)
            r.raise_for_status()
            return list(r.json()["data"])

    def artifact_ids(self, org: str, sandbox: str) -> set[str]:
        return {a["id"] for a in self.emu.artifacts(org, sandbox)}


def runtime(name: str) -> str:
    """The example's language: its Pulumi.yaml `runtime` (a name, or a map with `name`)."""
    doc = yaml.safe_load((EXAMPLES / name / "Pulumi.yaml").read_text())
    rt = doc["runtime"]
    return str(rt["name"] if isinstance(rt, dict) else rt)


def copy_example(name: str, dest: Path) -> Path:
    """The example's folder copied as is; only a Python example's virtualenv line points at
    this clone's venv, because the relative `../../.venv` means nothing under tmp."""
    src = EXAMPLES / name
    project = dest / "project"
    shutil.copytree(
        src, project, ignore=shutil.ignore_patterns("__pycache__", ".state", "Pulumi.*.yaml")
    )
    if runtime(name) != "python":
        return project
    text = (project / "Pulumi.yaml").read_text()
    line = f"virtualenv: {CLONE_VENV}"
    assert text.count(line) == 1, f"examples/{name}/Pulumi.yaml must say `{line}` once"
    (project / "Pulumi.yaml").write_text(text.replace(line, f"virtualenv: {VENV}"))
    return project


def project_config(name: str) -> dict[str, Any]:
    """The `config:` block of an example's Pulumi.yaml (its settings and their defaults)."""
    doc = yaml.safe_load((EXAMPLES / name / "Pulumi.yaml").read_text())
    return dict(doc.get("config") or {})


ExampleFactory = Callable[..., Example]


@pytest.fixture
def example(tmp_path: Path, pulumi_bin: str, fresh_emulator: EmulatorProcess) -> ExampleFactory:
    """`example(name, extra_config={})`: the example ready to run. Only `aep:*` keys are set,
    plus `extra_config` (the adoption example's package id)."""

    def make(name: str, extra_config: Mapping[str, str] | None = None) -> Example:
        project = copy_example(name, tmp_path)
        stack = Stack(
            project_dir=project, state_dir=tmp_path / "state", name="example", pulumi=pulumi_bin
        )
        stack.init()
        orgs = {"acme": fresh_emulator.org("acme"), "partner": fresh_emulator.org("partner")}
        configure_for_emulator(stack, fresh_emulator.url, orgs, extra=extra_config)
        ex = Example(emu=fresh_emulator, stack=stack, project_dir=project, name=name)
        if runtime(name) == "yaml":
            # A YAML program uses the plugin (the venv's pulumi-resource-aep) and needs the
            # YAML language host, both found on PATH.
            on_plugin(ex)
            on_yaml_host(stack, yaml_host_dir())
        return ex

    return make
