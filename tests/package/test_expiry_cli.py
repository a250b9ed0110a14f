"""Expiry through the real engine: a published package reaches its expiry (the emulator's
clock moves 91 days), `preview --refresh` plans the replacement of the package and of what
takes its id (publication, import, transfer), `up --refresh` makes the stack whole again,
and the next preview is clean."""

from __future__ import annotations

import time

import pytest
from support.engine import E2E

pytestmark = pytest.mark.e2e

GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
DAY = 86400

PROGRAM = """
    PARTNER = {partner!r}
    pkg = Package("pkg", name="aging", source_sandbox="dev", artifacts=[{gold!r}])
    pub = PublishedPackage("pub", package_id=pkg.package_id)
    job = ImportJob("job", package_id=pub.package_id, target_sandbox="prod", name="to-prod",
                    conflict_policy="use_existing")
    link = Handshake("link", target_org_id=PARTNER, source_org_name="acme", approve_as="partner")
    share = Transfer("share", package_id=pub.package_id, target_org_id=PARTNER,
                     opts=pulumi.ResourceOptions(depends_on=[link]))
    pulumi.export("packageId", pkg.package_id)
    pulumi.export("shared", share.package_id)
    pulumi.export("expiry", pub.expiry)
    pulumi.export("job", job.job_status)
"""


def test_an_expired_package_is_replaced_with_what_depends_on_it(e2e: E2E) -> None:
    partner = e2e.emu.org("partner")["imsOrgId"]
    e2e.write_program(PROGRAM.format(partner=partner, gold=GOLD))
    e2e.stack.up()
    first = e2e.stack.outputs()
    assert first["job"] == "SUCCESS"
    e2e.stack.preview(expect_no_changes=True, refresh=True)

    e2e.emu.advance_clock(91 * DAY)
    since = e2e.last_seq()
    preview = e2e.stack.preview(refresh=True)
    # The package, its publication, the import and the transfer of it (not the handshake);
    # nothing written at preview.
    assert preview.summary.get("replace") == 4, preview.summary
    assert e2e.writes(since) == []
    assert "has expired: planning its replacement" in preview.stdout + preview.stderr

    e2e.stack.up(refresh=True)
    second = e2e.stack.outputs()
    assert second["packageId"] != first["packageId"]
    assert second["job"] == "SUCCESS" and second["shared"] == second["packageId"]
    # The expired package is gone; the new one is published with a fresh 90 days.
    (pkg,) = e2e.packages()
    assert pkg["id"] == second["packageId"] and pkg["status"] == "PUBLISHED"
    assert second["expiry"] > (time.time() + 89 * DAY) * 1000
    # The partner received the new package too.
    assert second["packageId"] in {p["id"] for p in e2e.packages("partner")}

    e2e.stack.preview(expect_no_changes=True, refresh=True)


def test_preview_and_up_warn_about_a_package_expiring_within_the_configured_days(
    e2e: E2E,
) -> None:
    e2e.write_program(
        f"""
        pkg = Package("pkg", name="short-lived", source_sandbox="dev", artifacts=[{GOLD!r}])
        pub = PublishedPackage("pub", package_id=pkg.package_id, expiry_period_days=7)
        """
    )
    up = e2e.stack.up()
    assert "expires in 6 days" in up.stdout + up.stderr
    preview = e2e.stack.preview(expect_no_changes=True)
    assert "expires in 6 days" in preview.stdout + preview.stderr

    e2e.stack.set_config({"aep:expiryWarningDays": "3"})
    preview = e2e.stack.preview(expect_no_changes=True)
    assert "expires" not in preview.stdout + preview.stderr

    e2e.stack.set_config({"aep:expiryWarningDays": "two weeks"})
    since = e2e.last_seq()
    bad = e2e.stack.preview(check=False)
    out = bad.stdout + bad.stderr
    assert bad.code != 0, out
    assert "aep:expiryWarningDays must be a whole number of days" in out, out
    assert e2e.writes(since) == []
