"""The dynamic adapter: what a Python program declares and calls, over the core.

- `resources.py`: the `pulumi.dynamic.Resource` classes (Package, PublishedPackage, ImportJob,
  Handshake, Transfer), each over its core provider (`sandbox_provider.resources.<module>`),
- `promotion.py`: the Promotion component (one ImportJob per target, in waves),
- `lookups.py`: the `get_*` functions, over the core's reads, run in the program's process.

Every other language reaches the same core through the `aep` plugin (`sandbox_provider.plugin`).
The names load on first use: a program using only `Package` doesn't pay for the lookups.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = [
    "Artifact",
    "ArtifactDependencies",
    "ArtifactPermissions",
    "ArtifactRef",
    "Handshake",
    "ImportConflict",
    "ImportJob",
    "ImportJobInfo",
    "Package",
    "PackageInfo",
    "Preflight",
    "Promotion",
    "PublishedPackage",
    "Transfer",
    "get_artifact_dependencies",
    "get_import_conflicts",
    "get_import_jobs",
    "get_package",
    "get_packages",
    "get_preflight",
]

if TYPE_CHECKING:
    from sandbox_provider.resources._fields import Artifact

    from .lookups import (
        ArtifactDependencies,
        ArtifactPermissions,
        ArtifactRef,
        ImportConflict,
        ImportJobInfo,
        PackageInfo,
        Preflight,
        get_artifact_dependencies,
        get_import_conflicts,
        get_import_jobs,
        get_package,
        get_packages,
        get_preflight,
    )
    from .promotion import Promotion
    from .resources import Handshake, ImportJob, Package, PublishedPackage, Transfer


_RESOURCES = ("Handshake", "ImportJob", "Package", "PublishedPackage", "Transfer")


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'sandbox_provider.dynamic' has no attribute {name!r}")
    if name in _RESOURCES:
        module = f"{__name__}.resources"
    elif name == "Promotion":
        module = f"{__name__}.promotion"
    elif name == "Artifact":
        module = "sandbox_provider.resources._fields"
    else:
        module = f"{__name__}.lookups"
    return getattr(import_module(module), name)
