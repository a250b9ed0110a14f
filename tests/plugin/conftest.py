"""Fixtures the plugin's engine tests share: our language hosts and the built Node.js SDK."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support.engine import ROOT

from .test_plugin_sdks import SDK, node_modules, run

HOSTS = ("pulumi-language-go", "pulumi-language-nodejs")


@pytest.fixture(scope="session")
def lang_hosts() -> Path:
    """The directory of our language hosts: $PULUMI_LANGHOSTS_DIR if set, else what
    scripts/ensure-language-hosts.sh prints (its cache; it builds them when Go is here)."""
    given = os.environ.get("PULUMI_LANGHOSTS_DIR")
    if given:
        for host in HOSTS:
            # A directory that was named but lacks a host is a broken setup, never a skip.
            assert os.access(Path(given) / host, os.X_OK), f"{given} has no executable {host}"
        return Path(given)
    script = ROOT / "scripts" / "ensure-language-hosts.sh"
    proc = subprocess.run(
        ["bash", str(script)], capture_output=True, text=True, timeout=900, check=False
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        pytest.skip(f"no language hosts: {script.name} failed: {proc.stderr.strip()[-500:]}")
    return Path(lines[-1])


@pytest.fixture(scope="session")
def built_nodejs_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdk/nodejs compiled by its own `tsc` build (bin/, with its package.json beside the
    code, where utilities.ts reads the version), on the cached npm packages."""
    modules = node_modules()
    sdk = tmp_path_factory.mktemp("aep-nodejs") / "aep"
    shutil.copytree(SDK / "nodejs", sdk)
    (sdk / "node_modules").symlink_to(modules)
    run([modules / ".bin" / "tsc", "-p", "tsconfig.json"], cwd=sdk, timeout=300)
    shutil.copy(sdk / "package.json", sdk / "bin" / "package.json")
    return sdk / "bin"
