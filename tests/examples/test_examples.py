"""Every program under examples/ runs against the demo seed with only the `aep:*` settings:
`preview` writes nothing, `up` succeeds, a second `preview` finds no change, and `destroy`
removes what the platform can remove. What it can't (imports, publications of a kept
package, handshakes, transfers' copies) is asserted to be exactly what the docs say stays.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from sandbox_provider.testing import EmulatorProcess

from .conftest import EXAMPLES, Example, ExampleFactory, project_config, runtime

pytestmark = pytest.mark.examples

ACME = "ACME0000000000000000A001@AdobeOrg"
PARTNER = "PRTN0000000000000000B002@AdobeOrg"

#: Every example folder and the test that runs it (a new folder without a test fails).
TESTED = {
    "promote-dev-to-prod",
    "partner-share",
    "public-starter-kit",
    "sandbox-backup",
    "conflicts-alternatives",
    "adopt-existing-package",
    "conflicts-from-lookup",
    "yaml-demo",
    "release-train",
}


def up_and_check(ex: Example, resources: int) -> dict[str, Any]:
    """preview (all creates, 0 writes), up, a no-change preview (0 writes); the outputs."""
    # The stack config holds the aep:* settings only (and the adoption's package id): every
    # other setting comes from the defaults in the example's Pulumi.yaml.
    stack_yaml = yaml.safe_load((ex.project_dir / f"Pulumi.{ex.stack.name}.yaml").read_text())
    extra = {k for k in stack_yaml["config"] if not k.startswith("aep:")}
    assert extra <= {f"{ex.name}:packageId"}, extra
    ops, writes = ex.preview_writes()
    # The stack itself is one create too.
    assert ops == {"create": resources + 1}, ops
    assert writes == [], writes
    ex.stack.up()
    ops, writes = ex.preview_writes(expect_no_changes=True)
    assert set(ops) == {"same"}, ops
    assert writes == [], writes
    return ex.stack.outputs()


def destroy(ex: Example) -> None:
    ex.stack.destroy()
    assert ex.stack.export_state()["deployment"].get("resources") in (None, []), "state not empty"


def test_every_example_folder_is_complete_and_tested() -> None:
    folders = {p.name for p in EXAMPLES.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == TESTED
    for name in folders:
        program = {"python": ("__main__.py",), "yaml": ()}[runtime(name)]
        for f in ("Pulumi.yaml", "README.md", *program):
            assert (EXAMPLES / name / f).is_file(), f"examples/{name}/{f} is missing"
        # Every setting beyond aep:* has a default fitting the demo seed, but the adoption's
        # package id, which only exists once someone made the package.
        no_default = {k for k, v in project_config(name).items() if "default" not in v}
        assert no_default <= {"packageId"}, (name, no_default)


def test_promote_dev_to_prod(example: ExampleFactory) -> None:
    ex = example("promote-dev-to-prod")
    prod_before = ex.artifact_ids("acme", "prod")
    out = up_and_check(ex, resources=3)

    pkg = ex.get(f"/packages/{out['packageId']}")
    assert pkg["status"] == "PUBLISHED"
    # Two segments, plus their schema, class, mixins, data types, namespace, merge policy.
    assert out["artifactCount"] == len(pkg["artifactsList"]) > 2
    assert out["dependencies"] == out["artifactCount"] - 2
    assert out["importStatus"] == "SUCCESS"
    imported = out["importedArtifacts"]
    # use_existing: prod's look-alikes are reused, the rest is created there.
    assert imported["https://ns.adobe.com/acme/classes/loyalty-member"] == "acme-prod-class-loyalty"
    assert imported["acme-mp-default"] == "acme-prod-mp"
    prod_after = ex.artifact_ids("acme", "prod")
    assert set(imported.values()) <= prod_after
    created = prod_after - prod_before
    assert created and created <= set(imported.values())
    assert (out["packageVersion"], out["prodVersion"]) == (0, 0)

    # The next change: a field added to the segments' schema in dev reaches prod's copy.
    schema = "https://ns.adobe.com/acme/schemas/loyalty-profile"
    (dev,) = [a for a in ex.emu.artifacts("acme", "dev") if a["id"] == schema]
    fields = {**dev["definition"]["fields"], "loyalty.since": "string"}
    ex.emu.patch_artifact("acme", "dev", schema, {"definition": {"fields": fields}})
    ex.stack.up(refresh=True)
    out = ex.stack.outputs()
    assert (out["packageVersion"], out["prodVersion"]) == (1, 1)
    (prod,) = [a for a in ex.emu.artifacts("acme", "prod") if a["id"] == imported[schema]]
    assert prod["definition"]["fields"]["loyalty.since"] == "string"
    assert ex.artifact_ids("acme", "prod") == prod_after  # updated in place, nothing new

    destroy(ex)
    # The package goes; the import can't be undone: its job stays in the history and what
    # it created stays in prod (ImportJob's delete only forgets it).
    assert ex.get(f"/packages/{out['packageId']}") == 404
    assert ex.packages() == []
    job = next(j for j in ex.jobs() if j["id"] == out["importJobId"])
    assert job["jobStatus"] == "SUCCESS"
    assert ex.artifact_ids("acme", "prod") == prod_after


def test_release_train(example: ExampleFactory) -> None:
    ex = example("release-train")
    out = up_and_check(ex, resources=5)  # package, publication, promotion, two imports
    stages = out["stages"]
    assert {k: (v["wave"], v["job_status"]) for k, v in stages.items()} == {
        "staging": (0, "SUCCESS"),
        "prod": (1, "SUCCESS"),
    }
    assert {v["package_version"] for v in stages.values()} == {0}

    # A field added in dev reaches both stages at the next `up --refresh`, under their ids.
    schema = "https://ns.adobe.com/acme/schemas/web-events"
    (dev,) = [a for a in ex.emu.artifacts("acme", "dev") if a["id"] == schema]
    fields = {**dev["definition"]["fields"], "web.visit.id": "string"}
    ex.emu.patch_artifact("acme", "dev", schema, {"definition": {"fields": fields}})
    ex.stack.up(refresh=True)
    out = ex.stack.outputs()
    assert out["packageVersion"] == 1
    assert [v["package_version"] for v in out["versionHistory"]] == [1]
    assert {v["package_version"] for v in out["stages"].values()} == {1}
    updates = [j for j in ex.jobs() if j.get("jobType") == "UPDATE"]
    assert sorted(j["targetSandbox"] for j in updates) == ["prod", "staging"]
    for sandbox in ("staging", "prod"):
        ids = {a["id"]: a for a in ex.emu.artifacts("acme", sandbox)}
        target = next(v for v in ids.values() if v.get("title") == dev["title"])
        assert target["definition"]["fields"]["web.visit.id"] == "string"
    ex.stack.preview(refresh=True, expect_no_changes=True)
    destroy(ex)


def test_partner_share(example: ExampleFactory) -> None:
    ex = example("partner-share")
    out = up_and_check(ex, resources=5)

    assert out["handshakeStatus"] == "APPROVED"
    assert out["transferStatus"] == "COMPLETED"
    assert out["transferMessages"][-1] == "Finished with status: COMPLETED"
    assert out["partnerImportStatus"] == "SUCCESS"
    # The partner holds a published copy of the package and imported it into its prod.
    package_id = out["packageId"]
    assert ex.get(f"/packages/{package_id}", org="partner")["status"] == "PUBLISHED"
    partner_prod = ex.artifact_ids("partner", "prod")
    assert set(out["partnerArtifacts"].values()) == partner_prod
    assert "acme-jr-gold-welcome" in out["partnerArtifacts"]

    destroy(ex)
    # Acme's package is gone. What the platform can't undo stays, as the docs say: the
    # approved link, the partner's copy (only its holder may delete it), the transfer
    # record, the partner's import job and what it created.
    assert ex.get(f"/packages/{package_id}") == 404
    assert ex.packages() == []
    (link,) = ex.get("/handshake/list")["data"]
    assert (link["targetIMSOrgId"], link["status"]) == (PARTNER, "APPROVED")
    assert ex.get(f"/packages/{package_id}", org="partner")["status"] == "PUBLISHED"
    assert ex.get(f"/transfer/{out['transferId']}")["status"] == "COMPLETED"
    assert any(j["id"] == out["partnerImportJobId"] for j in ex.jobs("partner"))
    assert ex.artifact_ids("partner", "prod") == partner_prod


def test_public_starter_kit(example: ExampleFactory) -> None:
    ex = example("public-starter-kit")
    out = up_and_check(ex, resources=4)

    assert out["publisherOrgId"] == ACME
    assert out["visibility"] == "PUBLIC"
    assert out["pullStatus"] == "COMPLETED"
    assert out["partnerImportStatus"] == "SUCCESS"
    package_id = out["packageId"]
    pkg = ex.get(f"/packages/{package_id}")
    assert (pkg["status"], pkg["packageVisibility"]) == ("PUBLISHED", "PUBLIC")
    # A year from publication (expiry_period_days=365).
    assert out["publicationExpiry"] - pkg["publishDate"] == 365 * 86_400_000
    # No handshake was needed for a public package.
    assert ex.get("/handshake/list")["data"] == []
    partner_dev = ex.artifact_ids("partner", "dev")
    assert set(out["partnerArtifacts"].values()) <= partner_dev
    assert {"acme-policy-email", "acme-ns-crm"} <= set(out["partnerArtifacts"])

    destroy(ex)
    # The kit is gone from acme; the puller keeps its copy and its import.
    assert ex.get(f"/packages/{package_id}") == 404
    assert ex.packages() == []
    assert ex.get(f"/packages/{package_id}", org="partner")["status"] == "PUBLISHED"
    assert any(j["id"] == out["partnerImportJobId"] for j in ex.jobs("partner"))
    assert ex.artifact_ids("partner", "dev") == partner_dev


def test_sandbox_backup(example: ExampleFactory) -> None:
    ex = example("sandbox-backup")
    dev = ex.artifact_ids("acme", "dev")
    out = up_and_check(ex, resources=2)

    package_id = out["backupPackageId"]
    pkg = ex.get(f"/packages/{package_id}")
    assert (pkg["packageType"], pkg["status"]) == ("FULL", "PUBLISHED")
    assert out["sourceSandbox"] == "dev"
    assert out["importableUntil"] - out["publishedAt"] == 30 * 86_400_000
    # The backup is a snapshot: an artifact added to dev afterwards is not in it.
    ex.emu.add_artifact("acme", "dev", {"id": "made-after", "type": "ID_NAMESPACE", "title": "x"})
    preflight = ex.get(f"/packages/preflight/{package_id}?targetSandbox=prod")
    # A whole-sandbox package carries no journeys (ui-sandbox-tooling.md): the rest of dev.
    journeys = {a["id"] for a in ex.emu.artifacts("acme", "dev") if a["type"] == "JOURNEY"}
    assert journeys and {p["artifactID"] for p in preflight["permissionResponse"]} == (
        dev - journeys
    )

    destroy(ex)
    # Deleting the package deletes the backup: nothing is left.
    assert ex.get(f"/packages/{package_id}") == 404
    assert ex.packages() == []


def test_conflicts_alternatives(example: ExampleFactory) -> None:
    ex = example("conflicts-alternatives")
    prod_before = ex.artifact_ids("acme", "prod")
    out = up_and_check(ex, resources=3)

    assert out["importStatus"] == "SUCCESS"
    chosen = {
        "https://ns.adobe.com/acme/classes/loyalty-member": "acme-prod-class-loyalty",
        "https://ns.adobe.com/acme/schemas/loyalty-profile": "acme-prod-schema-loyalty",
        "acme-seg-gold": "acme-prod-seg-gold",
        "acme-mp-default": "acme-prod-mp",
    }
    assert {k: v["id"] for k, v in out["alternativesUsed"].items()} == chosen
    # Every conflict the platform reported was settled by an explicit alternative.
    assert {c["artifact_id"] for c in out["conflicts"]} == set(chosen)
    imported = out["importedArtifacts"]
    for source, target in chosen.items():
        if source != "https://ns.adobe.com/acme/classes/loyalty-member":
            assert imported[source] == target
    # Only the source schema needed the class: with prod's schema used, it is not imported.
    assert "https://ns.adobe.com/acme/classes/loyalty-member" not in imported
    # The high-value segment had no look-alike: it is created, wired to prod's schema.
    new_segment = imported["acme-seg-highvalue"]
    assert new_segment not in prod_before
    segment = next(a for a in ex.emu.artifacts("acme", "prod") if a["id"] == new_segment)
    assert "acme-prod-schema-loyalty" in segment["dependsOn"]
    prod_after = ex.artifact_ids("acme", "prod")
    # Nothing mapped was created a second time: the schema's own dependencies stay out.
    assert prod_after - prod_before == {new_segment}

    destroy(ex)
    assert ex.get(f"/packages/{out['packageId']}") == 404
    assert ex.packages() == []
    # The import stays done: its job in the history, its new segment in prod.
    assert any(j["id"] == out["importJobId"] for j in ex.jobs())
    assert ex.artifact_ids("acme", "prod") == prod_after


def test_conflicts_from_lookup(example: ExampleFactory) -> None:
    ex = example("conflicts-from-lookup")
    prod_before = ex.artifact_ids("acme", "prod")
    out = up_and_check(ex, resources=3)

    assert out["importStatus"] == "SUCCESS"
    # The lookup's conflicts are the platform's, read before the import was submitted.
    looked_up = {c["artifact_id"]: c for c in out["lookedUpConflicts"]}
    reused = {
        "https://ns.adobe.com/acme/classes/loyalty-member": "acme-prod-class-loyalty",
        "https://ns.adobe.com/acme/schemas/loyalty-profile": "acme-prod-schema-loyalty",
        "acme-mp-default": "acme-prod-mp",
    }
    for source, target in reused.items():
        assert looked_up[source]["suggestions"][0]["id"] == target
    # Only the types of reuseTypes became alternatives; the gold segment's look-alike didn't.
    assert {k: v["id"] for k, v in out["alternatives"].items()} == reused
    assert "acme-seg-gold" in looked_up
    imported = out["importedArtifacts"]
    assert (
        imported["https://ns.adobe.com/acme/schemas/loyalty-profile"] == "acme-prod-schema-loyalty"
    )
    assert imported["acme-mp-default"] == "acme-prod-mp"
    # Both segments are new objects in prod (create_new), wired to prod's schema.
    new_segments = {imported["acme-seg-gold"], imported["acme-seg-highvalue"]}
    assert not new_segments & prod_before
    assert imported["acme-seg-gold"] != "acme-prod-seg-gold"
    for segment in ex.emu.artifacts("acme", "prod"):
        if segment["id"] in new_segments:
            assert "acme-prod-schema-loyalty" in segment["dependsOn"]
    prod_after = ex.artifact_ids("acme", "prod")
    assert prod_after - prod_before == new_segments

    destroy(ex)
    assert ex.get(f"/packages/{out['packageId']}") == 404
    assert any(j["id"] == out["importJobId"] for j in ex.jobs())


def make_package_by_hand(emu: EmulatorProcess) -> dict[str, Any]:
    """What someone did in the UI before the stack existed (through the plain API), with
    the name and description the example's Pulumi.yaml expects."""
    defaults = project_config("adopt-existing-package")
    with emu.api("acme", "dev") as api:
        r = api.post(
            "/packages",
            json={
                "name": defaults["packageName"]["default"],
                "description": defaults["packageDescription"]["default"],
                "packageType": "PARTIAL",
                "sourceSandbox": {"name": "dev", "imsOrgId": ACME},
                "artifacts": [{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}],
            },
        )
        r.raise_for_status()
        return dict(r.json())


