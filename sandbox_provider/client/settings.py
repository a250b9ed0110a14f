"""The client's settings, `ClientSettings`, built from the one configuration table
(`config.py`: each setting's names and default) and its rules (`rules.py`, the same the
provider's stack config is checked with)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, InstanceOf, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError

from .config import (
    BY_NAME,
    DEFAULT_HTTP_TIMEOUT_SECONDS,
    DEFAULT_IMS_URL,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PLATFORM_URL,
    DEFAULT_SANDBOX,
    DEFAULT_SCOPES,
    DEFAULT_TOKEN_REFRESH_MARGIN_SECONDS,
    KEYS,
    Key,
    split_scopes,
)
from .errors import ConfigurationError
from .retry import RetryPolicy
from .rules import CHECKS

__all__ = ["ClientSettings"]


def _user_agent() -> str:
    # At first use, not at import: the version is read from the package metadata, which
    # costs more than the rest of this module's import.
    from sandbox_provider import __version__

    return f"sandbox-provider-exim-client/{__version__}"


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
    #: The `x-sandbox-name` of calls that name no sandbox; None sends none (the platform
    #: picks).
    sandbox: str | None = DEFAULT_SANDBOX
    platform_url: str = DEFAULT_PLATFORM_URL
    ims_url: str = DEFAULT_IMS_URL
    timeout: float = DEFAULT_HTTP_TIMEOUT_SECONDS
    retry: InstanceOf[RetryPolicy] = Field(default_factory=RetryPolicy)
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    token_refresh_margin: float = DEFAULT_TOKEN_REFRESH_MARGIN_SECONDS
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
            _refuse(BY_NAME["scopes"], value)
            return split_scopes(value)
        return value

    @field_validator("platform_url", "ims_url", "sandbox")
    @classmethod
    def _checked(cls, value: str | None, info: Any) -> str | None:
        if value is None:
            return None
        _refuse(BY_NAME[info.field_name], value)
        return value.rstrip("/") if info.field_name.endswith("_url") else value

    @field_validator("timeout")
    @classmethod
    def _timeout(cls, value: float) -> float:
        if not value > 0:
            raise ConfigurationError("timeout must be positive")
        return value

    @model_validator(mode="after")
    def _credentials(self) -> ClientSettings:
        env = {name: key.env for name, key in BY_NAME.items()}
        if not self.org_id:
            raise ConfigurationError(f"org_id is required ({env['org_id']})")
        if not self.client_id:
            raise ConfigurationError(
                f"client_id is required, it is sent as x-api-key ({env['client_id']})"
            )
        if not self.client_secret and not self.access_token:
            raise ConfigurationError(
                f"give either client_secret ({env['client_secret']}) or access_token "
                f"({env['access_token']})"
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
        """Read the `AEP_*` variables as the provider reads them (`config.KEYS`: the same
        names, defaults and rules; `AEP_RETRY_TIMEOUT_SECONDS` is the retry budget); keyword
        arguments that are not None win over them. A variable set to a value its rule
        refuses raises `ConfigurationError` naming the variable and the fix."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for key in KEYS:
            raw = env.get(key.env)
            if not key.per_org or raw is None or raw.strip() == "":
                continue
            _refuse(key, raw, where=key.env)
            values[key.name] = raw
        if "retry_timeout_seconds" in values:
            # The rule let it through: a positive, finite number (or its text).
            values["retry"] = RetryPolicy(deadline=float(values.pop("retry_timeout_seconds")))
        values.update({k: v for k, v in overrides.items() if v is not None})
        missing = [k.env for k in KEYS if k.required and k.name not in values]
        if missing:
            raise ConfigurationError("missing environment variable(s): " + ", ".join(missing))
        return cls(**values)


def _refuse(key: Key, value: Any, where: str | None = None) -> None:
    """Raise ConfigurationError if `value` breaks the rule of `key`, naming `where` (the
    field, or the environment variable it came from). A secret is never quoted."""
    bad = CHECKS[key.key](value, not key.secret)
    if bad is None:
        return
    example = f" ({'use' if bad.exact else 'e.g.'} {bad.example})" if bad.example else ""
    raise ConfigurationError(f"{where or key.name} {bad.reason}: {bad.fix}{example}")


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
