"""Configuration: the `aep` stack settings and named org profiles, resolved per call.

Where a value comes from, first match wins:

1. the stack config the engine hands to the provider's `configure` (`aep:platformUrl`, ...),
2. the matching `AEP_*` environment variable (`AEP_PLATFORM_URL`, ...),
3. a built-in default (only for the platform URL, the IMS URL, the scopes and the sandbox).

`aep:orgs` (or `AEP_ORGS`) is a JSON object of named profiles,
`{"partner": {"orgId": ..., "clientId": ..., "clientSecret": ..., "sandbox": ...}}`. A
resource with `org="partner"` acts with that profile. A profile inherits the endpoints,
scopes and sandbox of the default profile but never its credentials: acting as another org
with this org's secret would only ever fail later with a confusing 403.

The raw config is kept in a module-level registry rather than on the provider instance:
the provider object is pickled into the state (see `_base`), so nothing secret may live on it.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

NAMESPACE = "aep"
DEFAULT_PROFILE = "default"

DEFAULT_PLATFORM_URL = "https://platform.adobe.io"
DEFAULT_IMS_URL = "https://ims-na1.adobelogin.com"
DEFAULT_SCOPES = "openid,AdobeID,read_organizations,additional_info.projectedProductContext"
DEFAULT_SANDBOX = "prod"

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
}
SECRET_KEYS = frozenset({"clientSecret", "accessToken", "orgs"})
# What a named profile takes from the default profile when it doesn't say.
INHERITED_KEYS = ("platformUrl", "imsUrl", "scopes", "sandbox")
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
    }
)


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


def _raw(key: str) -> Any:
    value = _stack_value(key)
    if value is None or value == "":
        value = os.environ.get(ENV_VARS[key]) or None
    return value


def _set_hint(key: str) -> str:
    secret = "--secret " if key in SECRET_KEYS else ""
    return f"run `pulumi config set {secret}{NAMESPACE}:{key} ...` or set {ENV_VARS[key]}"


def _profile_hint(name: str) -> str:
    return (
        f"add it to the `{name}` entry of {NAMESPACE}:orgs "
        f"(`pulumi config set --secret {NAMESPACE}:orgs '{{\"{name}\": {{...}}}}'`) or AEP_ORGS"
    )


def _scopes(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
    else:
        items = str(value).split(",")
    return tuple(s.strip() for s in items if s.strip())


def _check_url(where: str, key: str, url: Any, fix: str) -> str:
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ConfigError(key, f"{where} is not an http(s) URL ({url!r}): {fix}")
    return url.rstrip("/")


def named_profiles() -> dict[str, dict[str, Any]]:
    """The `aep:orgs` profiles as given (not yet merged with the defaults)."""
    raw = _raw("orgs")
    if raw is None:
        return {}
    fix = f"set {NAMESPACE}:orgs to a JSON object of profiles: " + _set_hint("orgs")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                "orgs", f"{NAMESPACE}:orgs is not valid JSON ({exc.msg}): {fix}"
            ) from None
    if not isinstance(raw, dict):
        raise ConfigError("orgs", f"{NAMESPACE}:orgs must be a JSON object: {fix}")
    profiles: dict[str, dict[str, Any]] = {}
    for name, body in raw.items():
        if not isinstance(body, dict):
            raise ConfigError("orgs", f"{NAMESPACE}:orgs profile {name!r} must be an object: {fix}")
        unknown = sorted(set(body) - PROFILE_KEYS)
        if unknown:
            raise ConfigError(
                "orgs",
                f"{NAMESPACE}:orgs profile {name!r} has unknown keys {unknown}: "
                f"use {sorted(PROFILE_KEYS)}",
            )
        profiles[str(name)] = dict(body)
    return profiles


def profile_names() -> list[str]:
    return [DEFAULT_PROFILE, *named_profiles()]


def resolve(org: str | None = None) -> Profile:
    """The profile a resource acts with; raises ConfigError naming the key to set."""
    name = org or DEFAULT_PROFILE
    if name == DEFAULT_PROFILE:
        return _default_profile()
    profiles = named_profiles()
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        raise ConfigError(
            "orgs",
            f"org profile {name!r} is not defined in {NAMESPACE}:orgs (defined: {known}): "
            f"add it with `pulumi config set --secret {NAMESPACE}:orgs "
            f'\'{{"{name}": {{"orgId": ..., "clientId": ..., "clientSecret": ...}}}}\'` '
            "or AEP_ORGS, or leave `org` unset to act as the default org",
        )
    body = profiles[name]
    base = _base_values()
    for key in INHERITED_KEYS:
        body.setdefault(key, base[key])
    where = f"{NAMESPACE}:orgs profile {name!r}"
    for key in ("orgId", "clientId"):
        if not body.get(key):
            raise ConfigError("orgs", f"{where} has no {key}: " + _profile_hint(name))
    if not body.get("clientSecret") and not body.get("accessToken"):
        raise ConfigError(
            "orgs", f"{where} has neither clientSecret nor accessToken: " + _profile_hint(name)
        )
    hint = _profile_hint(name)
    return Profile(
        name=name,
        platform_url=_check_url(f"{where} platformUrl", "orgs", body["platformUrl"], hint),
        ims_url=_check_url(f"{where} imsUrl", "orgs", body["imsUrl"], hint),
        org_id=str(body["orgId"]),
        client_id=str(body["clientId"]),
        client_secret=body.get("clientSecret") or None,
        scopes=_scopes(body["scopes"]),
        sandbox=str(body["sandbox"]),
        access_token=body.get("accessToken") or None,
    )


def _base_values() -> dict[str, Any]:
    return {
        "platformUrl": _raw("platformUrl") or DEFAULT_PLATFORM_URL,
        "imsUrl": _raw("imsUrl") or DEFAULT_IMS_URL,
        "scopes": _raw("scopes") or DEFAULT_SCOPES,
        "sandbox": _raw("sandbox") or DEFAULT_SANDBOX,
    }


def _default_profile() -> Profile:
    base = _base_values()
    org_id, client_id = _raw("orgId"), _raw("clientId")
    secret, token = _raw("clientSecret"), _raw("accessToken")
    for key, value in (("orgId", org_id), ("clientId", client_id)):
        if not value:
            raise ConfigError(key, f"{NAMESPACE}:{key} is not set: " + _set_hint(key))
    if not secret and not token:
        raise ConfigError(
            "clientSecret",
            f"{NAMESPACE}:clientSecret is not set (nor {NAMESPACE}:accessToken): "
            + _set_hint("clientSecret"),
        )
    return Profile(
        name=DEFAULT_PROFILE,
        platform_url=_check_url(
            f"{NAMESPACE}:platformUrl", "platformUrl", base["platformUrl"], _set_hint("platformUrl")
        ),
        ims_url=_check_url(f"{NAMESPACE}:imsUrl", "imsUrl", base["imsUrl"], _set_hint("imsUrl")),
        org_id=str(org_id),
        client_id=str(client_id),
        client_secret=secret or None,
        scopes=_scopes(base["scopes"]),
        sandbox=str(base["sandbox"]),
        access_token=token or None,
    )