def test_adopt_existing_package(example: ExampleFactory, fresh_emulator: EmulatorProcess) -> None:
    existing = make_package_by_hand(fresh_emulator)
    # The one setting beyond aep:*: the id of the package to adopt.
    ex = example("adopt-existing-package", extra_config={"packageId": existing["id"]})
    since = ex.last_seq()
    out = up_and_check(ex, resources=2)

    # Adopted without a write (publishing is a GET), and it is now published.
    assert ex.writes(since) == []
    assert out["packageId"] == existing["id"]
    assert out["version"] == existing["version"]
    pkg = ex.get(f"/packages/{existing['id']}")
    assert (pkg["name"], pkg["status"]) == (existing["name"], "PUBLISHED")
    assert out["status"] == "PUBLISHED"

    since = ex.last_seq()
    destroy(ex)
    # retain_on_delete: destroy hands the package back (published now) and writes nothing.
    assert ex.writes(since) == []
    assert ex.get(f"/packages/{existing['id']}")["status"] == "PUBLISHED"
    assert [p["id"] for p in ex.packages()] == [existing["id"]]


def test_yaml_demo(example: ExampleFactory) -> None:
    ex = example("yaml-demo")
    out = up_and_check(ex, resources=10)

    assert (out["audiencesStatus"], out["prodImportStatus"]) == ("PUBLISHED", "SUCCESS")
    assert out["handshakeStatus"] == "APPROVED"
    assert out["journeyTransferStatus"] == "COMPLETED"
    assert (out["starterKitVisibility"], out["starterKitPullStatus"]) == ("PUBLIC", "COMPLETED")
    types = {r["type"] for r in ex.state_resources()}
    assert "pulumi:providers:aep" in types
    assert not [t for t in types if "dynamic" in t], types
    partner_copies = sorted(p["name"] for p in ex.packages("partner"))
    assert partner_copies == ["consent-starter-kit", "gold-welcome-journey"]

    destroy(ex)
    # Acme's three packages are gone; the partner keeps its copies, the link stays.
    assert ex.packages() == []
    assert sorted(p["name"] for p in ex.packages("partner")) == partner_copies
    (link,) = ex.get("/handshake/list")["data"]
    assert (link["targetIMSOrgId"], link["status"]) == (PARTNER, "APPROVED")
