"""Client settings, and reading them from the environment."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import ConfigurationError
from .retry import DEFAULT_DEADLINE, RetryPolicy

__all__ = [
    "DEFAULT_IMS_URL",
    "RETRY_TIMEOUT_ENV",
    "DEFAULT_PLATFORM_URL",
    "DEFAULT_SCOPES",
    "ENV_VARS",
    "ClientSettings",
    "parse_retry_timeout",
]

DEFAULT_PLATFORM_URL = "https://platform.adobe.io"
DEFAULT_IMS_URL = "https://ims-na1.adobelogin.com"
#: The scopes an AEP server-to-server credential is usually granted.
DEFAULT_SCOPES: tuple[str, ...] = (
    "openid",
    "session",
    "AdobeID",
    "read_organizations",
    "additional_info.projectedProductContext",
)

#: Environment variable for each setting read by `ClientSettings.from_env()`.
ENV_VARS = {
    "platform_url": "AEP_PLATFORM_URL",
    "ims_url": "AEP_IMS_URL",
    "org_id": "AEP_ORG_ID",
    "client_id": "AEP_CLIENT_ID",
    "client_secret": "AEP_CLIENT_SECRET",
    "scopes": "AEP_SCOPES",
    "sandbox": "AEP_SANDBOX",
    "access_token": "AEP_ACCESS_TOKEN",
}
#: The retry budget of every call, in seconds (`RetryPolicy.deadline`).
RETRY_TIMEOUT_ENV = "AEP_RETRY_TIMEOUT_SECONDS"


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
        raise ConfigurationError(
            f"{where} must be a positive number of seconds (got {value!r}): "
            f"give e.g. 300 (the default, {DEFAULT_DEADLINE:.0f}) or leave it unset"
        )
    return number


def _scopes(value: str | Sequence[str]) -> tuple[str, ...]:
    items = value.replace(" ", ",").split(",") if isinstance(value, str) else list(value)
    return tuple(s.strip() for s in items if s and s.strip())


@dataclass(frozen=True)
class ClientSettings:
    """Everything an `ExImClient` needs. Secrets are left out of `repr()`.

    Either `client_secret` (the client-credentials flow against IMS, token cached and renewed)
    or a ready `access_token` (used as is; no renewal possible) must be given. `client_id` is
    always needed: the API wants it as `x-api-key`.
    """

    org_id: str
    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    sandbox: str | None = None
    platform_url: str = DEFAULT_PLATFORM_URL
    ims_url: str = DEFAULT_IMS_URL
    #: Seconds for one HTTP exchange (connect, read, write, pool).
    timeout: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    #: Size of the connection pool (the Pulumi provider calls from four threads).
    max_connections: int = 16
    #: Renew a cached token this many seconds before it expires.
    token_refresh_margin: float = 300.0
    user_agent: str = "sandbox-provider-exim-client/0.1"

    def __post_init__(self) -> None:
        if not self.org_id:
            raise ConfigurationError("org_id is required (AEP_ORG_ID)")
        if not self.client_id:
            raise ConfigurationError(
                "client_id is required, it is sent as x-api-key (AEP_CLIENT_ID)"
            )
        if not self.client_secret and not self.access_token:
            raise ConfigurationError(
                "give either client_secret (AEP_CLIENT_SECRET) or access_token (AEP_ACCESS_TOKEN)"
            )
        for name in ("platform_url", "ims_url"):
            url = getattr(self, name)
            if not url.startswith(("http://", "https://")):
                raise ConfigurationError(f"{name} must be an http(s) URL, got {url!r}")
            object.__setattr__(self, name, url.rstrip("/"))
        object.__setattr__(self, "scopes", _scopes(self.scopes))
        if self.timeout <= 0:
            raise ConfigurationError("timeout must be positive")

    @property
    def auth_mode(self) -> str:
        return (
            "access_token" if self.access_token and not self.client_secret else "client_credentials"
        )

    def with_overrides(self, **changes: Any) -> ClientSettings:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> ClientSettings:
        """Read the `AEP_*` variables (see `ENV_VARS`, and `AEP_RETRY_TIMEOUT_SECONDS` for the
        retry budget); keyword arguments win over them."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for attr, var in ENV_VARS.items():
            raw = env.get(var)
            if raw is not None and raw.strip() != "":
                values[attr] = raw.strip()
        raw_retry = env.get(RETRY_TIMEOUT_ENV)
        if raw_retry is not None and raw_retry.strip() != "":
            values["retry"] = RetryPolicy(
                deadline=parse_retry_timeout(raw_retry, RETRY_TIMEOUT_ENV)
            )
        values.update({k: v for k, v in overrides.items() if v is not None})
        missing = [ENV_VARS[k] for k in ("org_id", "client_id") if k not in values]
        if missing:
            raise ConfigurationError("missing environment variable(s): " + ", ".join(missing))
        return cls(**values)
