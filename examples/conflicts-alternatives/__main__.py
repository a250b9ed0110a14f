"""Import into a sandbox that already has the objects: name the existing ones explicitly.

`prod` was built by hand before anyone packaged `dev`: it has its own loyalty class, a
"Loyalty Profile Schema v2" (and an old one), a gold segment and a merge policy. Imported
blindly, the package would either stop on each look-alike or make a second copy of each.
`alternatives` maps a source artifact to the target object to use instead: nothing is
created for it, and whatever the import does create (here the high-value segment) is wired
to the mapped objects. `conflict_policy="fail"` (the default, spelled out) keeps it honest:
a look-alike nobody decided about stops the import, listing it with the platform's
suggestions, instead of being guessed.
"""

import pulumi

from sandbox_provider import ImportJob, Package, PublishedPackage

config = pulumi.Config()
target_sandbox = config.require("targetSandbox")

# Source ids are the dev sandbox's; schema-registry ids are URIs.
LOYALTY_CLASS = "https://ns.adobe.com/acme/classes/loyalty-member"
LOYALTY_SCHEMA = "https://ns.adobe.com/acme/schemas/loyalty-profile"

loyalty = Package(
    "loyalty-audiences",
    name="loyalty-audiences",
    description="Gold and high-value audiences, for a sandbox that has its own schema",
    source_sandbox="dev",
    artifacts=[
        {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"},
        {"id": "acme-seg-highvalue", "type": "PROFILE_SEGMENT"},
    ],
    # No include_dependencies: the package lists only the segments, and the import still
    # brings whatever they stand on (publishing records their dependencies), except what
    # only a mapped artifact needs. Listed in the package, the schema's mixins and data
    # types would be imported into prod even though prod's own schema is used.
)
published = PublishedPackage("loyalty-audiences-published", package_id=loyalty.package_id)

# Source id -> the target object to use, with its type (the platform checks both).
alternatives = {
    LOYALTY_CLASS: {"id": config.require("existingClass"), "type": "REGISTRY_CLASS"},
    LOYALTY_SCHEMA: {"id": config.require("existingSchema"), "type": "REGISTRY_SCHEMA"},
    "acme-seg-gold": {"id": config.require("existingSegment"), "type": "PROFILE_SEGMENT"},
    "acme-mp-default": {"id": config.require("existingMergePolicy"), "type": "PROFILE_MERGE"},
}

into_target = ImportJob(
    "loyalty-audiences-into-target",
    package_id=published.package_id,
    target_sandbox=target_sandbox,
    name=f"loyalty-audiences-into-{target_sandbox}",
    alternatives=alternatives,
    conflict_policy="fail",
)

# What the platform reported before the import was submitted, and how it was settled.
pulumi.export("conflicts", into_target.conflicts)
pulumi.export("alternativesUsed", into_target.alternatives_used)
pulumi.export("importJobId", into_target.job_id)
pulumi.export("importStatus", into_target.job_status)
pulumi.export("importedArtifacts", into_target.imported_artifacts)
pulumi.export("packageId", loyalty.package_id)
