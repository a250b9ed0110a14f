"""One stack of one project on a local `file://` backend, driven through `pulumi.automation`.

`Stack` is `auto.Stack` (a `LocalWorkspace` on the project directory, `auto.PulumiCommand`
on the CLI in $PULUMI_BIN or on PATH) with what a test run wants by default: a state
directory of its own, a passphrase for secrets, its own PULUMI_HOME, no update checks, no
plugin downloads, and no ambient `AEP_*` credential reaching the program. `up`, `preview`,
`refresh`, `destroy`, `cancel` and the plaintext config are automation calls (its keyword
options, e.g. `expect_no_changes=True`, pass straight through). Kept as thin CLI calls, for
what automation doesn't do the way tests need: `run` (any command; its exit code, stdout and
stderr), secrets set through stdin (automation puts them in the process arguments),
`outputs` and `export_state` as the CLI shows them (automation asks for `--show-secrets`),
and `import_state`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from ._command import DEFAULT_TIMEOUT, Command, PulumiError, find_pulumi

#: The passphrase of the stacks' secrets unless one is given (test stacks only).
DEFAULT_PASSPHRASE = "sandbox-provider-local"


@dataclass
class Result:
    """A finished command: exit code, output, wall time, and (from automation) the change
    summary of an up, preview, refresh or destroy (`{"create": 2, "same": 1}`)."""

    args: list[str]
    code: int
    stdout: str
    stderr: str
    seconds: float
    summary: dict[str, int] = field(default_factory=dict)


@dataclass
class Stack:
    """One stack of one project, with its own state directory and PULUMI_HOME."""

    project_dir: Path
    state_dir: Path
    name: str = "dev"
    passphrase: str = DEFAULT_PASSPHRASE
    pulumi: str = field(default_factory=find_pulumi)
    #: Variables on top of `env()` (they may be changed between commands).
    extra_env: dict[str, str] = field(default_factory=dict)
    _command: Command | None = field(default=None, init=False, repr=False)
    _workspace: auto.LocalWorkspace | None = field(default=None, init=False, repr=False)
    _auto_stack: auto.Stack | None = field(default=None, init=False, repr=False)

    def env(self) -> dict[str, str]:
        """The whole environment of this stack's commands."""
        bin_dir = str(Path(self.pulumi).resolve().parent)
        # Credentials come from stack config only: an ambient AEP_* must not leak in.
        env = {k: v for k, v in os.environ.items() if not k.startswith("AEP_")}
        env.update(
            {
                # Plugins (the Python language host, the dynamic provider) sit beside the CLI.
                "PATH": bin_dir + os.pathsep + env.get("PATH", ""),
                "PULUMI_BACKEND_URL": "file://" + str(self.state_dir.resolve()),
                "PULUMI_HOME": str((self.state_dir / ".pulumi-home").resolve()),
                "PULUMI_CONFIG_PASSPHRASE": self.passphrase,
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
                "PULUMI_SKIP_CONFIRMATIONS": "true",
                "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK": "true",
                "NO_COLOR": "1",
            }
        )
        env.update(self.extra_env)
        return env

    # -- automation ------------------------------------------------------------------------
    @property
    def command(self) -> Command:
        if self._command is None:
            self._command = Command(self.pulumi)
        return self._command

    def workspace(self) -> auto.LocalWorkspace:
        """The automation workspace, its environment refreshed from `env()` (which may have
        changed since the last command)."""
        if self._workspace is None:
            self._workspace = auto.LocalWorkspace(
                work_dir=str(self.project_dir), pulumi_command=self.command
            )
        self._workspace.env_vars = self.env()
        return self._workspace

    @property
    def auto_stack(self) -> auto.Stack:
        """The `auto.Stack` (selected on first use if `init` did not create it)."""
        if self._auto_stack is None:
            self._auto_stack = auto.Stack.select(self.name, self.workspace())
        return self._auto_stack

    @contextmanager
    def _automation(
        self, op: str, check: bool, timeout: float, echo: bool
    ) -> Iterator[tuple[dict[str, Any], Result]]:
        """Around one automation call: its options for output, and the Result it fills in
        (from the command's failure if `check` is false)."""
        self.workspace()
        cmd = self.command
        cmd.timeout, cmd.failed = timeout, None
        opts: dict[str, Any] = {"on_output": _echo, "on_error": _echo} if echo else {}
        res = Result([op], 0, "", "", 0.0)
        start = time.monotonic()
        try:
            yield opts, res
        except auto.CommandError:
            failed = cmd.failed
            if failed is None:
                raise
            if check:
                raise PulumiError([op], failed.code, failed.stdout, failed.stderr) from None
            res.code, res.stdout, res.stderr = failed.code, failed.stdout, failed.stderr
        finally:
            res.seconds = time.monotonic() - start
            cmd.timeout = DEFAULT_TIMEOUT

    def init(self) -> None:
        """`pulumi stack init` (the state directory is made first)."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._auto_stack = auto.Stack.create(self.name, self.workspace())

    def up(
        self,
        *,
        check: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
        echo: bool = False,
        **opts: Any,
    ) -> Result:
        """`pulumi up --yes --skip-preview`; `opts` are `auto.Stack.up`'s."""
        with self._automation("up", check, timeout, echo) as (out, res):
            r = self.auto_stack.up(**out, **opts)
            res.stdout, res.stderr = r.stdout, r.stderr
            res.summary = _counts(r.summary.resource_changes)
        return res

    def preview(
        self,
        *,
        check: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
        echo: bool = False,
        **opts: Any,
    ) -> Result:
        """`pulumi preview`; `opts` are `auto.Stack.preview`'s. `summary` holds its change
        counts."""
        with self._automation("preview", check, timeout, echo) as (out, res):
            r = self.auto_stack.preview(**out, **opts)
            res.stdout, res.stderr = r.stdout, r.stderr
            res.summary = _counts(r.change_summary)
        return res

    def refresh(
        self,
        *,
        check: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
        echo: bool = False,
        **opts: Any,
    ) -> Result:
        """`pulumi refresh --yes --skip-preview`; `opts` are `auto.Stack.refresh`'s."""
        with self._automation("refresh", check, timeout, echo) as (out, res):
            r = self.auto_stack.refresh(**out, **opts)
            res.stdout, res.stderr = r.stdout, r.stderr
            res.summary = _counts(r.summary.resource_changes)
        return res

    def destroy(
        self,
        *,
        check: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
        echo: bool = False,
        **opts: Any,
    ) -> Result:
        """`pulumi destroy --yes --skip-preview`; `opts` are `auto.Stack.destroy`'s."""
        with self._automation("destroy", check, timeout, echo) as (out, res):
            r = self.auto_stack.destroy(**out, **opts)
            res.stdout, res.stderr = r.stdout, r.stderr
            res.summary = _counts(r.summary.resource_changes)
        return res

    def cancel(self) -> None:
        """`pulumi cancel`: release the lock a killed update left."""
        with self._automation("cancel", True, DEFAULT_TIMEOUT, False):
            self.auto_stack.cancel()

    def set_config(self, values: Mapping[str, str], *, secret: bool = False) -> None:
        """Set `aep:*`-style keys; secrets go through stdin, one command each, so a secret
        never appears in a process listing."""
        if not secret:
            if values:
                with self._automation("config set-all", True, DEFAULT_TIMEOUT, False):
                    config = {k: auto.ConfigValue(v) for k, v in values.items()}
                    self.auto_stack.set_all_config(config)
            return
        for key, value in values.items():
            self.run("config", "set", "--secret", key, "--stack", self.name, input_text=value)

    # -- the CLI, directly -----------------------------------------------------------------
    def run(
        self,
        *args: str,
        check: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
        input_text: str | None = None,
        echo: bool = False,
    ) -> Result:
        """`pulumi --non-interactive *args` in the project directory; its exit code and
        output (PulumiError on a non-zero exit if `check`)."""
        cmd = self.command
        cmd.timeout = timeout
        start = time.monotonic()
        try:
            r = cmd.execute(
                args,
                self.project_dir,
                self.env(),
                input_text=input_text,
                on_output=_echo if echo else None,
                on_error=_echo if echo else None,
            )
        finally:
            cmd.timeout = DEFAULT_TIMEOUT
        res = Result(list(args), r.code, r.stdout, r.stderr, time.monotonic() - start)
        if check and r.code != 0:
            raise PulumiError(args, r.code, r.stdout, r.stderr)
        return res

    def outputs(self) -> dict[str, Any]:
        """The stack outputs as the CLI shows them (a secret output reads `[secret]`)."""
        res = self.run("stack", "output", "--json", "--stack", self.name)
        return dict(json.loads(res.stdout or "{}"))

    def export_state(self) -> dict[str, Any]:
        """`pulumi stack export` (secrets stay encrypted; works on a locked stack)."""
        res = self.run("stack", "export", "--stack", self.name)
        return dict(json.loads(res.stdout))

    def import_state(self, state: Mapping[str, Any]) -> None:
        """`pulumi stack import` of a state as `export_state` returns it."""
        self.run("stack", "import", "--stack", self.name, input_text=json.dumps(state))

    def state_files(self) -> list[Path]:
        """Every file of the backend (for checking that no secret lands there)."""
        return [
            p for p in self.state_dir.rglob("*") if p.is_file() and ".pulumi-home" not in p.parts
        ]


