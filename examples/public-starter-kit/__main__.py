"""A public starter kit: published PUBLIC by one org, pulled and imported by another.

A private transfer needs a handshake per partner; a PUBLIC package needs none: any org that
knows the publisher's org id and the package id can pull it. Here the default profile
publishes a kit (a consent policy and the identity namespace it is written for), and the
`partner` profile of `aep:orgs` plays "another org": it pulls the kit into itself and
imports it. In real life the two halves live in two programs, one per org; the puller only
needs the two ids this stack exports.
"""

import pulumi

from sandbox_provider import ImportJob, Package, PublishedPackage, Transfer

config = pulumi.Config()
kit_name = config.require("kitName")
puller_sandbox = config.require("pullerSandbox")
# The pull names the publishing org: here the default profile's own org.
publisher_org_id = pulumi.Config("aep").require("orgId")

kit = Package(
    "starter-kit",
    name=kit_name,
    description="Email consent policy and the CRM identity namespace, free to pull",
    artifacts=[
        {"id": "acme-policy-email", "type": "DULE_CONSENT_POLICY"},
        {"id": "acme-ns-crm", "type": "ID_NAMESPACE"},
    ],
)

# PUBLIC is one way: the platform can't make a public package private again, so the
# provider refuses PUBLIC -> PRIVATE at preview rather than fail half-way through an update.
public = PublishedPackage(
    "starter-kit-public",
    package_id=kit.package_id,
    visibility="PUBLIC",
    # Pullers get a copy that expires with the publication: give them a year.
    expiry_period_days=365,
)

# The other org's half: pull (request_type PUBLIC, acting as the puller), then import.
pull = Transfer(
    "partner-pulls-kit",
    package_id=public.package_id,
    source_org_id=publisher_org_id,
    request_type="PUBLIC",
    org="partner",
)
partner_import = ImportJob(
    "partner-imports-kit",
    # The pulled copy, so the import waits for the pull.
    package_id=pull.package_id,
    target_sandbox=puller_sandbox,
    name=f"{kit_name}-pulled",
    org="partner",
)

pulumi.export("publisherOrgId", publisher_org_id)
pulumi.export("packageId", kit.package_id)
pulumi.export("visibility", public.visibility)
pulumi.export("publicationExpiry", public.expiry)
pulumi.export("pullStatus", pull.status)
pulumi.export("partnerImportStatus", partner_import.job_status)
pulumi.export("partnerImportJobId", partner_import.job_id)
pulumi.export("partnerArtifacts", partner_import.imported_artifacts)
