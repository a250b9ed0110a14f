"""The five Pulumi resources (dynamic providers) of AEP sandbox tooling.

One module per resource, each with its lifecycle in its docstring. The provider classes must
keep their import paths: the state records them (pickled by reference).
"""

from ._fields import Artifact
from .handshake import Handshake, HandshakeProvider
from .import_job import ImportJob, ImportJobProvider
from .package import Package, PackageProvider
from .published_package import PublishedPackage, PublishedPackageProvider
from .transfer import Transfer, TransferProvider

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
]
