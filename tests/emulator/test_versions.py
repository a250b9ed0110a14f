"""Package versions (packages.md "Migrate object configuration updates"; docs/emulator.md,
"Package versions"): capabilities, compare, save, history and the UPDATE import, each on the
method of its API format line (PATCH). A field added in dev reaches the object an earlier
import made in prod, under the same id; a removed field is refused and nothing changes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import ACME, ACME_ID, SCHEMA_WEB, failure_text, ok, outcomes, wait_job, wait_until
from .test_import_rules import package, run

WEB_FIELDS = {"web.page.url": "string", "web.page.name": "string"}


def capabilities(c: httpx.Client, pid: str) -> dict[str, Any]:
    return dict(ok(c.patch(f"/packages/{pid}", params={"getCapabilities": "true"})))


def compared(c: httpx.Client, pid: str, **body: Any) -> dict[str, Any]:
    """The compare job's object once it ended (asking again answers the same job)."""
    first = ok(c.patch(f"/packages/{pid}/version/compare", json=body))
    assert (first["status"], first["type"], first["ajo"]) == ("OK", "SUCCESS", False)
    job_id = first["object"]["id"]
    assert first["message"] == f"Job with ID: {job_id}"
    assert first["object"]["requestType"] == "VERSION"
    assert first["object"]["jobType"] == "COMPUTE"
    again = {k: v for k, v in body.items() if k != "triggerNew"}
    return dict(
        wait_until(
            lambda: ok(c.patch(f"/packages/{pid}/version/compare", json=again))["object"],
            lambda o: o["id"] == job_id and o["jobStatus"] == "SUCCESS",
        )
    )


def saved(c: httpx.Client, pid: str) -> dict[str, Any]:
    job = ok(c.patch(f"/packages/{pid}/version/save"))
    assert (job["requestType"], job["jobType"], job["jobStatus"]) == (
        "VERSION",
        "UPGRADE",
        "PENDING",
    )
    return wait_job(c, job["id"])


def update(c: httpx.Client, pid: str, mappings: dict[str, str]) -> dict[str, Any]:
    body = {
        "name": "update",
        "destinationSandbox": {"name": "prod", "imsOrgId": ACME_ID},
        "overwriteMappings": {s: {"id": t, "type": "REGISTRY_SCHEMA"} for s, t in mappings.items()},
    }
    job = ok(c.patch(f"/packages/{pid}/import", json=body))
    assert (job["requestType"], job["jobType"], job["jobStatus"]) == ("IMPORT", "UPDATE", "PENDING")
    return wait_job(c, job["id"])


def prod_object(emu: EmulatorProcess, object_id: str) -> dict[str, Any]:
    return {a["id"]: a for a in emu.artifacts(ACME, "prod")}[object_id]


@pytest.fixture
def imported(emulator: EmulatorProcess, acme: httpx.Client) -> tuple[str, str]:
    """A versionable package of dev's web schema, imported into prod: (package, prod copy)."""
    pid = package(emulator, acme, "web-versions", [SCHEMA_WEB])
    job = run(acme, pid)
    status, copy = outcomes(job)[SCHEMA_WEB]
    assert status == "CREATED" and copy is not None
    return pid, copy


