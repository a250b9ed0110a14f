"""A stack made by the previous release previews with no change after the upgrade, on both
paths: the previous release's code (from git history) runs `pulumi up` of all five resources,
then this checkout's code runs `pulumi preview --expect-no-changes` on the same state (the
dynamic resources' pickled providers load by their module paths, the plugin's state reads
as before)."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

import pytest
from support.engine import ROOT, VENV

from sandbox_provider.testing import World

from .test_safe_changes import deploy

pytestmark = pytest.mark.e2e

#: The last release before "one declaration per resource" moved the resources' facts into
#: their models (state written by it must keep working). Move it forward with each release.
PREVIOUS_RELEASE = "a12151adfa3a99cc3a86e4aa5ff4d86e965146e4"


@pytest.fixture(scope="module")
def previous_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The previous release's `sandbox_provider` package, unpacked from git history."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", PREVIOUS_RELEASE, "sandbox_provider"],
        capture_output=True,
        check=False,
    )
    assert archive.returncode == 0, (
        f"commit {PREVIOUS_RELEASE} is not in this clone's history ({archive.stderr!r}): "
        "clone with full history (not --depth)"
    )
    dest = tmp_path_factory.mktemp("previous-release")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def test_a_stack_of_the_previous_release_previews_with_no_change(
    each_path: World, previous_release: Path
) -> None:
    world = each_path
    # All five resources, the import reusing the target's exact matches.
    deploy(world, [{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}], share=True)
    # The previous release shadows this checkout for the program, the dynamic provider and
    # the plugin alike (all run the venv's Python).
    world.stack.extra_env["PYTHONPATH"] = str(previous_release)
    probe = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", "import sandbox_provider.resources.declare"],
        env=world.stack.env(),
        cwd=world.project_dir,
        capture_output=True,
        check=False,
    )
    assert probe.returncode != 0, "the previous release's code is not the one imported"
    assert world.stack.up().summary == {"create": 6}

    del world.stack.extra_env["PYTHONPATH"]
    res = world.stack.run("preview", "--expect-no-changes", "-s", world.stack.name, check=False)
    assert res.code == 0, res.stdout + res.stderr
    assert "Traceback" not in res.stdout + res.stderr
