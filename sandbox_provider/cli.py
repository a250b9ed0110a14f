"""The `sandbox-provider` command line: `emulator` serves the exim emulator, `recover` clears
a killed update, `generate` writes a program adopting an existing org, `check-live` compares a
real org's answers with the client's models (read-only), `migrate` the import file moving a
stack from the dynamic resources to the plugin, `plugin-archive` the plugin as an archive for
`pulumi plugin install`."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Callable
from typing import Any, TypeVar

import click

from sandbox_provider import __version__
from sandbox_provider.client.config import BY_NAME

# The web server is the `emulator` extra: a program's virtualenv gets only the provider.
EMULATOR_EXTRA_HINT = (
    "the emulator needs its web server, the `emulator` extra: "
    "pip install 'sandbox_provider[emulator]'"
)


#: The flags naming an org's settings (each defaults to its AEP_* variable), as
#: (flag, ClientSettings field, what it is). The secret has none: see `generate`.
_CREDENTIAL_FLAGS = (
    ("--org-id", "org_id", "IMS org id"),
    ("--client-id", "client_id", "Client id"),
    ("--sandbox-name", "sandbox", "Sandbox the requests name"),
    ("--platform-url", "platform_url", "API host"),
    ("--ims-url", "ims_url", "IMS host"),
    ("--scopes", "scopes", "OAuth scopes"),
)

F = TypeVar("F", bound=Callable[..., Any])


def credential_options(fn: F) -> F:
    """The `_CREDENTIAL_FLAGS` options, passed to the command under their settings' names."""
    for flag, field, what in reversed(_CREDENTIAL_FLAGS):
        default = f"{what} (default: {BY_NAME[field].env})."
        fn = click.option(flag, field, default=None, help=default)(fn)
    return fn


#: The options of the commands working on a stack (`recover`, `migrate`).
_cwd_option = click.option(
    "--cwd",
    "work_dir",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, exists=True),
    help="The project directory (holding Pulumi.yaml).",
)
_pulumi_option = click.option(
    "--pulumi",
    "pulumi_bin",
    default=None,
    envvar="PULUMI_BIN",
    help="The pulumi binary (default: the one on PATH; env PULUMI_BIN).",
)


@click.group()
@click.version_option(__version__, prog_name="sandbox-provider")
def main() -> None:
    """Infrastructure as code for AEP sandbox tooling, and its local exim emulator."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port",
    default=8088,
    show_default=True,
    type=int,
    help="Port to listen on (0 picks a free one).",
)
@click.option(
    "--db",
    "db_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="SQLite file holding the state (a temporary file by default).",
)
@click.option(
    "--seed",
    default="demo",
    show_default=True,
    type=click.Choice(["demo", "empty"]),
    help="Data loaded into a new database (and by /_emulator/reset without ?seed).",
)
@click.option(
    "--timing",
    "timing_mode",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "manual"]),
    help="auto: async operations finish by themselves; manual: only on POST /_emulator/advance.",
)
@click.option(
    "--delay",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds each publish, import job and transfer takes.",
)
@click.option(
    "--log-level",
    default="warning",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    help="uvicorn log level (info shows the access log).",
)
def emulator(
    host: str,
    port: int,
    db_path: str | None,
    seed: str,
    timing_mode: str,
    delay: float,
    log_level: str,
) -> None:
    """Serve the exim emulator until interrupted."""
    try:
        import uvicorn

        from sandbox_provider.emulator.app import create_app
        from sandbox_provider.emulator.seed import credentials_text
        from sandbox_provider.emulator.timing import TimingSettings
    except ModuleNotFoundError as exc:
        if exc.name in {"fastapi", "starlette", "uvicorn"}:
            raise click.ClickException(f"{EMULATOR_EXTRA_HINT} ({exc.name} is missing)") from None
        raise

    timing = TimingSettings(
        mode=timing_mode, publishSeconds=delay, jobSeconds=delay, transferSeconds=delay
    )
    scratch = None
    if db_path is None:
        # The default state is throwaway: a temporary file removed when the server stops.
        scratch = tempfile.mkdtemp(prefix="exim-emulator-")
        db_path = os.path.join(scratch, "exim.db")
    app = create_app(db_path, seed=seed, timing=timing)
    # Bind first so `--port 0` can report the real port before serving.
    sock = listening_socket(host, port)
    bound_port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(f"Emulator listening on http://{shown_host}:{bound_port}")
    click.echo(f"State: {app.state.emu.store.path}")
    click.echo(credentials_text(app.state.emu))
    sys.stdout.flush()
    config = uvicorn.Config(app, log_level=log_level, access_log=log_level in ("info", "debug"))
    server = uvicorn.Server(config)
    # uvicorn re-raises SIGTERM after its graceful shutdown; exiting through SystemExit
    # instead lets the cleanup below run (close the store, drop the scratch directory).
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        server.run(sockets=[sock])
    finally:
        app.state.emu.close()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


@main.command()
@click.option("--stack", "-s", "stack_name", required=True, help="The stack to recover.")
@_cwd_option
@_pulumi_option
def recover(stack_name: str, work_dir: str, pulumi_bin: str | None) -> None:
    """After a killed `pulumi up`: release the stack's lock and clear its pending operations,
    so that the next `pulumi up` converges (it takes over what the killed update made)."""
    from pulumi.automation import CommandError

    from sandbox_provider.recover import recover as run_recover

    try:
        run_recover(stack_name, work_dir, pulumi_bin=pulumi_bin, echo=click.echo)
    except CommandError as exc:
        raise click.ClickException(f"recovering stack {stack_name!r} failed: {exc}") from None


@main.command()
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory to write Pulumi.yaml, __main__.py and README.md into.",
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


@main.command("check-live", short_help="Check our models on a real org (read-only).")
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
    default=50,
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


@main.command()
@click.option("--stack", "-s", "stack_name", required=True, help="The stack to move.")
@_cwd_option
@click.option("--out", default="migrate.json", show_default=True, help="The import file to write.")
@_pulumi_option
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


@main.command("plugin-archive")
@click.option(
    "--out",
    "out_dir",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Directory to write the archive into.",
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


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def listening_socket(host: str, port: int) -> socket.socket:
    """The server's listening socket, bound and listening (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP lets asyncio set TCP_NODELAY on accepted sockets; with proto 0 every
    # answer on a kept-alive connection waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from exc
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


if __name__ == "__main__":
    main()
