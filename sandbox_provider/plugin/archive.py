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

`write_release` packs a self-contained build instead (scripts/ensure-plugin-dist.sh: PyInstaller's
one-folder `pulumi-resource-aep` and its `_internal/`), bound to nothing but the OS and CPU,
with the checksums file a release publishes beside it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import platform
import shlex
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator, Sequence
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


# -- a release: the self-contained build -------------------------------------------------------
#: The folder beside the executable that holds a PyInstaller one-folder build's interpreter.
INTERNAL = "_internal"


@dataclass(frozen=True)
class Release:
    """A written release archive and its checksums file, for one plugin version."""

    archive: Path
    checksums: Path
    version: str


def archive_name(version: str, suffix: str | None = None) -> str:
    """`pulumi-resource-aep-v<version>-<os>-<arch>.tar.gz`: the name the engine downloads."""
    return f"{EXECUTABLE}-v{version}-{suffix or platform_suffix()}.tar.gz"


def checksums_name(version: str) -> str:
    """`pulumi-aep_<version>_checksums.txt`, as goreleaser names a provider's."""
    return f"pulumi-aep_{version}_checksums.txt"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _walk(root: Path) -> Iterator[Path]:
    """Everything under `root`, a directory before what it holds, names in byte order (the
    same member order on every machine)."""
    for entry in sorted(root.iterdir(), key=lambda p: os.fsencode(p.name)):
        yield entry
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk(entry)


def _member(tar: tarfile.TarFile, path: Path, name: str, mtime: int) -> tarfile.TarInfo:
    """The tar header of `path` as `name`, with nothing of this machine in it (owner, times),
    and modes the plugin directory wants whatever the umask was: 0755 for a directory or an
    executable, else 0644."""
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = mtime
    if info.isdir() or (info.isfile() and info.mode & 0o111):
        info.mode = 0o755
    elif info.isfile():
        info.mode = 0o644
    return info


def write_release(
    build_dir: Path,
    out_dir: Path,
    version: str,
    *,
    extra_files: Sequence[Path] = (),
    suffix: str | None = None,
    mtime: int = 0,
) -> Release:
    """Pack a one-folder build (`build_dir`: the executable and its `_internal/`) and
    `extra_files` (README.md, LICENSE) into `out_dir` as `archive_name(version, suffix)`, its
    members at the archive's root as the engine expects, and write `checksums_name(version)`
    beside it (`<sha256>  <archive name>`, the format `sha256sum -c` reads).

    `version` is the PEP 440 version (`semver` converts it). The archive is reproducible: the
    members in byte order with `mtime`, no owner, and a gzip header without a time."""
    version = semver(version)
    suffix = suffix or platform_suffix()
    exe_name = EXECUTABLE + (".exe" if suffix.startswith("windows-") else "")
    exe = build_dir / exe_name
    if not (exe.is_file() and os.access(exe, os.X_OK)):
        raise ArchiveError(f"{build_dir} has no executable {exe_name}: not a one-folder build")
    internal = build_dir / INTERNAL
    if not internal.is_dir():
        raise ArchiveError(f"{build_dir} has no {INTERNAL}/ folder: not a one-folder build")
    for extra in extra_files:
        if not extra.is_file():
            raise ArchiveError(f"{extra} is missing")
    names = [exe_name, INTERNAL, *(extra.name for extra in extra_files)]
    if len(set(names)) != len(names):
        raise ArchiveError(f"two members of the archive's root share a name: {names}")

    out_dir.mkdir(parents=True, exist_ok=True)
    archive = (out_dir / archive_name(version, suffix)).resolve()
    partial = archive.with_name(archive.name + ".partial")
    # No file name (it would be the partial one's) and no time in the gzip header; level 6,
    # gzip's default: level 9 takes three times as long for 0.4% less.
    with (
        partial.open("wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.GNU_FORMAT) as tar,
    ):
        for top in sorted([exe, internal, *extra_files], key=lambda p: os.fsencode(p.name)):
            _add(tar, top, top.name, mtime)
            if top == internal:
                for path in _walk(internal):
                    _add(tar, path, f"{INTERNAL}/{path.relative_to(internal).as_posix()}", mtime)
    partial.replace(archive)
    checksums = out_dir.resolve() / checksums_name(version)
    checksums.write_text(f"{sha256(archive)}  {archive.name}\n")
    return Release(archive=archive, checksums=checksums, version=version)


def _add(tar: tarfile.TarFile, path: Path, name: str, mtime: int) -> None:
    info = _member(tar, path, name, mtime)
    if info.isfile():
        with path.open("rb") as f:
            tar.addfile(info, f)
    else:
        tar.addfile(info)