def _counts(changes: Mapping[Any, int] | None) -> dict[str, int]:
    # Automation keys the counts by OpType; the CLI's JSON (and a test) by its value.
    return {str(getattr(op, "value", op)): int(n) for op, n in (changes or {}).items()}


def _echo(line: str) -> None:
    # Streams a command to the terminal (the demo) while the Result keeps a copy.
    print("    " + line, flush=True)


def configure_for_emulator(
    stack: Stack,
    url: str,
    orgs: Mapping[str, Mapping[str, Any]],
    *,
    default_org: str = "acme",
    sandbox: str = "dev",
    extra: Mapping[str, str] | None = None,
) -> None:
    """Point a stack's `aep:*` config at an emulator: `default_org` is the default profile,
    every other org of `orgs` (name → the emulator's org record) a named profile in
    `aep:orgs`. Secrets go in as secrets."""
    main = orgs[default_org]
    stack.set_config(
        {
            "aep:platformUrl": url,
            "aep:imsUrl": url,
            "aep:orgId": main["imsOrgId"],
            "aep:clientId": main["clientId"],
            "aep:sandbox": sandbox,
            **(extra or {}),
        }
    )
    profiles = {
        name: {
            "orgId": org["imsOrgId"],
            "clientId": org["clientId"],
            "clientSecret": org["clientSecret"],
            "sandbox": sandbox,
        }
        for name, org in orgs.items()
        if name != default_org
    }
    stack.set_config(
        {"aep:clientSecret": main["clientSecret"], "aep:orgs": json.dumps(profiles)}, secret=True
    )
