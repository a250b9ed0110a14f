"""The next change reaches every target, through the real CLI, on both paths (one stack per
path carried through the steps in turn):

- a field added to a schema in dev: a plain `pulumi preview` calls nothing and sees nothing;
  `preview --refresh` plans an update (no replacement) of the Package and of each ImportJob;
  `up --refresh` saves version 1 and submits one UPDATE import per target; the objects in
  staging and prod have the field under the ids the first import gave them; the next
  `preview --refresh --expect-no-changes` passes;
- a field removed in dev: `preview --refresh` fails naming the schema and what the platform
  allows; no version is saved and no update submitted.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.engine import program

from sandbox_provider.testing import World

pytestmark = pytest.mark.e2e

WEB_SCHEMA = "https://ns.adobe.com/acme/schemas/web-events"
TARGETS = ("staging", "prod")


@pytest.fixture
def world(each_path: World) -> World:
    return each_path


def planned(world: World, *extra: str) -> dict[str, set[str]]:
    res = world.stack.run("preview", "--json", "-s", world.stack.name, *extra)
    steps: dict[str, set[str]] = {}
    for step in json.loads(res.stdout)["steps"]:
        if step["op"] not in ("same", "refresh") and "::pulumi:pulumi:Stack::" not in step["urn"]:
            steps.setdefault(step["urn"].rsplit("::", 1)[-1], set()).add(step["op"])
    return steps


def output(world: World, name: str, key: str) -> Any:
    """An output of resource `name` in the state (snake_case on the dynamic path, camelCase
    on the plugin's)."""
    (res,) = [r for r in world.state_resources() if r["urn"].endswith(f"::{name}")]
    camel = key.split("_")[0] + "".join(w.title() for w in key.split("_")[1:])
    outs = res["outputs"]
    return outs.get(key, outs.get(camel))


def fields_of(world: World, sandbox: str, artifact_id: str) -> dict[str, str]:
    (obj,) = [a for a in world.emu.artifacts("acme", sandbox) if a["id"] == artifact_id]
    return dict(obj["definition"]["fields"])


def set_fields(world: World, fields: dict[str, str]) -> None:
    world.emu.patch_artifact("acme", "dev", WEB_SCHEMA, {"definition": {"fields": fields}})


def update_jobs(world: World) -> list[dict[str, Any]]:
    return [j for j in world.jobs("acme") if j.get("jobType") == "UPDATE"]


def exim_calls(world: World, since: int) -> list[str]:
    return [
        f"{r['method']} {r['path']}" for r in world.emu.requests(since) if "/exim/" in r["path"]
    ]


def test_a_field_added_in_dev_reaches_every_target(world: World) -> None:
    program(
        world,
        f"""
    pkg = {{ns}}Package(
        "pkg",
        name="train",
        source_sandbox="dev",
        artifacts=[{{"id": {WEB_SCHEMA!r}, "type": "REGISTRY_SCHEMA"}}],
        include_dependencies=True,
    )
    pub = {{ns}}PublishedPackage("pub", package_id=pkg.package_id)
    for target in {TARGETS!r}:
        {{ns}}ImportJob(target, package_id=pub.package_id, target_sandbox=target,
                        conflict_policy="create_new")
    """,
    )
    world.stack.up()
    targets = {t: output(world, t, "imported_artifacts")[WEB_SCHEMA] for t in TARGETS}
    assert all(output(world, t, "package_version") == 0 for t in TARGETS)

    dev = fields_of(world, "dev", WEB_SCHEMA)
    set_fields(world, {**dev, "web.page.referrer": "string"})
    since = world.last_seq()
    world.stack.preview(expect_no_changes=True)
    assert exim_calls(world, since) == []  # a plain preview calls nothing

    plan = planned(world, "--refresh")
    assert plan == {"pkg": {"update"}, "staging": {"update"}, "prod": {"update"}}, plan
    preview = world.stack.preview(refresh=True)
    assert "adds field web.page.referrer (string)" in preview.stdout + preview.stderr

    up = world.stack.up(refresh=True)
    assert up.summary.get("update") == 3 and "replace" not in up.summary, up.summary
    assert output(world, "pkg", "package_version") == 1
    assert [v["package_version"] for v in output(world, "pkg", "version_history")] == [1]
    for target in TARGETS:
        assert output(world, target, "package_version") == 1
        assert output(world, target, "imported_artifacts")[WEB_SCHEMA] == targets[target]
        assert fields_of(world, target, targets[target])["web.page.referrer"] == "string"
    jobs = update_jobs(world)
    assert sorted(j["targetSandbox"] for j in jobs) == sorted(TARGETS), jobs
    world.stack.preview(refresh=True, expect_no_changes=True)
    assert len(update_jobs(world)) == 2

    # A removed field: refused at the plan, naming the schema; nothing saved, nothing updated.
    set_fields(world, {k: v for k, v in dev.items() if k != "web.page.name"})
    since = world.last_seq()
    res = world.stack.run("up", "--refresh", "--yes", "-s", world.stack.name, check=False)
    text = res.stdout + res.stderr
    assert res.code != 0, text
    assert WEB_SCHEMA in text and "removes field web.page.name (string)" in text, text
    assert "adds fields to" in text and "Traceback" not in text, text
    calls = exim_calls(world, since)
    assert not [c for c in calls if c.endswith("/version/save") or c.endswith("/import")], calls
    assert len(update_jobs(world)) == 2
    for target in TARGETS:
        assert "web.page.name" in fields_of(world, target, targets[target])
