"""`sandbox-provider plugin-archive`: the aep plugin as an archive for `pulumi plugin
install`."""

from __future__ import annotations

import click

from .options import directory_option


@click.command("plugin-archive")
@directory_option(
    "--out", "out_dir", "Directory to write the archive into.", default=".", show_default=True
)
@click.option(
    "--python",
    "python",
    default=None,
    help="The interpreter the plugin runs with, in an environment where sandbox_provider is "
    "installed (default: the one this command runs from).",
)
def plugin_archive(out_dir: str, python: str | None) -> None:
    """Write the aep plugin as pulumi-resource-aep-v<version>-<os>-<arch>.tar.gz, for
    `pulumi plugin install resource aep <version> --file <archive>`.

    The plugin stays Python: the archive holds a launcher running this package's plugin with
    one interpreter, so it works only on this machine and while that interpreter's
    environment keeps sandbox_provider installed (its version is the archive's)."""
    from pathlib import Path

    from sandbox_provider.plugin.archive import ArchiveError, build

    try:
        archive = build(Path(out_dir), python)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote {archive.path} (runs the plugin with {archive.python})")
    click.echo("Install it with:")
    click.echo(f"  {archive.install_command()}")
