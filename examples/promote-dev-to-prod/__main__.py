"""Promote dev audiences to prod: package, publish, import, with their dependencies.

The everyday promotion. A segment is never alone: it stands on a schema, which stands on a
class, mixins and data types, and it is evaluated with a merge policy. Listing those by hand
is how imports fail in prod. `include_dependencies=True` asks the platform for them, so the
program names only what a person cares about: the segments.
"""

import pulumi

from sandbox_provider import ImportJob, Package, PublishedPackage

config = pulumi.Config()
source_sandbox = config.require("sourceSandbox")
target_sandbox = config.require("targetSandbox")
segments: list[str] = config.require_object("segments")

audiences = Package(
    "audiences",
    # The name is unique per org: one stack per promotion stream, or the second create fails.
    name=f"{source_sandbox}-audiences-to-{target_sandbox}",
    description=f"Audiences promoted from {source_sandbox} to {target_sandbox}",
    source_sandbox=source_sandbox,
    artifacts=[{"id": segment, "type": "PROFILE_SEGMENT"} for segment in segments],
    include_dependencies=True,
)

# Only a published package can be imported; publishing freezes the list of artifacts, so a
# later change of `segments` replaces the package (and this publication) instead of editing
# it. What changes inside the artifacts in dev (a field added to a schema) travels as the
# package's next version: `pulumi up --refresh` saves it and updates the import's objects.
published = PublishedPackage("audiences-published", package_id=audiences.package_id)

promotion = ImportJob(
    "audiences-to-target",
    package_id=published.package_id,
    target_sandbox=target_sandbox,
    name=f"audiences-{source_sandbox}-to-{target_sandbox}",
    # prod already holds look-alikes (a "Loyalty Member" class, a merge policy of the same
    # title): reuse the best match rather than stopping on each. To choose them yourself,
    # see ../conflicts-alternatives.
    conflict_policy="use_existing",
)

pulumi.export("packageId", audiences.package_id)
pulumi.export("publishStatus", published.status)
# What the package holds: the segments plus every dependency the platform found.
pulumi.export("artifactCount", audiences.artifacts.apply(lambda a: len(a or [])))
pulumi.export("dependencies", audiences.dependency_artifacts.apply(lambda a: len(a or [])))
pulumi.export("importJobId", promotion.job_id)
pulumi.export("importStatus", promotion.job_status)
# Source id -> the id it has in the target: reused objects keep theirs, new ones get one.
pulumi.export("importedArtifacts", promotion.imported_artifacts)
# The package's version (0 as published) and the one prod holds.
pulumi.export("packageVersion", audiences.package_version)
pulumi.export("prodVersion", promotion.package_version)
