"""The one source of the configuration: each setting's names, default, secrecy and parsing,
and the client's `ClientSettings` built from them.

A setting has three names, all derived from the client's snake_case one: `platform_url` is
the `aep:platformUrl` stack config key the provider reads (and `platformUrl` inside a profile
of `aep:orgs`), and the `AEP_PLATFORM_URL` environment variable. `KEYS` lists every setting;
the resources' configuration (`sandbox_provider.resources._config`) takes its keys, defaults
and parsing from here, and README's configuration table is checked against `KEYS`
(tests/unit/test_documented_defaults.py).

`ClientSettings` is a plain pydantic model, not a pydantic-settings `BaseSettings`: that
package would add ~9 ms to every import of the provider, and a `BaseSettings` reads `AEP_*`
variables even when built with explicit values, as the provider does for each org profile
(whose settings must never come from the default org's environment).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, InstanceOf, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError

from .errors import ConfigurationError
from .retry import DEFAULT_DEADLINE, RetryPolicy

__all__ = [
    "DEFAULT_IMS_URL",
    "DEFAULT_PLATFORM_URL",
    "DEFAULT_RETRY_TIMEOUT_SECONDS",
    "DEFAULT_SANDBOX",
    "DEFAULT_SCOPES",
    "ENV_PREFIX",
    "ENV_VARS",
    "KEYS",
    "NAMESPACE",
    "RETRY_TIMEOUT_ENV",
    "SCOPE_RE",
    "ClientSettings",
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
#: The retry budget of one API call (`RetryPolicy.deadline`, where the value is defined).
DEFAULT_RETRY_TIMEOUT_SECONDS = DEFAULT_DEADLINE

#: One OAuth scope, e.g. `additional_info.projectedProductContext` (used with fullmatch()).
SCOPE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]*")


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


@dataclass(frozen=True)
class Key:
    """One setting: its names, its built-in default (None: none) and how it is treated."""

    #: The client's name (a `ClientSettings` field, except `retry_timeout_seconds` and `orgs`).
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


def _user_agent() -> str:
    # At first use, not at import: the version is read from the package metadata, which
    # costs more than the rest of this module's import.
    from sandbox_provider import __version__

    return f"sandbox-provider-exim-client/{__version__}"


# -- the client's settings -------------------------------------------------------------------
class ClientSettings(BaseModel):
    """Everything an `ExImClient` needs. Secrets are left out of `repr()`.

    Either `client_secret` (the client-credentials flow against IMS, token cached and renewed)
    or a ready `access_token` (used as is; no renewal possible) must be given. `client_id` is
    always needed: the API wants it as `x-api-key`. A value that doesn't fit raises
    `ConfigurationError`.
    """

    # The schema is built at first use, not at import: the provider's import stays as quick
    # as with a plain dataclass.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    org_id: str
    client_id: str
    client_secret: str | None = Field(default=None, repr=False)
    access_token: str | None = Field(default=None, repr=False)
    #: Scopes, or their comma-separated text.
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    sandbox: str | None = None
    platform_url: str = DEFAULT_PLATFORM_URL
    ims_url: str = DEFAULT_IMS_URL
    #: Seconds for one HTTP exchange (connect, read, write, pool).
    timeout: float = 30.0
    retry: InstanceOf[RetryPolicy] = Field(default_factory=RetryPolicy)
    #: Size of the connection pool (the Pulumi provider calls from four threads).
    max_connections: int = 16
    #: Renew a cached token this many seconds before it expires.
    token_refresh_margin: float = 300.0
    user_agent: str = Field(default_factory=_user_agent)

    if not TYPE_CHECKING:
        # Hidden from type checkers, which keep the keyword signature pydantic declares.
        def __init__(self, **values: Any) -> None:
            try:
                super().__init__(**values)
            except PydanticValidationError as exc:
                raise ConfigurationError(_describe(exc)) from None

    @field_validator("scopes", mode="before")
    @classmethod
    def _scopes(cls, value: Any) -> Any:
        if isinstance(value, str | list | tuple):
            scopes = split_scopes(value)
            bad = [s for s in scopes if not SCOPE_RE.fullmatch(s)]
            if bad:
                raise ConfigurationError(
                    f"scopes: {bad[0]!r} is not a scope (letters, digits and '_', '.', ':', "
                    "'/', '-'; scopes are separated by commas)"
                )
            return scopes
        return value

    @field_validator("platform_url", "ims_url")
    @classmethod
    def _url(cls, value: str, info: Any) -> str:
        if not value.startswith(("http://", "https://")):
            raise ConfigurationError(f"{info.field_name} must be an http(s) URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("timeout")
    @classmethod
    def _timeout(cls, value: float) -> float:
        if not value > 0:
            raise ConfigurationError("timeout must be positive")
        return value

    @model_validator(mode="after")
    def _credentials(self) -> ClientSettings:
        if not self.org_id:
            raise ConfigurationError(f"org_id is required ({ENV_VARS['org_id']})")
        if not self.client_id:
            raise ConfigurationError(
                f"client_id is required, it is sent as x-api-key ({ENV_VARS['client_id']})"
            )
        if not self.client_secret and not self.access_token:
            raise ConfigurationError(
                f"give either client_secret ({ENV_VARS['client_secret']}) or access_token "
                f"({ENV_VARS['access_token']})"
            )
        return self

    @property
    def auth_mode(self) -> str:
        return (
            "access_token" if self.access_token and not self.client_secret else "client_credentials"
        )

    def with_overrides(self, **changes: Any) -> ClientSettings:
        """These settings with some values changed, checked again."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self)(**{**values, **changes})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> ClientSettings:
        """Read the `AEP_*` variables (see `ENV_VARS`; `AEP_RETRY_TIMEOUT_SECONDS` is the
        retry budget); keyword arguments that are not None win over them."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, var in ENV_VARS.items():
            raw = env.get(var)
            if raw is not None and raw.strip() != "":
                values[name] = raw.strip()
        if "retry_timeout_seconds" in values:
            deadline = parse_retry_timeout(values.pop("retry_timeout_seconds"), RETRY_TIMEOUT_ENV)
            values["retry"] = RetryPolicy(deadline=deadline)
        values.update({k: v for k, v in overrides.items() if v is not None})
        missing = [ENV_VARS[k.name] for k in KEYS if k.required and k.name not in values]
        if missing:
            raise ConfigurationError("missing environment variable(s): " + ", ".join(missing))
        return cls(**values)


def _describe(exc: PydanticValidationError) -> str:
    """One line per problem; a ConfigurationError raised by a validator keeps its own words."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        raised = (error.get("ctx") or {}).get("error")
        if isinstance(raised, ConfigurationError):
            lines.append(str(raised))
        else:
            where = ".".join(str(part) for part in error["loc"]) or "settings"
            lines.append(f"{where}: {error['msg']}")
    return "; ".join(lines)
