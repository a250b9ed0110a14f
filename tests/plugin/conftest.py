"""Fixtures the plugin's engine tests share: our language hosts and the built Node.js SDK."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.engine import built_dir

from .test_plugin_sdks import SDK, node_modules, run

HOSTS = ("pulumi-language-go", "pulumi-language-nodejs")


@pytest.fixture(scope="session")
def lang_hosts() -> Path:
    """Our language hosts (scripts/ensure-language-hosts.sh): $PULUMI_LANGHOSTS_DIR, else
    the script's cache."""
    return built_dir("PULUMI_LANGHOSTS_DIR", "ensure-language-hosts.sh", HOSTS)


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
