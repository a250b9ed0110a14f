"""The configuration reference (docs/installation-configuration.md, its table generated from
`sandbox_provider.client.config.KEYS`) is the one in effect: each documented key, environment
variable, secrecy and default is the code's, every key is documented, the hand-written
paragraphs name the profile keys as they are, and the client and the resources really use
those defaults and variables."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from sandbox_provider.client.config import KEYS, Key
from sandbox_provider.client.settings import ClientSettings
from sandbox_provider.resources import _config

PAGE = Path(__file__).resolve().parents[2] / "docs" / "installation-configuration.md"
BY_KEY = {k.key: k for k in KEYS}


class Row(NamedTuple):
    key: str
    secret: bool
    env: str
    default: str


def _section() -> str:
    text = PAGE.read_text(encoding="utf-8")
    start = text.index("\n## Configuration\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def _rows() -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for line in _section().splitlines():
        if not line.startswith("| `aep:"):
            continue
        key_cell, env_cell, default_cell = (c.strip() for c in line.strip("|").split("|")[:3])
        key = re.fullmatch(r"`aep:(\w+)`( \(secret\))?", key_cell)
        env = re.fullmatch(r"`(AEP_\w+)`", env_cell)
        assert key and env, f"configuration row not understood: {line}"
        default = re.fullmatch(r"`([^`]*)`", default_cell)
        rows[key[1]] = Row(key[1], bool(key[2]), env[1], default[1] if default else default_cell)
    return rows


ROWS = _rows()


def _names(start: str, end: str) -> list[str]:
    """The backticked words of the configuration section between `start` and `end`."""
    text = " ".join(_section().split())
    begin = text.index(start)
    return re.findall(r"`(\w+)`", text[begin : text.index(end, begin)])


def test_the_table_lists_every_key_and_nothing_else() -> None:
    assert sorted(ROWS) == sorted(BY_KEY)


@pytest.mark.parametrize("key", KEYS, ids=lambda k: k.key)
def test_a_documented_key_has_the_code_s_variable_secrecy_and_default(key: Key) -> None:
    row = ROWS[key.key]
    assert row.env == key.env
    assert row.secret == key.secret
    if key.default_text is not None:
        assert row.default == key.default_text
    elif key.required:
        assert row.default == "required"
    else:
        assert row.default == "none" or row.default.startswith("required unless ")


def test_the_profile_paragraph_names_the_profile_keys_and_what_a_profile_inherits() -> None:
    # "`aep:orgs`: `{...}` (also `accessToken`, ...)": a profile takes every per-org key.
    example = re.findall(r'"(\w+)"', _section().split("`aep:orgs`: `", 1)[1].split("`", 1)[0])
    also = _names("(also `", ")")
    assert sorted(k for k in example + also if k != "partner") == sorted(_config.PROFILE_KEYS)
    inherited = _names("A profile inherits `", " from the default profile")
    assert inherited == list(_config.INHERITED_KEYS)


# -- the documented defaults are the ones in effect ------------------------------------------------
ORG = "ACME0000000000000000A001@AdobeOrg"


@pytest.fixture
def no_aep_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for row in ROWS.values():
        monkeypatch.delenv(row.env, raising=False)
    _config.clear_stack_config()
    yield
    _config.clear_stack_config()


def test_the_provider_s_default_profile_uses_the_documented_defaults(no_aep_env: None) -> None:
    _config.set_stack_config({"aep:orgId": ORG, "aep:clientId": "cid", "aep:clientSecret": "s"})
    profile = _config.resolve(None)
    assert profile.platform_url == ROWS["platformUrl"].default
    assert profile.ims_url == ROWS["imsUrl"].default
    assert ",".join(profile.scopes) == ROWS["scopes"].default
    assert profile.sandbox == ROWS["sandbox"].default
    assert str(_config.expiry_warning_days()) == ROWS["expiryWarningDays"].default


def test_the_client_uses_the_documented_defaults_and_variables() -> None:
    env = {
        ROWS["orgId"].env: ORG,
        ROWS["clientId"].env: "cid",
        ROWS["accessToken"].env: "tok",
    }
    settings = ClientSettings.from_env(env)
    assert settings.platform_url == ROWS["platformUrl"].default
    assert settings.ims_url == ROWS["imsUrl"].default
    assert ",".join(settings.scopes) == ROWS["scopes"].default
    assert f"{settings.retry.deadline:g}" == ROWS["retryTimeoutSeconds"].default
    given = {
        "platformUrl": "http://127.0.0.1:9",
        "imsUrl": "http://127.0.0.1:8",
        "clientSecret": "secret",
        "scopes": "openid,AdobeID",
        "sandbox": "dev",
        "retryTimeoutSeconds": "45",
    }
    settings = ClientSettings.from_env(env | {ROWS[k].env: v for k, v in given.items()})
    assert (settings.platform_url, settings.ims_url) == ("http://127.0.0.1:9", "http://127.0.0.1:8")
    assert settings.client_secret == "secret" and settings.access_token == "tok"
    assert settings.scopes == ("openid", "AdobeID") and settings.sandbox == "dev"
    assert settings.retry.deadline == 45.0


def test_the_provider_falls_back_to_each_documented_variable(
    no_aep_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = {
        "platformUrl": "http://127.0.0.1:9",
        "imsUrl": "http://127.0.0.1:8",
        "orgId": ORG,
        "clientId": "cid",
        "clientSecret": "secret",
        "scopes": "openid,AdobeID",
        "sandbox": "dev",
        "accessToken": "tok",
        "retryTimeoutSeconds": "45",
        "orgs": '{"partner": {"orgId": "P@AdobeOrg", "clientId": "p", "accessToken": "t"}}',
        "expiryWarningDays": "30",
    }
    assert sorted(given) == sorted(ROWS)
    for key, value in given.items():
        monkeypatch.setenv(ROWS[key].env, value)
    profile = _config.resolve(None)
    assert (profile.platform_url, profile.ims_url) == ("http://127.0.0.1:9", "http://127.0.0.1:8")
    assert (profile.org_id, profile.client_id, profile.client_secret) == (ORG, "cid", "secret")
    assert profile.scopes == ("openid", "AdobeID") and profile.sandbox == "dev"
    assert profile.access_token == "tok" and profile.retry_timeout == 45.0
    assert _config.resolve("partner").org_id == "P@AdobeOrg"
    assert _config.expiry_warning_days() == 30
