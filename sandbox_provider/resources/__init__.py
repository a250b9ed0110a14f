"""The core: the five resources of AEP sandbox tooling, and what they share.

One module per resource (`package`, `published_package`, `import_job`, `handshake`,
`transfer`), each declaring its inputs and outputs once (`declare`) and holding its provider:
check, diff, create, read, update, delete, with its lifecycle in its docstring. The provider
classes must keep their import paths: the dynamic resources' state records them (pickled by
reference). The two adapters sit on top: `sandbox_provider.dynamic` (Python programs) and
`sandbox_provider.plugin` (every other language).

The names load on first use, each from its own module: a program using only `Package` (and
the provider process unpickling its provider) doesn't pay for the other four. The dynamic
resource classes and lookups are still found here, untyped, under their earlier names (they
moved to `sandbox_provider.dynamic`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from . import _dynamic_server

_dynamic_server.install()

#: name -> the module that defines it
_EXPORTS = {
    "HandshakeProvider": f"{__name__}.handshake",
    "ImportJobProvider": f"{__name__}.import_job",
    "PackageProvider": f"{__name__}.package",
    "PublishedPackageProvider": f"{__name__}.published_package",
    "TransferProvider": f"{__name__}.transfer",
    # What the adapters share with the core: the provider base, the per-call scope, the
    # engine's cancel, clients per org, the run's claims, a Package's artifact diff.
    "BaseProvider": f"{__name__}._base",
    "call_scope": f"{__name__}._base",
    "cancel": f"{__name__}._base",
    "client_for": f"{__name__}._base",
    "remember_inputs": f"{__name__}._claims",
    "artifacts_changed": f"{__name__}.package",
}

__all__ = [
    "BaseProvider",
    "artifacts_changed",
    "call_scope",
    "cancel",
    "client_for",
    "remember_inputs",
    "HandshakeProvider",
    "ImportJobProvider",
    "PackageProvider",
    "PublishedPackageProvider",
    "TransferProvider",
]

if TYPE_CHECKING:
    from ._base import BaseProvider, call_scope, cancel, client_for
    from ._claims import remember_inputs
    from .handshake import HandshakeProvider
    from .import_job import ImportJobProvider
    from .package import PackageProvider, artifacts_changed
    from .published_package import PublishedPackageProvider
    from .transfer import TransferProvider


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        # The dynamic adapter's names (Package, get_package, ...), where earlier versions had
        # them: `sandbox_provider.dynamic` (or `sandbox_provider`) is where they live now.
        from sandbox_provider import dynamic

        if name in dynamic.__all__:
            return getattr(dynamic, name)
        raise AttributeError(f"module 'sandbox_provider.resources' has no attribute {name!r}")
    return getattr(import_module(module), name)
