"""PublishedPackageProvider against the emulator."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from support.providers import GOLD, engine_props, last_seq, make_package, package_doc, writes

from sandbox_provider.client import ExImClient, RetryPolicy
from sandbox_provider.resources import PublishedPackageProvider, _base
from sandbox_provider.resources.errors import ProviderError
from sandbox_provider.testing import EmulatorProcess


def checked(
    prov: PublishedPackageProvider, olds: dict[str, Any] | None = None, **news: Any
) -> dict[str, Any]:
    result = prov.check(olds or {}, engine_props(news))
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return result.inputs


def test_create_publishes_and_waits_for_published(
    aep: EmulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    package_id = make_package(aep, "pub", [GOLD])
    prov = PublishedPackageProvider()
    inputs = checked(prov, package_id=package_id, expiry_period_days=30)
    res = prov.create(inputs)
    outs = res.outs or {}
    assert res.id == package_id
    assert outs["status"] == "PUBLISHED" and outs["visibility"] == "PRIVATE"
    assert outs["publish_date"] and outs["correlation_id"]
    assert outs["expiry"] - outs["publish_date"] == 30 * 86_400_000
    # The publish answer's jobId is kept: the EXPORT job of this package, by id.
    with aep.api("acme") as api:
        job = api.get(f"/tools/job/{outs['job_id']}").raise_for_status().json()["object"]
    assert (job["requestType"], job["name"], job["jobStatus"]) == (
        "EXPORT",
        package_doc(aep, package_id)["name"],
        "SUCCESS",
    )
    read = PublishedPackageProvider().read(package_id, engine_props(outs))
    assert (read.outs or {})["job_id"] == outs["job_id"]
    assert package_doc(aep, package_id)["status"] == "PUBLISHED"
    assert "PUBLISHED" in capsys.readouterr().err  # progress on stderr

    diff = prov.diff(
        res.id, outs, checked(prov, outs, package_id=package_id, expiry_period_days=30)
    )
    assert (diff.changes, diff.replaces) == (False, [])


def test_an_already_published_package_is_taken_as_it_is(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "pub", [GOLD], publish=True)
    since = last_seq(aep)
    res = PublishedPackageProvider().create(
        checked(PublishedPackageProvider(), package_id=package_id)
    )
    assert (res.outs or {})["status"] == "PUBLISHED"
    assert "job_id" not in (res.outs or {})  # published before: no answer named its job
    assert writes(aep, since) == []


def test_private_to_public_in_place_and_never_back(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "pub", [GOLD])
    prov = PublishedPackageProvider()
    inputs = checked(prov, package_id=package_id)
    outs = prov.create(inputs).outs or {}

    public = checked(prov, inputs, package_id=package_id, visibility="PUBLIC")
    diff = prov.diff(package_id, outs, public)
    assert (diff.changes, diff.replaces) == (True, [])
    outs = prov.update(package_id, outs, public).outs or {}
    assert outs["visibility"] == "PUBLIC" and outs["status"] == "PUBLISHED"
    assert package_doc(aep, package_id)["packageVisibility"] == "PUBLIC"

    back = prov.check(public, engine_props({"package_id": package_id, "visibility": "PRIVATE"}))
    assert [f.property for f in back.failures] == ["visibility"]
    assert "can't go back to PRIVATE" in back.failures[0].reason


def test_create_public_directly(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "pub", [GOLD])
    prov = PublishedPackageProvider()
    outs = prov.create(checked(prov, package_id=package_id, visibility="PUBLIC")).outs or {}
    assert outs["visibility"] == "PUBLIC"


def test_publish_failed_is_an_error_with_the_reason(aep: EmulatorProcess) -> None:
    aep.add_artifact("acme", "dev", {"id": "tmp-ns", "type": "ID_NAMESPACE", "title": "Tmp"})
    package_id = make_package(aep, "pub", [{"id": "tmp-ns", "type": "ID_NAMESPACE"}])
    aep.delete_artifact("acme", "dev", "tmp-ns")
    prov = PublishedPackageProvider()
    with pytest.raises(ProviderError) as err:
        prov.create(checked(prov, package_id=package_id))
    first = str(err.value).splitlines()[0]
    assert first.startswith(f"publishing package {package_id} failed: PUBLISH_FAILED: ")
    assert "tmp-ns" in first
    assert "run `pulumi up` again" in first


def test_an_unknown_package_fails_clearly(aep: EmulatorProcess) -> None:
    prov = PublishedPackageProvider()
    with pytest.raises(ProviderError, match="failed: not found"):
        prov.create(checked(prov, package_id="f" * 32))


def test_wait_deadline_is_its_own(aep: EmulatorProcess) -> None:
    aep.set_timing(mode="manual")
    package_id = make_package(aep, "pub", [GOLD])
    prov = PublishedPackageProvider()
    with pytest.raises(ProviderError) as err:
        prov.create(checked(prov, package_id=package_id, timeout_seconds=0.5))
    assert "did not finish within 0.5s" in str(err.value)
    assert "PUBLISH_IN_PROGRESS" in str(err.value)
    # A second run picks the publication up where it is, without publishing twice.
    aep.advance()
    res = prov.create(checked(prov, package_id=package_id))
    assert (res.outs or {})["status"] == "PUBLISHED"


def test_delete_only_forgets_and_warns(
    aep: EmulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    package_id = make_package(aep, "pub", [GOLD], publish=True)
    prov = PublishedPackageProvider()
    outs = prov.create(checked(prov, package_id=package_id)).outs or {}
    since = last_seq(aep)
    prov.delete(package_id, engine_props(outs))
    prov.delete(package_id, engine_props(outs))
    assert writes(aep, since) == []
    assert "removed from the stack only" in capsys.readouterr().err
    assert package_doc(aep, package_id)["status"] == "PUBLISHED"


def test_read_reflects_visibility_changed_behind_the_programs_back(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "pub", [GOLD], publish=True)
    prov = PublishedPackageProvider()
    inputs = checked(prov, package_id=package_id)
    outs = prov.create(inputs).outs or {}
    with aep.api("acme") as api:
        api.put(
            "/packages",
            json={"id": package_id, "action": "UPDATE", "packageVisibility": "PUBLIC"},
        ).raise_for_status()
    read = prov.read(package_id, engine_props(outs))
    assert (read.outs or {})["visibility"] == "PUBLIC"
    assert (read.inputs or {})["visibility"] == "PUBLIC"
    # The program still says PRIVATE: refused at preview rather than failing mid-update.
    back = prov.check(read.inputs or {}, engine_props(inputs))
    assert [f.property for f in back.failures] == ["visibility"]
    # A deleted package drops the resource.
    with aep.api("acme") as api:
        api.delete(f"/packages/{package_id}").raise_for_status()
    assert prov.read(package_id, engine_props(outs)).id == ""


class _LookUpWithoutVisibility(httpx.HTTPTransport):
    """The emulator over HTTP, its package look-ups without `packageVisibility`: as the
    look-up example of the pages shows them (current/packages.md `#look-up-package`), which a
    platform may well answer; only the visibility answer's example shows it for sure."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        resp = super().handle_request(request)
        if request.method != "GET" or not re.search(r"/packages/[^/]+$", request.url.path):
            return resp
        resp.read()
        body = resp.json()
        body.pop("packageVisibility", None)
        return httpx.Response(resp.status_code, json=body)


