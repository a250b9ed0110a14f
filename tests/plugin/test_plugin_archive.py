"""`sandbox-provider plugin-archive`: the tarball `pulumi plugin install resource aep VERSION
--file …` takes (its name, its one executable launcher, the version it is bound to); and
`write_release`, which packs the self-contained build into a release archive and its checksums
file (on a fake one-folder build here; tests/plugin/test_plugin_dist.py packs the real one)."""

from __future__ import annotations

import hashlib
import os
import shutil
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
    INTERNAL,
    ArchiveError,
    build,
    platform_suffix,
    semver,
    write_release,
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


# -- write_release -------------------------------------------------------------------------
def fake_build(directory: Path, exe_name: str = EXECUTABLE) -> tuple[Path, list[Path]]:
    """A one-folder build as PyInstaller lays it out (the executable, `_internal/` with a
    library, a package folder and a data file of odd mode), and README.md and LICENSE."""
    build_dir = directory / "build"
    (build_dir / INTERNAL / "pkg").mkdir(parents=True)
    exe = build_dir / exe_name
    exe.write_bytes(b"#!/bin/sh\necho 4242\n")
    exe.chmod(0o700)
    lib = build_dir / INTERNAL / "libpython3.11.so.1.0"
    lib.write_bytes(b"\x7fELF")
    lib.chmod(0o775)
    data = build_dir / INTERNAL / "pkg" / "data.pem"
    data.write_text("certificates")
    data.chmod(0o600)
    (directory / "README.md").write_text("# readme")
    (directory / "LICENSE").write_text("license")
    return build_dir, [directory / "README.md", directory / "LICENSE"]


def test_a_release_holds_the_build_and_the_docs_at_the_archive_root(tmp_path: Path) -> None:
    build_dir, docs = fake_build(tmp_path / "src")
    release = write_release(build_dir, tmp_path / "out", "1.2.0rc3", extra_files=docs)
    assert release.version == "1.2.0-rc.3"
    name = f"{EXECUTABLE}-v1.2.0-rc.3-{platform_suffix()}.tar.gz"
    assert release.archive == (tmp_path / "out" / name).resolve()
    with tarfile.open(release.archive, "r:gz") as tar:
        members = tar.getmembers()
    # Byte order, a directory before what it holds, no `./`; 0755 for what runs or holds.
    assert [(m.name, oct(m.mode), m.type) for m in members] == [
        ("LICENSE", "0o644", tarfile.REGTYPE),
        ("README.md", "0o644", tarfile.REGTYPE),
        (INTERNAL, "0o755", tarfile.DIRTYPE),
        (f"{INTERNAL}/libpython3.11.so.1.0", "0o755", tarfile.REGTYPE),
        (f"{INTERNAL}/pkg", "0o755", tarfile.DIRTYPE),
        (f"{INTERNAL}/pkg/data.pem", "0o644", tarfile.REGTYPE),
        (EXECUTABLE, "0o755", tarfile.REGTYPE),
    ]
    assert {(m.uid, m.gid, m.uname, m.gname, m.mtime) for m in members} == {(0, 0, "", "", 0)}
    unpack(release.archive, tmp_path / "unpacked")
    assert (tmp_path / "unpacked" / EXECUTABLE).read_bytes() == b"#!/bin/sh\necho 4242\n"
    assert (tmp_path / "unpacked" / INTERNAL / "pkg" / "data.pem").read_text() == "certificates"


def test_the_checksums_file_names_the_archive_with_its_sha256(tmp_path: Path) -> None:
    build_dir, docs = fake_build(tmp_path / "src")
    release = write_release(build_dir, tmp_path / "out", "0.1.0", extra_files=docs)
    assert release.checksums == (tmp_path / "out" / "pulumi-aep_0.1.0_checksums.txt").resolve()
    digest = hashlib.sha256(release.archive.read_bytes()).hexdigest()
    assert release.checksums.read_text() == f"{digest}  {release.archive.name}\n"
    # What a user runs on the downloaded pair.
    check = subprocess.run(
        ["sha256sum", "--check", "--strict", release.checksums.name],
        cwd=release.checksums.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert not list((tmp_path / "out").glob("*.partial"))


def test_a_release_is_the_same_bytes_whatever_the_files_times(tmp_path: Path) -> None:
    first_build, first_docs = fake_build(tmp_path / "a")
    second_build, second_docs = fake_build(tmp_path / "b")
    for path in [*second_build.rglob("*"), *second_docs]:
        os.utime(path, (1_700_000_000, 1_700_000_000))
    first = write_release(first_build, tmp_path / "out-a", "0.1.0", extra_files=first_docs)
    second = write_release(second_build, tmp_path / "out-b", "0.1.0", extra_files=second_docs)
    assert first.archive.read_bytes() == second.archive.read_bytes()
    assert first.checksums.read_text() == second.checksums.read_text()
    stamped = write_release(
        first_build, tmp_path / "out-c", "0.1.0", extra_files=first_docs, mtime=1_700_000_000
    )
    with tarfile.open(stamped.archive, "r:gz") as tar:
        assert {m.mtime for m in tar.getmembers()} == {1_700_000_000}


def test_a_windows_release_holds_the_exe(tmp_path: Path) -> None:
    build_dir, docs = fake_build(tmp_path / "src", exe_name=EXECUTABLE + ".exe")
    release = write_release(
        build_dir, tmp_path / "out", "0.1.0", extra_files=docs, suffix="windows-amd64"
    )
    assert release.archive.name == f"{EXECUTABLE}-v0.1.0-windows-amd64.tar.gz"
    with tarfile.open(release.archive, "r:gz") as tar:
        assert EXECUTABLE + ".exe" in tar.getnames()


@pytest.mark.parametrize("missing", [EXECUTABLE, INTERNAL, "LICENSE"])
def test_what_is_not_a_one_folder_build_is_refused(tmp_path: Path, missing: str) -> None:
    build_dir, docs = fake_build(tmp_path / "src")
    gone = tmp_path / "src" / missing if missing == "LICENSE" else build_dir / missing
    if gone.is_dir():
        shutil.rmtree(gone)
    else:
        gone.unlink()
    with pytest.raises(ArchiveError, match=missing):
        write_release(build_dir, tmp_path / "out", "0.1.0", extra_files=docs)
    assert not (tmp_path / "out").exists()
