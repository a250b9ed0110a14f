"""The lookup functions in a real program: at preview (inputs known: the calls run, reading
only; an input a preview can't know: no call, the result stays unknown) and at up, with the
results exported. Each value is checked against what the plain API says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support import by_hand  # tests/ is on sys.path: the provider tier's raw-API makers
from support.engine import E2E
from support.providers import make_package

pytestmark = pytest.mark.e2e

GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
LOYALTY_SCHEMA = "https://ns.adobe.com/acme/schemas/loyalty-profile"

PROGRAM = """
import json
from pathlib import Path

from sandbox_provider import (
    get_artifact_dependencies, get_import_conflicts, get_import_jobs, get_package,
    get_packages, get_preflight,
)

SEEN = Path({seen!r})

def record(key, value):
    # What the program saw, in the phase it ran in (a preview exports nothing).
    SEEN.mkdir(exist_ok=True)
    (SEEN / (key + ".json")).write_text(json.dumps(value))
    return value

by_name = get_package(name="by-hand")
by_id = get_package(package_id=by_name["package_id"])
published = get_packages(status="PUBLISHED")
drafts = get_packages(status=["DRAFT"], name="by-hand")
conflicts = get_import_conflicts(by_name["package_id"], "prod")
preflight = get_preflight(by_name["package_id"], "prod")
dependencies = get_artifact_dependencies(by_name["package_id"])
jobs = get_import_jobs(package_id=by_name["package_id"], status="SUCCESS")
partner_packages = get_packages(org="partner")

# An id a preview can't know: the lookup waits for the up.
managed = Package("managed", name="managed", source_sandbox="dev", artifacts=[{gold!r}])
of_managed = get_package(package_id=managed.package_id)

results = {{
    "byName": by_name, "byId": by_id, "published": published, "drafts": drafts,
    "conflicts": conflicts, "preflight": preflight, "dependencies": dependencies,
    "jobs": jobs, "partnerPackages": partner_packages,
}}
for key, value in results.items():
    value.apply(lambda v, key=key: record(key, v))
    pulumi.export(key, value)
