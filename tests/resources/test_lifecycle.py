"""The product's main job, through the real engine: preview, up, edit, drift, adopt, destroy."""

from __future__ import annotations

from typing import Any

import pytest
from support.engine import E2E

pytestmark = pytest.mark.e2e

GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
CART = {"id": "acme-seg-cart", "type": "PROFILE_SEGMENT"}


def package_program(
    artifacts: list[dict[str, str]],
    package_type: str = "PARTIAL",
    description: str = "e2e package",
    opts: str = "None",
) -> str:
    return f"""
        pkg = Package(
            "pkg",
            name="e2e-pkg",
            description={description!r},
            package_type={package_type!r},
            source_sandbox="dev",
            artifacts={artifacts!r},
            opts={opts},
        )
        pulumi.export("packageId", pkg.package_id)
        pulumi.export("version", pkg.version)
    """


def preview_ops(e2e: E2E, **opts: Any) -> dict[str, int]:
    return e2e.stack.preview(**opts).summary


def test_preview_of_a_new_stack_lists_creates_and_writes_nothing(e2e: E2E) -> None:
    e2e.write_program(package_program([GOLD]))
    since = e2e.last_seq()
    ops = preview_ops(e2e)
    # The stack itself and the package.
    assert ops.get("create") == 2, ops
    assert e2e.writes(since) == []
    assert e2e.packages() == []


def test_up_then_a_second_preview_makes_no_call_and_no_change(e2e: E2E) -> None:
    e2e.write_program(package_program([GOLD]))
    e2e.stack.up()
    (pkg,) = e2e.packages()
    assert pkg["name"] == "e2e-pkg"
    assert [a["id"] for a in pkg["artifactsList"]] == ["acme-seg-gold"]

    since = e2e.last_seq()
    ops = preview_ops(e2e)
    assert set(ops) <= {"same"}, ops
    assert e2e.emu.requests(since) == []


def test_editing_artifacts_updates_in_place_and_package_type_replaces(e2e: E2E) -> None:
    e2e.write_program(package_program([GOLD]))
    e2e.stack.up()
    first_id = e2e.stack.outputs()["packageId"]

    e2e.write_program(package_program([GOLD, CART]))
    assert preview_ops(e2e).get("update") == 1
    e2e.stack.up()
    assert e2e.stack.outputs()["packageId"] == first_id
    (pkg,) = e2e.packages()
    assert sorted(a["id"] for a in pkg["artifactsList"]) == ["acme-seg-cart", "acme-seg-gold"]

    e2e.write_program(package_program([CART]))
    e2e.stack.up()
    (pkg,) = e2e.packages()
    assert [a["id"] for a in pkg["artifactsList"]] == ["acme-seg-cart"]

    e2e.write_program(package_program([], package_type="FULL"))
    ops = preview_ops(e2e)
    assert ops.get("replace") == 1, ops
    e2e.stack.up()
    new_id = e2e.stack.outputs()["packageId"]
    assert new_id != first_id
    (pkg,) = e2e.packages()
    assert pkg["id"] == new_id and pkg["packageType"] == "FULL"


def test_out_of_band_change_is_found_by_refresh_and_repaired_by_up(e2e: E2E) -> None:
    e2e.write_program(package_program([GOLD], description="as declared"))
    e2e.stack.up()
    package_id = e2e.stack.outputs()["packageId"]
    with e2e.api() as api:
        r = api.put(
            "/packages",
            json={
                "id": package_id,
                "action": "UPDATE",
                "name": "e2e-pkg",
                "description": "changed by hand",
            },
        )
        r.raise_for_status()
        r = api.put("/packages", json={"id": package_id, "action": "ADD", "artifacts": [CART]})
        r.raise_for_status()

    # Without a refresh the engine trusts its state: nothing to do.
    assert set(preview_ops(e2e)) <= {"same"}
    # With one, the drift shows as an update that puts the program's values back.
    assert preview_ops(e2e, refresh=True).get("update") == 1
    e2e.stack.up(refresh=True)

    with e2e.api() as api:
        pkg = api.get(f"/packages/{package_id}").json()
    assert pkg["description"] == "as declared"
    assert [a["id"] for a in pkg["artifactsList"]] == ["acme-seg-gold"]
    assert set(preview_ops(e2e, refresh=True)) <= {"same"}


