"""Infrastructure as code for AEP sandbox tooling (exim) packages, on Pulumi.

    from sandbox_provider import Package, PublishedPackage, ImportJob, Handshake, Transfer
    from sandbox_provider import get_package, get_import_conflicts  # lookups, see docs/resources.md

The resources are imported on first access: the emulator and the client live in this package
too and must not pay for (or depend on) importing pulumi.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

# A list of names: it loads neither pulumi nor a resource.
from .dynamic import __all__ as _public


@cache
def _version() -> str:
    # One version source: the package metadata (pyproject.toml's `version`). Read on first
    # use: importlib.metadata costs ~20 ms, which the provider's import path shouldn't pay.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sandbox_provider")
    except PackageNotFoundError:  # a source tree on sys.path, not installed
        return "0+unknown"


__all__ = [*_public, "__version__"]

if TYPE_CHECKING:
    __version__: str
    from .dynamic import *  # noqa: F403  (the names of `_public`)


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    if name in _public:
        from . import dynamic

        return getattr(dynamic, name)
    raise AttributeError(f"module 'sandbox_provider' has no attribute {name!r}")
