"""Promotion through the real CLI: one ImportJob per target, in waves; a target that fails
stops the waves after it, the stack records the targets that succeeded, and the next `up`
makes only what is missing; then a field added in dev reaches every target at `up
--refresh`, and the `statuses` output says which version each holds."""

from __future__ import annotations

import json

import pytest
from support.engine import program

from sandbox_provider.testing import World
from sandbox_provider.testing.world import is_write

pytestmark = pytest.mark.e2e

WEB_SCHEMA = "https://ns.adobe.com/acme/schemas/web-events"


@pytest.fixture
def world(each_path: World) -> World:
    # The demo seed's acme has dev, staging and prod: a fourth sandbox for a second target
    # of wave 0.
    each_path.emu._admin("POST", "/orgs/acme/sandboxes", json={"name": "qa"})
    return each_path


def imports_in_state(world: World) -> list[str]:
    return sorted(
        r["urn"].rsplit("::", 1)[1]
        for r in world.state_resources()
        if r["type"].endswith(":ImportJob")
    )


def fields_of(world: World, sandbox: str, artifact_id: str) -> dict[str, str]:
    (obj,) = [a for a in world.emu.artifacts("acme", sandbox) if a["id"] == artifact_id]
    return dict(obj["definition"]["fields"])


def test_waves_stop_at_a_failed_target_and_the_next_up_makes_only_what_is_missing(
    world: World,
) -> None:
    program(
        world,
        f"""
    from sandbox_provider import Promotion  # the dynamic one (the plugin's is aep.Promotion)

    pkg = {{ns}}Package("pkg", name="train", source_sandbox="dev",
                        artifacts=[{{"id": {WEB_SCHEMA!r}, "type": "REGISTRY_SCHEMA"}}],
                        include_dependencies=True)
    pub = {{ns}}PublishedPackage("pub", package_id=pkg.package_id)
    release = {{ns}}Promotion("release", package_id=pub.package_id, targets=[
        {{"sandbox": "staging", "conflict_policy": "create_new"}},
        {{"sandbox": "qa", "conflict_policy": "create_new"}},
        {{"sandbox": "prod", "wave": 1, "conflict_policy": "create_new"}},
    ])
    pulumi.export("statuses", release.statuses)
    """,
    )
    # A preview of a fresh stack plans the component and its three imports, the package id
    # still unknown, and calls nothing that writes.
    since = world.last_seq()
    plan = world.stack.preview()
    assert plan.summary.get("create") == 7, plan.stdout
    assert not [r for r in world.emu.requests(since) if is_write(r)]
    # One of wave 0's two imports is refused once: its wave fails, wave 1 never starts (with
    # --continue-on-error the other target of wave 0 still finishes).
    world.emu.set_faults(
        [{"path": r"/packages/import$", "method": "POST", "status": 400, "times": 1}]
    )
    first = world.stack.up(check=False, continue_on_error=True)
    assert first.code != 0
    made = imports_in_state(world)
    assert len(made) == 1 and made[0] in ("release-staging", "release-qa"), first.stdout
    assert not [j for j in world.jobs("acme") if j.get("targetSandbox") == "prod"]
    # The component records which target failed and what never started.
    (promotion,) = [r for r in world.state_resources() if r["type"] == "aep:index:Promotion"]
    statuses = promotion["outputs"]["statuses"]
    status = {k: v.get("job_status", v.get("jobStatus")) for k, v in statuses.items()}
    failed = "staging" if made == ["release-qa"] else "qa"
    assert status == {
        failed: "FAILED",
        made[0].removeprefix("release-"): "SUCCESS",
        "prod": "NOT_STARTED",
    }, status

    world.emu.clear_faults()
    second = world.stack.up()
    assert second.summary.get("create") == 2, second.summary  # the failed one, and prod
    assert imports_in_state(world) == ["release-prod", "release-qa", "release-staging"]
    imports = [j for j in world.jobs("acme") if j.get("jobType") != "UPDATE"]
    by_target = sorted(j["targetSandbox"] for j in imports if j.get("targetSandbox"))
    assert by_target == ["prod", "qa", "staging"], by_target

    targets = world.stack.outputs()["statuses"]
    assert sorted(targets) == ["prod", "qa", "staging"]
    assert {t["wave"] for t in targets.values()} == {0, 1}
    status = {k: v.get("job_status", v.get("jobStatus")) for k, v in targets.items()}
    assert set(status.values()) == {"SUCCESS"}, status

    # The next change: every target gets it, once.
    dev = fields_of(world, "dev", WEB_SCHEMA)
    world.emu.patch_artifact(
        "acme", "dev", WEB_SCHEMA, {"definition": {"fields": {**dev, "web.visit.id": "string"}}}
    )
    world.stack.up(refresh=True)
    targets = world.stack.outputs()["statuses"]
    versions = {k: v.get("package_version", v.get("packageVersion")) for k, v in targets.items()}
    assert versions == {"prod": 1, "qa": 1, "staging": 1}, json.dumps(targets)
    updates = [j for j in world.jobs("acme") if j.get("jobType") == "UPDATE"]
    assert sorted(j["targetSandbox"] for j in updates) == ["prod", "qa", "staging"]
    world.stack.preview(refresh=True, expect_no_changes=True)
