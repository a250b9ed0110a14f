"""Configuration: the `aep` stack settings and named org profiles, resolved per call.

Where a value comes from, first match wins:

1. the stack config the engine hands to the provider's `configure` (`aep:platformUrl`, ...),
2. the matching `AEP_*` environment variable (`AEP_PLATFORM_URL`, ...),
3. a built-in default (only for the platform URL, the IMS URL, the scopes, the sandbox, the
   retry budget and `aep:expiryWarningDays`; all from the one table of keys, defaults and
   rules, `sandbox_provider.client.config.KEYS`, which `ClientSettings.from_env` reads too).

`aep:orgs` (or `AEP_ORGS`) is a JSON object of named profiles,
`{"partner": {"orgId": ..., "clientId": ..., "clientSecret": ..., "sandbox": ...}}`. A
resource with `org="partner"` acts with that profile. A profile inherits the endpoints,
scopes, sandbox and retry budget of the default profile but never its credentials: acting as
another org with this org's secret would only ever fail later with a confusing 403.

Every value a profile uses is checked before it is used (`problems()`, run by each
provider's `check`, so at `pulumi preview`): the org id, the sandbox name, URLs that are a
host only, credentials that fit in an HTTP header, the scopes, the retry budget, the profile
names. A message names the key (`aep:platformUrl`, `aep:orgs profile 'partner' orgId`) and
one fix; it never repeats a secret (`aep:clientSecret`, `aep:accessToken`) nor anything from
`aep:orgs` but profile and key names.

The raw config is kept in a module-level registry rather than on the provider instance:
the provider object is pickled into the state (see `_base`), so nothing secret may live on it.
"""

from __future__ import annotations

import difflib
import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sandbox_provider.client.config import (
    BY_KEY,
    DEFAULT_EXPIRY_WARNING_DAYS,
    DEFAULT_IMS_URL,
    DEFAULT_PLATFORM_URL,
    DEFAULT_PROFILE,
    DEFAULT_SANDBOX,
    DEFAULT_SCOPES,
    ENV_VARS,
    INHERITED_KEYS,
    NAMESPACE,
    PROFILE_KEYS,
    REQUIRED_KEYS,
    SECRET_KEYS,
)
from sandbox_provider.client.rules import (
    CHECKS,
    PROFILE_NAME_RE,
    quote,
    retry_seconds,
    scopes_of,
    warning_days,
)

from .errors import ConfigError, config_label, profile_hint, set_hint

__all__ = [
    "NAMESPACE",
    "DEFAULT_PROFILE",
    "DEFAULT_PLATFORM_URL",
    "DEFAULT_IMS_URL",
    "DEFAULT_SCOPES",
    "DEFAULT_SANDBOX",
    "ENV_VARS",
    "SECRET_KEYS",
    "INHERITED_KEYS",
    "PROFILE_KEYS",
]


@dataclass(frozen=True)
class Profile:
    """Everything needed to act as one org. Never pickled, never written to outputs."""

    name: str
    platform_url: str
    ims_url: str
    org_id: str
    client_id: str
    client_secret: str | None
    scopes: tuple[str, ...]
    sandbox: str
    access_token: str | None
    #: The retry budget of one API call (seconds); None: the client's default.
    retry_timeout: float | None = None

    def __repr__(self) -> str:
        # Keeps secrets out of tracebacks and logs.
        return (
            f"Profile(name={self.name!r}, org_id={self.org_id!r}, "
            f"platform_url={self.platform_url!r}, sandbox={self.sandbox!r})"
        )


# -- the registry that configure() fills -------------------------------------------------------
_LOCK = threading.Lock()
_STACK_CONFIG: dict[str, Any] = {}


def set_stack_config(values: Mapping[str, Any]) -> bool:
    """Replace the stored `aep:*` settings (called from the provider's configure).

    Returns whether anything changed: the host configures each of the five providers with
    the same config, and only a real change should cost new clients (and tokens).
    """
    cleaned = {k: v for k, v in values.items() if v is not None and v != ""}
    with _LOCK:
        if cleaned == _STACK_CONFIG:
            return False
        _STACK_CONFIG.clear()
        _STACK_CONFIG.update(cleaned)
        return True


def clear_stack_config() -> None:
    with _LOCK:
        _STACK_CONFIG.clear()


def _stack_value(key: str) -> Any:
    with _LOCK:
        return _STACK_CONFIG.get(f"{NAMESPACE}:{key}")


def _lookup(key: str) -> tuple[Any, bool]:
    """The value of `aep:<key>` and whether it came from the environment variable."""
    value = _stack_value(key)
    if value is not None and value != "":
        return value, False
    return os.environ.get(ENV_VARS[key]) or None, True


def _raw(key: str) -> Any:
    return _lookup(key)[0]


