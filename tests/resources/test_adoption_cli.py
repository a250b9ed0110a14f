"""Brownfield through the real engine: a package, its publication, an import, a handshake and
a transfer made through the plain API, then one program that declares all five with
`import_`. `up` takes them over without a single API write, the next preview plans no
change, and destroy forgets them (deleting only the package, as for created ones)."""

from __future__ import annotations

import pytest
from support import by_hand  # tests/ is on sys.path: the provider tier's raw-API makers
from support.engine import E2E
from support.providers import make_package

pytestmark = pytest.mark.e2e

GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}


def test_every_resource_made_by_hand_is_adopted_with_import(e2e: E2E) -> None:
    partner = e2e.emu.org("partner")["imsOrgId"]
    package_id = make_package(e2e.emu, "brownfield", [GOLD], publish=True)
    job = by_hand.import_job(e2e.emu, package_id)
    hs = by_hand.handshake(e2e.emu)
    transfer = by_hand.transfer(e2e.emu, package_id)
    assert (job["jobStatus"], hs["status"], transfer["status"]) == (
        "SUCCESS",
        "APPROVED",
        "COMPLETED",
    )

    e2e.write_program(
        f"""
        def adopt(id_):
            return pulumi.ResourceOptions(import_=id_)

        pkg = Package("pkg", name="brownfield", source_sandbox="dev", artifacts=[{GOLD!r}],
                      opts=adopt({package_id!r}))
        pub = PublishedPackage("pub", package_id=pkg.package_id, opts=adopt({package_id!r}))
        job = ImportJob("job", package_id=pub.package_id, target_sandbox="prod",
                        name="to-prod", opts=adopt({job["id"]!r}))
        # Adopted by its handshake id; the stack records it under its linking id.
        link = Handshake("link", target_org_id={partner!r}, opts=adopt({hs["id"]!r}))
        share = Transfer("share", package_id=pub.package_id, target_org_id={partner!r},
                         opts=pulumi.ResourceOptions(import_={transfer["id"]!r},
                                                     depends_on=[link]))
        pulumi.export("ids", [pkg.id, pub.id, job.id, link.id, share.id])
        pulumi.export("status", [pub.status, job.job_status, link.status, share.status])
        """
    )
    since = e2e.last_seq()
    up = e2e.stack.up()
    assert up.summary.get("create") == 6, up.summary  # the stack and the five
    assert e2e.writes(since) == []
    outputs = e2e.stack.outputs()
    assert outputs["ids"] == [package_id, package_id, job["id"], hs["linkingId"], transfer["id"]]
    assert outputs["status"] == ["PUBLISHED", "SUCCESS", "APPROVED", "COMPLETED"]

    since = e2e.last_seq()
    e2e.stack.preview(expect_no_changes=True)
    e2e.stack.preview(expect_no_changes=True, refresh=True)
    assert e2e.writes(since) == []

    e2e.stack.destroy()
    # Only the package has a delete; the import, the link and the copy stay on the platform.
    assert [w["method"] for w in e2e.writes(since)] == ["DELETE"]
    assert [p["id"] for p in e2e.packages()] == []
    assert [j["id"] for j in e2e.jobs() if j["id"] == job["id"]] == [job["id"]]
