"""`sandbox-provider emulator`: serve the exim emulator on a socket of its own."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import tempfile

import click

# The web server is the `emulator` extra: a program's virtualenv gets only the provider.
EMULATOR_EXTRA_HINT = (
    "the emulator needs its web server, the `emulator` extra: "
    "pip install 'sandbox_provider[emulator]'"
)


@click.command()
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
