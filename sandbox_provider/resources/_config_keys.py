"""The keys of the `aep` configuration as the resources use them: by their camelCase names
(`aep:<key>`, and the keys of an `aep:orgs` profile), all taken from the client's one source,
`sandbox_provider.client.config.KEYS`; and what a profile inherits."""

from __future__ import annotations

from sandbox_provider.client.config import (
    DEFAULT_EXPIRY_WARNING_DAYS,
    DEFAULT_IMS_URL,
    DEFAULT_PLATFORM_URL,
    DEFAULT_SANDBOX,
    DEFAULT_SCOPES,
    KEYS,
    NAMESPACE,
    Key,
)

__all__ = [
    "BY_KEY",
    "DEFAULT_EXPIRY_WARNING_DAYS",
    "DEFAULT_IMS_URL",
    "DEFAULT_PLATFORM_URL",
    "DEFAULT_PROFILE",
    "DEFAULT_SANDBOX",
    "DEFAULT_SCOPES",
    "ENV_VARS",
    "INHERITED_KEYS",
    "NAMESPACE",
    "PROFILE_KEYS",
    "REQUIRED_KEYS",
    "SECRET_KEYS",
]

DEFAULT_PROFILE = "default"

BY_KEY: dict[str, Key] = {k.key: k for k in KEYS}
# config key (camelCase) -> environment variable
ENV_VARS: dict[str, str] = {k.key: k.env for k in KEYS}
SECRET_KEYS = frozenset(k.key for k in KEYS if k.secret)
REQUIRED_KEYS = tuple(k.key for k in KEYS if k.required)
# What a named profile takes from the default profile when it doesn't say: where and how to
# call, never who calls (acting as another org with this org's secret only fails later, 403).
INHERITED_KEYS = ("platformUrl", "imsUrl", "scopes", "sandbox", "retryTimeoutSeconds")
PROFILE_KEYS = frozenset(k.key for k in KEYS if k.per_org)
