"""The lookup functions as the plugin's invokes (`aep:index:getPackage`, ...) in a real
program: the engine calls the plugin, which reads the platform with the provider's
configuration, at preview and at up, writing nothing. Each answer is the one the dynamic
`get_*` function (in the program's process) gives in the same program: one read, two callers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from plugin.test_plugin_lifecycle import GOLD, plugin_world, write
from support import by_hand  # tests/ is on sys.path: the provider tier's raw-API makers
from support.providers import make_package

from sandbox_provider.testing import World

pytestmark = pytest.mark.e2e

LOYALTY_SCHEMA = "https://ns.adobe.com/acme/schemas/loyalty-profile"

PROGRAM = """
import json
from pathlib import Path

import sandbox_provider as dynamic

SEEN = Path({seen!r})

def record(key, value):
    # What the program saw, in the phase it ran in.
    SEEN.mkdir(exist_ok=True)
    (SEEN / (key + ".json")).write_text(json.dumps(value))
    return value

pkg = aep.get_package(name="by-hand")
package_id = pkg.apply(lambda p: p["package_id"])
results = {{
    "package": pkg,
    "packageById": aep.get_package(package_id=package_id),
    "published": aep.get_packages(status="PUBLISHED"),
    "conflicts": aep.get_import_conflicts(package_id, "prod"),
    "preflight": aep.get_preflight(package_id, "prod"),
    "dependencies": aep.get_artifact_dependencies(package_id),
    "jobs": aep.get_import_jobs(package_id=package_id, status="SUCCESS"),
    "anyJobs": aep.get_import_jobs(package_id=package_id, request_type=None),
    "partnerPackages": aep.get_packages(org="partner"),
    # The same lookups in the program's process, for comparison.
    "dynamicPackage": dynamic.get_package(name="by-hand"),
    "dynamicConflicts": dynamic.get_import_conflicts(package_id, "prod"),
    "dynamicPreflight": dynamic.get_preflight(package_id, "prod"),
    "dynamicDependencies": dynamic.get_artifact_dependencies(package_id),
    "dynamicJobs": dynamic.get_import_jobs(package_id=package_id, status="SUCCESS"),
    "dynamicAnyJobs": dynamic.get_import_jobs(package_id=package_id, request_type=None),
}}
for key, value in results.items():
    value.apply(lambda v, key=key: record(key, v))
    pulumi.export(key, value)
"""


@pytest.fixture
def plugin(tmp_path: Path, pulumi_bin: str) -> Iterator[World]:
    yield from plugin_world(tmp_path, pulumi_bin)


def seen(path: Path) -> dict[str, Any]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(path.glob("*.json"))}


def reads_only(world: World, since: int) -> list[dict[str, Any]]:
    # The dependencies lookup is a POST that only reads (`/children`).
    return [w for w in world.writes(since) if not w["path"].endswith("/children")]


def test_the_lookups_as_invokes_at_preview_and_at_up(plugin: World) -> None:
    package_id = make_package(plugin.emu, "by-hand", [GOLD], publish=True)
    job = by_hand.import_job(plugin.emu, package_id)
    assert job["jobStatus"] == "SUCCESS"
    seen_dir = plugin.project_dir / "seen"
    write(plugin, PROGRAM.format(seen=str(seen_dir)))

    since = plugin.last_seq()
    plugin.stack.preview()
    assert reads_only(plugin, since) == []
    at_preview = seen(seen_dir)

    pkg = at_preview["package"]
    assert (pkg["package_id"], pkg["name"], pkg["status"]) == (package_id, "by-hand", "PUBLISHED")
    assert {a["id"] for a in pkg["artifacts"]} >= {GOLD["id"]}
    # Every name of a result is the Python function's: the plugin answers the same dicts.
    assert at_preview["package"] == at_preview["dynamicPackage"] == at_preview["packageById"]
    assert [p["package_id"] for p in at_preview["published"]] == [package_id]
    conflicts = at_preview["conflicts"]
    assert conflicts == at_preview["dynamicConflicts"]
    by_artifact = {c["artifact_id"]: c for c in conflicts}
    # The import's copy ranks first among the schema's look-alikes in prod.
    assert (
        by_artifact[LOYALTY_SCHEMA]["suggestions"][0]["id"]
        == (job["importReplacementMap"][LOYALTY_SCHEMA])
    )
    assert at_preview["preflight"] == at_preview["dynamicPreflight"]
    assert at_preview["preflight"]["target_sandbox"] == "prod"
    assert at_preview["dependencies"] == at_preview["dynamicDependencies"]
    deps = {d["id"]: {c["id"] for c in d["children"]} for d in at_preview["dependencies"]}
    assert LOYALTY_SCHEMA in deps[GOLD["id"]]
    (found_job,) = at_preview["jobs"]
    assert (found_job["job_id"], found_job["status"]) == (job["id"], "SUCCESS")
    # Data keys (artifact ids) stay as the platform has them: they are not names.
    assert found_job["imported_artifacts"] == job["importReplacementMap"]
    assert at_preview["jobs"] == at_preview["dynamicJobs"]
    # request_type=None: the export job that publishing made is listed too.
    assert at_preview["anyJobs"] == at_preview["dynamicAnyJobs"]
    assert {j["request_type"] for j in at_preview["anyJobs"]} >= {"IMPORT"}
    # org= acts with the partner profile of the provider's aep:orgs.
    assert at_preview["partnerPackages"] == []

    since = plugin.last_seq()
    plugin.stack.up()
    assert reads_only(plugin, since) == []
    out = plugin.stack.outputs()
    assert out["package"]["package_id"] == package_id
    assert out["conflicts"] == json.loads(json.dumps(at_preview["conflicts"]))
    assert seen(seen_dir)["jobs"] == at_preview["jobs"]


def test_a_failing_invoke_says_what_to_fix(plugin: World) -> None:
    write(plugin, 'aep.get_package(name="nowhere").apply(print)\n')
    res = plugin.stack.run("preview", "--stack", plugin.stack.name, check=False)
    text = res.stdout + res.stderr
    assert res.code != 0
    assert "the org has no package named 'nowhere'" in text, text
    assert "check `name`" in text, text
    # One line, as the dynamic get_package prints it: no traceback, no empty property.
    assert "Traceback" not in text and "get_packages() ()" not in text, text
