"""check and diff of the five providers: no API call, as the engine runs them at preview."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.dynamic import CheckResult, ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.output import Unknown

from sandbox_provider.client.retry import RetryPolicy
from sandbox_provider.resources import (
    Artifact,
    HandshakeProvider,
    ImportJobProvider,
    PackageProvider,
    PublishedPackageProvider,
    TransferProvider,
    _base,
    _config,
)
from sandbox_provider.resources.errors import ProviderError

PARTNER_ORG = "PRTN0000000000000000B002@AdobeOrg"
ACME_ORG = "ACME0000000000000000A001@AdobeOrg"
CONFIG = {
    "aep:platformUrl": "http://127.0.0.1:9",
    "aep:imsUrl": "http://127.0.0.1:9",
    "aep:orgId": "ACME0000000000000000A001@AdobeOrg",
    "aep:clientId": "acme-client-id",
    "aep:clientSecret": "acme-client-secret",
    "aep:sandbox": "dev",
    "aep:orgs": json.dumps(
        {"partner": {"orgId": PARTNER_ORG, "clientId": "p", "clientSecret": "ps"}}
    ),
}
PKG_ID = "0123456789abcdef0123456789abcdef"
GOLD: Artifact = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
CART = {"id": "acme-seg-cart", "type": "PROFILE_SEGMENT"}
SCHEMA = {"id": "https://ns.adobe.com/acme/schemas/loyalty-profile", "type": "REGISTRY_SCHEMA"}


@pytest.fixture(autouse=True)
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in _config.ENV_VARS.values():
        monkeypatch.delenv(var, raising=False)
    PackageProvider().configure(ConfigureRequest(Config(CONFIG, project_name="test")))
    # No platform here (port 9): a Package diff's one lookup, the live status of a recorded
    # draft whose contents change, is stood in for as "still a draft", and the replacement
    # preflight's lookups fail at once and are skipped. Both run against the emulator in
    # tests/package/test_package.py and tests/resources/test_safe_changes.py.
    monkeypatch.setattr(PackageProvider, "_still_draft", lambda self, id_, olds: True)
    monkeypatch.setattr(_base, "RETRY", RetryPolicy(max_attempts=1, deadline=1))
    _base.forget_clients()
    yield
    _base.forget_clients()
    _config.clear_stack_config()


def failures(result: CheckResult) -> dict[str, str]:
    return {f.property: f.reason for f in result.failures}


# -- Package ----------------------------------------------------------------------
def pkg_check(**news: Any) -> CheckResult:
    return PackageProvider().check({}, {"__provider": "blob", **news})


def test_package_check_fills_defaults_in_the_shape_read_returns() -> None:
    result = pkg_check(name="p", artifacts=[GOLD])
    assert result.failures == []
    assert result.inputs == {
        "name": "p",
        "package_type": "PARTIAL",
        "artifacts": [GOLD],
        "include_dependencies": False,
        "source_sandbox": "dev",
    }


def test_package_check_normalises_expiry_to_epoch_ms() -> None:
    result = pkg_check(name="p", artifacts=[GOLD], expiry="2099-01-01T00:00:00Z")
    assert result.failures == []
    assert result.inputs["expiry"] == 4070908800000


@pytest.mark.parametrize(
    ("news", "prop", "says"),
    [
        ({"artifacts": [GOLD]}, "name", "name is required"),
        ({"name": "p", "artifacts": [GOLD], "package_type": "PARTAL"}, "package_type", "'PARTIAL'"),
        ({"name": "p", "package_type": "FULL", "artifacts": [GOLD]}, "artifacts", "FULL"),
        ({"name": "p", "artifacts": []}, "artifacts", "at least one artifact"),
        (
            {"name": "p", "artifacts": [{"id": "x", "type": "PROFILE_SEGMNT"}]},
            "artifacts[0].type",
            "did you mean 'PROFILE_SEGMENT'",
        ),
        ({"name": "p", "artifacts": [{"id": "x"}]}, "artifacts[0].type", "type is required"),
        ({"name": "p", "artifacts": [GOLD, GOLD]}, "artifacts[1]", "listed twice"),
        ({"name": "p", "artifacts": [GOLD], "expiry": "2001-01-01"}, "expiry", "in the past"),
        ({"name": "p", "artifacts": [GOLD], "expiry": "next week"}, "expiry", "is not a date"),
        ({"name": "p", "artifacts": [GOLD], "org": "nobody"}, "org", "not defined in aep:orgs"),
        ({"name": "p", "artifacts": [GOLD], "colour": "red"}, "colour", "not an input"),
        ({"name": "p", "artifacts": [GOLD], "source_sandbox": "a b"}, "source_sandbox", "sandbox"),
    ],
)
def test_package_check_failures_name_the_property_and_the_fix(
    news: dict[str, Any], prop: str, says: str
) -> None:
    found = failures(pkg_check(**news))
    assert prop in found, found
    assert says in found[prop]


def test_a_missing_setting_fails_check_with_the_key_to_set() -> None:
    _config.set_stack_config({k: v for k, v in CONFIG.items() if k != "aep:clientId"})
    found = failures(pkg_check(name="p", artifacts=[GOLD]))
    assert found[""].startswith("aep:clientId is not set: run `pulumi config set aep:clientId")
    assert "AEP_CLIENT_ID" in found[""]


def test_unknown_values_pass_check_untouched() -> None:
    unknown = Unknown()
    result = pkg_check(name=unknown, artifacts=unknown, package_type="PARTIAL")
    assert result.failures == []
    assert result.inputs["name"] is unknown and result.inputs["artifacts"] is unknown


def created_outputs(**over: Any) -> dict[str, Any]:
    """Outputs as create records them for name='p', artifacts=[GOLD]."""
    outs = {
        "package_id": PKG_ID,
        "name": "p",
        "package_type": "PARTIAL",
        "source_sandbox": "dev",
        "include_dependencies": False,
        "declared_artifacts": [GOLD],
        "dependency_artifacts": [],
        "artifacts": [{**GOLD, "found": True, "count": 4}],
        "status": "DRAFT",
        "version": 0,
        "expiry": 4070908800000,
    }
    outs.update(over)
    return outs


def pkg_inputs(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"name": "p", "artifacts": [GOLD]}
    base.update(over)
    return pkg_check(**base).inputs


def pkg_diff(olds: dict[str, Any], news: dict[str, Any]) -> tuple[bool | None, list[str]]:
    d = PackageProvider().diff(PKG_ID, olds, news)
    return d.changes, list(d.replaces or [])


def test_package_diff_no_change() -> None:
    assert pkg_diff(created_outputs(), pkg_inputs()) == (False, [])


def test_package_diff_name_and_description_update_in_place() -> None:
    assert pkg_diff(created_outputs(), pkg_inputs(name="q")) == (True, [])
    assert pkg_diff(created_outputs(), pkg_inputs(description="d")) == (True, [])


@pytest.mark.parametrize(
    ("over", "key"),
    [
        ({"package_type": "FULL", "artifacts": []}, "package_type"),
        ({"source_sandbox": "prod"}, "source_sandbox"),
        ({"org": "partner"}, "org"),
    ],
)
def test_package_diff_replaces(over: dict[str, Any], key: str) -> None:
    changes, replaces = pkg_diff(created_outputs(), pkg_inputs(**over))
    assert changes and key in replaces


def test_package_replacement_with_the_same_name_deletes_first() -> None:
    d = PackageProvider().diff(PKG_ID, created_outputs(), pkg_inputs(source_sandbox="prod"))
    # Names are unique per org: the new package can't exist next to the old one.
    assert d.delete_before_replace is True
    # In another org it can: create first, then delete (the safer order).
    d = PackageProvider().diff(PKG_ID, created_outputs(), pkg_inputs(org="partner"))
    assert d.replaces == ["org"] and not d.delete_before_replace


def test_package_diff_artifacts_of_a_draft_update_in_place() -> None:
    assert pkg_diff(created_outputs(), pkg_inputs(artifacts=[GOLD, CART])) == (True, [])
    # Order doesn't matter, titles don't either.
    olds = created_outputs(declared_artifacts=[GOLD, CART], artifacts=[{**GOLD}, {**CART}])
    assert pkg_diff(olds, pkg_inputs(artifacts=[{**CART, "title": "Cart"}, GOLD])) == (False, [])


def test_package_diff_artifacts_of_a_published_package_replace() -> None:
    olds = created_outputs(status="PUBLISHED")
    assert pkg_diff(olds, pkg_inputs(artifacts=[GOLD, CART])) == (True, ["artifacts"])
    # And a published package with the same artifacts is left alone.
    assert pkg_diff(olds, pkg_inputs()) == (False, [])


def test_package_diff_sees_platform_drift_recorded_by_read() -> None:
    olds = created_outputs(artifacts=[GOLD, CART])  # CART added behind the program's back
    assert pkg_diff(olds, pkg_inputs()) == (True, [])


def test_package_diff_with_dependencies_compares_declared_lists_only() -> None:
    olds = created_outputs(
        include_dependencies=True,
        dependency_artifacts=[SCHEMA],
        artifacts=[GOLD, SCHEMA],
    )
    assert pkg_diff(olds, pkg_inputs(include_dependencies=True)) == (False, [])
    # A dependency removed on the platform is drift to repair.
    assert pkg_diff({**olds, "artifacts": [GOLD]}, pkg_inputs(include_dependencies=True)) == (
        True,
        [],
    )
    # Turning the flag off means removing the dependencies.
    assert pkg_diff(olds, pkg_inputs()) == (True, [])


def test_package_diff_expiry_only_when_declared_and_draft() -> None:
    olds = created_outputs()
    assert pkg_diff(olds, pkg_inputs(expiry=4070908800000)) == (False, [])
    assert pkg_diff(olds, pkg_inputs(expiry="2098-01-01T00:00:00Z")) == (True, [])
    assert pkg_diff({**olds, "status": "PUBLISHED"}, pkg_inputs(expiry="2098-01-01")) == (
        False,
        [],
    )


def test_package_diff_treats_unknowns_as_changes() -> None:
    news = pkg_inputs()
    news["artifacts"] = Unknown()
    assert pkg_diff(created_outputs(), news) == (True, [])


def test_full_package_metadata_changes_replace() -> None:
    olds = created_outputs(package_type="FULL", declared_artifacts=[], artifacts=[])
    changes, replaces = pkg_diff(olds, pkg_inputs(package_type="FULL", artifacts=[], name="q"))
    assert changes and replaces == ["name"]


def test_package_import_option_becomes_adopt_id(monkeypatch: pytest.MonkeyPatch) -> None:
    import pulumi

    from sandbox_provider import Package

    seen: list[tuple[Any, dict[str, Any], Any]] = []

    def capture(self: Any, provider: Any, name: str, props: Any, opts: Any = None) -> None:
        seen.append((provider, dict(props), opts))

    monkeypatch.setattr(pulumi.dynamic.Resource, "__init__", capture)
    given = pulumi.ResourceOptions(import_=PKG_ID, protect=True)
    Package("p", name="p", artifacts=[GOLD], opts=given)
    ((provider, props, opts),) = seen
    assert isinstance(provider, PackageProvider)
    assert props["adopt_id"] == PKG_ID
    # The engine never sees import_ (it can't call a dynamic provider's read for it), the
    # other options stay, and the caller's options object is left as it was.
    assert opts.import_ is None and opts.protect is True
    assert given.import_ == PKG_ID


# -- PublishedPackage ----------------------------------------------------------------------
def pub_check(olds: dict[str, Any], **news: Any) -> CheckResult:
    return PublishedPackageProvider().check(olds, {"__provider": "blob", **news})


def test_published_check_defaults_and_failures() -> None:
    assert pub_check({}, package_id=PKG_ID).inputs == {
        "package_id": PKG_ID,
        "visibility": "PRIVATE",
    }
    assert "package id" in failures(pub_check({}, package_id="nope"))["package_id"]
    assert "'PUBLIC'" in failures(pub_check({}, package_id=PKG_ID, visibility="OPEN"))["visibility"]
    assert (
        "at least 1 day"
        in failures(pub_check({}, package_id=PKG_ID, expiry_period_days=-1))["expiry_period_days"]
    )


def test_public_to_private_is_refused_at_preview() -> None:
    olds = {"package_id": PKG_ID, "visibility": "PUBLIC"}
    found = failures(pub_check(olds, package_id=PKG_ID, visibility="PRIVATE"))
    assert "can't go back to PRIVATE" in found["visibility"]
    assert failures(pub_check(olds, package_id=PKG_ID)) == found  # the default is PRIVATE
    with pytest.raises(ProviderError, match="PRIVATE"):
        PublishedPackageProvider().diff(
            PKG_ID, {**olds, "status": "PUBLISHED"}, {"package_id": PKG_ID, "visibility": "PRIVATE"}
        )


def test_published_diff() -> None:
    prov = PublishedPackageProvider()
    olds = {"package_id": PKG_ID, "visibility": "PRIVATE", "status": "PUBLISHED"}
    same = prov.diff(PKG_ID, olds, {"package_id": PKG_ID, "visibility": "PRIVATE"})
    assert (same.changes, same.replaces) == (False, [])
    public = prov.diff(PKG_ID, olds, {"package_id": PKG_ID, "visibility": "PUBLIC"})
    assert (public.changes, public.replaces) == (True, [])
    other = prov.diff(PKG_ID, olds, {"package_id": "f" * 32, "visibility": "PRIVATE"})
    assert (other.changes, other.replaces) == (True, ["package_id"])


# -- ImportJob ----------------------------------------------------------------------
def job_check(**news: Any) -> CheckResult:
    return ImportJobProvider().check({}, {"__provider": "blob", **news})


def test_import_job_check() -> None:
    ok = job_check(package_id=PKG_ID, target_sandbox="prod")
    assert ok.failures == []
    assert ok.inputs == {
        "package_id": PKG_ID,
        "target_sandbox": "prod",
        "alternatives": {},
        "conflict_policy": "fail",
        "check_permissions": True,
    }
    bad = failures(job_check(package_id=PKG_ID, target_sandbox="prod", conflict_policy="merge"))
    assert "'use_existing'" in bad["conflict_policy"]
    bad = failures(
        job_check(package_id=PKG_ID, target_sandbox="prod", alternatives={"a": {"id": "b"}})
    )
    assert "alternatives.a.type" in bad
    bad = failures(
        job_check(
            package_id=PKG_ID,
            target_sandbox="prod",
            alternatives={"a": {"id": "a", "type": "REGISTRY_SCHEMA"}},
        )
    )
    assert "to itself" in bad["alternatives.a.id"]
    assert "target_sandbox is required" in failures(job_check(package_id=PKG_ID))["target_sandbox"]


def test_import_job_diff_replaces_on_any_change_but_timeouts() -> None:
    prov = ImportJobProvider()
    inputs = job_check(package_id=PKG_ID, target_sandbox="prod").inputs
    olds = {**inputs, "job_id": "j", "job_status": "SUCCESS"}
    assert prov.diff("j", olds, inputs).changes is False
    d = prov.diff("j", olds, {**inputs, "conflict_policy": "create_new"})
    assert (d.changes, d.replaces) == (True, ["conflict_policy"])
    d = prov.diff("j", olds, {**inputs, "timeout_seconds": 60})
    assert (d.changes, d.replaces) == (True, [])


# -- Handshake ----------------------------------------------------------------------
def hs_check(**news: Any) -> CheckResult:
    return HandshakeProvider().check({}, {"__provider": "blob", **news})


def test_handshake_check() -> None:
    assert hs_check(target_org_id=PARTNER_ORG, approve_as="partner").failures == []
    assert "use its orgId" in failures(hs_check(target_org_id="partner"))["target_org_id"]
    assert "IMS org id" in failures(hs_check(target_org_id="nobody"))["target_org_id"]
    found = failures(hs_check(target_org_id=PARTNER_ORG, approve_as="nobody"))
    assert "not defined in aep:orgs" in found["approve_as"]
    found = failures(hs_check(target_org_id="OTHER@AdobeOrg", approve_as="partner"))
    assert "not the target" in found["approve_as"]


def test_handshake_diff() -> None:
    prov = HandshakeProvider()
    olds = {"target_org_id": PARTNER_ORG, "linking_id": "l", "status": "APPROVAL_PENDING"}
    assert prov.diff("l", olds, {"target_org_id": PARTNER_ORG}).changes is False
    d = prov.diff("l", olds, {"target_org_id": PARTNER_ORG, "approve_as": "partner"})
    assert (d.changes, d.replaces) == (True, [])
    d = prov.diff("l", olds, {"target_org_id": "X@AdobeOrg"})
    assert d.replaces == ["target_org_id"]


# -- Transfer ----------------------------------------------------------------------
def tr_check(**news: Any) -> CheckResult:
    return TransferProvider().check({}, {"__provider": "blob", **news})


def test_transfer_check_private_and_public_shapes() -> None:
    assert tr_check(package_id=PKG_ID, target_org_id=PARTNER_ORG).failures == []
    assert (
        tr_check(
            package_id=PKG_ID, source_org_id=ACME_ORG, request_type="PUBLIC", org="partner"
        ).failures
        == []
    )
    assert "needs target_org_id" in failures(tr_check(package_id=PKG_ID))["target_org_id"]
    found = failures(tr_check(package_id=PKG_ID, request_type="PUBLIC"))
    assert "needs source_org_id" in found["source_org_id"]
    found = failures(
        tr_check(package_id=PKG_ID, target_org_id=PARTNER_ORG, source_org_id=PARTNER_ORG)
    )
    assert "PUBLIC" in found["source_org_id"]
    # Unknown values during preview are not judged.
    assert tr_check(package_id=PKG_ID, target_org_id=Unknown()).failures == []


def test_transfer_diff_replaces_on_any_change() -> None:
    prov = TransferProvider()
    inputs = tr_check(package_id=PKG_ID, target_org_id=PARTNER_ORG).inputs
    olds = {**inputs, "transfer_id": "t", "status": "COMPLETED"}
    assert prov.diff("t", olds, inputs).changes is False
    d = prov.diff("t", olds, {**inputs, "package_id": "f" * 32})
    assert d.replaces == ["package_id"]


def test_numbers_arrive_as_floats_from_the_engine() -> None:
    # The engine's property values are protobuf doubles.
    result = pkg_check(name="p", artifacts=[GOLD], expiry=4070908800000.0)
    assert result.inputs["expiry"] == 4070908800000 and isinstance(result.inputs["expiry"], int)
    pub = pub_check({}, package_id=PKG_ID, expiry_period_days=30.0, timeout_seconds=60.0)
    assert pub.failures == [] and pub.inputs["expiry_period_days"] == 30


def test_an_unknown_inside_a_list_leaves_the_whole_property_unchecked() -> None:
    artifacts = [GOLD, {"id": Unknown(), "type": "PROFILE_SEGMENT"}]
    result = pkg_check(name="p", artifacts=artifacts)
    assert result.failures == []
    assert result.inputs["artifacts"] is artifacts
