"""A create that fails right after its first write, for each resource type, through the real
CLI; then one clean `pulumi up` converges: the object made once, nothing duplicated, nothing
the state doesn't know, a no-change preview.

Package: the dependency step after its POST is refused, so the package is rolled back.
PublishedPackage, ImportJob, Transfer: the operation lands, then the create's wait gives up
(`timeout_seconds`) while it still runs; it finishes on the platform, and the next create
takes it over. Handshake: the link is made, the approval refused; the next create approves
the same link.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import World

pytestmark = pytest.mark.chaos

PACKAGE = """
    pkg = Package("gold", name="fw-gold", source_sandbox="dev", include_dependencies=True,
                  artifacts=[{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}])
"""
PUBLISHED = (
    PACKAGE
    + """
    pub = PublishedPackage("gold-pub", package_id=pkg.package_id, timeout_seconds=PUB_TIMEOUT)
"""
)
PARTNER = """
    partner = pulumi.Config("demo").require("partnerOrgId")
    hs = Handshake("link", target_org_id=partner, approve_as="partner")
"""


def published(timeout: float) -> str:
    return PUBLISHED.replace("PUB_TIMEOUT", str(timeout))


def ok(r: dict[str, Any]) -> bool:
    return 200 <= int(r["status"]) < 300


def calls(w: World, method: str, suffix: str, since: int = 0) -> int:
    return sum(
        1
        for r in w.emu.requests(since)
        if r["method"] == method and r["path"].endswith(suffix) and ok(r)
    )


def converges(w: World) -> str:
    up = w.stack.up(check=False)
    assert up.code == 0, up.stdout[-4000:] + up.stderr[-2000:]
    w.stack.preview(expect_no_changes=True)
    return up.stdout


def fails(w: World, *expected: str) -> str:
    up = w.stack.up(check=False)
    out = up.stdout + up.stderr
    assert up.code != 0, out[-3000:]
    for text in expected:
        assert text in out, out[-3000:]
    return out


def state_ids(w: World, kind: str, key: str) -> list[str]:
    return [
        str((r.get("outputs") or {}).get(key))
        for r in w.state_resources()
        if r.get("type", "").endswith(f"aep:{kind}")
    ]


def finish_running(w: World) -> None:
    """Let what is running on the platform end, then run fast again."""
    w.emu.set_timing(mode="manual")
    w.emu.advance(10)
    w.emu.set_timing(mode="auto", publishSeconds=0.05, jobSeconds=0.05, transferSeconds=0.05)


def test_package_whose_dependency_step_fails_is_rolled_back(world: World) -> None:
    world.write_program(PACKAGE)
    world.emu.set_faults([{"path": r"/children$", "method": "POST", "status": 500}])
    fails(world, "rolled back")
    assert world.packages() == []
    world.emu.clear_faults()
    converges(world)
    [pkg] = world.packages()
    assert state_ids(world, "Package", "package_id") == [pkg["id"]]
    assert len(pkg["artifactsList"]) > 1  # the dependencies are in


def test_publication_whose_wait_gives_up_is_taken_over(world: World) -> None:
    world.write_program(published(1))
    world.emu.set_timing(mode="auto", publishSeconds=60)
    fails(world, "did not finish within 1s")
    assert calls(world, "GET", "/export") == 1
    finish_running(world)
    out = converges(world)
    assert "is already published" in out
    assert calls(world, "GET", "/export") == 1
    assert world.packages()[0]["status"] == "PUBLISHED"


def test_import_whose_wait_gives_up_is_taken_over(world: World) -> None:
    world.write_program(
        published(60)
        + """
    ImportJob("to-prod", package_id=pub.package_id, target_sandbox="prod",
              name="fw-gold-to-prod", conflict_policy="create_new", timeout_seconds=1)
"""
    )
    world.emu.set_timing(mode="auto", publishSeconds=0.05, jobSeconds=60)
    fails(world, "did not finish within 1s")
    assert calls(world, "POST", "/packages/import") == 1
    finish_running(world)
    out = converges(world)
    assert "taking it over" in out
    assert calls(world, "POST", "/packages/import") == 1
    jobs = world.import_jobs()
    assert [j["id"] for j in jobs] == state_ids(world, "ImportJob", "job_id")


def test_import_whose_submit_answer_is_lost_is_not_submitted_again(world: World) -> None:
    # The platform takes the import and its answer is lost (a 502 after the request was
    # handled): the provider finds the job by documented fields (name, target, not listed
    # before) and follows it by id, in the same `up`.
    world.write_program(
        published(60)
        + """
    ImportJob("to-prod", package_id=pub.package_id, target_sandbox="prod",
              name="fw-lost-answer", conflict_policy="create_new")
"""
    )
    world.emu.set_faults(
        [{"path": r"/packages/import$", "method": "POST", "status": 502, "after": True, "times": 1}]
    )
    converges(world)
    submits = [r for r in world.emu.requests() if r["path"].endswith("/packages/import")]
    assert [(r["status"], r["fault"]) for r in submits] == [(502, True)]
    jobs = world.import_jobs()
    assert [j["name"] for j in jobs] == ["fw-lost-answer"]
    assert [j["id"] for j in jobs] == state_ids(world, "ImportJob", "job_id")
    assert world.job(jobs[0]["id"])["jobStatus"] == "SUCCESS"


def test_transfer_whose_wait_gives_up_is_taken_over(world: World) -> None:
    world.write_program(
        published(60)
        + PARTNER
        + """
    Transfer("share", package_id=pub.package_id, target_org_id=partner, timeout_seconds=1,
             opts=pulumi.ResourceOptions(depends_on=[hs]))
"""
    )
    world.emu.set_timing(mode="auto", publishSeconds=0.05, transferSeconds=60)
    fails(world, "did not finish within 1s")
    assert calls(world, "POST", "/transfer") == 1
    finish_running(world)
    out = converges(world)
    assert "taking it over" in out
    assert calls(world, "POST", "/transfer") == 1
    assert [t["id"] for t in world.transfers()] == state_ids(world, "Transfer", "transfer_id")


def test_handshake_whose_approval_fails_is_approved_by_the_next_up(world: World) -> None:
    world.write_program(PARTNER)
    world.emu.set_faults([{"path": r"/handshake/action$", "method": "POST", "status": 500}])
    fails(world, "approving as profile 'partner'")
    world.emu.clear_faults()
    converges(world)
    handshakes = world.db_docs("handshake")
    assert len(handshakes) == 1 and handshakes[0]["status"] == "APPROVED"
    assert state_ids(world, "Handshake", "status") == ["APPROVED"]
