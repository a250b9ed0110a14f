"""What a user's CI does with sandbox_provider.testing: the plugin's `emulator` and
`stack_factory` fixtures, a small program, the real pulumi CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi import automation as auto

from sandbox_provider.testing import EmulatorProcess, PulumiError, write_project
from sandbox_provider.testing.pytest_plugin import StackFactory

pytestmark = pytest.mark.e2e

PROGRAM = """\
import pulumi
from sandbox_provider import Package

pkg = Package(
    "audiences",
    name="ci-audiences",
    source_sandbox="dev",
    artifacts=[{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}],
)
pulumi.export("packageId", pkg.package_id)
"""


def test_a_program_runs_through_the_stack_helper_against_the_emulator_fixture(
    emulator: EmulatorProcess, stack_factory: StackFactory
) -> None:
    stack = stack_factory(program=PROGRAM)

    preview = stack.preview()
    assert preview.code == 0
    # The stack itself and the package, and nothing made yet.
    assert preview.summary == {"create": 2}
    with emulator.api("acme", "dev") as api:
        assert api.get("/packages", params={"limit": 100}).json()["data"] == []

    up = stack.up()
    assert up.summary == {"create": 2}
    package_id = stack.outputs()["packageId"]
    with emulator.api("acme", "dev") as api:
        pkg = api.get(f"/packages/{package_id}").json()
    assert pkg["name"] == "ci-audiences"
    assert [a["id"] for a in pkg["artifactsList"]] == ["acme-seg-gold"]

    assert stack.preview(expect_no_changes=True).summary == {"same": 2}
    assert stack.destroy().summary == {"delete": 2}
    with emulator.api("acme", "dev") as api:
        assert api.get(f"/packages/{package_id}").status_code == 404


def test_a_failing_update_gives_its_exit_code_and_output_or_raises(
    stack_factory: StackFactory, tmp_path: Path
) -> None:
    # A project of the user's own (a directory holding Pulumi.yaml), not one the factory made.
    project = write_project(tmp_path / "infra", program="raise SystemExit('the program refuses')")
    stack = stack_factory(project)
    assert stack.project_dir == project
    assert "aep:platformUrl" in (project / "Pulumi.test.yaml").read_text()

    failed = stack.up(check=False)
    assert failed.code != 0
    assert "the program refuses" in failed.stdout + failed.stderr
    with pytest.raises(PulumiError) as raised:
        stack.preview()
    # Users catching automation's own error catch it too.
    assert isinstance(raised.value, auto.CommandError)
    assert raised.value.code != 0 and "the program refuses" in str(raised.value)
