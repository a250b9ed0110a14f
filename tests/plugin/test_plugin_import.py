"""`pulumi import` from the command line, which the dynamic resources can't serve: the
engine reads the object through the plugin with its id alone and records it, with no write.

Each of the five imports by its id (a package's, a publication's, a job's, a handshake's
linking id, a transfer's), its inputs rebuilt from the platform's object. The CLI also writes
the code of what it imported (our Python language host's GenerateProgram, on the generated
SDK `pulumi_aep`), and that code, run as the program, has nothing to change."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import by_hand  # tests/ is on sys.path: the provider tier's raw-API makers
from support.engine import ROOT, VENV
from support.providers import make_package

from sandbox_provider import __version__
from sandbox_provider.testing import World

from .test_plugin_lifecycle import GOLD, plugin_world, write

pytestmark = pytest.mark.e2e

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sandbox-provider"


@pytest.fixture
def plugin(tmp_path: Path, pulumi_bin: str) -> Iterator[World]:
    yield from plugin_world(tmp_path, pulumi_bin)


def pip_target(target: Path, *what: str | Path) -> None:
    proc = subprocess.run(
        [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", "--target", target, *what],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def with_generated_sdk(world: World, tmp: Path) -> None:
    """Make `import pulumi_aep` work in the world's program: sdk/python installed (from a
    copy: a build in place leaves files in sdk/) without dependencies into a directory on
    PYTHONPATH; what it needs beyond the venv (parver) from a directory cached once."""
    site = tmp / "site"
    source = shutil.copytree(ROOT / "sdk" / "python", tmp / "pulumi_aep-src")
    pip_target(site, "--no-deps", source)
    assert (site / f"pulumi_aep-{__version__}.dist-info").is_dir()
    deps = CACHE / "import-codegen-deps"
    if not (deps / ".complete").is_file():
        staging = deps.with_name(f".{deps.name}.{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        pip_target(staging, "parver>=0.2.1")
        (staging / ".complete").write_text("parver>=0.2.1\n")
        shutil.rmtree(deps, ignore_errors=True)
        staging.rename(deps)
    world.stack.extra_env["PYTHONPATH"] = os.pathsep.join([str(site), str(deps)])


def cli_import(world: World, token: str, name: str, object_id: str) -> Any:
    return world.stack.run(
        "import",
        token,
        name,
        object_id,
        "--yes",
        "--generate-code=false",
        "--stack",
        world.stack.name,
    )


def recorded(world: World, token: str) -> dict[str, Any]:
    (res,) = [r for r in world.state_resources() if r["type"] == token]
    return dict(res)


def test_cli_import_of_a_package_and_its_publication_writes_nothing(plugin: World) -> None:
    package_id = make_package(
        plugin.emu, "by-hand", [GOLD], description="made in the UI", publish=True
    )
    write(plugin, "")
    since = plugin.last_seq()
    cli_import(plugin, "aep:index:Package", "adopted", package_id)
    cli_import(plugin, "aep:index:PublishedPackage", "adopted-pub", package_id)
    assert plugin.writes(since) == []

    pkg = recorded(plugin, "aep:index:Package")
    assert pkg["id"] == package_id
    assert pkg["inputs"]["name"] == "by-hand"
    assert pkg["inputs"]["artifacts"] == [GOLD]
    assert pkg["outputs"]["status"] == "PUBLISHED"
    pub = recorded(plugin, "aep:index:PublishedPackage")
    assert pub["inputs"]["packageId"] == package_id

    # The program that declares what was imported has nothing to change.
    write(
        plugin,
        f"""
        pkg = aep.Package(
            "adopted",
            name="by-hand",
            description="made in the UI",
            source_sandbox="dev",
            artifacts=[{GOLD!r}],
        )
        aep.PublishedPackage("adopted-pub", package_id=pkg.package_id)
        """,
    )
    since = plugin.last_seq()
    plugin.stack.preview(expect_no_changes=True)
    plugin.stack.up(expect_no_changes=True)
    assert plugin.writes(since) == []


def test_cli_import_of_a_missing_package_fails_and_records_nothing(plugin: World) -> None:
    write(plugin, "")
    res = plugin.stack.run(
        "import",
        "aep:index:Package",
        "ghost",
        "0" * 32,
        "--yes",
        "--generate-code=false",
        "--stack",
        plugin.stack.name,
        check=False,
    )
    assert res.code != 0
    assert "does not exist" in res.stdout + res.stderr, res.stdout + res.stderr
    assert not [r for r in plugin.state_resources() if r["type"] == "aep:index:Package"]


def made_by_hand(world: World) -> dict[str, str]:
    """A published package, its import into prod, an approved link to partner and a transfer
    to it, all made through the API: the ids `pulumi import` takes."""
    package_id = make_package(
        world.emu, "by-hand", [GOLD], description="made in the UI", publish=True
    )
    job = by_hand.import_job(world.emu, package_id)
    link = by_hand.handshake(world.emu)
    share = by_hand.transfer(world.emu, package_id)
    assert (job["jobStatus"], link["status"], share["status"]) == (
        "SUCCESS",
        "APPROVED",
        "COMPLETED",
    )
    return {
        "package": package_id,
        "job": job["id"],
        "linking": link["linkingId"],
        "handshake": link["id"],
        "transfer": share["id"],
    }


def test_cli_import_of_a_job_a_handshake_and_a_transfer_by_id_alone(plugin: World) -> None:
    ids = made_by_hand(plugin)
    partner = plugin.orgs["partner"]["imsOrgId"]
    write(plugin, "")
    since = plugin.last_seq()
    cli_import(plugin, "aep:index:ImportJob", "job", ids["job"])
    # A handshake imports by its own id too (as adoption takes it): recorded by linking id.
    cli_import(plugin, "aep:index:Handshake", "link", ids["handshake"])
    cli_import(plugin, "aep:index:Transfer", "share", ids["transfer"])
    assert plugin.writes(since) == []

    job = recorded(plugin, "aep:index:ImportJob")
    assert job["id"] == ids["job"]
    assert job["inputs"] == {
        "packageId": ids["package"],
        "targetSandbox": "prod",
        "name": "to-prod",
        "description": "made in the UI",
    }
    assert (job["outputs"]["jobStatus"], job["outputs"]["jobName"]) == ("SUCCESS", "to-prod")
    assert job["outputs"]["importedArtifacts"]
    link = recorded(plugin, "aep:index:Handshake")
    assert link["id"] == ids["linking"]
    assert link["inputs"] == {"targetOrgId": partner, "sourceOrgName": "acme"}
    assert link["outputs"]["status"] == "APPROVED"
    share = recorded(plugin, "aep:index:Transfer")
    assert share["id"] == ids["transfer"]
    assert share["inputs"] == {
        "packageId": ids["package"],
        "requestType": "PRIVATE",
        "targetOrgId": partner,
    }
    assert share["outputs"]["status"] == "COMPLETED"

    # The program declaring them has nothing to change, refreshed or not.
    write(
        plugin,
        f"""
        aep.ImportJob(
            "job",
            package_id={ids["package"]!r},
            target_sandbox="prod",
            name="to-prod",
            description="made in the UI",
        )
        link = aep.Handshake("link", target_org_id={partner!r}, source_org_name="acme")
        aep.Transfer("share", package_id={ids["package"]!r}, target_org_id={partner!r})
        """,
    )
    since = plugin.last_seq()
    plugin.stack.preview(expect_no_changes=True)
    plugin.stack.preview(expect_no_changes=True, refresh=True)
    plugin.stack.up(expect_no_changes=True)
    assert plugin.writes(since) == []


def test_cli_import_of_all_five_writes_code_that_runs_with_no_change(
    plugin: World, tmp_path: Path
) -> None:
    ids = made_by_hand(plugin)
    write(plugin, "")
    resources = [
        ("aep:index:Package", "pkg", ids["package"]),
        ("aep:index:PublishedPackage", "pub", ids["package"]),
        ("aep:index:ImportJob", "job", ids["job"]),
        ("aep:index:Handshake", "link", ids["linking"]),
        ("aep:index:Transfer", "share", ids["transfer"]),
    ]
    spec = tmp_path / "import.json"
    spec.write_text(
        json.dumps({"resources": [{"type": t, "name": n, "id": i} for t, n, i in resources]})
    )
    code = tmp_path / "generated.py"
    since = plugin.last_seq()
    plugin.stack.run(
        "import", "--file", str(spec), "--out", str(code), "--yes", "--stack", plugin.stack.name
    )
    assert plugin.writes(since) == []
    assert sorted(
        (r["type"], r["id"])
        for r in plugin.state_resources()
        if r["type"] in {t for t, _, _ in resources}
    ) == sorted((t, i) for t, _, i in resources)

    # The code the CLI wrote is on the generated SDK, each resource with its inputs.
    program = code.read_text()
    assert "import pulumi_aep as aep" in program, program
    for token, name, _ in resources:
        assert f'aep.{token.rsplit(":", 1)[1]}("{name}",' in program, program
    assert 'name="by-hand"' in program and 'target_sandbox="prod"' in program, program

    # Run as the program, it declares exactly what was imported: no change, no write.
    with_generated_sdk(plugin, tmp_path)
    (plugin.project_dir / "__main__.py").write_text(program)
    since = plugin.last_seq()
    plugin.stack.preview(expect_no_changes=True)
    plugin.stack.up(expect_no_changes=True)
    assert plugin.writes(since) == []
