"""The `aep` settings as a program sees them, for the lookup functions.

A dynamic provider has no invoke: a lookup runs in the program's own process, which never
receives a `configure`. So it fills `_config`'s registry from `pulumi.Config("aep")`, the same
`aep:*` keys the engine hands to the providers, and then resolves profiles (and their checks
and messages, and the `AEP_*` fallbacks) exactly as a provider does. Nothing is parsed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi

from sandbox_provider.resources import _config
from sandbox_provider.resources._base import client_for, forget_clients

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient


def load() -> None:
    """Put the program's `aep:*` settings in the registry the profiles are resolved from."""
    config = pulumi.Config(_config.NAMESPACE)
    # Config.get on a secret key returns its plain value: the value stays in this process,
    # in the registry, and never reaches an output.
    values = {f"{_config.NAMESPACE}:{key}": config.get(key) for key in _config.ENV_VARS}
    if _config.set_stack_config(values):
        forget_clients()


def program_client(org: str | None) -> ExImClient:
    """The client acting as profile `org` with the program's settings; raises ConfigError."""
    load()
    return client_for(org)
