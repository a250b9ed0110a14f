"""Configuration: the `aep` stack settings and named org profiles, resolved per call.

Where a value comes from, first match wins:

1. the stack config the engine hands to the provider's `configure` (`aep:platformUrl`, ...),
2. the matching `AEP_*` environment variable (`AEP_PLATFORM_URL`, ...),
3. a built-in default (only for the platform URL, the IMS URL, the scopes, the sandbox and
   the retry budget).

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
import math
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlsplit

NAMESPACE = "aep"
DEFAULT_PROFILE = "default"

DEFAULT_PLATFORM_URL = "https://platform.adobe.io"
DEFAULT_IMS_URL = "https://ims-na1.adobelogin.com"
DEFAULT_SCOPES = "openid,AdobeID,read_organizations,additional_info.projectedProductContext"
DEFAULT_SANDBOX = "prod"
# Unset, `aep:retryTimeoutSeconds` leaves the retry budget of an API call to the client's
# `RetryPolicy.deadline` (300 s): see `_base.client_for`.

# config key (camelCase, as in `aep:<key>` and in the profiles JSON) -> environment variable
ENV_VARS: dict[str, str] = {
    "platformUrl": "AEP_PLATFORM_URL",
    "imsUrl": "AEP_IMS_URL",
    "orgId": "AEP_ORG_ID",
    "clientId": "AEP_CLIENT_ID",
    "clientSecret": "AEP_CLIENT_SECRET",
    "scopes": "AEP_SCOPES",
    "sandbox": "AEP_SANDBOX",
    "accessToken": "AEP_ACCESS_TOKEN",
    "orgs": "AEP_ORGS",
    "retryTimeoutSeconds": "AEP_RETRY_TIMEOUT_SECONDS",
}
SECRET_KEYS = frozenset({"clientSecret", "accessToken", "orgs"})
# What a named profile takes from the default profile when it doesn't say.
INHERITED_KEYS = ("platformUrl", "imsUrl", "scopes", "sandbox", "retryTimeoutSeconds")
PROFILE_KEYS = frozenset(
    {
        "platformUrl",
        "imsUrl",
        "orgId",
        "clientId",
        "clientSecret",
        "scopes",
        "sandbox",
        "accessToken",
        "retryTimeoutSeconds",
    }
)

# The patterns below are used with fullmatch() (`$` would let a trailing newline through).
#: An IMS org id: letters and digits (24 hex digits on the real platform), then `@AdobeOrg`.
ORG_ID_RE = re.compile(r"[A-Za-z0-9]+@AdobeOrg")
#: A sandbox name (the `x-sandbox-name` header), the same rule as the resources' inputs
#: (`_fields.SandboxName`); the reference pages give no stricter one.
SANDBOX_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
#: A profile name (what `org=` and `approve_as=` say).
PROFILE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
#: One OAuth scope, e.g. `additional_info.projectedProductContext`.
SCOPE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]*")
_CONTROL_OR_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


class ConfigError(ValueError):
    """A missing or wrong setting; `key` is what to set, the message says how."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


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


# -- checks of single values -------------------------------------------------------------------
class Bad(NamedTuple):
    """What is wrong with a value, the fix, and a value to show in the fix: the corrected value
    (`exact`) or a generic example. Checkers only derive anything from the value when told they
    may `echo` it (never for secrets nor anything in aep:orgs)."""

    reason: str
    fix: str
    example: str | None = None
    exact: bool = False


Verdict = Bad | None


