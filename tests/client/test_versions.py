"""Package versions through the client (client/versions.py) against the emulator: a field
added in dev is found by a compare, saved as version 1 and applied by an UPDATE import to the
object an earlier import made in prod, under its id; a removed field fails the update."""

from __future__ import annotations

import pytest

from sandbox_provider.client import ExImClient, OperationFailedError
from sandbox_provider.testing import EmulatorProcess

from .conftest import exim_requests

WEB = "https://ns.adobe.com/acme/schemas/web-events"
FIELDS = {"web.page.url": "string", "web.page.name": "string"}


def imported(acme: ExImClient) -> tuple[str, str]:
    """A published package of dev's web schema imported into prod: (package id, prod copy)."""
    pkg = acme.create_package("web-versions", artifacts=[{"id": WEB, "type": "REGISTRY_SCHEMA"}])
    acme.publish_package(pkg.id)
    acme.wait_for_package(pkg.id, timeout=10)
    job = acme.wait_for_job(acme.submit_import(pkg.id, "prod").job_id or "", timeout=10)
    return pkg.id, job.import_replacement_map[WEB]


def test_a_change_in_dev_is_compared_saved_and_applied_in_prod(
    acme: ExImClient, emulator: EmulatorProcess
) -> None:
    pid, copy = imported(acme)
    caps = acme.package_capabilities(pid)
    assert caps.package_capabilities is not None
    assert caps.package_capabilities.capabilities == ["VERSIONABLE"]
    assert caps.latest_package_version == 0

    emulator.patch_artifact(
        "acme", "dev", WEB, {"definition": {"fields": {**FIELDS, "web.referrer": "string"}}}
    )
    started = acme.compare_version(pid, trigger_new=True)
    assert started.job_type == "COMPUTE"
    job = acme.wait_for_compare(pid, started.id, timeout=10)
    assert job.delta_package_version is not None
    [delta] = job.delta_package_version.exim_graph_delta.plugin_deltas
    assert [(c.op, c.path, c.new_value) for c in delta.changes] == [
        ("add", "/fields/web.referrer", "string")
    ]

    saving = acme.save_version(pid)
    assert (saving.job_type, saving.package_version) == ("UPGRADE", 1)
    acme.wait_for_job(saving.id, timeout=10)
    assert [v.package_version for v in acme.package_history(pid)] == [1]

    update = acme.submit_update(pid, "prod", {WEB: {"id": copy, "type": "REGISTRY_SCHEMA"}})
    assert update.job_type == "UPDATE"
    done = acme.wait_for_job(update.id, timeout=10)
    assert done.import_replacement_map == {WEB: copy}
    prod = {a["id"]: a for a in emulator.artifacts("acme", "prod")}
    assert prod[copy]["definition"]["fields"]["web.referrer"] == "string"
    # Each call went out as PATCH, the API format lines' method, and none as anything else.
    versions = [r for r in exim_requests(emulator) if f"/packages/{pid}" in r["path"]]
    patched = {r["path"].rsplit("/", 1)[-1] for r in versions if r["method"] == "PATCH"}
    assert patched == {pid, "compare", "save", "history", "import"}
    assert not [r for r in versions if "version" in r["path"] and r["method"] != "PATCH"]


def test_an_update_removing_a_field_fails_naming_it(
    acme: ExImClient, emulator: EmulatorProcess
) -> None:
    pid, copy = imported(acme)
    emulator.patch_artifact(
        "acme", "dev", WEB, {"definition": {"fields": {"web.page.url": "string"}}}
    )
    acme.wait_for_job(acme.save_version(pid).id, timeout=10)
    update = acme.submit_update(pid, "prod", {WEB: {"id": copy, "type": "REGISTRY_SCHEMA"}})
    with pytest.raises(OperationFailedError, match="removing field 'web.page.name'"):
        acme.wait_for_job(update.id, timeout=10)
