"""A FULL-sandbox backup: every artifact of a sandbox, frozen in one published package.

A FULL package names no artifacts: it is the whole sandbox (its Real-Time CDP objects: no
journeys, which a whole-sandbox package doesn't carry). Publishing it takes the snapshot
(the platform records the definitions of everything in the sandbox at that moment), so the
backup is the publication, and restoring is an ImportJob of this package into a sandbox.
The backup's contents are fixed from then on: to take a new one, replace the package
(`pulumi up --replace` on `backup`, or a new `backupName`).
"""

import pulumi

from sandbox_provider import Package, PublishedPackage

config = pulumi.Config()
sandbox = config.require("sandbox")
backup_name = config.require("backupName")
keep_days = config.require_int("keepDays")

backup = Package(
    "backup",
    name=backup_name,
    # A FULL package's name and description can't be edited on the platform (a change
    # replaces it, i.e. takes a new backup), so keep them free of dates and run numbers.
    description=f"Full backup of sandbox {sandbox}",
    package_type="FULL",
    source_sandbox=sandbox,
)

snapshot = PublishedPackage(
    "backup-snapshot",
    package_id=backup.package_id,
    # Counted from publication; after that the backup can no longer be imported.
    expiry_period_days=keep_days,
)

pulumi.export("backupPackageId", backup.package_id)
pulumi.export("sourceSandbox", backup.source_sandbox)
pulumi.export("status", snapshot.status)
pulumi.export("publishedAt", snapshot.publish_date)
pulumi.export("importableUntil", snapshot.expiry)
