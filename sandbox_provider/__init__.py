"""Infrastructure as code for AEP sandbox tooling (exim) packages, on Pulumi.

    from sandbox_provider import Package, PublishedPackage, ImportJob, Handshake, Transfer

The resources are imported on first access: the emulator and the client live in this package
too and must not pay for (or depend on) importing pulumi.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Artifact",
    "Handshake",
    "ImportJob",
    "Package",
    "PublishedPackage",
    "Transfer",
    "__version__",
]

if TYPE_CHECKING:
    from .resources import Artifact, Handshake, ImportJob, Package, PublishedPackage, Transfer


def __getattr__(name: str) -> Any:
    if name in __all__ and name != "__version__":
        from . import resources

        return getattr(resources, name)
    raise AttributeError(f"module 'sandbox_provider' has no attribute {name!r}")
