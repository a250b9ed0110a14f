"""Infrastructure as code for AEP sandbox tooling (exim) packages, on Pulumi.

from sandbox_provider import Package, PublishedPackage, ImportJob, Handshake, Transfer
"""

__version__ = "0.1.0"

from .resources import (  # noqa: E402 - __version__ first, readable without importing pulumi
    Artifact,
    Handshake,
    ImportJob,
    Package,
    PublishedPackage,
    Transfer,
)

__all__ = [
    "Artifact",
    "Handshake",
    "ImportJob",
    "Package",
    "PublishedPackage",
    "Transfer",
    "__version__",
]
