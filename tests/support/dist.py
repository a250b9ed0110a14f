"""The self-contained plugin's release archive (`make plugin-dist`), for the engine tests that
install it or have the engine download it: the `plugin_dist` fixture runs
scripts/ensure-plugin-dist.sh once per test session (a cached build; about a minute when the
sources changed, which the first test using it pays)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox_provider import _version
from sandbox_provider.plugin.archive import archive_name, checksums_name, semver

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ensure-plugin-dist.sh"


@dataclass(frozen=True)
class PluginDist:
    """This machine's release archive, its checksums file and the plugin version (semver)."""

    archive: Path
    checksums: Path
    version: str


def ensure_plugin_dist() -> PluginDist:
    """The cached build for the current sources, built first if there is none. A failed build
    fails the test (PyInstaller is a locked dev dependency: nothing here may be missing)."""
    proc = subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, timeout=1500, check=False
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        pytest.fail(f"{SCRIPT.name} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    directory = Path(lines[-1])
    version = semver(_version())
    dist = PluginDist(
        archive=directory / archive_name(version),
        checksums=directory / checksums_name(version),
        version=version,
    )
    for path in (dist.archive, dist.checksums):
        assert path.is_file(), f"{SCRIPT.name} printed {directory}, which has no {path.name}"
    return dist


@pytest.fixture(scope="session")
def plugin_dist() -> PluginDist:
    return ensure_plugin_dist()
