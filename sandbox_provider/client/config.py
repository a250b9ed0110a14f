"""Client settings, and reading them from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import ConfigurationError
from .retry import RetryPolicy

__all__ = [
    "DEFAULT_IMS_URL",
    "DEFAULT_PLATFORM_URL",
    "DEFAULT_SCOPES",
    "ENV_VARS",
    "ClientSettings",
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
        """Read the `AEP_*` variables (see `ENV_VARS`); keyword arguments win over them."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for attr, var in ENV_VARS.items():
            raw = env.get(var)
            if raw is not None and raw.strip() != "":
                values[attr] = raw.strip()
        values.update({k: v for k, v in overrides.items() if v is not None})
        missing = [ENV_VARS[k] for k in ("org_id", "client_id") if k not in values]
        if missing:
            raise ConfigurationError("missing environment variable(s): " + ", ".join(missing))
        return cls(**values)
