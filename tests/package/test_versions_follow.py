"""A Package and its ImportJobs follow the source (the providers called as the engine calls
them, against the emulator): a refresh records what changed in dev since the package's
version, the diff plans updates (no replacement), the Package's update saves a version and
the ImportJob's brings it to prod with one UPDATE import, the objects keeping their ids."""

from __future__ import annotations

from typing import Any

import pytest
from support.providers import engine_props, last_seq, wait_status

from sandbox_provider.resources import ImportJobProvider, PackageProvider
from sandbox_provider.resources.errors import ProviderError
from sandbox_provider.testing import EmulatorProcess

WEB_SCHEMA = "https://ns.adobe.com/acme/schemas/web-events"
WEB = {"id": WEB_SCHEMA, "type": "REGISTRY_SCHEMA"}
SEG_CART = {"id": "acme-seg-cart", "type": "PROFILE_SEGMENT"}


def checked(prov: Any, **news: Any) -> dict[str, Any]:
    result = prov.check({}, engine_props(news))
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def outs_of(result: Any) -> dict[str, Any]:
    """A create, read or update result's outputs."""
    return dict(result.outs or {})


def published(emu: EmulatorProcess, artifacts: list[dict[str, str]]) -> tuple[str, dict[str, Any]]:
    pkgs = PackageProvider()
    inputs = checked(pkgs, name="follow", artifacts=artifacts, include_dependencies=True)
    res = pkgs.create(inputs)
    with emu.api("acme") as api:
        api.get(f"/packages/{res.id}/export").raise_for_status()
    assert wait_status(emu, res.id, "PUBLISHED")["status"] == "PUBLISHED"
    return res.id, {**inputs, **outs_of(pkgs.read(res.id, outs_of(res)))}


def imported(pkg_id: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    prov = ImportJobProvider()
    inputs = checked(prov, package_id=pkg_id, target_sandbox="prod", conflict_policy="create_new")
    res = prov.create(inputs)
    return res.id, inputs, outs_of(res)


def fields_of(emu: EmulatorProcess, sandbox: str, artifact_id: str) -> dict[str, str]:
    (obj,) = [a for a in emu.artifacts("acme", sandbox) if a["id"] == artifact_id]
    return dict(obj["definition"]["fields"])


def add_field(emu: EmulatorProcess, name: str, type_: str = "string") -> None:
    fields = fields_of(emu, "dev", WEB_SCHEMA)
    emu.patch_artifact(
        "acme", "dev", WEB_SCHEMA, {"definition": {"fields": {**fields, name: type_}}}
    )


def test_a_field_added_in_dev_reaches_prod_under_the_same_id(aep: EmulatorProcess) -> None:
    pkg_id, pkg_outs = published(aep, [WEB])
    assert pkg_outs["package_version"] == 0 and pkg_outs["source_changes"] == []
    job_id, job_inputs, job_outs = imported(pkg_id)
    assert job_outs["package_version"] == 0
    target_id = job_outs["imported_artifacts"][WEB_SCHEMA]
    pkgs, jobs = PackageProvider(), ImportJobProvider()

    add_field(aep, "web.page.referrer")
    pkg_outs = outs_of(pkgs.read(pkg_id, pkg_outs))
    (change,) = pkg_outs["source_changes"]
    assert change["artifact_id"] == WEB_SCHEMA
    assert change["changes"] == ["adds field web.page.referrer (string)"]
    job_outs = outs_of(jobs.read(job_id, job_outs))
    assert [c["artifact_id"] for c in job_outs["source_changes"]] == [WEB_SCHEMA]

    pkg_news = engine_props(
        checked(pkgs, name="follow", artifacts=[WEB], include_dependencies=True)
    )
    diff = pkgs.diff(pkg_id, pkg_outs, pkg_news)
    assert diff.changes and not diff.replaces
    diff = jobs.diff(job_id, job_outs, engine_props(job_inputs))
    assert diff.changes and not diff.replaces

    pkg_outs = outs_of(pkgs.update(pkg_id, pkg_outs, pkg_news))
    assert pkg_outs["package_version"] == 1 and pkg_outs["source_changes"] == []
    assert [v["package_version"] for v in pkg_outs["version_history"]] == [1]
    since = last_seq(aep)
    job_outs = outs_of(jobs.update(job_id, job_outs, engine_props(job_inputs)))
    assert job_outs["package_version"] == 1 and job_outs["source_changes"] == []
    updates = [
        r for r in aep.requests(since) if r["method"] == "PATCH" and r["path"].endswith("/import")
    ]
    assert len(updates) == 1
    assert fields_of(aep, "prod", target_id)["web.page.referrer"] == "string"

    # Converged: nothing left to do, and an update run again submits nothing.
    assert outs_of(pkgs.read(pkg_id, pkg_outs))["source_changes"] == []
    job_outs = outs_of(jobs.read(job_id, job_outs))
    assert job_outs["source_changes"] == []
    assert not jobs.diff(job_id, job_outs, engine_props(job_inputs)).changes


def test_a_removed_field_fails_the_refresh_naming_the_artifact(aep: EmulatorProcess) -> None:
    pkg_id, pkg_outs = published(aep, [WEB])
    fields = fields_of(aep, "dev", WEB_SCHEMA)
    fields.pop("web.page.name")
    aep.patch_artifact("acme", "dev", WEB_SCHEMA, {"definition": {"fields": fields}})
    with pytest.raises(ProviderError) as info:
        PackageProvider().read(pkg_id, pkg_outs)
    text = str(info.value)
    assert WEB_SCHEMA in text and "removes field web.page.name" in text, text
    assert "adds fields to" in text, text


def test_an_audience_changed_in_dev_is_refused(aep: EmulatorProcess) -> None:
    pkg_id, pkg_outs = published(aep, [SEG_CART])
    aep.patch_artifact("acme", "dev", "acme-seg-cart", {"definition": {"rule": "cart > 2"}})
    with pytest.raises(ProviderError) as info:
        PackageProvider().read(pkg_id, pkg_outs)
    assert "PROFILE_SEGMENT 'acme-seg-cart'" in str(info.value), info.value
