"""The commands working on a stack: `recover` (after a killed update) and `migrate` (from the
dynamic resources to the plugin)."""

from __future__ import annotations

import click

from .options import cwd_option, pulumi_option


@click.command()
@click.option("--stack", "-s", "stack_name", required=True, help="The stack to recover.")
@cwd_option
@pulumi_option
def recover(stack_name: str, work_dir: str, pulumi_bin: str | None) -> None:
    """After a killed `pulumi up`: release the stack's lock and clear its pending operations,
    so that the next `pulumi up` converges (it takes over what the killed update made)."""
    from pulumi.automation import CommandError

    from sandbox_provider.recover import recover as run_recover

    try:
        run_recover(stack_name, work_dir, pulumi_bin=pulumi_bin, echo=click.echo)
    except CommandError as exc:
        raise click.ClickException(f"recovering stack {stack_name!r} failed: {exc}") from None


@click.command()
@click.option("--stack", "-s", "stack_name", required=True, help="The stack to move.")
@cwd_option
@click.option("--out", default="migrate.json", show_default=True, help="The import file to write.")
@pulumi_option
def migrate(stack_name: str, work_dir: str, out: str, pulumi_bin: str | None) -> None:
    """Write the import file that moves a stack's dynamic resources to the aep plugin (each
    with its recorded inputs and outputs: no API call), and print the commands that use it.
    It only reads the stack."""
    import json
    from pathlib import Path

    from pulumi.automation import CommandError

    from sandbox_provider.migrate import export_deployment, plan

    try:
        deployment = export_deployment(stack_name, work_dir, pulumi_bin=pulumi_bin)
        migration = plan(deployment, stack_name)
    except CommandError as exc:
        raise click.ClickException(f"reading stack {stack_name!r} failed: {exc}") from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    Path(work_dir, out).write_text(json.dumps(migration.import_file(), indent=2) + "\n")
    for line in migration.lines(out):
        click.echo(line)