# -- messages ----------------------------------------------------------------------------------
def _default_problem(key: str, value: Any, from_env: bool) -> ConfigError | None:
    """The problem with `aep:<key>` set to `value`, if any."""
    bad = CHECKS[key](value, key not in SECRET_KEYS)
    if bad is None:
        return None
    how = set_hint(key, bad.example or "...")
    if bad.example and not bad.exact:
        how = "e.g. " + how
    return ConfigError(key, f"{config_label(key, from_env)} {bad.reason}: {bad.fix}; {how}")


def _profile_problem(name: str, key: str, value: Any) -> ConfigError | None:
    bad = CHECKS[key](value, False)
    if bad is None:
        return None
    example = f' (e.g. "{key}": "{bad.example}")' if bad.example else ""
    where = f"{NAMESPACE}:orgs profile {name!r} {key}"
    return ConfigError("orgs", f"{where} {bad.reason}: {bad.fix}{example}, {profile_hint(name)}")


# -- profiles ----------------------------------------------------------------------------------
def _orgs_fix() -> str:
    return f"set {NAMESPACE}:orgs to a JSON object of profiles: " + set_hint("orgs")


_RESERVED = (
    f"{NAMESPACE}:orgs profile name {DEFAULT_PROFILE!r} is reserved for the default profile "
    f"({NAMESPACE}:orgId, {NAMESPACE}:clientId, ...): rename that entry of {NAMESPACE}:orgs and "
    "the `org=` that use it"
)


def _parse_profiles() -> tuple[dict[str, dict[str, Any]], list[ConfigError]]:
    """The `aep:orgs` profiles as given (not yet merged with the defaults), and what is wrong
    with its shape (JSON, names, keys). Only names and keys are ever quoted."""
    raw = _raw("orgs")
    if raw is None:
        return {}, []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno} column {exc.colno}"
            message = f"{NAMESPACE}:orgs is not valid JSON ({exc.msg} at {where}): {_orgs_fix()}"
            return {}, [ConfigError("orgs", message)]
    if not isinstance(raw, dict):
        return {}, [ConfigError("orgs", f"{NAMESPACE}:orgs must be a JSON object: {_orgs_fix()}")]
    profiles: dict[str, dict[str, Any]] = {}
    problems: list[ConfigError] = []
    for position, (key, body) in enumerate(raw.items(), 1):
        name = str(key)
        shown = quote(name, 40) if name.isprintable() else f"number {position}"
        if name == DEFAULT_PROFILE:
            problems.append(ConfigError("orgs", _RESERVED))
            continue
        if not PROFILE_NAME_RE.fullmatch(name):
            problems.append(
                ConfigError(
                    "orgs",
                    f"{NAMESPACE}:orgs profile name {shown} is not a profile name (1 to 64 "
                    "letters, digits, '-', '_' and '.', starting with a letter or a digit): "
                    f"rename that entry of {NAMESPACE}:orgs and the `org=` that use it",
                )
            )
            continue
        if not isinstance(body, dict):
            problems.append(
                ConfigError(
                    "orgs", f"{NAMESPACE}:orgs profile {name!r} must be an object: {_orgs_fix()}"
                )
            )
            continue
        unknown = sorted(str(k) for k in body if k not in PROFILE_KEYS)
        if unknown:
            shown_keys = [quote(k, 40) for k in unknown[:5]]
            close = difflib.get_close_matches(unknown[0], sorted(PROFILE_KEYS), n=1, cutoff=0.7)
            fix = (
                f"did you mean {close[0]!r}?"
                if close and len(unknown) == 1
                else f"use {', '.join(sorted(PROFILE_KEYS))}"
            )
            problems.append(
                ConfigError(
                    "orgs",
                    f"{NAMESPACE}:orgs profile {name!r} has unknown keys "
                    f"[{', '.join(shown_keys)}]: {fix}",
                )
            )
            continue
        profiles[name] = dict(body)
    return profiles, problems


def named_profiles() -> dict[str, dict[str, Any]]:
    """The `aep:orgs` profiles as given; raises ConfigError if `aep:orgs` is malformed."""
    profiles, problems = _parse_profiles()
    if problems:
        raise problems[0]
    return profiles


def profile_names() -> list[str]:
    return [DEFAULT_PROFILE, *named_profiles()]


def resolve(org: str | None = None) -> Profile:
    """The profile a resource acts with; raises ConfigError naming the key to set."""
    profile, problems = _build(org)
    if problems or profile is None:
        raise problems[0]
    return profile


def problems(org: str | None = None) -> list[ConfigError]:
    """Everything that stops acting as `org` (None: the default profile), one error each;
    empty exactly when `resolve(org)` succeeds."""
    return _build(org)[1]


