"""The dynamic provider server's error text: the provider's message, not a traceback.

The engine runs the dynamic resources' providers in `python -m pulumi.dynamic`. Its servicer
(3.259.0) lets a provider's exception reach grpc, which sends the exception's text: the
CLI prints our one line. Newer SDKs (3.272.0) wrap every servicer method so that any
exception is sent as `traceback.format_exc()`, looked up at the moment of the failure through
the server module's global `traceback`: every error a person can act on then arrives inside
a Python traceback.

`install()` (run when this package is imported, as the server unpickles the first provider)
gives that module a `traceback` whose `format_exc` answers the message alone for the errors
we raise on purpose (`ProviderError`, `ConfigError`), and the full traceback for anything
else, as before. Nothing changes in any other process, or with an SDK without the wrapper.
"""

from __future__ import annotations

import sys
import traceback
from types import ModuleType
from typing import Any

__all__ = ["install"]


class _Traceback(ModuleType):
    """`traceback`, but `format_exc` of an expected error is its message."""

    def __init__(self) -> None:
        super().__init__("traceback")

    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)

    @staticmethod
    def format_exc(limit: int | None = None, chain: bool = True) -> str:
        from .errors import ConfigError, ProviderError

        exc = sys.exc_info()[1]
        if isinstance(exc, ProviderError | ConfigError):
            return str(exc)
        return traceback.format_exc(limit=limit, chain=chain)


def install() -> None:
    server = sys.modules.get("__main__")
    if server is None or not hasattr(server, "DynamicResourceProviderServicer"):
        return  # not the dynamic provider server
    current = getattr(server, "traceback", None)
    if isinstance(current, ModuleType) and not isinstance(current, _Traceback):
        setattr(server, "traceback", _Traceback())  # noqa: B010 - a module's global
