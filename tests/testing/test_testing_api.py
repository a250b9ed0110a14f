"""sandbox_provider.testing without the engine: its public names, what importing the emulator
helper costs, and the environment a test stack's commands get."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sandbox_provider import testing
from sandbox_provider.testing import Stack
from sandbox_provider.testing._command import pulumi_root


def test_every_public_name_resolves() -> None:
    for name in testing.__all__:
        assert getattr(testing, name) is not None, name
    with pytest.raises(AttributeError):
        _ = testing.NoSuchThing


def test_the_emulator_helper_imports_neither_pulumi_nor_the_emulator_server() -> None:
    # It starts `sandbox-provider emulator` as a process: a CI job needs only the package
    # with the [emulator] extra, and the server's code never runs in the test process.
    code = (
        "import sys\n"
        "from sandbox_provider.testing import EmulatorProcess, running\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('pulumi', 'fastapi', 'uvicorn')\n"
        "       or m.startswith('sandbox_provider.emulator')]\n"
        "print(','.join(sorted(bad)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_stack_drops_ambient_aep_credentials_but_keeps_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AEP_CLIENT_SECRET", "from-the-runner")
    monkeypatch.setenv("KEEP_ME", "1")
    stack = Stack(project_dir=tmp_path, state_dir=tmp_path / "state", pulumi="/x/bin/pulumi")
    env = stack.env()
    assert "AEP_CLIENT_SECRET" not in env
    assert env["KEEP_ME"] == "1"
    assert env["PULUMI_BACKEND_URL"] == "file://" + str((tmp_path / "state").resolve())
    assert env["PATH"].split(":")[0] == "/x/bin"
    stack.extra_env = {"AEP_CLIENT_SECRET": "given"}
    assert stack.env()["AEP_CLIENT_SECRET"] == "given"


def test_automation_is_pointed_at_the_root_above_bin_pulumi(tmp_path: Path) -> None:
    cli = tmp_path / "v3" / "bin" / "pulumi"
    assert pulumi_root(cli) == str(tmp_path / "v3")
    with pytest.raises(ValueError, match="bin/pulumi"):
        pulumi_root(tmp_path / "pulumi-3.259")
