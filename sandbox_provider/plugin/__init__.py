"""`pulumi-resource-aep`: the five resources as a Pulumi provider plugin, for every language.

The plugin is a thin adapter over the same core as the dynamic resources
(`sandbox_provider.resources`): `provider.py` maps the protocol onto the core's provider
classes, `schema.py` describes them, `values.py` converts the values, `server.py` serves it,
and `sdk.py` is a small Python SDK for programs that use the plugin instead of the dynamic
resources. The engine runs the `pulumi-resource-aep` executable this package installs,
finding it on PATH, or the launcher of an archive `archive.py` writes, once `pulumi plugin
install resource aep VERSION --file ARCHIVE` has put it in the plugin cache.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    """The `pulumi-resource-aep` entry point."""
    from sandbox_provider import _version

    from .provider import AepProvider
    from .server import serve

    version = _version()
    serve(sys.argv[1:], version, AepProvider(version))
