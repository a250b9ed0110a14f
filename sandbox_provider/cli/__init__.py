"""The `sandbox-provider` command line: `emulator` serves the exim emulator, `recover` clears
a killed update, `generate` writes a program adopting an existing org, `check-live` compares a
real org's answers with the client's models (read-only), `migrate` the import file moving a
stack from the dynamic resources to the plugin, `plugin-archive` the plugin as an archive for
`pulumi plugin install`.

A module per group of commands: `serve` (emulator), `org` (generate, check-live), `stack`
(recover, migrate), `plugin` (plugin-archive); `options` holds the options they share."""

from __future__ import annotations

import click

from sandbox_provider import __version__

from .options import credential_options
from .org import check_live, generate
from .plugin import plugin_archive
from .serve import EMULATOR_EXTRA_HINT, emulator, listening_socket
from .stack import migrate, recover

__all__ = [
    "EMULATOR_EXTRA_HINT",
    "check_live",
    "credential_options",
    "emulator",
    "generate",
    "listening_socket",
    "main",
    "migrate",
    "plugin_archive",
    "recover",
]


@click.group()
@click.version_option(__version__, prog_name="sandbox-provider")
def main() -> None:
    """Infrastructure as code for AEP sandbox tooling, and its local exim emulator."""


for _command in (emulator, recover, generate, check_live, migrate, plugin_archive):
    main.add_command(_command)