of_managed.apply(lambda v: record("ofManaged", v))
pulumi.export("ofManaged", of_managed)
pulumi.export("managedId", managed.package_id)
"""


def seen(path: Path) -> dict[str, Any]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(path.glob("*.json"))}


def without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_none(v) for v in value]
    return value


def test_lookups_at_preview_and_at_up(e2e: E2E) -> None:
    package_id = make_package(e2e.emu, "by-hand", [GOLD], publish=True)
    with e2e.api() as api:
        pkg = by_hand.ok(api.get(f"/packages/{package_id}"))
    job = by_hand.import_job(e2e.emu, package_id)
    assert job["jobStatus"] == "SUCCESS"
    with e2e.api() as api:
        # After the import: prod now holds copies, which are look-alikes too.
        api_conflicts = by_hand.ok(
            api.get(f"/packages/{package_id}/import", params={"targetSandbox": "prod"})
        )
        api_preflight = by_hand.ok(
            api.get(f"/packages/preflight/{package_id}", params={"targetSandbox": "prod"})
        )

    seen_dir = e2e.project_dir / "seen"
    e2e.write_program(PROGRAM.format(seen=str(seen_dir), gold=GOLD))

    # -- preview: every lookup with known inputs ran, writing nothing ----------------------
    since = e2e.last_seq()
    e2e.stack.preview()
    # The dependencies lookup is a POST that only reads (`/children`); nothing else is sent.
    writes = [w for w in e2e.writes(since) if not w["path"].endswith("/children")]
    assert writes == [], writes
    at_preview = seen(seen_dir)
    # The managed package's id is not known at preview: that lookup never ran.
    assert "ofManaged" not in at_preview
    assert set(at_preview) == {
        "byName",
        "byId",
        "published",
        "drafts",
        "conflicts",
        "preflight",
        "dependencies",
        "jobs",
        "partnerPackages",
    }

    by_name = at_preview["byName"]
    assert by_name["package_id"] == package_id
    assert (by_name["name"], by_name["status"], by_name["source_sandbox"]) == (
        "by-hand",
        "PUBLISHED",
        "dev",
    )
    assert by_name["expiry"] == pkg["expiry"] and by_name["expiry"]
    assert {a["id"] for a in by_name["artifacts"]} == {a["id"] for a in pkg["artifactsList"]}
    assert at_preview["byId"] == by_name
    assert [p["package_id"] for p in at_preview["published"]] == [package_id]
    # The name filter and the status filter together: the package is not a draft.
    assert at_preview["drafts"] == []
    # Conflicts as the API lists them, best suggestion first.
    conflicts = at_preview["conflicts"]
    assert [(c["artifact_id"], [s["id"] for s in c["suggestions"]]) for c in conflicts] == [
        (c["artifact"]["id"], [s["id"] for s in c["suggestionList"]]) for c in api_conflicts
    ]
    by_artifact = {c["artifact_id"]: c for c in conflicts}
    # The import's own copy (same title) ranks before prod's look-alikes.
    schema_suggestions = [s["id"] for s in by_artifact[LOYALTY_SCHEMA]["suggestions"]]
    assert schema_suggestions[0] == job["importReplacementMap"][LOYALTY_SCHEMA]
    assert "acme-prod-schema-loyalty" in schema_suggestions
    assert by_artifact["acme-seg-gold"]["artifact_type"] == "PROFILE_SEGMENT"
    preflight = at_preview["preflight"]
    assert (preflight["package_id"], preflight["target_sandbox"]) == (package_id, "prod")
    assert preflight["allowed"] is all(
        p["creationAllowed"] for p in api_preflight["permissionResponse"]
    )
    assert {p["artifact_id"] for p in preflight["artifacts"]} == {
        p["artifactID"] for p in api_preflight["permissionResponse"]
    }
    # The gold segment stands on the loyalty schema and the default merge policy.
    deps = {d["id"]: {c["id"] for c in d["children"]} for d in at_preview["dependencies"]}
    assert {LOYALTY_SCHEMA, "acme-mp-default"} <= deps["acme-seg-gold"]
    (found_job,) = at_preview["jobs"]
    assert (found_job["job_id"], found_job["status"], found_job["target_sandbox"]) == (
        job["id"],
        "SUCCESS",
        "prod",
    )
    assert found_job["imported_artifacts"] == job["importReplacementMap"]
    # org= acts with the partner profile: acme's package is not the partner's.
    assert package_id not in {p["package_id"] for p in at_preview["partnerPackages"]}

    # -- up: the same results, exported, and the lookup that waited for the managed id -----
    for f in seen_dir.glob("*.json"):
        f.unlink()
    e2e.stack.up()
    out = e2e.stack.outputs()
    for key, value in at_preview.items():
        # Stack outputs leave out keys whose value is None.
        assert without_none(out[key]) == without_none(value), key
    managed = out["ofManaged"]
    assert (managed["package_id"], managed["name"]) == (out["managedId"], "managed")
    assert seen(seen_dir)["ofManaged"] == managed


def test_a_failed_lookup_names_the_input_and_the_fix(e2e: E2E) -> None:
    e2e.write_program(
        """
        from sandbox_provider import get_package

        pulumi.export("missing", get_package(name="no-such-package"))
        """
    )
    res = e2e.stack.preview(check=False)
    assert res.code != 0
    text = res.stdout + res.stderr
    assert "get_package failed: the org has no package named 'no-such-package': check `name`" in (
        text
    ), text
    # The message alone, as for a resource: no traceback into the SDK.
    assert "Traceback" not in text, text

    e2e.write_program(
        """
        from sandbox_provider import get_preflight

        pulumi.export("bad", get_preflight("0123456789abcdef0123456789abcdef", "prod"))
        """
    )
    res = e2e.stack.preview(check=False)
    assert res.code != 0
    text = res.stdout + res.stderr
    assert "get_preflight failed: not found" in text, text
    assert "check `package_id`" in text, text

    # A profile that isn't configured: the same message as a resource's `org=`.
    e2e.write_program(
        """
        from sandbox_provider import get_packages

        pulumi.export("theirs", get_packages(org="nobody"))
        """
    )
    res = e2e.stack.preview(check=False)
    text = res.stdout + res.stderr
    assert res.code != 0
    assert "get_packages failed: org profile 'nobody' is not defined in aep:orgs" in text, text
