"""What `pulumi preview` plans is what `pulumi up` does, input by input, on both paths.

One stack per path carries a Package, its PublishedPackage, an ImportJob, a Handshake and a
Transfer through a series of program changes (each kind of change: in place, recorded only,
replaced, a new job; then `--replace`); each step changes one input of several resources at
once (so the series stays short) and compares, resource by resource, the operations of
`pulumi preview --json` with those of `pulumi up --json` that follows it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.engine import program

from sandbox_provider.testing import World

pytestmark = pytest.mark.e2e

GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
CART = {"id": "acme-seg-cart", "type": "PROFILE_SEGMENT"}

BASE: dict[str, dict[str, Any]] = {
    "pkg": {
        "name": "plan-pkg",
        "description": "one",
        "source_sandbox": "dev",
        "artifacts": [GOLD],
        # ISO text, checked into epoch ms, which the engine hands back to create as a float.
        "expiry": "2099-01-31T00:00:00Z",
    },
    "pub": {"expiry_period_days": 30, "timeout_seconds": 900},
    "job": {
        "target_sandbox": "prod",
        "conflict_policy": "use_existing",
        "timeout_seconds": 900,
        "check_permissions": True,
        "description": "first",
    },
    "link": {"approve_as": "partner"},
    "share": {"timeout_seconds": 900},
}
PROD_GOLD = {"id": "acme-prod-seg-gold", "type": "PROFILE_SEGMENT"}

#: Each step: resource -> the inputs it changes, and the operation both commands must show.
STEPS: list[tuple[dict[str, dict[str, Any]], dict[str, str]]] = [
    (
        {
            "pkg": {"description": "two"},
            "pub": {"expiry_period_days": 60},
            "job": {"timeout_seconds": 1200},
        },
        {"pkg": "update", "pub": "update", "job": "update"},
    ),
    (
        {
            "pkg": {"name": "plan-pkg-renamed"},
            "pub": {"timeout_seconds": 600},
            "job": {"check_permissions": False},
        },
        {"pkg": "update", "pub": "update", "job": "update"},
    ),
    (
        {"pub": {"visibility": "PUBLIC"}, "job": {"description": "second"}},
        {"pub": "update", "job": "replace"},
    ),
    (
        {
            "job": {"conflict_policy": "create_new"},
            "link": {"approve_as": None},
            "share": {"timeout_seconds": 600},
        },
        {"job": "replace", "link": "update", "share": "update"},
    ),
    ({"job": {"alternatives": {GOLD["id"]: PROD_GOLD}}}, {"job": "replace"}),
    ({"job": {"target_sandbox": "dev", "alternatives": None}}, {"job": "replace"}),
    (
        {"pkg": {"artifacts": [GOLD, CART]}},
        {"pkg": "replace", "pub": "replace", "job": "replace", "share": "replace"},
    ),
]


@pytest.fixture
def world(each_path: World) -> World:
    return each_path


def deploy(world: World, inputs: dict[str, dict[str, Any]], pkg_opts: str = "") -> None:
    partner = world.orgs["partner"]["imsOrgId"]

    def args(name: str) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in inputs[name].items())

    program(
        world,
        f"""
    pkg = {{ns}}Package("pkg", {args("pkg")}{pkg_opts})
    pub = {{ns}}PublishedPackage("pub", package_id=pkg.package_id, {args("pub")})
    job = {{ns}}ImportJob("job", package_id=pub.package_id, {args("job")})
    link = {{ns}}Handshake(
        "link", target_org_id={partner!r}, source_org_name="acme", {args("link")}
    )
    {{ns}}Transfer(
        "share",
        package_id=pub.package_id,
        target_org_id={partner!r},
        {args("share")},
        opts=pulumi.ResourceOptions(depends_on=[link]),
    )
    """,
    )


def _steps(stdout: str) -> list[dict[str, Any]]:
    """The steps of `preview --json` (one document), or of `up --json` (a stream of engine
    events, one per line: each step's `resourcePreEvent`)."""
    if not stdout.lstrip().startswith('{"sequence"'):
        return list(json.loads(stdout)["steps"])
    events = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    return [e["resourcePreEvent"]["metadata"] for e in events if "resourcePreEvent" in e]


def ops(world: World, *command: str) -> dict[str, str]:
    """Resource name -> its operation (other than same), from the command's `--json`."""
    res = world.stack.run(*command, "--json", "-s", world.stack.name)
    out: dict[str, str] = {}
    for step in _steps(res.stdout):
        urn = step["urn"]
        if step["op"] in ("same", "refresh") or "::pulumi:pulumi:Stack::" in urn:
            continue
        name = urn.rsplit("::", 1)[-1]
        # A replacement shows as its create-replacement and delete-replaced halves too.
        op = "replace" if step["op"] in ("create-replacement", "delete-replaced") else step["op"]
        out[name] = op
    return out


def test_each_planned_change_is_the_change_made(world: World) -> None:
    inputs = {k: dict(v) for k, v in BASE.items()}
    deploy(world, inputs)
    world.stack.up()
    for changes, expected in STEPS:
        for name, change in changes.items():
            inputs[name].update(change)
        deploy(world, inputs)
        planned = ops(world, "preview")
        done = ops(world, "up", "--yes", "--skip-preview")
        assert planned == done == expected, (changes, planned, done)
    assert ops(world, "preview") == {}

    # `--replace` of the Package with the deleteBeforeReplace option (the dynamic Package's
    # default; on the plugin the engine honours it for --replace, not a diff's): the old one
    # is deleted first and made anew, and what takes its package_id follows.
    deploy(world, inputs, ", opts=pulumi.ResourceOptions(delete_before_replace=True)")
    before = package_id(world)
    (urn,) = [r["urn"] for r in world.state_resources() if r["urn"].endswith("::pkg")]
    planned = ops(world, "preview", "--replace", urn)
    done = ops(world, "up", "--yes", "--skip-preview", "--replace", urn)
    assert (
        planned
        == done
        == {"pkg": "replace", "pub": "replace", "job": "replace", "share": "replace"}
    )
    assert package_id(world) != before
    assert [p["id"] for p in world.packages() if p["name"] == "plan-pkg-renamed"] == [
        package_id(world)
    ]


def package_id(world: World) -> str:
    (rid,) = [r["id"] for r in world.state_resources() if r["urn"].endswith("::pkg")]
    return str(rid)
