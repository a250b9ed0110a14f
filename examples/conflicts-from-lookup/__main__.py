"""Import into a sandbox that has look-alikes, with `alternatives` built from a lookup.

`get_import_conflicts` asks the platform, from the program, which artifacts of the published
package look like objects already in the target, each with its suggestions, best first. The
program then decides by type: for the shared building blocks (classes, schemas, merge
policies: `reuseTypes`) it uses the target's best match; everything else with a look-alike
(here the gold segment) is created anew (`conflict_policy="create_new"`). No id is pasted.

Why not reuse every type? A lookup is read again at every preview. After the import the
target holds the new segments too, each a look-alike of its source, so a rule that reused
segments would see new conflicts and plan a second import. The types chosen here are never
created by this import (their targets are used instead), so their conflicts stay the same
and the next preview finds nothing to change.
"""

import pulumi

from sandbox_provider import ImportJob, Package, PublishedPackage, get_import_conflicts

config = pulumi.Config()
target_sandbox = config.require("targetSandbox")
reuse_types = {t.strip() for t in config.require("reuseTypes").split(",") if t.strip()}

loyalty = Package(
    "loyalty-audiences",
    name="loyalty-audiences-from-lookup",
    description="Gold and high-value audiences; the target's schema chosen by a lookup",
    source_sandbox="dev",
    artifacts=[
        {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"},
        {"id": "acme-seg-highvalue", "type": "PROFILE_SEGMENT"},
    ],
)
published = PublishedPackage("loyalty-audiences-published", package_id=loyalty.package_id)

# Unknown at the first preview (the package doesn't exist yet): then nothing is called and
# the import's alternatives show as unknown; read for real at up and at every later preview.
conflicts = get_import_conflicts(published.package_id, target_sandbox)


def best_matches(found: list) -> dict:
    """Source id -> the target's best look-alike, for the types the program reuses."""
    return {
        c["artifact_id"]: {"id": c["suggestions"][0]["id"], "type": c["suggestions"][0]["type"]}
        for c in found
        if c["artifact_type"] in reuse_types and c["suggestions"]
    }


alternatives = conflicts.apply(best_matches)

into_target = ImportJob(
    "loyalty-audiences-into-target",
    package_id=published.package_id,
    target_sandbox=target_sandbox,
    name=f"loyalty-audiences-from-lookup-into-{target_sandbox}",
    alternatives=alternatives,
    conflict_policy="create_new",
)

pulumi.export("lookedUpConflicts", conflicts)
pulumi.export("alternatives", alternatives)
pulumi.export("importJobId", into_target.job_id)
pulumi.export("importStatus", into_target.job_status)
pulumi.export("importedArtifacts", into_target.imported_artifacts)
pulumi.export("packageId", loyalty.package_id)