def _quote(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _got(value: Any, echo: bool) -> str:
    return f" (got {_quote(value)})" if echo else ""


def _text_defect(value: str) -> str | None:
    """What makes `value` unfit for an HTTP header: whitespace, control or non-ASCII chars."""
    if value != value.strip():
        return "has leading or trailing whitespace"
    if _CONTROL_OR_SPACE.search(value):
        return "contains whitespace or a control character"
    if not value.isascii():
        return "contains a non-ASCII character"
    return None


def _check_org_id(value: Any, echo: bool) -> Verdict:
    fix = "copy the organization id from the Adobe Developer Console project"
    if not isinstance(value, str):
        return Bad("must be a string", fix)
    defect = _text_defect(value)
    if defect:
        stripped = value.strip()
        if echo and ORG_ID_RE.fullmatch(stripped):
            return Bad(f"{defect}{_got(value, echo)}", "remove it", stripped, exact=True)
        return Bad(f"{defect}{_got(value, echo)}", "remove it")
    if ORG_ID_RE.fullmatch(value):
        return None
    fixed = value[:-9] + "@AdobeOrg"
    if value.lower().endswith("@adobeorg") and ORG_ID_RE.fullmatch(fixed):
        reason = f"must end in '@AdobeOrg' (that case){_got(value, echo)}"
        return Bad(reason, "fix the case", fixed, exact=True) if echo else Bad(reason, "fix it")
    return Bad(
        "is not an IMS org id (letters and digits, then '@AdobeOrg', like "
        f"'ABCDEF0123456789ABCDEF01@AdobeOrg'){_got(value, echo)}",
        fix,
    )


def _check_sandbox(value: Any, echo: bool) -> Verdict:
    fix = "give the sandbox's name (not its title)"
    if not isinstance(value, str):
        return Bad("must be a string", fix, DEFAULT_SANDBOX)
    if SANDBOX_RE.fullmatch(value):
        return None
    return Bad(
        f"is not a sandbox name (letters, digits, '-' and '_', starting with a letter or a "
        f"digit){_got(value, echo)}",
        fix,
        DEFAULT_SANDBOX,
    )


def _url_checker(default: str) -> Callable[[Any, bool], Verdict]:
    def check(value: Any, echo: bool) -> Verdict:
        write = "write it as scheme and host only"
        if not isinstance(value, str):
            return Bad("must be a string", write, default)
        if _CONTROL_OR_SPACE.search(value) or not value.isascii():
            return Bad("contains whitespace, a control or a non-ASCII character", write, default)
        try:
            parts = urlsplit(value)
            _ = parts.port  # raises for a port that is not a number in range
        except ValueError:
            return Bad(f"is not a valid URL{_got(value, echo)}", write, default)
        if "@" in parts.netloc:
            # Never quoted: what is before the '@' is a user name and maybe a password.
            host = parts.netloc.rsplit("@", 1)[1]
            fix = "drop them (the provider authenticates with clientId and clientSecret)"
            if echo and host and parts.scheme in ("http", "https"):
                return Bad(
                    "must not carry credentials ('user:password@')",
                    fix,
                    f"{parts.scheme}://{host}",
                    exact=True,
                )
            return Bad("must not carry credentials ('user:password@')", fix, default)
        if parts.scheme not in ("http", "https"):
            return Bad(f"is not an http(s) URL{_got(value, echo)}", write, default)
        if not parts.hostname:
            return Bad(f"has no host{_got(value, echo)}", write, default)
        base = f"{parts.scheme}://{parts.netloc}"
        extras = [
            name
            for name, present in (
                ("path", parts.path not in ("", "/")),
                ("query", "?" in value),
                ("fragment", "#" in value),
            )
            if present
        ]
        if extras:
            what = " and ".join(extras)
            seen = f" ({_quote(value[len(base) :])})" if echo else ""
            reason = f"must be a host only but has a {what}{seen}"
            fix = f"drop the {what} (the provider adds the API's own)"
            return Bad(reason, fix, base, exact=True) if echo else Bad(reason, fix, default)
        return None

    return check


def _check_credential(key: str) -> Callable[[Any, bool], Verdict]:
    def check(value: Any, _echo: bool) -> Verdict:
        # Never quoted: clientSecret and accessToken are secrets, and a clientId with a
        # defect may well be a secret pasted in the wrong place.
        again = "set it again without it"
        if not isinstance(value, str):
            return Bad("must be a string", "give it as text")
        if key == "accessToken" and value[:7].lower() == "bearer ":
            return Bad("starts with 'Bearer '", "give the token alone, without 'Bearer '")
        defect = _text_defect(value)
        if defect is None:
            return None
        if defect.startswith("has leading"):
            again += " (a copied newline or space comes along easily)"
        return Bad(f"{defect}, which an HTTP request cannot carry", again)

    return check


def _check_scopes(value: Any, echo: bool) -> Verdict:
    fix = "list scopes separated by commas"
    if isinstance(value, list | tuple):
        if not all(isinstance(v, str) for v in value):
            return Bad("must be a list of strings or a comma-separated string", fix, DEFAULT_SCOPES)
        items = [s for v in value for s in _split_scopes(v)]
    elif isinstance(value, str):
        items = _split_scopes(value)
    else:
        return Bad("must be a comma-separated string", fix, DEFAULT_SCOPES)
    if not items:
        return Bad("lists no scope", fix, DEFAULT_SCOPES)
    bad = [s for s in items if not SCOPE_RE.fullmatch(s)]
    if bad:
        return Bad(
            f"has a malformed scope{_got(bad[0], echo)} (a scope is letters, digits and "
            "'_', '.', ':', '/', '-')",
            fix,
            DEFAULT_SCOPES,
        )
    return None


def _check_retry_timeout(value: Any, echo: bool) -> Verdict:
    if _retry_seconds(value) is None:
        return Bad(
            f"must be a positive number of seconds{_got(value, echo)}",
            "give a number of seconds (the default is 300), or leave it unset",
            "300",
        )
    return None


_CHECKS: dict[str, Callable[[Any, bool], Verdict]] = {
    "platformUrl": _url_checker(DEFAULT_PLATFORM_URL),
    "imsUrl": _url_checker(DEFAULT_IMS_URL),
    "orgId": _check_org_id,
    "clientId": _check_credential("clientId"),
    "clientSecret": _check_credential("clientSecret"),
    "accessToken": _check_credential("accessToken"),
    "scopes": _check_scopes,
    "sandbox": _check_sandbox,
    "retryTimeoutSeconds": _check_retry_timeout,
}


def _split_scopes(value: str) -> list[str]:
    return [s for s in value.replace(" ", ",").split(",") if s]


def _scopes(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(s for v in value for s in _split_scopes(str(v)))
    return tuple(_split_scopes(str(value)))


def _retry_seconds(value: Any) -> float | None:
    """A positive, finite number of seconds from a number or its text; None if it is not."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    return number if number is not None and 0 < number < math.inf else None


# -- messages ----------------------------------------------------------------------------------
def _set_hint(key: str, example: str = "...") -> str:
    secret = "--secret " if key in SECRET_KEYS else ""
    return f"run `pulumi config set {secret}{NAMESPACE}:{key} {example}` or set {ENV_VARS[key]}"


def _profile_hint(name: str) -> str:
    return (
        f"in the `{name}` entry of {NAMESPACE}:orgs "
        f"(`pulumi config set --secret {NAMESPACE}:orgs '{{\"{name}\": {{...}}}}'`) or AEP_ORGS"
    )


def _label(key: str, from_env: bool) -> str:
    return f"{NAMESPACE}:{key}" + (f" (from {ENV_VARS[key]})" if from_env else "")


def _default_problem(key: str, value: Any, from_env: bool) -> ConfigError | None:
    """The problem with `aep:<key>` set to `value`, if any."""
    bad = _CHECKS[key](value, key not in SECRET_KEYS)
    if bad is None:
        return None
    how = _set_hint(key, bad.example or "...")
    if bad.example and not bad.exact:
        how = "e.g. " + how
    return ConfigError(key, f"{_label(key, from_env)} {bad.reason}: {bad.fix}; {how}")


def _profile_problem(name: str, key: str, value: Any) -> ConfigError | None:
    bad = _CHECKS[key](value, False)
    if bad is None:
        return None
    example = f' (e.g. "{key}": "{bad.example}")' if bad.example else ""
    where = f"{NAMESPACE}:orgs profile {name!r} {key}"
    return ConfigError("orgs", f"{where} {bad.reason}: {bad.fix}{example}, {_profile_hint(name)}")


# -- profiles ----------------------------------------------------------------------------------
def _orgs_fix() -> str:
    return f"set {NAMESPACE}:orgs to a JSON object of profiles: " + _set_hint("orgs")


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
        shown = _quote(name, 40) if name.isprintable() else f"number {position}"
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
            shown_keys = [_quote(k, 40) for k in unknown[:5]]
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
                "or AEP_ORGS, or leave `org` unset to act as the default org",
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
    for key in ("orgId", "clientId"):
        if key not in values:
            errors.append(
                ConfigError("orgs", f"{where} has no {key}: add it {_profile_hint(name)}")
            )
    if "clientSecret" not in values and "accessToken" not in values:
        errors.append(
            ConfigError(
                "orgs",
                f"{where} has neither clientSecret nor accessToken: add one {_profile_hint(name)}",
            )
        )
    if errors:
        return None, errors
    return _profile(name, values), []


_DEFAULTS: dict[str, Any] = {
    "platformUrl": DEFAULT_PLATFORM_URL,
    "imsUrl": DEFAULT_IMS_URL,
    "scopes": DEFAULT_SCOPES,
    "sandbox": DEFAULT_SANDBOX,
    "retryTimeoutSeconds": None,
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
    for key in ("orgId", "clientId"):
        if not values[key]:
            errors.append(ConfigError(key, f"{NAMESPACE}:{key} is not set: " + _set_hint(key)))
    if not values["clientSecret"] and not values["accessToken"]:
        errors.append(
            ConfigError(
                "clientSecret",
                f"{NAMESPACE}:clientSecret is not set (nor {NAMESPACE}:accessToken): "
                + _set_hint("clientSecret"),
            )
        )
    if errors:
        return None, errors
    return _profile(DEFAULT_PROFILE, values), []


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
        scopes=_scopes(values["scopes"]),
        sandbox=str(values["sandbox"]),
        access_token=values.get("accessToken") or None,
        retry_timeout=None if retry is None else _retry_seconds(retry),
    )
