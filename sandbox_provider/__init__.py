"""Infrastructure as code for AEP sandbox tooling (exim) packages, on Pulumi.

    from sandbox_provider import Package, PublishedPackage, ImportJob, Handshake, Transfer
    from sandbox_provider import get_package, get_import_conflicts  # lookups, see docs/resources.md

The resources are imported on first access: the emulator and the client live in this package
too and must not pay for (or depend on) importing pulumi.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any


@cache
def _version() -> str:
    # One version source: the package metadata (pyproject.toml's `version`). Read on first
    # use: importlib.metadata costs ~20 ms, which the provider's import path shouldn't pay.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sandbox_provider")
    except PackageNotFoundError:  # a source tree on sys.path, not installed
        return "0+unknown"


__all__ = [
    "Artifact",
    "Handshake",
    "ImportJob",
    "Package",
    "PublishedPackage",
    "Transfer",
    "get_artifact_dependencies",
    "get_import_conflicts",
    "get_import_jobs",
    "get_package",
    "get_packages",
    "get_preflight",
    "__version__",
]

if TYPE_CHECKING:
    __version__: str
    from .dynamic import (
        Artifact,
        Handshake,
        ImportJob,
        Package,
        PublishedPackage,
        Transfer,
        get_artifact_dependencies,
        get_import_conflicts,
        get_import_jobs,
        get_package,
        get_packages,
        get_preflight,
    )


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    if name in __all__ and name != "__version__":
        from . import dynamic

        return getattr(dynamic, name)
    raise AttributeError(f"module 'sandbox_provider' has no attribute {name!r}")