def test_a_look_up_without_visibility_keeps_what_is_known(
    aep: EmulatorProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = aep.org("acme")
    client = ExImClient(
        org_id=o["imsOrgId"],
        client_id=o["clientId"],
        client_secret=o["clientSecret"],
        platform_url=aep.url,
        ims_url=aep.url,
        sandbox="dev",
        retry=RetryPolicy(max_attempts=3, deadline=10.0),
        http_client=httpx.Client(transport=_LookUpWithoutVisibility(), timeout=30.0),
    )
    monkeypatch.setattr(_base, "client_for", lambda org: client)
    package_id = make_package(aep, "pub", [GOLD], publish=True)
    prov = PublishedPackageProvider()
    outs = prov.create(checked(prov, package_id=package_id, visibility="PUBLIC")).outs or {}
    assert outs["visibility"] == "PUBLIC" == package_doc(aep, package_id)["packageVisibility"]

    # A refresh doesn't turn it PRIVATE (which the program would then be refused for).
    read = prov.read(package_id, engine_props(outs))
    assert (read.outs or {})["visibility"] == (read.inputs or {})["visibility"] == "PUBLIC"
    since = last_seq(aep)
    update = prov.update(package_id, outs, engine_props(dict(read.inputs or {})))
    assert (update.outs or {})["visibility"] == "PUBLIC" and writes(aep, since) == []

    # Adopting it as PUBLIC finds no difference it can't see.
    adopted = prov.create(
        checked(prov, package_id=package_id, visibility="PUBLIC", adopt_id=package_id)
    )
    assert (adopted.outs or {})["visibility"] == "PUBLIC"
    client.close()
