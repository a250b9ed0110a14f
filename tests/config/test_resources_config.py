"""Configuration of the resources: aep:* stack config, AEP_* fallback, named profiles.

No API: configure() is called the way the engine's provider host calls it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from sandbox_provider.resources import PackageProvider, _config
from sandbox_provider.resources.errors import ConfigError

ACME = {
    "aep:platformUrl": "http://127.0.0.1:9",
    "aep:imsUrl": "http://127.0.0.1:9",
    "aep:orgId": "ACME0000000000000000A001@AdobeOrg",
    "aep:clientId": "acme-client-id",
    "aep:clientSecret": "acme-client-secret",
    "aep:sandbox": "dev",
}
PARTNER = {
    "orgId": "PRTN0000000000000000B002@AdobeOrg",
    "clientId": "partner-client-id",
    "clientSecret": "partner-client-secret",
}


def configure(values: dict[str, Any]) -> None:
    PackageProvider().configure(ConfigureRequest(Config(values, project_name="test")))


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in _config.ENV_VARS.values():
        monkeypatch.delenv(var, raising=False)
    _config.clear_stack_config()
    yield
    _config.clear_stack_config()


def test_stack_config_makes_the_default_profile() -> None:
    configure(ACME)
    p = _config.resolve(None)
    assert p.org_id == ACME["aep:orgId"]
    assert p.client_secret == "acme-client-secret"
    assert p.sandbox == "dev"
    assert p.platform_url == "http://127.0.0.1:9"
    assert "acme-client-secret" not in repr(p)


def test_environment_is_the_fallback_and_stack_config_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEP_ORG_ID", "ENV0@AdobeOrg")
    monkeypatch.setenv("AEP_CLIENT_ID", "env-client")
    monkeypatch.setenv("AEP_CLIENT_SECRET", "env-secret")
    monkeypatch.setenv("AEP_SANDBOX", "envbox")
    configure({"aep:sandbox": "dev"})
    p = _config.resolve(None)
    assert (p.org_id, p.client_id, p.client_secret) == ("ENV0@AdobeOrg", "env-client", "env-secret")
    assert p.sandbox == "dev"
    assert p.platform_url == _config.DEFAULT_PLATFORM_URL


@pytest.mark.parametrize(
    ("missing", "env"),
    [
        ("aep:orgId", "AEP_ORG_ID"),
        ("aep:clientId", "AEP_CLIENT_ID"),
        ("aep:clientSecret", "AEP_CLIENT_SECRET"),
    ],
)
def test_a_missing_key_names_the_key_and_both_fixes(missing: str, env: str) -> None:
    configure({k: v for k, v in ACME.items() if k != missing})
    with pytest.raises(ConfigError) as err:
        _config.resolve(None)
    message = str(err.value)
    assert message.startswith(f"{missing} is not set")
    assert "pulumi config set" in message and missing in message and env in message


def test_an_access_token_replaces_the_secret() -> None:
    values = {k: v for k, v in ACME.items() if k != "aep:clientSecret"}
    configure({**values, "aep:accessToken": "tok"})
    assert _config.resolve(None).access_token == "tok"


def test_named_profiles_inherit_endpoints_and_sandbox_but_not_credentials() -> None:
    configure({**ACME, "aep:orgs": json.dumps({"partner": PARTNER})})
    p = _config.resolve("partner")
    assert p.org_id == PARTNER["orgId"]
    assert p.client_secret == "partner-client-secret"
    assert p.platform_url == "http://127.0.0.1:9" and p.sandbox == "dev"
    assert _config.profile_names() == ["default", "partner"]


def test_profiles_may_come_as_an_object_and_from_AEP_ORGS(monkeypatch: pytest.MonkeyPatch) -> None:
    configure({**ACME, "aep:orgs": {"partner": PARTNER}})
    assert _config.resolve("partner").client_id == "partner-client-id"
    _config.clear_stack_config()
    configure(ACME)
    monkeypatch.setenv("AEP_ORGS", json.dumps({"p2": PARTNER}))
    assert _config.resolve("p2").org_id == PARTNER["orgId"]


@pytest.mark.parametrize(
    ("orgs", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[1]", "must be a JSON object"),
        (json.dumps({"partner": {"orgId": "x@AdobeOrg"}}), "has no clientId"),
        (
            json.dumps({"partner": {"orgId": "x@AdobeOrg", "clientId": "c"}}),
            "neither clientSecret nor accessToken",
        ),
        (json.dumps({"partner": {**PARTNER, "clientSecrt": "x"}}), "unknown keys"),
    ],
)
def test_bad_profiles_say_what_to_fix(orgs: str, expected: str) -> None:
    configure({**ACME, "aep:orgs": orgs})
    with pytest.raises(ConfigError) as err:
        _config.resolve("partner")
    assert expected in str(err.value)
    assert "aep:orgs" in str(err.value)


def test_an_unknown_profile_lists_the_known_ones() -> None:
    configure({**ACME, "aep:orgs": json.dumps({"partner": PARTNER})})
    with pytest.raises(ConfigError) as err:
        _config.resolve("partnr")
    assert "'partnr' is not defined in aep:orgs (defined: partner)" in str(err.value)


def test_a_bad_url_is_refused() -> None:
    configure({**ACME, "aep:platformUrl": "platform.adobe.io"})
    with pytest.raises(ConfigError) as err:
        _config.resolve(None)
    assert "aep:platformUrl is not an http(s) URL" in str(err.value)


def test_the_provider_instance_holds_nothing_after_configure() -> None:
    provider = PackageProvider()
    provider.configure(ConfigureRequest(Config(ACME, project_name="test")))
    assert vars(provider) == {}
