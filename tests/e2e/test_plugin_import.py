"""`pulumi import` from the command line, which the dynamic resources can't serve: the
engine reads the object through the plugin and records it, with no write.

The CLI's code generation for the imported resource fails with this project's Python
language host (`error: method GenerateProgram not implemented`), so the imports run with
`--generate-code=false` and the program declares the same resources by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from providers.conftest import make_package  # tests/ is on sys.path

from sandbox_provider.testing import World

from .test_plugin_lifecycle import GOLD, plugin_world, write

pytestmark = pytest.mark.e2e


@pytest.fixture
def plugin(tmp_path: Path, pulumi_bin: str) -> Iterator[World]:
    yield from plugin_world(tmp_path, pulumi_bin)


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
