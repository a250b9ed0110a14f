"""The five Pulumi resources (dynamic providers) of AEP sandbox tooling.

One module per resource, each with its lifecycle in its docstring. The provider classes must
keep their import paths: the state records them (pickled by reference).

The names load on first use, each from its own module: a program using only `Package` (and
the provider process unpickling its provider) doesn't pay for the other four.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from . import _dynamic_server

_dynamic_server.install()

#: name -> the module of this package that defines it
_EXPORTS = {
    "Artifact": "_fields",
    "Handshake": "handshake",
    "HandshakeProvider": "handshake",
    "ImportJob": "import_job",
    "ImportJobProvider": "import_job",
    "Package": "package",
    "PackageProvider": "package",
    "PublishedPackage": "published_package",
    "PublishedPackageProvider": "published_package",
    "Transfer": "transfer",
    "TransferProvider": "transfer",
    "ArtifactDependencies": "lookups",
    "ArtifactPermissions": "lookups",
    "ArtifactRef": "lookups",
    "ImportConflict": "lookups",
    "ImportJobInfo": "lookups",
    "PackageInfo": "lookups",
    "Preflight": "lookups",
    "get_artifact_dependencies": "lookups",
    "get_import_conflicts": "lookups",
    "get_import_jobs": "lookups",
    "get_package": "lookups",
    "get_packages": "lookups",
    "get_preflight": "lookups",
}

__all__ = [
    "Artifact",
    "Handshake",
    "HandshakeProvider",
    "ImportJob",
    "ImportJobProvider",
    "Package",
    "PackageProvider",
    "PublishedPackage",
    "PublishedPackageProvider",
    "Transfer",
    "TransferProvider",
    "ArtifactDependencies",
    "ArtifactPermissions",
    "ArtifactRef",
    "ImportConflict",
    "ImportJobInfo",
    "PackageInfo",
    "Preflight",
    "get_artifact_dependencies",
    "get_import_conflicts",
    "get_import_jobs",
    "get_package",
    "get_packages",
    "get_preflight",
]

if TYPE_CHECKING:
    from ._fields import Artifact
    from .handshake import Handshake, HandshakeProvider
    from .import_job import ImportJob, ImportJobProvider
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
    from .package import Package, PackageProvider
    from .published_package import PublishedPackage, PublishedPackageProvider
    from .transfer import Transfer, TransferProvider


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sandbox_provider.resources' has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)
