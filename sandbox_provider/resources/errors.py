"""The core's exceptions, in one place, and what a failed operation tells the user: one line
saying what failed, why, and what to do.

- `ProviderError`: what the CLI prints for a failed operation (both adapters print it as is);
  `Cancelled` (a wait cut short by the engine's cancel), `Unfinished` (made, not finished: the
  plugin records it as partial state) and `Ended` (the awaited object failed) are kinds of it;
- `ConfigError`: a missing or wrong `aep:*` setting, naming the key; how a message names a
  key and says how to set it (`config_keys`, `config_label`, `set_hint`, `profile_hint`).

Every API call of a provider runs inside `api_errors(action, org=..., missing=...)`, which
turns the client's exceptions into a `ProviderError`. A 404 or a 403 is only useful when it
names what pointed there, so callers say which input the object came from (`missing=`,
`forbidden=`), and `org=` lets the message name the configuration keys of the profile that
acted (`aep:orgId`, or the `partner` entry of `aep:orgs`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sandbox_provider.client.config import ENV_VARS, NAMESPACE, SECRET_KEYS
from sandbox_provider.client.errors import (
    AuthenticationError,
    ConflictError,
    ExImError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    ThrottledError,
    TransportError,
)
from sandbox_provider.client.errors import ValidationError as ApiValidationError

#: Gateway codes (the platform's API gateway answers them before the service sees the call).
_WRONG_ORG = "403025"  # "Profile is not valid for the organization"
_BAD_API_KEY = "403003"  # "Api Key is invalid"
#: The emulator's (and the platform's) answer for a path it does not serve.
_NO_ENDPOINT = "no such endpoint"


class ProviderError(Exception):
    """What the CLI prints for a failed operation: one line saying what, why and what to do."""


class Cancelled(ProviderError):
    """A wait ended because the operation was cancelled."""


class Unfinished(ProviderError):
    """Made, not finished: the object exists (its first write went through), a later step
    failed. A dynamic provider reports it as the error it is; the plugin records the object
    (`id`, `outs`) as a resource that failed to initialize, and the next update finishes it."""

    def __init__(self, message: str, id_: str, outs: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.id = id_
        self.outs = dict(outs)


class Ended(ProviderError):
    """The awaited object ended in a failed state: done, having made nothing."""


class ConfigError(ValueError):
    """A missing or wrong setting; `key` is what to set, the message says how."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


#: For updates of an object deleted behind the program's back.
GONE = (
    "it was deleted outside Pulumi: run `pulumi refresh` to drop it from the stack, then "
    "`pulumi up` creates it again"
)


def config_keys(org: str | None) -> tuple[str, str]:
    """How the user names the org id and client id of profile `org` in the configuration."""
    if not org:
        return f"{NAMESPACE}:orgId", f"{NAMESPACE}:clientId"
    where = f"the {org!r} profile of {NAMESPACE}:orgs"
    return f"orgId in {where}", f"clientId in {where}"


def set_hint(key: str, example: str = "...") -> str:
    """How to set `aep:<key>`: in the stack config (as a secret if it is one) or its
    environment variable."""
    secret = "--secret " if key in SECRET_KEYS else ""
    return f"run `pulumi config set {secret}{NAMESPACE}:{key} {example}` or set {ENV_VARS[key]}"


def profile_hint(name: str) -> str:
    """Where the keys of the `aep:orgs` profile `name` are set."""
    return (
        f"in the `{name}` entry of {NAMESPACE}:orgs "
        f"(`pulumi config set --secret {NAMESPACE}:orgs '{{\"{name}\": {{...}}}}'`) "
        f"or {ENV_VARS['orgs']}"
    )


def config_label(key: str, from_env: bool) -> str:
    """`aep:<key>` as a message names it, saying when its value came from the environment."""
    return f"{NAMESPACE}:{key}" + (f" (from {ENV_VARS[key]})" if from_env else "")


def _permission_fix(exc: PermissionDeniedError, org: str | None, forbidden: str | None) -> str:
    org_key, client_key = config_keys(org)
    if exc.error_code == _WRONG_ORG:
        return (
            f"the credential ({client_key}) does not belong to the org set in {org_key}: "
            f"set {org_key} to the IMS org of that credential"
        )
    if exc.error_code == _BAD_API_KEY:
        return f"{client_key} is not a known API key: set it to the credential's client id"
    if forbidden:
        return forbidden
    return (
        "act with a profile of the org that owns the object (`org=`), or grant the "
        f"credential of {client_key} the role it needs in that sandbox"
    )


@contextmanager
def api_errors(
    action: str,
    *,
    org: str | None = None,
    missing: str | None = None,
    forbidden: str | None = None,
) -> Iterator[None]:
    """Turn client and config errors into a ProviderError whose first line stands alone.

    `org`: the profile that acted (None: the default one), to name its configuration keys.
    `missing`: the fix when the object is not found, naming the input that pointed there.
    `forbidden`: the fix for a 403 from the service (gateway 403s are the configuration's).
    """
    try:
        yield
    except ProviderError:
        raise
    except ConfigError as exc:
        raise ProviderError(f"{action} failed: {exc}") from None
    except AuthenticationError as exc:
        _org_key, client_key = config_keys(org)
        secret = (
            f"{NAMESPACE}:clientSecret"
            if not org
            else f"clientSecret in the {org!r} profile of {NAMESPACE}:orgs"
        )
        raise ProviderError(
            f"{action} failed: the platform refused the credentials ({exc.api_message}): "
            f"check {client_key} and {secret} (or the access token)"
        ) from None
    except PermissionDeniedError as exc:
        raise ProviderError(
            f"{action} failed: permission denied ({exc.api_message}): "
            + _permission_fix(exc, org, forbidden)
        ) from None
    except NotFoundError as exc:
        if _NO_ENDPOINT in (exc.api_message or ""):
            fix = (
                f"{NAMESPACE}:platformUrl must be the platform's host only "
                "(like https://platform.adobe.io): drop any path from it"
            )
        else:
            fix = missing or "check the ids the program passes"
        raise ProviderError(f"{action} failed: not found ({exc.api_message}): {fix}") from None
    except ConflictError as exc:
        raise ProviderError(f"{action} failed: conflict ({exc.api_message})") from None
    except ApiValidationError as exc:
        raise ProviderError(f"{action} failed: rejected ({exc.api_message})") from None
    except (ThrottledError, ServerError) as exc:
        raise ProviderError(
            f"{action} failed: the platform kept answering {exc.status} ({exc.api_message}) "
            f"until the retry deadline: run `pulumi up` again (it picks up where this run "
            f"stopped), or raise {NAMESPACE}:retryTimeoutSeconds"
        ) from None
    except TransportError as exc:
        raise ProviderError(
            f"{action} failed: no answer from the platform ({exc.message}): "
            f"check {NAMESPACE}:platformUrl and the network, then run the update again"
        ) from None
    except ExImError as exc:
        raise ProviderError(f"{action} failed: {exc.message}") from None
