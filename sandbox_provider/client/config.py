"""The one table of the configuration: each setting's names, default, secrecy, description
and rule (`rules.CHECKS`), from which everything that reads or documents a setting is built:
the client's `ClientSettings` and its `from_env` (`settings.py`, and so the CLI's `generate`
and `check-live`), the provider's stack config and `aep:orgs` profiles
(`sandbox_provider.resources._config`), the plugin schema's config variables, and the
configuration table of docs/installation-configuration.md (generated:
`python -m sandbox_provider.docgen`).

A setting has three names, all derived from the client's snake_case one: `platform_url` is
the `aep:platformUrl` stack config key the provider reads (and `platformUrl` inside a profile
of `aep:orgs`), and the `AEP_PLATFORM_URL` environment variable. Durations come from
`timing.py`, where each has its reason.

`ClientSettings` (in `settings.py`, so that this module imports nothing but the standard
library and stays on the provider's quick import path) is a plain pydantic model, not a
pydantic-settings `BaseSettings`: that package would add ~9 ms to every import of the
provider, and a `BaseSettings` reads `AEP_*` variables even when built with explicit values,
as the provider does for each org profile (whose settings must never come from the default
org's environment).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .timing import HTTP_TIMEOUT_SECONDS, RETRY_TIMEOUT_SECONDS, TOKEN_REFRESH_MARGIN_SECONDS

__all__ = [
    "BY_KEY",
    "BY_NAME",
    "DEFAULT_EXPIRY_WARNING_DAYS",
    "DEFAULT_HTTP_TIMEOUT_SECONDS",
    "DEFAULT_IMS_URL",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_PLATFORM_URL",
    "DEFAULT_PROFILE",
    "DEFAULT_RETRY_TIMEOUT_SECONDS",
    "DEFAULT_SANDBOX",
    "DEFAULT_SCOPES",
    "DEFAULT_TOKEN_REFRESH_MARGIN_SECONDS",
    "ENV_PREFIX",
    "ENV_VARS",
    "INHERITED_KEYS",
    "KEYS",
    "NAMESPACE",
    "PROFILE_KEYS",
    "REQUIRED_KEYS",
    "SCOPE_RE",
    "SECRET_KEYS",
    "Key",
    "format_value",
    "positive_seconds",
    "split_scopes",
]

NAMESPACE = "aep"
ENV_PREFIX = "AEP_"

DEFAULT_PLATFORM_URL = "https://platform.adobe.io"
DEFAULT_IMS_URL = "https://ims-na1.adobelogin.com"
#: The scopes Adobe's Developer Console grants an Experience Platform OAuth server-to-server
#: credential. IMS refuses a token request that asks for a scope the credential lacks, so the
#: default asks for no more than these (user-login scopes such as `session` are left out).
DEFAULT_SCOPES: tuple[str, ...] = (
    "openid",
    "AdobeID",
    "read_organizations",
    "additional_info.projectedProductContext",
)
#: The sandbox of every call when none is given (the provider's and the client's alike):
#: every AEP org has a `prod` sandbox.
DEFAULT_SANDBOX = "prod"
DEFAULT_RETRY_TIMEOUT_SECONDS = RETRY_TIMEOUT_SECONDS
#: Days before a managed package's expiry from which a preview or up warns about it: two
#: weeks leave time to plan a new publication.
DEFAULT_EXPIRY_WARNING_DAYS = 14
DEFAULT_HTTP_TIMEOUT_SECONDS = HTTP_TIMEOUT_SECONDS
#: Size of the connection pool (the Pulumi provider calls from four threads).
DEFAULT_MAX_CONNECTIONS = 16
DEFAULT_TOKEN_REFRESH_MARGIN_SECONDS = TOKEN_REFRESH_MARGIN_SECONDS
#: The profile of the `aep:*` keys themselves; `aep:orgs` names the others.
DEFAULT_PROFILE = "default"

#: One OAuth scope, e.g. `additional_info.projectedProductContext` (used with fullmatch()).
SCOPE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]*")


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


@dataclass(frozen=True)
class Key:
    """One setting: its names, its built-in default (None: none) and how it is treated."""

    #: The client's name (a `ClientSettings` field, except `retry_timeout_seconds`, `orgs` and
    #: `expiry_warning_days`, which only the resources read).
    name: str
    #: What it is, for the schema, the docs and `--help` (the default and the environment
    #: variable are added where it is shown).
    doc: str
    default: object = None
    #: Kept out of logs and messages; stack config should set it with `--secret`.
    secret: bool = False
    #: Needed by every org's settings, with no default.
    required: bool = False
    #: A setting of one org, also given per profile in `aep:orgs`; False for `orgs` itself.
    per_org: bool = True
    #: Taken from the default profile by an `aep:orgs` profile that doesn't say: where and how
    #: to call, never who calls (acting as another org with this org's secret only fails
    #: later, with a 403).
    inherited: bool = False

    @property
    def key(self) -> str:
        """The camelCase key: `aep:<key>`, and a key of an `aep:orgs` profile."""
        return _camel(self.name)

    @property
    def config_key(self) -> str:
        return f"{NAMESPACE}:{self.key}"

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()

    @property
    def default_text(self) -> str | None:
        """The default as it is written in stack config (and README), None if there is none."""
        return None if self.default is None else format_value(self.default)


KEYS: tuple[Key, ...] = (
    Key(
        "platform_url",
        "The Experience Platform API's URL, scheme and host only (the emulator's for local runs).",
        DEFAULT_PLATFORM_URL,
        inherited=True,
    ),
    Key(
        "ims_url",
        "The IMS token endpoint's URL, scheme and host only.",
        DEFAULT_IMS_URL,
        inherited=True,
    ),
    Key("org_id", "The IMS org id, `...@AdobeOrg`. Required.", required=True),
    Key(
        "client_id",
        "The OAuth server-to-server client id (also sent as `x-api-key`). Required.",
        required=True,
    ),
    Key(
        "client_secret",
        "The OAuth client secret; required unless `accessToken` is set.",
        secret=True,
    ),
    Key("scopes", "The OAuth scopes, comma-separated.", DEFAULT_SCOPES, inherited=True),
    Key(
        "sandbox",
        "The default sandbox: the `x-sandbox-name` of calls, and a Package's source sandbox "
        "when it names none.",
        DEFAULT_SANDBOX,
        inherited=True,
    ),
    Key(
        "access_token",
        "A ready access token, used as is (never renewed); without `Bearer `.",
        secret=True,
    ),
    Key(
        "retry_timeout_seconds",
        "How long one API call keeps retrying a throttled or failed attempt (429, 5xx, "
        "timeouts), in seconds.",
        DEFAULT_RETRY_TIMEOUT_SECONDS,
        inherited=True,
    ),
    Key(
        "orgs",
        'Named org profiles, as JSON: `{"partner": {"orgId": ..., "clientId": ..., '
        '"clientSecret": ..., "sandbox": ...}}`; resources pick one with `org`.',
        secret=True,
        per_org=False,
    ),
    Key(
        "expiry_warning_days",
        "A preview or up warns about a managed package expiring within this many days; 0: never.",
        DEFAULT_EXPIRY_WARNING_DAYS,
        per_org=False,
    ),
)
#: Each setting by its camelCase key (`platformUrl`), and by the client's name.
BY_KEY: dict[str, Key] = {k.key: k for k in KEYS}
BY_NAME: dict[str, Key] = {k.name: k for k in KEYS}
#: camelCase key -> environment variable (`platformUrl` -> `AEP_PLATFORM_URL`).
ENV_VARS: dict[str, str] = {k.key: k.env for k in KEYS}
SECRET_KEYS = frozenset(k.key for k in KEYS if k.secret)
REQUIRED_KEYS = tuple(k.key for k in KEYS if k.required)
INHERITED_KEYS = tuple(k.key for k in KEYS if k.inherited)
PROFILE_KEYS = frozenset(k.key for k in KEYS if k.per_org)


# -- parsing ---------------------------------------------------------------------------------
def format_value(value: object) -> str:
    """A value as stack config and the environment write it: scopes comma-separated, a whole
    number of seconds without `.0`."""
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def split_scopes(value: str | Iterable[object]) -> tuple[str, ...]:
    """Scopes from their text (separated by commas or spaces) or from a list of such texts.
    Only spaces separate: a tab or a newline stays in the scope, for the check to refuse."""
    texts = [value] if isinstance(value, str) else [str(v) for v in value]
    return tuple(s for text in texts for s in text.replace(" ", ",").split(",") if s)


def positive_seconds(value: object) -> float | None:
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
