"""`ClientSettings`: one set of defaults and rules with the provider's configuration, and
every mistake a `ConfigurationError` (never pydantic's own error, never echoing a secret)."""

from __future__ import annotations

from typing import Any

import pytest

import sandbox_provider
from sandbox_provider.client import ExImClient
from sandbox_provider.client.config import DEFAULT_SCOPES, KEYS
from sandbox_provider.client.errors import ConfigurationError
from sandbox_provider.client.rules import CHECKS
from sandbox_provider.client.settings import ClientSettings
from sandbox_provider.resources import _config

ORG = "ACME0000000000000000A001@AdobeOrg"
SECRET = "s3cr3t-value-never-shown"
BASE: dict[str, Any] = {"org_id": ORG, "client_id": "cid", "access_token": "tok"}


def test_the_client_and_the_provider_default_to_the_same_scopes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key in KEYS:
        monkeypatch.delenv(key.env, raising=False)
    _config.set_stack_config({"aep:orgId": ORG, "aep:clientId": "cid", "aep:clientSecret": "s"})
    try:
        assert _config.resolve(None).scopes == ClientSettings(**BASE).scopes == DEFAULT_SCOPES
    finally:
        _config.clear_stack_config()
    # Server-to-server credentials are not granted the user-login scope `session`.
    assert "session" not in DEFAULT_SCOPES


def test_the_user_agent_carries_the_package_version() -> None:
    expected = f"sandbox-provider-exim-client/{sandbox_provider.__version__}"
    assert ClientSettings(**BASE).user_agent == expected
    with ExImClient(**BASE) as client:
        assert client.settings.user_agent == expected


@pytest.mark.parametrize("scopes", ["openid;AdobeID", "openid,\tAdobeID", ["openid", "a b;c"]])
def test_a_malformed_scope_is_refused_by_the_client_as_by_the_provider_check(
    scopes: str | list[str],
) -> None:
    assert CHECKS["scopes"](scopes, True) is not None
    with pytest.raises(ConfigurationError, match="has a malformed scope"):
        # A str or list is what config gives; the field's before-validator takes both.
        ClientSettings(**BASE, scopes=scopes)  # type: ignore[arg-type]


def test_scopes_are_split_on_commas_and_spaces_as_in_stack_config() -> None:
    # The field is typed as the tuple it holds; these are the raw forms its validator splits.
    raw = "openid, AdobeID read_organizations,,"
    settings = ClientSettings(**BASE, scopes=raw)  # type: ignore[arg-type]
    assert settings.scopes == ("openid", "AdobeID", "read_organizations")
    from_list = ClientSettings(**BASE, scopes=["openid,AdobeID"])  # type: ignore[arg-type]
    assert from_list.scopes == ("openid", "AdobeID")


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({"timeout": "soon"}, "timeout"),
        ({"timeout": 0}, "timeout must be positive"),
        ({"max_connections": "many"}, "max_connections"),
        ({"retry": {"deadline": 5}}, "retry"),
        ({"platform_url": "ftp://x"}, "platform_url is not an http"),
        ({"org_id": ""}, "org_id is required"),
        ({"proxy": "http://p"}, "proxy"),
    ],
)
def test_a_bad_value_is_a_configuration_error_naming_the_field(
    change: dict[str, Any], names: str
) -> None:
    with pytest.raises(ConfigurationError, match=names):
        ClientSettings(**{**BASE, **change})


def test_a_wrongly_typed_secret_is_not_echoed() -> None:
    with pytest.raises(ConfigurationError, match="client_secret") as info:
        ClientSettings(**{**BASE, "client_secret": [SECRET]})
    assert SECRET not in str(info.value)


def test_overrides_are_checked_again_and_keep_the_rest() -> None:
    settings = ClientSettings(**BASE, sandbox="dev", timeout=5.0)
    changed = settings.with_overrides(platform_url="http://127.0.0.1:9/")
    assert changed.platform_url == "http://127.0.0.1:9"
    assert (changed.sandbox, changed.timeout, changed.retry) == ("dev", 5.0, settings.retry)
    with pytest.raises(ConfigurationError, match="platform_url"):
        settings.with_overrides(platform_url="ftp://x")
    assert hash(settings) == hash(ClientSettings(**BASE, sandbox="dev", timeout=5.0))
