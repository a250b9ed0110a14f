"""Every change a program makes is safe, through the real CLI, on both paths (the dynamic
resources and the `aep` plugin), one stack per path carried through the changes in turn:

- `use_existing` reuses exact matches only, printed, and warns about a near match;
- a typo in a new artifact fails the plan, before anything is deleted;
- `pulumi up --replace` of each of the five resources converges with one object of each;
- a target sandbox that doesn't exist is named as such at preview, and nothing is written.

An in-place update, a rename and an artifacts change of a published Package (planned at a
plain `pulumi preview` as its replacement, with what takes its `package_id`) are in
test_plan_matches_apply, which compares each plan with the update that follows.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.engine import program

from sandbox_provider.testing import World

pytestmark = pytest.mark.e2e

GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
TYPO = {"id": "acme-seg-carrt", "type": "PROFILE_SEGMENT"}


@pytest.fixture
def world(each_path: World) -> World:
    return each_path


def deploy(
    world: World,
    artifacts: list[dict[str, str]],
    *,
    name: str = "safe-pkg",
    description: str = "one",
    target: str = "prod",
    share: bool = False,
) -> None:
    partner = world.orgs["partner"]["imsOrgId"]
    sharing = f"""
    link = {{ns}}Handshake(
        "link", target_org_id={partner!r}, source_org_name="acme", approve_as="partner"
    )
    {{ns}}Transfer(
        "share",
        package_id=pub.package_id,
        target_org_id={partner!r},
        opts=pulumi.ResourceOptions(depends_on=[link]),
    )
    """
    program(
        world,
        f"""
    pkg = {{ns}}Package(
        "pkg",
        name={name!r},
        description={description!r},
        source_sandbox="dev",
        artifacts={artifacts!r},
    )
    pub = {{ns}}PublishedPackage("pub", package_id=pkg.package_id)
    job = {{ns}}ImportJob(
        "job", package_id=pub.package_id, target_sandbox={target!r}, conflict_policy="use_existing"
    )
    pulumi.export("packageId", pkg.package_id)
    pulumi.export("jobId", job.job_id)
    """
        + (sharing if share else ""),
    )


def planned(world: World, *extra: str) -> dict[str, set[str]]:
    """`pulumi preview --json`: resource name -> the ops planned for it (other than same)."""
    res = world.stack.run("preview", "--json", "-s", world.stack.name, *extra)
    steps: dict[str, set[str]] = {}
    for step in json.loads(res.stdout)["steps"]:
        if step["op"] not in ("same", "refresh") and "::pulumi:pulumi:Stack::" not in step["urn"]:
            steps.setdefault(step["urn"].rsplit("::", 1)[-1], set()).add(step["op"])
    return steps


def urn_of(world: World, name: str) -> str:
    (urn,) = [r["urn"] for r in world.state_resources() if r["urn"].endswith(f"::{name}")]
    return str(urn)


def state_id(world: World, name: str) -> str:
    (rid,) = [r["id"] for r in world.state_resources() if r["urn"].endswith(f"::{name}")]
    return str(rid)


def named(world: World, name: str) -> list[dict[str, Any]]:
    return [p for p in world.packages() if p["name"] == name]


def refused(world: World, *needles: str) -> str:
    """`pulumi up` fails in its preview (no resource step runs), saying each of `needles`,
    with no traceback. Its output."""
    res = world.stack.run("up", "--yes", "-s", world.stack.name, check=False)
    text = res.stdout + res.stderr
    assert res.code != 0, text
    assert all(n in text for n in needles) and "Traceback" not in text, text
    assert "Updating (" not in text, text  # refused by the plan, before the update began
    return text


def test_each_change_is_planned_as_done_and_loses_nothing(world: World) -> None:
    deploy(world, [GOLD])
    res = world.stack.up()
    first = world.stack.outputs()
    # use_existing: prod's "Gold Loyalty Members 2024" only looks like the gold segment; it is
    # not reused, and the warning names it and the entry that would reuse it.
    assert (
        "near matches: 'acme-prod-seg-gold' ('Gold Loyalty Members 2024'); to reuse one, "
        "name it: alternatives={'acme-seg-gold': {'id': 'acme-prod-seg-gold', "
        "'type': 'PROFILE_SEGMENT'}}"
    ) in res.stdout + res.stderr
    (job,) = [r for r in world.state_resources() if r["urn"].endswith("::job")]
    # What it reuses is an exact match (the class, the merge policy), printed and recorded.
    assert "acme-mp-default -> existing acme-prod-mp (same type and title)" in res.stdout
    outputs = job["outputs"]
    used = outputs.get("alternativesUsed", outputs.get("alternatives_used"))
    assert sorted(v["id"] for v in used.values()) == ["acme-prod-class-loyalty", "acme-prod-mp"]

    # A typo in a new artifact of the published package, whose replacement the plan checks:
    # the plan fails naming it; nothing is deleted or written.
    deploy(world, [GOLD, TYPO])
    since = world.last_seq()
    refused(world, "artifacts[1]: 'acme-seg-carrt' (PROFILE_SEGMENT)", "nothing was deleted")
    assert world.writes(since) == []
    assert [p["id"] for p in named(world, "safe-pkg")] == [first["packageId"]]

    # `--replace` of each resource: one object of each, and the state matches the platform.
    deploy(world, [GOLD], share=True)
    world.stack.up()
    for name in ("pkg", "pub", "job", "link", "share"):
        res = world.stack.up(replace=[urn_of(world, name)])
        if name == "pkg" and getattr(world, "path", "") == "plugin":
            # The engine runs the plugin's create first and doesn't say it replaces: the
            # package is taken over, and the output says how to make it anew.
            assert "give the Package the deleteBeforeReplace resource option" in (
                res.stdout + res.stderr
            )
        (pkg,) = named(world, "safe-pkg")
        assert pkg["id"] == state_id(world, "pkg") == state_id(world, "pub"), name
        assert pkg["status"] == "PUBLISHED"
        assert world.job(state_id(world, "job"))["jobStatus"] == "SUCCESS"
        (link,) = [h for h in world.list_all("acme", "/handshake/list") if h]
        assert str(link.get("linkingId") or link.get("id")) == state_id(world, "link"), link
        shares = [t for t in world.transfers() if str(t.get("packageId")) == pkg["id"]]
        assert [str(t["id"]) for t in shares] == [state_id(world, "share")], shares
    assert planned(world, "--refresh") == {}

    # A target sandbox that doesn't exist: named as such at preview, and nothing written.
    deploy(world, [GOLD], target="prdo")
    since = world.last_seq()
    text = refused(world, "'prdo' is not a sandbox of this org: fix target_sandbox")
    assert "names no package" not in text
    assert world.writes(since) == []
