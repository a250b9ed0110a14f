"""The `aep` plugin as an archive for `pulumi plugin install resource aep VERSION --file …`.

The engine unpacks the tarball into `$PULUMI_HOME/plugins/resource-aep-v<VERSION>/` and runs
the `pulumi-resource-aep` it finds there, choosing the installed version equal to the one a
program's resources ask for (the generated SDK asks for its own version). The plugin stays
Python: the archive's `pulumi-resource-aep` is a launcher that runs
`sandbox_provider.plugin` with one interpreter, so the archive is bound to that interpreter's
environment (where sandbox_provider is installed) and to this machine, hence the
`-<os>-<arch>` in its name.

No PulumiPlugin.yaml: with one the engine would run the plugin through a language host and
install its dependencies itself; without one it executes `pulumi-resource-aep` directly.
"""

from __future__ import annotations

import io
import os
import platform
import shlex
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

#: The executable the engine looks for in the plugin's directory (`pulumi-resource-<name>`).
EXECUTABLE = "pulumi-resource-aep"

#: Pulumi's names for the machine (its archives are `…-<os>-<arch>.tar.gz`).
_ARCHES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}

#: PEP 440 pre-release tags as semver spells them (rc stays rc).
_PRE_TAGS = {"a": "alpha", "b": "beta"}

# Run in the target interpreter: it must import the plugin, and its version is the archive's.
_PROBE = "import sandbox_provider, sandbox_provider.plugin; print(sandbox_provider._version())"


class ArchiveError(Exception):
    """The archive can't be built (the interpreter can't run the plugin, an odd version)."""


@dataclass(frozen=True)
class PluginArchive:
    """A written archive: where, for which plugin version, bound to which interpreter."""

    path: Path
    version: str
    python: str

    def install_command(self) -> str:
        """The command that installs it into the engine's plugin cache."""
        file = shlex.quote(str(self.path))
        return f"pulumi plugin install resource aep {self.version} --file {file}"


def platform_suffix(system: str | None = None, machine: str | None = None) -> str:
    """`linux-amd64`, `darwin-arm64`, `windows-amd64`: this machine as Pulumi names it."""
    system = (system or platform.system()).lower()
    machine = (machine or platform.machine()).lower()
    return f"{system}-{_ARCHES.get(machine, machine)}"


def semver(pep440: str) -> str:
    """The semver form of a package version, the way the generated SDK converts its own:
    `1.2.0a1` -> `1.2.0-alpha.1`, `1.2.0.dev3` -> `1.2.0-dev.3`, `0+unknown` -> `0.0.0-unknown`
    (the engine and its plugin directory names take semver only)."""
    try:
        v = Version(pep440)
    except InvalidVersion:
        raise ArchiveError(f"version {pep440!r} is not a PEP 440 version") from None
    major, minor, patch = (*v.release, 0, 0)[:3]
    pre = None
    if v.pre is not None:
        tag, number = v.pre
        pre = f"{_PRE_TAGS.get(tag, tag)}.{number}"
    elif v.dev is not None:
        pre = f"dev.{v.dev}"
    elif v.local is not None:
        pre = v.local
    return f"{major}.{minor}.{patch}" + (f"-{pre}" if pre else "")


def probe(python: str) -> str:
    """The sandbox_provider version `python` runs the plugin at (ArchiveError if it can't)."""
    try:
        done = subprocess.run(
            [python, "-P", "-c", _PROBE], capture_output=True, text=True, timeout=60
        )
    except OSError as exc:
        raise ArchiveError(f"cannot run {python}: {exc}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise ArchiveError(
            f"{python} cannot import sandbox_provider.plugin ({last}): give --python the "
            "interpreter of an environment where sandbox_provider is installed"
        )
    return done.stdout.strip()


def launcher(python: str, windows: bool = False) -> tuple[str, str]:
    """The launcher's file name and text: run the plugin with `python`, passing the engine's
    arguments on. `-P` keeps the plugin's working directory (the program's) off sys.path, so
    a file there can't shadow a module the plugin imports."""
    if windows:
        return EXECUTABLE + ".cmd", f'@"{python}" -P -m sandbox_provider.plugin %*\r\n'
    return EXECUTABLE, f'#!/bin/sh\nexec {shlex.quote(python)} -P -m sandbox_provider.plugin "$@"\n'


def build(out_dir: Path, python: str | None = None) -> PluginArchive:
    """Write `pulumi-resource-aep-v<version>-<os>-<arch>.tar.gz` into `out_dir` (made if
    missing): the launcher bound to `python` (default: this interpreter)."""
    # Absolute, not resolved: a venv's python is a symlink whose own path selects the venv.
    python = os.path.abspath(python or sys.executable)
    version = semver(probe(python))
    suffix = platform_suffix()
    name, text = launcher(python, windows=suffix.startswith("windows-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = (out_dir / f"{EXECUTABLE}-v{version}-{suffix}.tar.gz").resolve()
    data = text.encode()
    member = tarfile.TarInfo(name)
    member.size, member.mode, member.mtime = len(data), 0o755, int(time.time())
    with tarfile.open(path, "w:gz") as tar:
        tar.addfile(member, io.BytesIO(data))
    return PluginArchive(path=path, version=version, python=python)
