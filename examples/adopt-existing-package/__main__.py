"""Adopt an existing package: bring a package made by hand (in the UI, by a script) under
Pulumi without recreating it, then manage it from code like any other.

Adoption is `import_=<package id>`. The program states what it expects the package to be:
its name, description, type, sandbox and artifacts. The first `pulumi up` looks the package
up and records it without writing to it when they all match; when one differs it fails
listing each difference, and changes nothing. From then on the package is the stack's: a
change in the program updates it, and `publish` below publishes it.
"""

import pulumi

from sandbox_provider import Package, PublishedPackage

config = pulumi.Config()
# The one setting beyond aep:* without a default: only someone who made the package knows
# its id (README.md says how to find it).
package_id = config.require("packageId")

adopted = Package(
    "adopted",
    # What the package holds today, exactly: adoption compares, it never edits.
    name=config.require("packageName"),
    description=config.require("packageDescription"),
    source_sandbox="dev",
    artifacts=[{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}],
    opts=pulumi.ResourceOptions(
        import_=package_id,
        # The package was there before this stack: `pulumi destroy` hands it back instead
        # of deleting it. Drop this to let the stack own its whole life, deletion included.
        retain_on_delete=True,
    ),
)

# Managed now: publish it, so it can be imported (see ../promote-dev-to-prod) or shared.
publish = PublishedPackage("adopted-published", package_id=adopted.package_id)

pulumi.export("packageId", adopted.package_id)
pulumi.export("version", adopted.version)
pulumi.export("status", publish.status)
pulumi.export("publishedAt", publish.publish_date)
