"""The one source of the configuration: each setting's names, default, secrecy and parsing,
from which the client's `ClientSettings` (`settings.py`) is built.

A setting has three names, all derived from the client's snake_case one: `platform_url` is
the `aep:platformUrl` stack config key the provider reads (and `platformUrl` inside a profile
of `aep:orgs`), and the `AEP_PLATFORM_URL` environment variable. `KEYS` lists every setting;
the resources' configuration (`sandbox_provider.resources._config`) takes its keys, defaults
and parsing from here, and README's configuration table is checked against `KEYS`
(tests/unit/test_documented_defaults.py).

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

from .errors import ConfigurationError

__all__ = [
    "DEFAULT_EXPIRY_WARNING_DAYS",
    "DEFAULT_HTTP_TIMEOUT_SECONDS",
    "DEFAULT_IMS_URL",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_PLATFORM_URL",
    "DEFAULT_RETRY_TIMEOUT_SECONDS",
    "DEFAULT_SANDBOX",
    "DEFAULT_SCOPES",
    "DEFAULT_TOKEN_REFRESH_MARGIN_SECONDS",
    "ENV_PREFIX",
    "ENV_VARS",
    "KEYS",
    "NAMESPACE",
    "RETRY_TIMEOUT_ENV",
    "SCOPE_RE",
    "Key",
    "format_value",
    "parse_retry_timeout",
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
#: The provider's sandbox when none is set. The standalone client has no default: without
#: a sandbox it sends no `x-sandbox-name` and the platform picks.
DEFAULT_SANDBOX = "prod"
#: Seconds a call keeps retrying by default (`RetryPolicy.deadline`): a few minutes, long
#: enough to outlast a burst of throttling or a short outage, short enough that a real
#: failure still surfaces in one run.
DEFAULT_RETRY_TIMEOUT_SECONDS = 300.0
#: Days before a managed package's expiry from which a preview or up warns about it.
DEFAULT_EXPIRY_WARNING_DAYS = 14
#: Seconds for one HTTP exchange (connect, read, write, pool).
DEFAULT_HTTP_TIMEOUT_SECONDS = 30.0
#: Size of the connection pool (the Pulumi provider calls from four threads).
DEFAULT_MAX_CONNECTIONS = 16
#: Renew a cached token this many seconds before it expires.
DEFAULT_TOKEN_REFRESH_MARGIN_SECONDS = 300.0

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
    default: object = None
    #: Kept out of logs and messages; stack config should set it with `--secret`.
    secret: bool = False
    #: Needed by every org's settings, with no default.
    required: bool = False
    #: A setting of one org, also given per profile in `aep:orgs`; False for `orgs` itself.
    per_org: bool = True

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
    Key("platform_url", DEFAULT_PLATFORM_URL),
    Key("ims_url", DEFAULT_IMS_URL),
    Key("org_id", required=True),
    Key("client_id", required=True),
    Key("client_secret", secret=True),
    Key("scopes", DEFAULT_SCOPES),
    Key("sandbox", DEFAULT_SANDBOX),
    Key("access_token", secret=True),
    Key("retry_timeout_seconds", DEFAULT_RETRY_TIMEOUT_SECONDS),
    Key("orgs", secret=True, per_org=False),
    Key("expiry_warning_days", DEFAULT_EXPIRY_WARNING_DAYS, per_org=False),
)
_BY_NAME = {k.name: k for k in KEYS}

#: The environment variable of each setting `ClientSettings.from_env()` reads, by client name.
ENV_VARS: dict[str, str] = {k.name: k.env for k in KEYS if k.per_org}
RETRY_TIMEOUT_ENV = _BY_NAME["retry_timeout_seconds"].env


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


def parse_retry_timeout(value: object, where: str) -> float:
    """A retry budget given as text or a number: positive and finite, else ConfigurationError
    naming `where` (never echoing more than the value itself)."""
    number = positive_seconds(value)
    if number is None:
        default = format_value(DEFAULT_RETRY_TIMEOUT_SECONDS)
        raise ConfigurationError(
            f"{where} must be a positive number of seconds (got {value!r}): "
            f"give e.g. {default} (the default) or leave it unset"
        )
    return number
