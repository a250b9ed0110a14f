"""`sandbox-provider plugin-archive`: the tarball `pulumi plugin install resource aep VERSION
--file …` takes (its name, its one executable launcher, the version it is bound to)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from sandbox_provider import _version
from sandbox_provider.cli import main
from sandbox_provider.plugin.archive import (
    EXECUTABLE,
    ArchiveError,
    build,
    platform_suffix,
    semver,
)


@pytest.mark.parametrize(
    ("pep440", "expected"),
    [
        ("0.1.0", "0.1.0"),
        ("1.2", "1.2.0"),
        ("1.2.0a1", "1.2.0-alpha.1"),
        ("1.2.0b2", "1.2.0-beta.2"),
        ("1.2.0rc3", "1.2.0-rc.3"),
        ("1.2.0.dev4", "1.2.0-dev.4"),
        ("0+unknown", "0.0.0-unknown"),
    ],
)
def test_versions_become_semver_as_the_generated_sdk_spells_them(
    pep440: str, expected: str
) -> None:
    assert semver(pep440) == expected


def test_a_version_that_is_not_pep440_is_refused() -> None:
    with pytest.raises(ArchiveError, match="not a PEP 440 version"):
        semver("latest")


@pytest.mark.parametrize(
    ("system", "machine", "expected"),
    [
        ("Linux", "x86_64", "linux-amd64"),
        ("Linux", "aarch64", "linux-arm64"),
        ("Darwin", "arm64", "darwin-arm64"),
        ("Windows", "AMD64", "windows-amd64"),
    ],
)
def test_the_platform_is_named_as_pulumi_names_it(system: str, machine: str, expected: str) -> None:
    assert platform_suffix(system, machine) == expected


def fake_python(directory: Path, version: str = "1.2.0rc3", fails: bool = False) -> Path:
    """An "interpreter" (in a directory whose name has a space, as a launcher must quote)
    that answers the probe with `version`, and otherwise prints the arguments it got."""
    directory.mkdir(parents=True)
    exe = directory / "python"
    if fails:
        body = "echo 'ModuleNotFoundError: No module named sandbox_provider' >&2; exit 1"
    else:
        body = f'if [ "$2" = -c ]; then echo {version}; exit 0; fi; printf "%s\\n" "$@"'
    exe.write_text(f"#!/bin/sh\n{body}\n")
    exe.chmod(0o755)
    return exe


def unpack(archive: Path, into: Path) -> list[tarfile.TarInfo]:
    with tarfile.open(archive, "r:gz") as tar:
        members = tar.getmembers()
        tar.extractall(into, filter="tar")
    return members


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX launcher")
def test_the_archive_holds_one_executable_launcher_bound_to_the_interpreter(
    tmp_path: Path,
) -> None:
    python = fake_python(tmp_path / "my env" / "bin")
    archive = build(tmp_path / "dist", str(python))
    assert archive.version == "1.2.0-rc.3"
    assert archive.python == str(python)
    assert (
        archive.path == tmp_path / "dist" / f"{EXECUTABLE}-v1.2.0-rc.3-{platform_suffix()}.tar.gz"
    )
    members = unpack(archive.path, tmp_path / "unpacked")
    assert [(m.name, m.isfile()) for m in members] == [(EXECUTABLE, True)]
    launcher = tmp_path / "unpacked" / EXECUTABLE
    assert launcher.stat().st_mode & stat.S_IXUSR
    # The engine runs the launcher with its own arguments (the engine's address, flags): they
    # reach the plugin module unchanged, whatever the working directory.
    ran = subprocess.run(
        [str(launcher), "127.0.0.1:4567", "--tracing", "a b"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert ran.stdout.splitlines() == [
        "-P",
        "-m",
        "sandbox_provider.plugin",
        "127.0.0.1:4567",
        "--tracing",
        "a b",
    ]
    install = archive.install_command()
    assert install.startswith("pulumi plugin install resource aep 1.2.0-rc.3 --file ")
    assert str(archive.path) in install


def test_the_default_interpreter_is_this_one_at_the_package_version(tmp_path: Path) -> None:
    archive = build(tmp_path)
    assert archive.python == os.path.abspath(sys.executable)
    assert archive.version == semver(_version())
    (tmp_path / "x").mkdir()
    unpack(archive.path, tmp_path / "x")
    assert os.path.abspath(sys.executable) in (tmp_path / "x" / EXECUTABLE).read_text()


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX fake interpreter")
def test_an_interpreter_without_the_package_is_refused(tmp_path: Path) -> None:
    python = fake_python(tmp_path / "bare", fails=True)
    with pytest.raises(ArchiveError, match="cannot import sandbox_provider.plugin") as err:
        build(tmp_path / "dist", str(python))
    assert "ModuleNotFoundError" in str(err.value)
    assert not (tmp_path / "dist").exists()
    with pytest.raises(ArchiveError, match="cannot run"):
        build(tmp_path / "dist", str(tmp_path / "no-such-python"))


def test_the_command_writes_the_archive_and_prints_how_to_install_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["plugin-archive", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.glob(f"{EXECUTABLE}-v*.tar.gz")
    version = semver(_version())
    assert f"pulumi plugin install resource aep {version} --file {written}" in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX fake interpreter")
def test_the_command_reports_an_unusable_interpreter(tmp_path: Path) -> None:
    python = fake_python(tmp_path / "bare", fails=True)
    result = CliRunner().invoke(
        main, ["plugin-archive", "--out", str(tmp_path / "dist"), "--python", str(python)]
    )
    assert result.exit_code == 1
    assert "cannot import sandbox_provider.plugin" in result.output
    assert "Traceback" not in result.output
