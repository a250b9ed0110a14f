"""One configuration path: the provider's stack config (and its `AEP_*` fallback) and the
client's `ClientSettings.from_env` (which `sandbox-provider generate` and `check-live` use)
read the same variables with the same defaults and refuse the same values with the same
reason, from the one table (`client.config.KEYS`) and its rules (`client.rules.CHECKS`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sandbox_provider.cli import main
from sandbox_provider.client.config import BY_KEY, KEYS
from sandbox_provider.client.errors import ConfigurationError
from sandbox_provider.client.settings import ClientSettings
from sandbox_provider.resources import _config

ORG = "ACME0000000000000000A001@AdobeOrg"
SECRET = "s3cr3t-never-shown"
BASE = {"AEP_ORG_ID": ORG, "AEP_CLIENT_ID": "cid", "AEP_CLIENT_SECRET": SECRET}

#: One value each per-org rule refuses, and a word of the reason both paths give.
BAD = {
    "platformUrl": ("https://platform.adobe.io/data/foundation/exim", "drop the path"),
    "imsUrl": ("ims.example", "is not an http(s) URL"),
    "orgId": ("acme-org", "is not an IMS org id"),
    "clientId": (" cid", "has leading or trailing whitespace"),
    "clientSecret": (f"{SECRET}\n", "has leading or trailing whitespace"),
    "accessToken": (f"Bearer {SECRET}", "starts with 'Bearer '"),
    "scopes": ("openid;AdobeID", "has a malformed scope"),
    "sandbox": ("my sandbox", "is not a sandbox name"),
    "retryTimeoutSeconds": ("soon", "must be a positive number of seconds"),
}


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key in KEYS:
        monkeypatch.delenv(key.env, raising=False)
    _config.clear_stack_config()
    yield
    _config.clear_stack_config()


def test_every_per_org_rule_is_exercised() -> None:
    assert sorted(BAD) == sorted(k.key for k in KEYS if k.per_org and k.key != "orgs")


@pytest.mark.parametrize("key", sorted(BAD))
def test_a_bad_variable_is_refused_by_both_paths_with_the_same_reason(
    key: str, clean: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    value, reason = BAD[key]
    env = BY_KEY[key].env
    with pytest.raises(ConfigurationError) as client_error:
        ClientSettings.from_env({**BASE, env: value})
    monkeypatch.setenv(env, value)
    for name, given in BASE.items():
        if name != env:
            monkeypatch.setenv(name, given)
    provider_errors = [str(e) for e in _config.problems(None)]
    assert str(client_error.value).startswith(env), client_error.value
    assert reason in str(client_error.value)
    assert any(f"(from {env})" in e and reason in e for e in provider_errors), provider_errors
    # Neither path repeats a secret.
    assert SECRET not in str(client_error.value)
    assert all(SECRET not in e for e in provider_errors)


def test_both_paths_default_to_the_same_sandbox_and_endpoints(clean: None) -> None:
    settings = ClientSettings.from_env(BASE)
    _config.set_stack_config({"aep:orgId": ORG, "aep:clientId": "cid", "aep:clientSecret": "s"})
    profile = _config.resolve(None)
    assert settings.sandbox == profile.sandbox == BY_KEY["sandbox"].default == "prod"
    assert settings.platform_url == profile.platform_url == BY_KEY["platformUrl"].default
    assert settings.ims_url == profile.ims_url
    assert settings.scopes == profile.scopes
    # ...and a client built by hand calls with the same sandbox unless told otherwise.
    by_hand = ClientSettings(org_id=ORG, client_id="cid", access_token="t")
    assert by_hand.sandbox == "prod"
    assert (
        ClientSettings(org_id=ORG, client_id="cid", access_token="t", sandbox=None).sandbox is None
    )


def test_generate_refuses_a_platform_url_with_a_path_before_any_call(
    clean: None, tmp_path: Path
) -> None:
    env = {**BASE, "AEP_PLATFORM_URL": "http://127.0.0.1:9/data/foundation/exim"}
    result = CliRunner().invoke(main, ["generate", "--out", str(tmp_path / "p")], env=env)
    assert result.exit_code == 1
    assert "AEP_PLATFORM_URL must be a host only but has a path" in result.output
    assert "drop the path" in result.output and "use http://127.0.0.1:9" in result.output
    assert not (tmp_path / "p").exists()


def test_a_flag_goes_through_the_same_rule(clean: None, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["generate", "--out", str(tmp_path / "p"), "--sandbox-name", "my sandbox"],
        env=BASE,
    )
    assert result.exit_code == 1
    assert "sandbox is not a sandbox name" in result.output
