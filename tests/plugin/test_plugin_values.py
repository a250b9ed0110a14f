"""The plugin's conversions: PropertyValue <-> plain values, camelCase <-> snake_case, the
property a check failure names, and the configuration a Configure request carries."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping

import pytest
from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental.property_value import Computed, PropertyValue

from sandbox_provider.client.config import KEYS
from sandbox_provider.plugin.provider import AepProvider, config_from, failure_path
from sandbox_provider.plugin.schema import RESOURCES
from sandbox_provider.plugin.values import (
    UNKNOWN,
    camel,
    from_plain,
    from_plain_map,
    secret_keys,
    snake,
    to_plain,
    to_plain_map,
)


def test_every_core_name_round_trips_through_camel_case() -> None:
    names = {k.name for k in KEYS}
    for spec in RESOURCES:
        names |= set(spec.input_names()) | set(spec.outputs())
    for name in sorted(names):
        assert snake(camel(name)) == name, name
    assert camel("package_id") == "packageId"
    assert camel("ims_org_id") == "imsOrgId"
    assert snake("retryTimeoutSeconds") == "retry_timeout_seconds"


def test_whole_numbers_become_ints_and_the_rest_keeps_its_type() -> None:
    value = PropertyValue(
        {
            "expiry": PropertyValue(1893456000000.0),
            "ratio": PropertyValue(0.5),
            "flag": PropertyValue(True),
            "none": PropertyValue(None),
            "list": PropertyValue([PropertyValue("a"), PropertyValue(2.0)]),
        }
    )
    plain = to_plain(value)
    assert plain == {
        "expiry": 1893456000000,
        "ratio": 0.5,
        "flag": True,
        "none": None,
        "list": ["a", 2],
    }
    assert type(plain["expiry"]) is int and type(plain["flag"]) is bool


def test_unknowns_reach_the_core_as_the_sentinel_it_recognises() -> None:
    from sandbox_provider.resources._base import is_unknown

    assert to_plain(PropertyValue(Computed())) == UNKNOWN
    # What the engine really sends to a provider that takes no output values.
    assert is_unknown(to_plain(PropertyValue(UNKNOWN)))


def test_plain_values_go_out_as_protocol_numbers_and_keep_secrets() -> None:
    out = from_plain({"version": 3, "title": "x", "items": [1, True]})
    fields = out.value
    assert isinstance(fields, Mapping)
    assert fields["version"] == PropertyValue(3.0)
    assert fields["items"] == PropertyValue([PropertyValue(1.0), PropertyValue(True)])
    assert from_plain("s3cret", secret=True).is_secret
    # And they survive the wire.
    assert PropertyValue.unmarshal(out.marshal()) == out


def test_maps_translate_the_top_level_names_only() -> None:
    outs = {
        "package_id": "abc",
        "imported_artifacts": {"acme_seg_gold": "new-id"},
        "description": None,
        "__provider": "x",
    }
    wire = from_plain_map(outs, secret={"package_id"})
    assert set(wire) == {"packageId", "importedArtifacts"}
    assert wire["packageId"].is_secret
    # Nested keys are data (artifact ids): never renamed.
    assert to_plain(wire["importedArtifacts"]) == {"acme_seg_gold": "new-id"}
    assert to_plain_map(wire) == {
        "package_id": "abc",
        "imported_artifacts": {"acme_seg_gold": "new-id"},
    }
    assert secret_keys(wire) == {"package_id"}


@pytest.mark.parametrize(
    ("core", "wire"),
    [
        ("include_dependencies", "includeDependencies"),
        ("artifacts[0].type", "artifacts[0].type"),
        ("alternatives.acme_seg_gold.id", "alternatives.acme_seg_gold.id"),
        ("source_sandbox", "sourceSandbox"),
        ("", ""),
    ],
)
def test_a_failure_names_the_schema_property(core: str, wire: str) -> None:
    assert failure_path(core) == wire


def test_configure_takes_stack_variables_and_lets_provider_inputs_win() -> None:
    request = p.ConfigureRequest(
        variables={
            "aep:orgId": "ACME@AdobeOrg",
            "aep:config:clientId": "from-variables",
            "other:orgId": "not ours",
        },
        args={
            "clientId": PropertyValue("from-args"),
            "clientSecret": PropertyValue("s", is_secret=True),
            "orgs": PropertyValue(
                {"partner": PropertyValue({"orgId": PropertyValue("P@AdobeOrg")})}
            ),
            "sandbox": PropertyValue(""),
            "version": PropertyValue("0.1.0"),
        },
        accept_secrets=True,
        accept_resources=True,
    )
    config = config_from(request)
    assert config == {
        "aep:orgId": "ACME@AdobeOrg",
        "aep:clientId": "from-args",
        "aep:clientSecret": "s",
        "aep:orgs": json.dumps({"partner": {"orgId": "P@AdobeOrg"}}),
    }


def test_check_config_marks_every_credential_secret() -> None:
    news = {
        "clientSecret": PropertyValue("s"),
        "accessToken": PropertyValue("t"),
        "orgs": PropertyValue("{}"),
        "orgId": PropertyValue("ACME@AdobeOrg"),
    }
    request = p.CheckRequest("urn:pulumi:s::p::pulumi:providers:aep::default", {}, news, b"")
    resp = asyncio.run(AepProvider("0.1.0", workers=1).check_config(request))
    assert resp.inputs is not None
    secret = {k for k, v in resp.inputs.items() if v.is_secret}
    assert (
        secret
        == {k.key for k in KEYS if k.secret} & set(news)
        == {
            "clientSecret",
            "accessToken",
            "orgs",
        }
    )


def test_check_runs_the_core_and_names_the_camel_case_property() -> None:
    news = {
        "name": PropertyValue("pkg"),
        "sourceSandbox": PropertyValue("dev"),
        "artifacts": PropertyValue(
            [PropertyValue({"id": PropertyValue("a"), "type": PropertyValue("PROFILE_SEGMENT")})]
        ),
        "includeDependencies": PropertyValue("yes"),
        "packageTyp": PropertyValue("FULL"),
    }
    request = p.CheckRequest("urn:pulumi:s::p::aep:index:Package::pkg", {}, news, b"")
    resp = asyncio.run(AepProvider("0.1.0", workers=1).check(request))
    props = {f.property for f in resp.failures or []}
    assert "includeDependencies" in props
    assert "packageTyp" in props
    assert not any("_" in prop for prop in props if prop), props


def test_diff_details_the_changed_inputs_and_the_replacing_one() -> None:
    gold = {"id": PropertyValue("g"), "type": PropertyValue("PROFILE_SEGMENT")}
    olds = {
        "name": PropertyValue("old-name"),
        "packageType": PropertyValue("PARTIAL"),
        "sourceSandbox": PropertyValue("dev"),
        "artifacts": PropertyValue([PropertyValue(gold)]),
        "declaredArtifacts": PropertyValue([PropertyValue(gold)]),
        "dependencyArtifacts": PropertyValue([]),
        "status": PropertyValue("DRAFT"),
        "expiry": PropertyValue(4102444800000.0),
    }
    news = {
        "name": PropertyValue("new-name"),
        "packageType": PropertyValue("PARTIAL"),
        "sourceSandbox": PropertyValue("prod"),
        "artifacts": PropertyValue([PropertyValue(gold)]),
    }
    request = p.DiffRequest("urn:pulumi:s::p::aep:index:Package::pkg", "id1", olds, news, [])
    resp = asyncio.run(AepProvider("0.1.0", workers=1).diff(request))
    assert resp.changes is True
    assert resp.replaces == ["sourceSandbox"]
    kinds = {k: v.kind for k, v in resp.detailed_diff.items()}
    assert kinds == {
        "name": p.PropertyDiffKind.UPDATE,
        "sourceSandbox": p.PropertyDiffKind.UPDATE_REPLACE,
    }
