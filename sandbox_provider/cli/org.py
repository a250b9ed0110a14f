"""The commands reading an org: `generate` (a program adopting what it holds) and
`check-live` (its answers against the client's models)."""

from __future__ import annotations

import click

from sandbox_provider.client.paging import DEFAULT_PAGE_SIZE

from .options import credential_options, directory_option


@click.command()
@directory_option(
    "--out",
    "out_dir",
    "Directory to write Pulumi.yaml, __main__.py and README.md into.",
    required=True,
)
@click.option(
    "--sandbox",
    "sandboxes",
    multiple=True,
    help="Only the packages of this sandbox (repeat for more; default: every sandbox).",
)
@click.option("--project", default=None, help="Pulumi project name (default: from --out).")
@click.option(
    "--virtualenv",
    default=None,
    help="The virtualenv Pulumi.yaml names (default: the one this command runs from).",
)
@click.option("--force", is_flag=True, help="Overwrite the files if --out already has them.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@credential_options
# Secrets on a command line end up in shell history and `ps`: the variables are the way.
@click.option("--client-secret", default=None, hidden=True)
@click.option("--access-token", default=None, hidden=True)
def generate(
    out_dir: str,
    sandboxes: tuple[str, ...],
    project: str | None,
    virtualenv: str | None,
    force: bool,
    quiet: bool,
    **credentials: str | None,
) -> None:
    """Read an existing org and write a program that adopts what it holds.

    Credentials come from the AEP_* environment variables the provider reads (flags win);
    the secret never reaches a written file."""
    from pathlib import Path

    from sandbox_provider.client import ClientSettings, ConfigurationError, ExImError
    from sandbox_provider.generate import FILES, default_virtualenv
    from sandbox_provider.generate import generate as run_generate

    out = Path(out_dir)
    existing = [name for name in FILES if (out / name).exists()]
    if existing and not force:
        raise click.ClickException(
            f"{out} already holds {', '.join(existing)}: pass --force to overwrite, or choose "
            "another --out"
        )
    try:
        settings = ClientSettings.from_env(None, **credentials)
        plan, paths = run_generate(
            settings,
            out,
            sandboxes=sandboxes,
            project=project,
            virtualenv=virtualenv or default_virtualenv(),
            show_progress=not quiet,
        )
    except ConfigurationError as exc:
        raise click.ClickException(f"configuration: {exc}") from None
    except ExImError as exc:
        raise click.ClickException(f"reading the org failed: {exc}") from None
    click.echo(
        f"{len(plan.declarations)} object(s) declared, {len(plan.left_out)} left out "
        f"(see {out / 'README.md'}): " + ", ".join(str(p) for p in paths)
    )


@click.command("check-live", short_help="Check our models on a real org (read-only).")
@click.option(
    "--package-id",
    default=None,
    help="The package to look up (default: the newest PUBLISHED one listed, else the newest).",
)
@click.option(
    "--job-id", default=None, help="The job whose /tools/job to read (default: the newest listed)."
)
@click.option(
    "--artifact-type",
    default=None,
    help="The type the /tools/artifacts probe asks for (default: the looked-up package's "
    "first artifact's, else JOURNEY).",
)
@click.option(
    "--limit",
    default=DEFAULT_PAGE_SIZE,
    show_default=True,
    type=click.IntRange(min=1),
    help="Items each listing asks for (one page is read).",
)
@click.option(
    "--strict", is_flag=True, help="Also exit 1 when a field is missing or unknown to us."
)
@credential_options
@click.pass_context
def check_live(
    ctx: click.Context,
    package_id: str | None,
    job_id: str | None,
    artifact_type: str | None,
    limit: int,
    strict: bool,
    **credentials: str | None,
) -> None:
    """Compare a real org's answers with the client's models, with read-only calls: list
    packages, look one up, list jobs, /tools/job of the newest, and whether the older
    /tools/artifacts route answers. Reports the fields missing or unknown to us.

    Credentials come from the AEP_* environment variables (flags win); the secret only from
    the environment (AEP_CLIENT_SECRET or AEP_ACCESS_TOKEN), and it is never printed. Exit
    code 0 when every call answered and parsed, 1 when one failed or didn't parse (with
    --strict also when a field is missing or unknown to us)."""
    from sandbox_provider.client import ClientSettings, ConfigurationError
    from sandbox_provider.live import check_live as run_check_live
    from sandbox_provider.live import render

    try:
        settings = ClientSettings.from_env(None, **credentials)
    except ConfigurationError as exc:
        raise click.ClickException(f"configuration: {exc}") from None
    report = run_check_live(
        settings, package_id=package_id, job_id=job_id, artifact_type=artifact_type, limit=limit
    )
    click.echo(render(report, strict=strict), nl=False)
    ctx.exit(report.exit_code(strict=strict))
