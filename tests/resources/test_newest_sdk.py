"""The error cases with the newest Pulumi SDK the install range allows, as a `pip install`
of the package brings it (the project's own lock pins an older one).

Newer SDKs (3.272.0) send every exception of a dynamic provider as a Python traceback, and
the plugin SDK's servicer raises each again with its stack in the message (which also turned
a create's partial state into a plain failure). Through the real CLI, on both paths, with a
virtualenv holding the newest allowed `pulumi`: an error a person can act on is the
provider's message with no traceback, at preview and at up, and the plugin still records a
create that made its object but didn't finish.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from plugin.test_plugin_lifecycle import GOLD
from support.engine import ROOT, program

from sandbox_provider.testing import World
from sandbox_provider.testing.world import PROJECT_YAML

pytestmark = pytest.mark.e2e

TYPO = {"id": "acme-seg-carrt", "type": "PROFILE_SEGMENT"}


def _pulumi_requirement() -> str:
    """The install range of `pulumi`, from pyproject.toml (its one source)."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (req,) = [d for d in deps if d.replace(" ", "").startswith("pulumi>")]
    return str(req)


@pytest.fixture(scope="module")
def newest_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with this package (locked dependencies), then `pulumi` upgraded to the
    newest release its install range allows (with whatever that release needs)."""
    venv = tmp_path_factory.mktemp("newest-sdk") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    lock = str(ROOT / "requirements.lock")
    subprocess.run([*pip, "-c", lock, "-e", str(ROOT)], check=True, timeout=900)
    subprocess.run([*pip, "--upgrade", _pulumi_requirement()], check=True, timeout=900)
    return venv


def _version(venv: Path) -> str:
    code = "import importlib.metadata as m; print(m.version('pulumi'))"
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


@pytest.fixture
def world(each_path: World, newest_venv: Path) -> World:
    (each_path.project_dir / "Pulumi.yaml").write_text(
        PROJECT_YAML.format(name="e2e", venv=newest_venv)
    )
    if each_path.path == "plugin":  # type: ignore[attr-defined]
        # The plugin of the newest-SDK venv, not the project's own.
        path = each_path.stack.env()["PATH"]
        each_path.stack.extra_env["PATH"] = str(newest_venv / "bin") + os.pathsep + path
    return each_path


def deploy(world: World, artifacts: list[dict[str, str]], pub_timeout: float = 900) -> None:
    program(
        world,
        f"""
    pkg = {{ns}}Package("pkg", name="newest", source_sandbox="dev", artifacts={artifacts!r})
    pub = {{ns}}PublishedPackage("pub", package_id=pkg.package_id, timeout_seconds={pub_timeout})
    """,
    )


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and 'File "' not in text, text


def test_errors_are_the_providers_message_with_the_newest_sdk(
    world: World, newest_venv: Path
) -> None:
    assert tuple(int(p) for p in _version(newest_venv).split(".")[:2]) >= (3, 272)

    # Bad input, at preview.
    deploy(world, [{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT", "kind": "x"}])
    res = world.stack.run("preview", "-s", world.stack.name, check=False)
    assert res.code != 0 and "artifacts[0].kind" in res.stdout + res.stderr
    no_traceback(res.stdout + res.stderr)

    # A create that fails on the platform's answer.
    deploy(world, [GOLD, TYPO])
    res = world.stack.run("up", "--yes", "-s", world.stack.name, check=False)
    text = res.stdout + res.stderr
    assert res.code != 0 and "artifacts[1]: 'acme-seg-carrt' (PROFILE_SEGMENT)" in text, text
    no_traceback(text)
    assert world.packages() == []  # rolled back

    # A wait cut short: one line; on the plugin the publication is recorded (partial state)
    # and the next up finishes it without publishing again.
    world.emu.set_timing(mode="manual")
    deploy(world, [GOLD], pub_timeout=2)
    res = world.stack.run("up", "--yes", "-s", world.stack.name, check=False)
    text = res.stdout + res.stderr
    assert res.code != 0 and "did not finish within 2s" in text, text
    no_traceback(text)
    world.emu.set_timing(mode="auto", publishSeconds=0.05)
    world.emu.advance()
    if world.path == "plugin":  # type: ignore[attr-defined]
        (pub,) = [r for r in world.state_resources() if r["type"] == "aep:index:PublishedPackage"]
        assert any("did not finish within 2s" in r for r in pub.get("initErrors", [])), pub
    since = world.last_seq()
    world.stack.up()
    assert [r for r in world.emu.requests(since) if r["path"].endswith("/export")] == []
    (pkg,) = world.packages()
    assert pkg["status"] == "PUBLISHED"