def _build(org: str | None) -> tuple[Profile | None, list[ConfigError]]:
    name = org or DEFAULT_PROFILE
    if name == DEFAULT_PROFILE:
        default, found = _default_profile()
        # An aep:orgs entry named "default" would be silently shadowed by the default profile.
        found += [e for e in _parse_profiles()[1] if str(e) == _RESERVED]
        return (None, found) if found else (default, [])
    profiles, broken = _parse_profiles()
    if broken:
        return None, broken
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        close = difflib.get_close_matches(name, sorted(profiles), n=1, cutoff=0.6)
        guess = f"did you mean {close[0]!r}? If not, " if close else ""
        return None, [
            ConfigError(
                "orgs",
                f"org profile {name!r} is not defined in {NAMESPACE}:orgs (defined: {known}): "
                f"{guess}add it with `pulumi config set --secret {NAMESPACE}:orgs "
                f'\'{{"{name}": {{"orgId": ..., "clientId": ..., "clientSecret": ...}}}}\'` '
                f"or {ENV_VARS['orgs']}, or leave `org` unset to act as the default org",
            )
        ]
    body = profiles[name]
    errors: list[ConfigError] = []
    values: dict[str, Any] = {}
    for key in sorted(PROFILE_KEYS):
        value = body.get(key)
        if value is None or value == "":
            continue
        problem = _profile_problem(name, key, value)
        if problem:
            errors.append(problem)
        values[key] = value
    for key in INHERITED_KEYS:
        if key not in values:
            value, problem = _default_value(key)
            if problem:
                errors.append(problem)
            values[key] = value
    where = f"{NAMESPACE}:orgs profile {name!r}"
    for key in REQUIRED_KEYS:
        if key not in values:
            errors.append(ConfigError("orgs", f"{where} has no {key}: add it {profile_hint(name)}"))
    if "clientSecret" not in values and "accessToken" not in values:
        errors.append(
            ConfigError(
                "orgs",
                f"{where} has neither clientSecret nor accessToken: add one {profile_hint(name)}",
            )
        )
    if errors:
        return None, errors
    return _profile(name, values), []


# retryTimeoutSeconds has none here: unset, it leaves the budget to the client's policy
# (`_base.RETRY`, whose deadline is the same default), which tests shorten.
_DEFAULTS: dict[str, Any] = {
    key: BY_KEY[key].default
    for key in ("platformUrl", "imsUrl", "scopes", "sandbox", "expiryWarningDays")
}


def _default_value(key: str) -> tuple[Any, ConfigError | None]:
    """`aep:<key>` (or its environment variable, or the built-in default) and its problem."""
    value, from_env = _lookup(key)
    if value is None:
        return _DEFAULTS.get(key), None
    return value, _default_problem(key, value, from_env)


def _default_profile() -> tuple[Profile | None, list[ConfigError]]:
    errors: list[ConfigError] = []
    values: dict[str, Any] = {}
    for key in (*INHERITED_KEYS, "orgId", "clientId", "clientSecret", "accessToken"):
        value, problem = _default_value(key)
        if problem:
            errors.append(problem)
        values[key] = value
    # Not part of a profile, but a stack setting every resource's check should report.
    errors += [p for p in [_default_value("expiryWarningDays")[1]] if p is not None]
    for key in REQUIRED_KEYS:
        if not values[key]:
            errors.append(ConfigError(key, f"{NAMESPACE}:{key} is not set: " + set_hint(key)))
    if not values["clientSecret"] and not values["accessToken"]:
        errors.append(
            ConfigError(
                "clientSecret",
                f"{NAMESPACE}:clientSecret is not set (nor {NAMESPACE}:accessToken): "
                + set_hint("clientSecret"),
            )
        )
    if errors:
        return None, errors
    return _profile(DEFAULT_PROFILE, values), []


def expiry_warning_days() -> int:
    """`aep:expiryWarningDays`: a preview or up warns about a managed package expiring within
    this many days (0: never). A bad value is one of `problems()`; here it counts as unset."""
    value, problem = _default_value("expiryWarningDays")
    days = None if problem else warning_days(value)
    return DEFAULT_EXPIRY_WARNING_DAYS if days is None else days


def _profile(name: str, values: Mapping[str, Any]) -> Profile:
    """A Profile from checked values."""
    retry = values.get("retryTimeoutSeconds")
    return Profile(
        name=name,
        platform_url=str(values["platformUrl"]).rstrip("/"),
        ims_url=str(values["imsUrl"]).rstrip("/"),
        org_id=str(values["orgId"]),
        client_id=str(values["clientId"]),
        client_secret=values.get("clientSecret") or None,
        scopes=scopes_of(values["scopes"]),
        sandbox=str(values["sandbox"]),
        access_token=values.get("accessToken") or None,
        retry_timeout=None if retry is None else retry_seconds(retry),
    )
