"""Share a journey with a partner org: a handshake, a private transfer, the partner's import.

Two orgs in one program. The default profile (`aep:orgId`, ...) is the org that owns the
journey; the `partner` profile of `aep:orgs` is the partner's own credentials. A private
transfer needs an approved link between the two orgs, and only the target org may approve
it: with `approve_as="partner"` the program approves it as the partner, so nobody has to click
through the partner's UI. Without the partner's credentials, leave `approve_as` out: the
handshake then waits APPROVAL_PENDING until the partner approves it, and the transfer waits
for that on the next `pulumi up`.
"""

import pulumi

from sandbox_provider import Handshake, ImportJob, Package, PublishedPackage, Transfer

config = pulumi.Config()
partner_org_id = config.require("partnerOrgId")
journey_id = config.require("journey")
partner_sandbox = config.require("partnerSandbox")

link = Handshake(
    "link-to-partner",
    target_org_id=partner_org_id,
    # What the partner sees in its list of incoming requests.
    source_org_name="acme",
    approve_as="partner",
)

journey = Package(
    "journey-for-partner",
    name=f"{journey_id}-for-partner",
    description="A journey shared with the partner org",
    # No source_sandbox: aep:sandbox is the default (recorded explicitly in the state).
    artifacts=[{"id": journey_id, "type": "JOURNEY"}],
    # The journey's segment and everything under it travel too: the partner has none of it.
    include_dependencies=True,
)
published = PublishedPackage("journey-published", package_id=journey.package_id)

share = Transfer(
    "journey-to-partner",
    package_id=published.package_id,
    target_org_id=partner_org_id,
    # The transfer only uses the link's id implicitly, so say that it needs it approved.
    opts=pulumi.ResourceOptions(depends_on=[link]),
)

# The partner now holds a published copy (same package id) and imports it with its own
# profile. `share.package_id` rather than `published.package_id`: the import must wait for
# the copy, not only for the publication.
partner_import = ImportJob(
    "partner-imports-journey",
    package_id=share.package_id,
    target_sandbox=partner_sandbox,
    name=f"{journey_id}-from-acme",
    # The partner's sandbox has its own default merge policy, a look-alike of the journey's:
    # an import never creates a merge policy, so it uses that one.
    conflict_policy="use_existing",
    org="partner",
)

pulumi.export("handshakeStatus", link.status)
pulumi.export("packageId", journey.package_id)
pulumi.export("transferId", share.transfer_id)
pulumi.export("transferStatus", share.status)
pulumi.export("transferMessages", share.messages)
pulumi.export("partnerImportStatus", partner_import.job_status)
pulumi.export("partnerImportJobId", partner_import.job_id)
pulumi.export("partnerArtifacts", partner_import.imported_artifacts)
