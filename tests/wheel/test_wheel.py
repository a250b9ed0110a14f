"""The wheel tier: what a team gets from `pip install` of the built wheel.

The sdist and wheel are built with `python -m build` (isolated, from the registry), then
installed into fresh virtualenvs the way a team would: without extras beside a newer pulumi
SDK than the one this project pins (its program then runs through the real CLI against the
emulator), and with the `emulator` extra (the emulator then serves from that install).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sandbox_provider import __version__
from sandbox_provider.testing import EmulatorProcess, Stack, configure_for_emulator

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[2]
# A newer SDK than requirements.lock's, as a team on a later release would have.
TEAM_PULUMI = "3.272.0"
SERVER_PACKAGES = {"fastapi", "starlette", "uvicorn"}
LISTENING = re.compile(r"Emulator listening on (http://\S+)")


def _run(*cmd: str | Path, cwd: Path | None = None, timeout: float = 600) -> str:
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _venv(path: Path, *requirements: str) -> Path:
    _run(sys.executable, "-m", "venv", path)
    pip = (path / "bin" / "pip", "--disable-pip-version-check", "-q")
    _run(*pip, "install", *requirements)
    return path / "bin"


def _installed(bin_dir: Path) -> dict[str, str]:
    listed = json.loads(_run(bin_dir / "pip", "list", "--format", "json"))
    # Names normalised as PEP 503 does, whatever spelling pip reports.
    return {re.sub(r"[-_.]+", "-", p["name"]).lower(): p["version"] for p in listed}


def _requires(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        meta = zf.read(f"sandbox_provider-{__version__}.dist-info/METADATA").decode()
    return re.findall(r"^Requires-Dist: (.+)$", meta, re.M)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", out, ROOT)
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    (found,) = dist.glob("sandbox_provider-*.whl")
    return found


@pytest.fixture(scope="module")
def team_venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """The wheel without extras, beside the team's own (newer) pulumi."""
    return _venv(tmp_path_factory.mktemp("team") / "venv", f"pulumi=={TEAM_PULUMI}", str(wheel))


def test_the_wheel_and_sdist_carry_one_version_ranges_and_the_license(
    dist: Path, wheel: Path
) -> None:
    assert wheel.name == f"sandbox_provider-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta = zf.read(f"sandbox_provider-{__version__}.dist-info/METADATA").decode()
    requires = _requires(wheel)
    assert f"sandbox_provider-{__version__}.dist-info/licenses/LICENSE" in names
    assert "sandbox_provider/py.typed" in names
    assert "sandbox_provider/emulator/openapi.json" in names
    assert not [n for n in names if n.startswith("tests/")]
    base = [r for r in requires if "extra ==" not in r]
    assert {re.split(r"[<>=!~ ;\[]", r)[0].lower() for r in base} >= {
        "pulumi",
        "httpx",
        "pydantic",
        "tenacity",
    }
    # Ranges, never pins: a pin is what made the install fail beside a team's own SDK.
    assert not [r for r in requires if "==" in r.split(";")[0]], requires
    assert not {re.split(r"[<>=!~ ;\[]", r)[0].lower() for r in base} & SERVER_PACKAGES
    assert re.search(r"^Provides-Extra: emulator$", meta, re.M)
    assert "License-Expression: Apache-2.0" in meta
    (sdist,) = dist.glob("sandbox_provider-*.tar.gz")
    assert sdist.name == f"sandbox_provider-{__version__}.tar.gz"
    with tarfile.open(sdist) as tf:
        members = {m.name.split("/", 1)[-1] for m in tf.getmembers()}
    assert {"LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml"} <= members


