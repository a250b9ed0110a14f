"""A release train: dev's schemas go to staging, then to prod, and every later change of them
follows by the same command.

The package is published once. When a field is added to a schema in dev, `pulumi preview
--refresh` shows the Package and each target's ImportJob as updates (never replacements);
`pulumi up --refresh` saves the package's next version and brings it to staging, then to
prod, with one UPDATE import each: the objects there keep their ids. A change the platform
can't carry (a field removed or retyped) stops at the refresh, naming the schema.
"""

import pulumi

from sandbox_provider import Package, Promotion, PublishedPackage

config = pulumi.Config()
source_sandbox = config.require("sourceSandbox")
stages: list[str] = config.require_object("stages")
schemas: list[str] = config.require_object("schemas")

package = Package(
    "schemas",
    name=f"{source_sandbox}-schemas-train",
    description=f"Schemas of {source_sandbox}, promoted to {', '.join(stages)}",
    source_sandbox=source_sandbox,
    artifacts=[{"id": schema, "type": "REGISTRY_SCHEMA"} for schema in schemas],
    include_dependencies=True,
)
published = PublishedPackage("schemas-published", package_id=package.package_id)

# One wave per stage: prod starts only once staging has the package (or its new version).
train = Promotion(
    "train",
    package_id=published.package_id,
    targets=[
        {"sandbox": sandbox, "wave": wave, "conflict_policy": "use_existing"}
        for wave, sandbox in enumerate(stages)
    ],
)

pulumi.export("packageId", package.package_id)
# The package's version (0 as published, one more per change carried) and its history.
pulumi.export("packageVersion", package.package_version)
pulumi.export("versionHistory", package.version_history)
# Per stage: its wave, its import job, and the version of the package it holds.
pulumi.export("stages", train.statuses)
