"""Bad provider configuration is refused at preview: by the providers' `check` (through
`_base.config_failures`), before any API call, one failure per mistake, each naming the key
and giving one fix, none repeating a secret.

No API: configure() is called the way the engine's provider host calls it, and the platform
URL of the good configuration is a closed port.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from pulumi.dynamic import CheckFailure, ConfigureRequest
from pulumi.dynamic.config import Config

from sandbox_provider.resources import HandshakeProvider, PackageProvider, _base, _config, errors

SECRET = "acme-SECRET-7f3a"
PARTNER_SECRET = "partner-SECRET-91bc"
PARTNER_ORG = "PRTN0000000000000000B002@AdobeOrg"
PARTNER = {"orgId": PARTNER_ORG, "clientId": "partner-client-id", "clientSecret": PARTNER_SECRET}
GOOD: dict[str, Any] = {
    "aep:platformUrl": "http://127.0.0.1:9",
    "aep:imsUrl": "http://127.0.0.1:9",
    "aep:orgId": "ACME0000000000000000A001@AdobeOrg",
    "aep:clientId": "acme-client-id",
    "aep:clientSecret": SECRET,
    "aep:sandbox": "dev",
    "aep:orgs": json.dumps({"partner": PARTNER}),
}
GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}


def configure(values: dict[str, Any]) -> None:
    PackageProvider().configure(ConfigureRequest(Config(values, project_name="test")))


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in _config.ENV_VARS.values():
        monkeypatch.delenv(var, raising=False)
    _config.clear_stack_config()
    yield
    _config.clear_stack_config()
    _base.forget_clients()


@dataclass
class Case:
    """One bad configuration: `config` changes the good one (None removes a key), `env` sets
    variables, `org` is the profile the resource picks, `key` must be named, `fix` given."""

    id: str
    key: str
    fix: str
    config: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    org: str | None = None
    profile: dict[str, Any] | None = None  # replaces the partner profile (org="partner")
    orgs: Any = None  # replaces aep:orgs as a whole
    secrets: tuple[str, ...] = ()  # values of this case that must not be repeated
    says: str = ""  # what the message must also say

    def stack_config(self) -> dict[str, Any]:
        values = dict(GOOD)
        if self.profile is not None:
            values["aep:orgs"] = json.dumps({"partner": self.profile})
        if self.orgs is not None:
            values["aep:orgs"] = self.orgs if isinstance(self.orgs, str) else json.dumps(self.orgs)
        for k, v in self.config.items():
            if v is None:
                values.pop(k, None)
            else:
                values[k] = v
        return values


def default(id: str, key: str, value: Any, fix: str, says: str = "", **kw: Any) -> Case:
    return Case(id, f"aep:{key}", fix, config={f"aep:{key}": value}, says=says, **kw)


def profile(id: str, key: str, value: Any, fix: str, says: str = "", **kw: Any) -> Case:
    body = {**PARTNER, key: value}
    return Case(
        id,
        f"aep:orgs profile 'partner' {key}",
        fix,
        org="partner",
        profile=body,
        says=says,
        secrets=(str(value),) if isinstance(value, str) and len(value) > 3 else (),
        **kw,
    )


NO_SECRET = {k: v for k, v in GOOD.items() if k != "aep:clientSecret"}

CASES = [
    # -- org ids ---------------------------------------------------------------------------------
    default("org-id-no-suffix", "orgId", "acme", "Developer Console", "not an IMS org id"),
    default(
        "org-id-wrong-case",
        "orgId",
        "ACME0000000000000000A001@adobeorg",
        "ACME0000000000000000A001@AdobeOrg",
        "must end in '@AdobeOrg'",
    ),
    default(
        "org-id-leading-space",
        "orgId",
        " ACME0000000000000000A001@AdobeOrg",
        "remove it",
        "leading or trailing whitespace",
    ),
    default(
        "org-id-trailing-newline",
        "orgId",
        "ACME0000000000000000A001@AdobeOrg\n",
        "pulumi config set aep:orgId ACME0000000000000000A001@AdobeOrg",
        "leading or trailing whitespace",
    ),
    default("org-id-inner-space", "orgId", "ACME 0001@AdobeOrg", "remove it", "whitespace"),
    default("org-id-control", "orgId", "ACME\x000001@AdobeOrg", "remove it", "control"),
    default("org-id-non-ascii", "orgId", "ACMÉ0001@AdobeOrg", "remove it", "non-ASCII"),
    default("org-id-suffix-only", "orgId", "@AdobeOrg", "Developer Console", "not an IMS org id"),
    default(
        "org-id-twice", "orgId", "A001@AdobeOrg@AdobeOrg", "Developer Console", "not an IMS org"
    ),
    Case(
        "org-id-from-env",
        "aep:orgId (from AEP_ORG_ID)",
        "Developer Console",
        config={"aep:orgId": None},
        env={"AEP_ORG_ID": "acme-org"},
    ),
    # -- sandbox names ---------------------------------------------------------------------------
    default(
        "sandbox-space",
        "sandbox",
        "my sandbox",
        "not its title",
        "pulumi config set aep:sandbox prod`",
    ),
    default(
        "sandbox-newline",
        "sandbox",
        "dev\n",
        "not its title",
        "pulumi config set aep:sandbox prod`",
    ),
    default(
        "sandbox-leading-dash",
        "sandbox",
        "-dev",
        "not its title",
        "pulumi config set aep:sandbox prod`",
    ),
    default(
        "sandbox-slash",
        "sandbox",
        "dev/prod",
        "not its title",
        "pulumi config set aep:sandbox prod`",
    ),
    default(
        "sandbox-non-ascii",
        "sandbox",
        "dév",
        "not its title",
        "pulumi config set aep:sandbox prod`",
    ),
    default(
        "sandbox-dot", "sandbox", "dev.1", "not its title", "pulumi config set aep:sandbox prod`"
    ),
    # -- URLs ------------------------------------------------------------------------------------
    default(
        "platform-url-with-exim-path",
        "platformUrl",
        "https://platform.adobe.io/data/foundation/exim",
        "drop the path",
        "pulumi config set aep:platformUrl https://platform.adobe.io`",
    ),
    default("platform-url-no-scheme", "platformUrl", "platform.adobe.io", "scheme and host"),
    default("platform-url-ftp", "platformUrl", "ftp://platform.adobe.io", "scheme and host"),
    default(
        "platform-url-query",
        "platformUrl",
        "https://platform.adobe.io?region=va7",
        "drop the query",
    ),
    default(
        "platform-url-fragment", "platformUrl", "https://platform.adobe.io/#x", "drop the fragment"
    ),
    default(
        "platform-url-credentials",
        "platformUrl",
        "https://bob:hunter2pw@platform.adobe.io",
        "drop them",
        "https://platform.adobe.io",
        secrets=("hunter2pw", "bob:"),
    ),
    default("platform-url-no-host", "platformUrl", "https://", "scheme and host", "no host"),
    default("platform-url-bad-port", "platformUrl", "https://platform.adobe.io:99999", "e.g."),
    default("platform-url-space", "platformUrl", "https://platform.adobe.io /", "scheme and host"),
    default(
        "ims-url-token-path",
        "imsUrl",
        "https://ims-na1.adobelogin.com/ims/token/v3",
        "drop the path",
        "https://ims-na1.adobelogin.com`",
    ),
    default("ims-url-no-scheme", "imsUrl", "ims-na1.adobelogin.com", "scheme and host"),
    # -- credentials: never repeated ---------------------------------------------------------------
    default("client-id-newline", "clientId", "acme-client-id\n", "set it again without it"),
    default("client-id-space", "clientId", "acme client id", "set it again without it"),
    default(
        "client-secret-newline",
        "clientSecret",
        "acme-SECRET-newline\n",
        "set it again without it",
        "pulumi config set --secret aep:clientSecret",
        secrets=("acme-SECRET-newline",),
    ),
    default(
        "client-secret-control",
        "clientSecret",
        "acme-SECRET\x07bell",
        "set it again without it",
        secrets=("acme-SECRET", "bell"),
    ),
    default(
        "client-secret-non-ascii",
        "clientSecret",
        "acme-SECRET-é-x",
        "set it again without it",
        secrets=("acme-SECRET-é-x",),
    ),
    Case(
        "access-token-with-bearer",
        "aep:accessToken",
        "without 'Bearer '",
        config={**{k: None for k in GOOD if k not in NO_SECRET}, "aep:accessToken": "Bearer tk-9"},
        secrets=("tk-9",),
    ),
    default(
        "access-token-space",
        "accessToken",
        "eyJ0eXAi OiJKV1Qi",
        "set it again without it",
        secrets=("eyJ0eXAi", "OiJKV1Qi"),
    ),
    # -- scopes ----------------------------------------------------------------------------------
    default("scopes-empty", "scopes", ",,,", "separated by commas", "lists no scope"),
    default("scopes-semicolons", "scopes", "openid;AdobeID", "separated by commas", "malformed"),
    default("scopes-tab", "scopes", "openid,\tAdobeID", "separated by commas", "malformed"),
    # -- the retry budget --------------------------------------------------------------------------
    default(
        "retry-zero", "retryTimeoutSeconds", "0", "give a number of seconds", "positive number"
    ),
    default(
        "retry-negative", "retryTimeoutSeconds", "-5", "give a number of seconds", "positive number"
    ),
    default(
        "retry-text",
        "retryTimeoutSeconds",
        "5 minutes",
        "give a number of seconds",
        "positive number",
    ),
    default(
        "retry-nan", "retryTimeoutSeconds", "nan", "give a number of seconds", "positive number"
    ),
    default(
        "retry-inf", "retryTimeoutSeconds", "inf", "give a number of seconds", "positive number"
    ),
    Case(
        "retry-from-env",
        "aep:retryTimeoutSeconds (from AEP_RETRY_TIMEOUT_SECONDS)",
        "give a number of seconds",
        env={"AEP_RETRY_TIMEOUT_SECONDS": "soon"},
    ),
    # -- aep:orgs as a whole -------------------------------------------------------------------
    Case(
        "orgs-not-json", "aep:orgs", "JSON object", org="partner", orgs='{"partner": {', says="JSON"
    ),
    Case("orgs-a-list", "aep:orgs", "JSON object", org="partner", orgs="[]"),
    Case("orgs-profile-not-object", "aep:orgs", "JSON object", org="partner", orgs={"partner": 1}),
    Case(
        "orgs-profile-named-default",
        "aep:orgs profile name 'default'",
        "rename that entry",
        orgs={"partner": PARTNER, "default": PARTNER},
    ),
    Case(
        "orgs-profile-name-space",
        "aep:orgs profile name 'par tner'",
        "rename that entry",
        org="partner",
        orgs={"par tner": PARTNER},
    ),
    Case(
        "orgs-profile-name-empty",
        "aep:orgs profile name ''",
        "rename that entry",
        org="partner",
        orgs={"": PARTNER, "partner": PARTNER},
    ),
    Case(
        "orgs-unknown-key",
        "aep:orgs profile 'partner'",
        "did you mean 'clientSecret'?",
        org="partner",
        profile={**PARTNER, "clientSecrt": "partner-SECRET-typo"},
        secrets=("partner-SECRET-typo",),
    ),
    # -- a named profile's own values: named, never quoted ----------------------------------------
    profile("profile-org-id", "orgId", "partner-org", "Developer Console", "not an IMS org id"),
    profile("profile-org-id-number", "orgId", 12345, "Developer Console", "must be a string"),
    profile("profile-org-id-space", "orgId", "PRTN 0002@AdobeOrg", "remove it", "whitespace"),
    profile("profile-sandbox", "sandbox", "partner sandbox", "not its title", "sandbox name"),
    profile(
        "profile-platform-url-path",
        "platformUrl",
        "https://platform.adobe.io/data/foundation/exim",
        "drop the path",
        "in the `partner` entry of aep:orgs",
    ),
    profile("profile-ims-url-query", "imsUrl", "https://ims.example?x=partner-q", "drop the query"),
    profile("profile-client-secret-newline", "clientSecret", "partner-SECRET-nl\n", "without it"),
    profile("profile-access-token-bearer", "accessToken", "Bearer ptk-1234", "without 'Bearer '"),
    profile("profile-client-id-space", "clientId", "partner client", "without it"),
    profile("profile-scopes-numbers", "scopes", [1, 2], "separated by commas", "list of strings"),
    profile("profile-retry-negative", "retryTimeoutSeconds", -1, "give a number of seconds"),
    profile("profile-retry-bool", "retryTimeoutSeconds", True, "give a number of seconds"),
    profile("profile-retry-text", "retryTimeoutSeconds", "later", "give a number of seconds"),
    Case(
        "profile-missing-client-id",
        "aep:orgs profile 'partner' has no clientId",
        "add it in the `partner` entry of aep:orgs",
        org="partner",
        profile={k: v for k, v in PARTNER.items() if k != "clientId"},
    ),
    Case(
        "profile-missing-credentials",
        "aep:orgs profile 'partner' has neither clientSecret nor accessToken",
        "add one in the `partner` entry",
        org="partner",
        profile={k: v for k, v in PARTNER.items() if k != "clientSecret"},
    ),
    Case(
        "profile-inherits-a-bad-sandbox",
        "aep:sandbox",
        "not its title",
        org="partner",
        config={"aep:sandbox": "dev box"},
    ),
    # -- unknown profiles --------------------------------------------------------------------------
    Case(
        "profile-unknown-typo",
        "aep:orgs",
        "did you mean 'partner'?",
        org="partnr",
        says="'partnr' is not defined in aep:orgs (defined: partner)",
    ),
    Case(
        "profile-unknown-no-profiles",
        "aep:orgs",
        "pulumi config set --secret aep:orgs",
        org="ghost",
        config={"aep:orgs": None},
        says="(defined: none)",
    ),
    # -- missing values ----------------------------------------------------------------------------
    Case("missing-org-id", "aep:orgId", "pulumi config set aep:orgId", config={"aep:orgId": None}),
    Case(
        "missing-secret",
        "aep:clientSecret",
        "pulumi config set --secret aep:clientSecret",
        config={"aep:clientSecret": None},
    ),
]


def _secrets(case: Case, config: dict[str, Any]) -> list[str]:
    out = [SECRET, PARTNER_SECRET, *case.secrets]
    orgs = config.get("aep:orgs")
    if isinstance(orgs, str) and len(orgs) > 8:
        out.append(orgs)  # the orgs JSON as given
    return out


def run(case: Case, monkeypatch: pytest.MonkeyPatch) -> tuple[list[CheckFailure], list[str]]:
    for var, value in case.env.items():
        monkeypatch.setenv(var, value)
    config = case.stack_config()
    configure(config)
    return _base.config_failures(case.org), _secrets(case, config)


def test_the_cases_are_distinct_and_many() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 40
    worlds = {json.dumps([c.stack_config(), c.env, c.org], sort_keys=True) for c in CASES}
    assert len(worlds) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_configuration_names_the_key_and_the_fix_and_no_secret(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    failures, secrets = run(case, monkeypatch)
    assert len(failures) == 1, [f.reason for f in failures]
    (failure,) = failures
    reason = failure.reason
    assert case.key in reason
    assert case.fix in reason
    assert case.says in reason
    # Key first, then what is wrong, then the fix.
    assert reason.index(case.key.split(" (")[0]) < reason.index(case.fix)
    for secret in secrets:
        assert secret not in reason
    # A named profile's problem belongs to `org`, the default profile's to no property.
    assert failure.property == ("org" if case.org else "")
    # check and resolve agree: what the preview lets through, `up` can act with.
    with pytest.raises(errors.ConfigError):
        _config.resolve(case.org)


@pytest.mark.parametrize(
    "case",
    [
        c
        for c in CASES
        if c.id in {"platform-url-with-exim-path", "org-id-no-suffix", "orgs-a-list"}
    ],
    ids=lambda c: c.id,
)
def test_a_resource_check_reports_it_before_any_api_call(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var, value in case.env.items():
        monkeypatch.setenv(var, value)
    configure(case.stack_config())
    news = {"name": "pkg", "source_sandbox": "dev", "artifacts": [GOLD]}
    if case.org:
        news["org"] = case.org
    result = PackageProvider().check({}, news)
    reasons = [f.reason for f in result.failures or []]
    assert any(case.key in r and case.fix in r for r in reasons), reasons
    assert not _base._CLIENTS  # no client was even built


def test_every_problem_is_reported_at_once() -> None:
    configure(
        {
            **GOOD,
            "aep:orgId": "acme",
            "aep:sandbox": "my box",
            "aep:platformUrl": "https://platform.adobe.io/data/foundation/exim",
            "aep:clientSecret": SECRET + "\n",
        }
    )
    reasons = [f.reason for f in _base.config_failures(None)]
    assert len(reasons) == 4
    for key in ("aep:orgId", "aep:sandbox", "aep:platformUrl", "aep:clientSecret"):
        assert sum(r.startswith(key + " ") for r in reasons) == 1, (key, reasons)
    assert not any(SECRET in r for r in reasons)


def test_handshake_approve_as_uses_the_same_checks() -> None:
    configure({**GOOD, "aep:orgs": json.dumps({"partner": {**PARTNER, "orgId": "partner"}})})
    checked = HandshakeProvider().check({}, {"target_org_id": PARTNER_ORG, "approve_as": "partner"})
    by_prop = {f.property: f.reason for f in checked.failures or []}
    assert "aep:orgs profile 'partner' orgId is not an IMS org id" in by_prop["approve_as"]
    configure(GOOD)
    checked = HandshakeProvider().check({}, {"target_org_id": PARTNER_ORG, "approve_as": "partnr"})
    reasons = [f.reason for f in checked.failures or [] if f.property == "approve_as"]
    assert (
        reasons and "(defined: partner)" in reasons[0] and "did you mean 'partner'?" in reasons[0]
    )


GOOD_VARIANTS: list[tuple[str, dict[str, Any], Callable[[_config.Profile], bool]]] = [
    ("trailing-slash", {"aep:platformUrl": "https://platform.adobe.io/"}, lambda p: True),
    ("ipv6-host", {"aep:platformUrl": "http://[::1]:8088"}, lambda p: True),
    ("https-port", {"aep:imsUrl": "https://ims.example:8443"}, lambda p: True),
    ("underscore-sandbox", {"aep:sandbox": "Dev_2-b"}, lambda p: p.sandbox == "Dev_2-b"),
    (
        "space-separated-scopes",
        {"aep:scopes": "openid AdobeID,read_organizations"},
        lambda p: p.scopes == ("openid", "AdobeID", "read_organizations"),
    ),
    ("retry-integer", {"aep:retryTimeoutSeconds": "600"}, lambda p: p.retry_timeout == 600.0),
    ("retry-fraction", {"aep:retryTimeoutSeconds": "0.5"}, lambda p: p.retry_timeout == 0.5),
    ("retry-unset", {}, lambda p: p.retry_timeout is None),
]


@pytest.mark.parametrize(
    ("values", "holds"), [v[1:] for v in GOOD_VARIANTS], ids=[v[0] for v in GOOD_VARIANTS]
)
def test_good_configuration_passes(
    values: dict[str, Any], holds: Callable[[_config.Profile], bool]
) -> None:
    configure({**GOOD, **values})
    assert _base.config_failures(None) == []
    assert _base.config_failures("partner") == []
    assert holds(_config.resolve(None))