def test_an_existing_package_is_adopted_with_import(e2e: E2E) -> None:
    with e2e.api() as api:
        r = api.post(
            "/packages",
            json={
                "name": "e2e-pkg",
                "description": "made by hand",
                "packageType": "PARTIAL",
                "sourceSandbox": {"name": "dev", "imsOrgId": e2e.emu.org("acme")["imsOrgId"]},
                "artifacts": [GOLD],
            },
        )
        r.raise_for_status()
        existing: dict[str, Any] = r.json()
    e2e.write_program(
        package_program(
            [GOLD],
            description="made by hand",
            opts=f"pulumi.ResourceOptions(import_={existing['id']!r})",
        )
    )
    # The engine's own import path cannot reach a dynamic provider (it reads without the
    # provider blob), so Package turns import_ into an adoption done by create: the preview
    # shows a create, and `up` records the existing package without writing to it.
    ops = preview_ops(e2e)
    assert ops.get("create") == 2, ops
    since = e2e.last_seq()
    e2e.stack.up()
    assert e2e.writes(since) == []
    assert e2e.stack.outputs()["packageId"] == existing["id"]
    (pkg,) = e2e.packages()
    assert pkg["id"] == existing["id"] and pkg["version"] == existing["version"]
    # Adopted, it is managed like any other: a change in the program updates it in place.
    e2e.write_program(
        package_program(
            [GOLD],
            description="now managed",
            opts=f"pulumi.ResourceOptions(import_={existing['id']!r})",
        )
    )
    assert preview_ops(e2e).get("update") == 1
    e2e.stack.up()
    (pkg,) = e2e.packages()
    assert pkg["id"] == existing["id"] and pkg["description"] == "now managed"


def test_adopting_a_package_whose_inputs_differ_fails_and_writes_nothing(e2e: E2E) -> None:
    with e2e.api() as api:
        org_id = e2e.emu.org("acme")["imsOrgId"]
        r = api.post(
            "/packages",
            json={
                "name": "e2e-pkg",
                "packageType": "PARTIAL",
                "sourceSandbox": {"name": "dev", "imsOrgId": org_id},
                "artifacts": [CART],
            },
        )
        r.raise_for_status()
        existing = r.json()
    e2e.write_program(
        package_program([GOLD], opts=f"pulumi.ResourceOptions(import_={existing['id']!r})")
    )
    since = e2e.last_seq()
    failed = e2e.stack.up(check=False)
    assert failed.code != 0
    assert "do not match" in failed.stdout + failed.stderr
    assert e2e.writes(since) == []


def test_destroy_leaves_no_package_of_the_stack(e2e: E2E) -> None:
    e2e.write_program(
        package_program([GOLD])
        + """
        other = Package("other", name="e2e-other", source_sandbox="dev",
                        artifacts=[{"id": "acme-jr-cart-recovery", "type": "JOURNEY"}])
        published = PublishedPackage("other-published", package_id=other.package_id)
    """
    )
    e2e.stack.up()
    assert sorted(p["name"] for p in e2e.packages()) == ["e2e-other", "e2e-pkg"]
    e2e.stack.destroy()
    assert e2e.packages() == []


def test_import_with_a_withheld_permission_fails_then_converges(e2e: E2E) -> None:
    granted = e2e.emu.roles("acme")["permissions"]
    withheld = {
        k: [p for p in v if not (k == "Segment" and p == "write")] for k, v in granted.items()
    }
    e2e.emu.set_roles("acme", withheld)
    e2e.write_program("""
        pkg = Package("pkg", name="e2e-import", source_sandbox="dev",
                      artifacts=[{"id": "acme-seg-cart", "type": "PROFILE_SEGMENT"}],
                      include_dependencies=True)
        pub = PublishedPackage("pub", package_id=pkg.package_id)
        job = ImportJob("to-prod", package_id=pub.package_id, target_sandbox="prod",
                        name="e2e-import-to-prod", conflict_policy="use_existing")
        pulumi.export("jobStatus", job.job_status)
    """)
    failed = e2e.stack.up(check=False)
    assert failed.code != 0
    output = failed.stdout + failed.stderr
    assert "Segment" in output and "write" in output, output[-3000:]
    assert "acme-seg-cart" in output

    e2e.emu.set_roles("acme", granted)
    e2e.stack.up()
    assert e2e.stack.outputs()["jobStatus"] == "SUCCESS"
    titles = {a["title"] for a in e2e.emu.artifacts("acme", "prod")}
    assert "Cart Abandoners" in titles


def test_state_holds_no_client_secret_or_token_in_plaintext(e2e: E2E) -> None:
    e2e.write_program(
        package_program([GOLD])
        + """
        pub = PublishedPackage("pub", package_id=pkg.package_id)
    """
    )
    e2e.stack.up()
    acme = e2e.emu.org("acme")
    partner = e2e.emu.org("partner")
    files = e2e.stack.state_files()
    assert files, "the file backend wrote no state"
    for path in files:
        text = path.read_text(errors="replace")
        for secret in (acme["clientSecret"], partner["clientSecret"]):
            assert secret not in text, f"{secret[:6]}... found in {path}"
        assert "Bearer " not in text and "access_token" not in text
    # No resource records a credential-looking property, even encrypted.
    for res in e2e.stack.export_state()["deployment"].get("resources", []):
        for props in (res.get("inputs", {}), res.get("outputs", {})):
            keys = {k.lower() for k in props}
            assert not keys & {"clientsecret", "client_secret", "accesstoken", "access_token"}, res