def test_installs_beside_a_newer_pulumi_without_a_web_server(team_venv: Path) -> None:
    installed = _installed(team_venv)
    assert installed["pulumi"] == TEAM_PULUMI
    assert installed["sandbox-provider"] == __version__
    assert not SERVER_PACKAGES & set(installed), sorted(SERVER_PACKAGES & set(installed))
    out = _run(team_venv / "sandbox-provider", "--version")
    assert out.strip() == f"sandbox-provider, version {__version__}"
    # Without the extra the emulator command says what to install instead of a traceback.
    proc = subprocess.run(
        [str(team_venv / "sandbox-provider"), "emulator", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "pip install 'sandbox_provider[emulator]'" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.fixture(scope="module")
def lowest_venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """The wheel with the oldest version of each requirement its ranges allow."""
    venv = tmp_path_factory.mktemp("lowest") / "venv"
    _run(sys.executable, "-m", "venv", venv)
    uv = Path(sys.executable).with_name("uv")
    # lowest-direct lowers only direct requirements: name the wheel's own as direct ones.
    own = [r for r in _requires(wheel) if "extra ==" not in r]
    _run(
        *(uv, "pip", "install", "-q", "--python", venv / "bin" / "python"),
        *("--resolution", "lowest-direct", str(wheel), *own),
    )
    return venv / "bin"


@pytest.mark.parametrize("venv_name", ["team_venv", "lowest_venv"])
def test_a_program_in_that_virtualenv_previews_applies_and_destroys(
    venv_name: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    emulator: EmulatorProcess,
    pulumi_bin: str,
) -> None:
    bin_dir: Path = request.getfixturevalue(venv_name)
    if venv_name == "lowest_venv":
        assert _installed(bin_dir)["pulumi"] == "3.216.0"
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        textwrap.dedent(
            f"""\
            name: team-program
            runtime:
              name: python
              options:
                toolchain: pip
                virtualenv: {bin_dir.parent}
            """
        )
    )
    (project / "__main__.py").write_text(
        textwrap.dedent(
            """\
            import pulumi
            from sandbox_provider import Package

            pkg = Package(
                "segments",
                name="team-segments",
                source_sandbox="dev",
                artifacts=[{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}],
            )
            pulumi.export("package_id", pkg.package_id)
            """
        )
    )
    stack = Stack(project_dir=project, state_dir=tmp_path / "state", pulumi=pulumi_bin)
    stack.init()
    orgs = {name: emulator.org(name) for name in ("acme", "partner")}
    configure_for_emulator(stack, emulator.url, orgs)
    before = emulator.requests()
    stack.preview()
    writes = [
        r
        for r in emulator.requests(int(before[-1]["seq"]) if before else 0)
        if r["path"].startswith("/data/") and r["method"] not in ("GET", "HEAD")
    ]
    assert writes == []
    stack.up()
    package_id = stack.outputs()["package_id"]
    with emulator.api("acme") as api:
        assert api.get(f"/packages/{package_id}").status_code == 200
        stack.preview(expect_no_changes=True)
        stack.destroy()
        assert api.get(f"/packages/{package_id}").status_code == 404


@pytest.fixture
def emulator_from_extra(
    tmp_path_factory: pytest.TempPathFactory, wheel: Path, tmp_path: Path
) -> Iterator[str]:
    bin_dir = _venv(tmp_path_factory.mktemp("ci") / "venv", f"{wheel}[emulator]")
    assert {"fastapi", "uvicorn"} <= set(_installed(bin_dir))
    proc = subprocess.Popen(
        [
            str(bin_dir / "sandbox-provider"),
            "emulator",
            "--port",
            "0",
            "--db",
            str(tmp_path / "e.db"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    try:
        assert proc.stdout is not None
        url = None
        for line in proc.stdout:
            match = LISTENING.search(line)
            if match:
                url = match.group(1)
                break
        assert url, "the emulator from the [emulator] install did not start"
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_the_emulator_extra_serves_the_exim_api(emulator_from_extra: str) -> None:
    url = emulator_from_extra
    with httpx.Client(base_url=url, timeout=30) as http:
        token = http.post(
            "/ims/token/v3",
            data={
                "grant_type": "client_credentials",
                "client_id": "acme-client-id",
                "client_secret": "acme-client-secret",
                "scope": "openid,AdobeID,read_organizations",
            },
        )
        assert token.status_code == 200, token.text
        listing = http.get(
            "/data/foundation/exim/packages",
            headers={
                "Authorization": f"Bearer {token.json()['access_token']}",
                "x-api-key": "acme-client-id",
                "x-gw-ims-org-id": "ACME0000000000000000A001@AdobeOrg",
                "x-sandbox-name": "dev",
            },
        )
        assert listing.status_code == 200, listing.text
