"""A `pulumi up --refresh` carrying a new version, killed while its UPDATE imports run, then
the documented recovery (`sandbox-provider recover`, then `pulumi up`), on both paths: one
UPDATE job per target, the objects updated under their ids, no pending operation, and a
no-change `preview --refresh`."""

from __future__ import annotations

from typing import Any

import pytest
from support.engine import on_plugin, program

from . import _kill
from .conftest import World
from .test_recovery import recover

pytestmark = pytest.mark.chaos

WEB_SCHEMA = "https://ns.adobe.com/acme/schemas/web-events"
TARGETS = ("staging", "prod")


def prod_fields(w: World, sandbox: str, artifact_id: str) -> dict[str, str]:
    (obj,) = [a for a in w.emu.artifacts("acme", sandbox) if a["id"] == artifact_id]
    return dict(obj["definition"]["fields"])


def update_jobs(w: World) -> list[dict[str, Any]]:
    return [j for j in w.jobs("acme") if j.get("jobType") == "UPDATE"]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("path", ["dynamic", "plugin"])
def test_killed_during_the_update_imports(world: World, path: str) -> None:
    if path == "plugin":
        on_plugin(world)
    world.path = path  # type: ignore[attr-defined]
    program(
        world,
        f"""
    pkg = {{ns}}Package("pkg", name="train", source_sandbox="dev",
                        artifacts=[{{"id": {WEB_SCHEMA!r}, "type": "REGISTRY_SCHEMA"}}],
                        include_dependencies=True)
    pub = {{ns}}PublishedPackage("pub", package_id=pkg.package_id)
    for target in {TARGETS!r}:
        {{ns}}ImportJob(target, package_id=pub.package_id, target_sandbox=target,
                        conflict_policy="create_new")
    """,
    )
    world.stack.up()
    state = {r["urn"].rsplit("::", 1)[1]: r for r in world.state_resources()}
    targets = {
        t: (
            state[t]["outputs"].get("imported_artifacts")
            or state[t]["outputs"]["importedArtifacts"]
        )[WEB_SCHEMA]
        for t in TARGETS
    }
    dev = prod_fields(world, "dev", WEB_SCHEMA)
    world.emu.patch_artifact(
        "acme", "dev", WEB_SCHEMA, {"definition": {"fields": {**dev, "web.visit.id": "string"}}}
    )

    # Jobs slow enough that the kill lands while both UPDATE imports run.
    world.emu.set_timing(jobSeconds=4.0)
    since = world.last_seq()
    upd = _kill.start_update(world.stack, "--refresh")
    try:
        upd.wait_until(
            _kill.requests_where(
                world.emu,
                lambda r: r["method"] == "PATCH" and r["path"].endswith("/import"),
                n=len(TARGETS),
                since=since,
            ),
            timeout=240,
        )
    finally:
        report = upd.kill()
    assert report.survivors == [] and report.zombies == [], report
    assert report.returncode == -9, "the update ended before the kill:\n" + report.stdout
    assert len(update_jobs(world)) == len(TARGETS)

    out = recover(world)
    assert "pending updating" in out, out
    world.emu.set_timing(jobSeconds=0.05)
    up = world.stack.up(check=False)
    assert up.code == 0, up.stdout[-4000:] + up.stderr[-2000:]
    assert "was submitted by an earlier run: taking it over" in up.stdout + up.stderr, up.stdout[
        -3000:
    ]
    jobs = update_jobs(world)
    assert sorted(j["targetSandbox"] for j in jobs) == sorted(TARGETS), jobs
    for target, object_id in targets.items():
        assert prod_fields(world, target, object_id)["web.visit.id"] == "string"
    assert _kill.pending_operations(world.stack) == []
    world.stack.preview(refresh=True, expect_no_changes=True)
    assert len(update_jobs(world)) == len(TARGETS)
