"""What the five providers share: configure, clients per profile, input checks, errors, waits.

The provider objects are pickled into the state by `pulumi.dynamic.Resource` (dill, by
reference because the classes live in this installed package). So the instance holds nothing:
`configure()` puts the stack settings in `_config`'s module registry, and API clients are
built on first use and cached here per profile, both behind locks because the provider
process serves four threads with one provider instance.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, ResourceProvider
from pulumi.runtime import rpc
from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from sandbox_provider.client import ExImClient
from sandbox_provider.client.config import ClientSettings
from sandbox_provider.client.retry import RetryPolicy

from . import _config
from ._config import ConfigError, Profile
from ._errors import GONE, ProviderError, api_errors

__all__ = ["GONE", "ProviderError", "api_errors"]

#: Waits give up after this many seconds unless a resource says otherwise
#: (custom_timeouts never reach a dynamic provider).
DEFAULT_WAIT_SECONDS = 900.0

PROVIDER_KEY = "__provider"


# -- stderr: progress and warnings reach the CLI output (there is no engine logger here) -------
_OUT_LOCK = threading.Lock()


def progress(message: str) -> None:
    with _OUT_LOCK:
        sys.stderr.write(f"aep: {message}\n")
        sys.stderr.flush()


def warn(message: str) -> None:
    with _OUT_LOCK:
        sys.stderr.write(f"warning: aep: {message}\n")
        sys.stderr.flush()


# -- clients, one per profile ------------------------------------------------------------------
#: How hard each API call tries (tests shorten it to fail fast). Its `deadline` (300 s) is the
#: retry budget of a call unless `aep:retryTimeoutSeconds` (or a profile's) says otherwise.
RETRY = RetryPolicy()

_CLIENTS: dict[Profile, ExImClient] = {}
_CLIENTS_LOCK = threading.Lock()


def client_for(org: str | None) -> ExImClient:
    """The client acting as profile `org` (None: the default profile); built once."""
    profile = _config.resolve(org)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(profile)
        if client is None:
            settings = ClientSettings(
                org_id=profile.org_id,
                client_id=profile.client_id,
                client_secret=profile.client_secret,
                access_token=profile.access_token,
                scopes=profile.scopes,
                sandbox=profile.sandbox,
                platform_url=profile.platform_url,
                ims_url=profile.ims_url,
                retry=RETRY.with_deadline(profile.retry_timeout),
            )
            client = ExImClient.from_settings(settings)
            _CLIENTS[profile] = client
        return client


def forget_clients() -> None:
    with _CLIENTS_LOCK:
        _CLIENTS.clear()


# -- unknowns (preview) ------------------------------------------------------------------------
def is_unknown(value: Any) -> bool:
    """True when the value, or anything inside it, is not known yet (a preview)."""
    if isinstance(value, pulumi.output.Unknown) or value == rpc.UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_unknown(v) for v in value)
    return False


# -- input models ------------------------------------------------------------------------------
class Inputs(BaseModel):
    """Base of the per-resource input models used by `check`.

    Every field has a default so that a field whose value is unknown during a preview can be
    left out; `REQUIRED` lists what must be present, known or not.
    """

    model_config = ConfigDict(extra="forbid")

    REQUIRED: ClassVar[tuple[str, ...]] = ()
    #: How to fix each property, appended to pydantic's message.
    HINTS: ClassVar[dict[str, str]] = {}

    org: str | None = None

    def cross_check(self, unknown: set[str]) -> list[CheckFailure]:
        """Rules involving several fields; skip any rule that touches an unknown field."""
        return []

    def to_inputs(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


M = TypeVar("M", bound=Inputs)


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate(model: type[M], news: Mapping[str, Any]) -> tuple[M | None, CheckResult]:
    """Validate `news`; unknown values pass through untouched and unvalidated."""
    props = {k: v for k, v in news.items() if not k.startswith("__")}
    unknown = {k for k, v in props.items() if is_unknown(v)}
    known = {k: v for k, v in props.items() if k not in unknown}
    failures: list[CheckFailure] = []
    for name in model.REQUIRED:
        if name not in props or props[name] is None:
            failures.append(CheckFailure(name, f"{name} is required"))
    try:
        parsed = model.model_validate(known)
    except PydanticValidationError as exc:
        for err in exc.errors():
            loc = err["loc"]
            top = str(loc[0]) if loc else ""
            reason = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                reason = f"{top} is not an input of this resource"
            elif "input" in err and err["type"] not in ("value_error", "missing"):
                reason += f" (got {err['input']!r})"
            hint = model.HINTS.get(top)
            if hint:
                reason += f": {hint}"
            failures.append(CheckFailure(_loc(loc) or top, reason))
        return None, CheckResult(dict(news), failures)
    failures += parsed.cross_check(unknown)
    if "org" not in unknown:
        failures += config_failures(parsed.org)
    inputs = parsed.to_inputs()
    for k in unknown:
        inputs[k] = props[k]
    return parsed, CheckResult(inputs, failures)


def config_failures(org: str | None, prop: str = "org") -> list[CheckFailure]:
    """Every configuration problem that would stop acting as `org`, one check failure each
    (none exactly when `_config.resolve(org)` succeeds)."""
    found: list[ConfigError] = _config.problems(org)
    # A named profile's problem belongs to the property that picked it; a default-profile
    # problem to no property (the engine then prints the reason alone).
    return [CheckFailure(prop if org else "", str(exc)) for exc in found]


def same(a: Any, b: Any) -> bool:
    """Equality where None and "" (an unset optional string) are the same."""
    return (a or None) == (b or None)


# -- the provider base ---------------------------------------------------------------------------
class BaseProvider(ResourceProvider):
    """configure() and nothing else on the instance: see the module docstring."""

    def configure(self, req: ConfigureRequest) -> None:
        values = {
            f"{_config.NAMESPACE}:{key}": req.config.get(f"{_config.NAMESPACE}:{key}")
            for key in _config.ENV_VARS
        }
        if _config.set_stack_config(values):
            # New settings may change what a profile means; clients are rebuilt on next use.
            forget_clients()

    @staticmethod
    def client(org: str | None) -> ExImClient:
        return client_for(org)

    @staticmethod
    def strip(props: Mapping[str, Any]) -> dict[str, Any]:
        """Props without the engine's private keys (the serialized provider)."""
        return {k: v for k, v in props.items() if not k.startswith("__")}
