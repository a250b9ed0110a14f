"""The demo stack: dev audiences promoted to prod, and packages shared with a partner org.

Against the emulator's `demo` seed (see docs/emulator.md): the `acme` org builds a package
of its dev audiences (with every schema, class and merge policy they need), publishes it and
imports it into prod; it links with the `partner` org (a handshake the partner approves with
its own profile), shares a journey package privately and makes a starter kit public, which
the partner pulls.

Configuration (set by `make demo`): aep:platformUrl, aep:imsUrl, aep:orgId, aep:clientId,
aep:clientSecret (secret), aep:sandbox, aep:orgs (secret: the `partner` profile), and
demo:partnerOrgId.
"""

import pulumi

from sandbox_provider import Handshake, ImportJob, Package, PublishedPackage, Transfer

demo = pulumi.Config("demo")
aep = pulumi.Config("aep")
source_org_id = aep.require("orgId")
partner_org_id = demo.require("partnerOrgId")

# 1. Promote the dev audiences to prod.
audiences = Package(
    "dev-audiences",
    name="dev-audiences",
    description="Loyalty audiences built in dev",
    source_sandbox="dev",
    artifacts=[
        {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"},
        {"id": "acme-seg-highvalue", "type": "PROFILE_SEGMENT"},
    ],
    include_dependencies=True,
)
audiences_published = PublishedPackage("dev-audiences-published", package_id=audiences.package_id)
to_prod = ImportJob(
    "dev-audiences-to-prod",
    package_id=audiences_published.package_id,
    target_sandbox="prod",
    name="dev-audiences-to-prod",
    conflict_policy="use_existing",
)

# 2. Link with the partner org; the partner approves with its own credentials.
link = Handshake(
    "acme-partner-link",
    target_org_id=partner_org_id,
    source_org_name="acme",
    approve_as="partner",
)

# 3. Share the gold-member journey privately with the partner.
journey = Package(
    "gold-welcome-journey",
    name="gold-welcome-journey",
    description="Gold member welcome journey, for the partner",
    source_sandbox="dev",
    artifacts=[{"id": "acme-jr-gold-welcome", "type": "JOURNEY"}],
    include_dependencies=True,
)
journey_published = PublishedPackage(
    "gold-welcome-journey-published", package_id=journey.package_id
)
share = Transfer(
    "gold-welcome-journey-to-partner",
    package_id=journey_published.package_id,
    target_org_id=partner_org_id,
    opts=pulumi.ResourceOptions(depends_on=[link]),
)

# 4. A public starter kit, pulled by the partner.
starter = Package(
    "consent-starter-kit",
    name="consent-starter-kit",
    description="Consent policy and namespaces anyone may pull",
    source_sandbox="dev",
    artifacts=[
        {"id": "acme-policy-email", "type": "DULE_CONSENT_POLICY"},
        {"id": "acme-ns-crm", "type": "ID_NAMESPACE"},
    ],
)
starter_public = PublishedPackage(
    "consent-starter-kit-public", package_id=starter.package_id, visibility="PUBLIC"
)
pull = Transfer(
    "partner-pulls-starter-kit",
    package_id=starter_public.package_id,
    source_org_id=source_org_id,
    request_type="PUBLIC",
    org="partner",
)

pulumi.export("audiencesPackageId", audiences.package_id)
pulumi.export("audiencesStatus", audiences_published.status)
pulumi.export("audiencesArtifacts", audiences.artifacts.apply(lambda a: len(a or [])))
pulumi.export("prodImportJobId", to_prod.job_id)
pulumi.export("prodImportStatus", to_prod.job_status)
pulumi.export("handshakeStatus", link.status)
pulumi.export("journeyTransferStatus", share.status)
pulumi.export("starterKitVisibility", starter_public.visibility)
pulumi.export("starterKitPullStatus", pull.status)
