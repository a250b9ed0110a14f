"""The options several commands share: an org's settings, a stack's directory and the pulumi
binary, and directories to write into."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from sandbox_provider.client.config import BY_NAME

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


def directory_option(
    flag: str, dest: str, help: str, *, exists: bool = False, **kwargs: Any
) -> Callable[[F], F]:
    """An option naming a directory, passed as `dest`: click refuses a file (and, with
    `exists`, a directory that isn't there). `kwargs` are click.option's."""
    path = click.Path(file_okay=False, exists=exists)
    return click.option(flag, dest, type=path, help=help, **kwargs)


#: The options of the commands working on a stack (`recover`, `migrate`).
cwd_option = directory_option(
    "--cwd",
    "work_dir",
    "The project directory (holding Pulumi.yaml).",
    default=".",
    show_default=True,
    exists=True,
)
pulumi_option = click.option(
    "--pulumi",
    "pulumi_bin",
    default=None,
    envvar="PULUMI_BIN",
    help="The pulumi binary (default: the one on PATH; env PULUMI_BIN).",
)