def test_a_field_added_in_dev_reaches_the_imported_object_under_its_id(
    emulator: EmulatorProcess, acme: httpx.Client, imported: tuple[str, str]
) -> None:
    pid, copy = imported
    caps = capabilities(acme, pid)
    assert caps["packageCapabilities"] == {"capabilities": ["VERSIONABLE"]}
    assert caps["latestPackageVersion"] == 0
    assert ok(acme.patch(f"/packages/{pid}/history")) == []

    emulator.patch_artifact(
        ACME,
        "dev",
        SCHEMA_WEB,
        {"definition": {"fields": {**WEB_FIELDS, "web.referrer": "string"}}},
    )
    # Check for updates: the source against the package's version.
    delta = compared(acme, pid)["deltaPackageVersion"]
    assert delta["currentVersion"] == 0
    [change] = delta["eximGraphDelta"]["pluginDeltas"]
    assert change["sourceArtifact"]["id"] == SCHEMA_WEB
    assert change["changes"] == [
        {"op": "add", "path": "/fields/web.referrer", "newValue": "string"}
    ]

    job = saved(acme, pid)
    assert job["jobStatus"] == "SUCCESS"
    assert capabilities(acme, pid)["latestPackageVersion"] == 1
    [entry] = ok(acme.patch(f"/packages/{pid}/history"))
    assert entry["packageVersion"] == 1 and entry["imsOrgId"] == ACME_ID

    # The target against the new version: what an update would change, by object.
    target = compared(acme, pid, targetSandbox="prod")
    assert target["importReplacementMap"][SCHEMA_WEB] == copy
    [change] = target["deltaPackageVersion"]["eximGraphDelta"]["pluginDeltas"]
    assert change["targetArtifact"]["id"] == copy
    assert {"op": "add", "path": "/fields/web.referrer", "newValue": "string"} in change["changes"]

    before = {a["id"] for a in emulator.artifacts(ACME, "prod")}
    job = update(acme, pid, {SCHEMA_WEB: copy})
    assert job["jobStatus"] == "SUCCESS", failure_text(job)
    assert outcomes(job)[SCHEMA_WEB] == ("UPDATED", copy)
    assert prod_object(emulator, copy)["definition"]["fields"]["web.referrer"] == "string"
    assert {a["id"] for a in emulator.artifacts(ACME, "prod")} == before  # nothing new
    # Nothing left to bring: the target now holds the version.
    again = compared(acme, pid, targetSandbox="prod", triggerNew=True)
    assert again["deltaPackageVersion"]["eximGraphDelta"]["pluginDeltas"] == []


def test_a_removed_field_is_refused_and_nothing_changes(
    emulator: EmulatorProcess, acme: httpx.Client, imported: tuple[str, str]
) -> None:
    pid, copy = imported
    emulator.patch_artifact(
        ACME, "dev", SCHEMA_WEB, {"definition": {"fields": {"web.page.url": "string"}}}
    )
    assert saved(acme, pid)["jobStatus"] == "SUCCESS"
    job = update(acme, pid, {SCHEMA_WEB: copy})
    assert job["jobStatus"] == "FAILED"
    assert "removing field 'web.page.name' is not supported" in failure_text(job)
    assert prod_object(emulator, copy)["definition"] == {"fields": WEB_FIELDS}


def test_a_package_without_a_field_type_has_no_versions(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    # A namespace depends on nothing: the package carries no schema, field group or data type.
    pid = package(emulator, acme, "namespace-only", ["acme-ns-crm"])
    assert capabilities(acme, pid)["packageCapabilities"] == {"capabilities": []}
    r = acme.patch(f"/packages/{pid}/version/save")
    assert r.status_code == 409 and "not versionable" in r.text


def test_each_call_takes_its_format_line_s_method(
    emulator: EmulatorProcess, acme: httpx.Client, imported: tuple[str, str]
) -> None:
    pid, _ = imported
    # The curl examples' POST and the prose's GET aren't served: the format lines say PATCH.
    assert acme.post(f"/packages/{pid}/version/compare", json={}).status_code == 405
    assert acme.get(f"/packages/{pid}/version/save").status_code == 405
    assert acme.get(f"/packages/{pid}/history").status_code == 405


def test_a_save_whose_package_is_deleted_meanwhile_fails_naming_it(
    manual: EmulatorProcess, acme: httpx.Client
) -> None:
    pid = package(manual, acme, "saved-then-deleted", [SCHEMA_WEB])
    job = ok(acme.patch(f"/packages/{pid}/version/save"))
    ok(acme.delete(f"/packages/{pid}"))
    manual.advance()
    ended = wait_job(acme, job["id"])
    assert ended["jobStatus"] == "FAILED"
    assert f"package {pid} was deleted" in failure_text(ended)
