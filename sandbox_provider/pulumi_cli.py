"""Drive the real `pulumi` CLI for one stack with a local file backend, offline.

The demo, the e2e tier and the benchmarks all run stacks the same way: a project directory,
a state directory (`file://` backend), a passphrase for secrets, no update checks and no
plugin downloads. This module holds that recipe in one place.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class PulumiError(RuntimeError):
    """A pulumi command exited non-zero; carries its output for the failure message."""

    def __init__(self, args: Sequence[str], code: int, stdout: str, stderr: str) -> None:
        self.args_ = list(args)
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        tail = (stdout[-4000:] + "\n" + stderr[-4000:]).strip()
        super().__init__(f"`pulumi {' '.join(args)}` exited {code}:\n{tail}")


@dataclass
class Result:
    args: list[str]
    code: int
    stdout: str
    stderr: str
    seconds: float


def find_pulumi() -> str:
    """The pulumi binary: $PULUMI_BIN (set by the Makefile), else the one on PATH."""
    env = os.environ.get("PULUMI_BIN")
    if env and Path(env).is_file():
        return env
    found = shutil.which("pulumi")
    if found:
        return found
    raise FileNotFoundError(
        "no pulumi CLI: run `make pulumi` (it builds one) and set PULUMI_BIN to the path it prints"
    )


@dataclass
class Stack:
    """One stack of one project, with its own state directory and PULUMI_HOME."""

    project_dir: Path
    state_dir: Path
    name: str = "dev"
    passphrase: str = "sandbox-provider-local"
    pulumi: str = field(default_factory=find_pulumi)
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        bin_dir = str(Path(self.pulumi).resolve().parent)
        env = dict(os.environ)
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
        # Credentials come from stack config only: an ambient AEP_* must not leak in.
        for key in list(env):
            if key.startswith("AEP_"):
                del env[key]
        env.update(self.extra_env)
        return env

    def run(
        self,
        *args: str,
        check: bool = True,
        timeout: float = 600,
        input_text: str | None = None,
        echo: bool = False,
    ) -> Result:
        cmd = [self.pulumi, *args]
        if args and args[0] not in ("version", "login", "stack", "config"):
            cmd += ["--non-interactive"]
        start = time.monotonic()
        if echo:
            # Stream to the terminal (the demo) while keeping a copy for error messages.
            proc = subprocess.Popen(
                cmd,
                cwd=self.project_dir,
                env=self.env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            lines: list[str] = []
            assert proc.stdout is not None
            for line in proc.stdout:
                print("    " + line, end="", flush=True)
                lines.append(line)
            code = proc.wait(timeout=timeout)
            out, err = "".join(lines), ""
        else:
            cp = subprocess.run(
                cmd,
                cwd=self.project_dir,
                env=self.env(),
                capture_output=True,
                text=True,
                timeout=timeout,
                input=input_text,
            )
            code, out, err = cp.returncode, cp.stdout, cp.stderr
        res = Result(list(args), code, out, err, time.monotonic() - start)
        if check and code != 0:
            raise PulumiError(args, code, out, err)
        return res

    # -- conveniences ----------------------------------------------------------------------
    def init(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.run("stack", "init", self.name)

    def set_config(self, values: Mapping[str, str], *, secret: bool = False) -> None:
        for key, value in values.items():
            args = ["config", "set", key]
            if secret:
                args.append("--secret")
            # Through stdin, so a secret never appears in a process listing.
            self.run(*args, "--stack", self.name, input_text=value)

    def up(self, *extra: str, **kw: Any) -> Result:
        return self.run("up", "--yes", "--skip-preview", "--stack", self.name, *extra, **kw)

    def preview(self, *extra: str, **kw: Any) -> Result:
        return self.run("preview", "--stack", self.name, *extra, **kw)

    def refresh(self, *extra: str, **kw: Any) -> Result:
        return self.run("refresh", "--yes", "--skip-preview", "--stack", self.name, *extra, **kw)

    def destroy(self, *extra: str, **kw: Any) -> Result:
        return self.run("destroy", "--yes", "--skip-preview", "--stack", self.name, *extra, **kw)

    def outputs(self) -> dict[str, Any]:
        res = self.run("stack", "output", "--json", "--stack", self.name)
        return dict(json.loads(res.stdout or "{}"))

    def export_state(self) -> dict[str, Any]:
        res = self.run("stack", "export", "--stack", self.name)
        return dict(json.loads(res.stdout))

    def state_files(self) -> list[Path]:
        """Every file of the backend (for checking that no secret lands there)."""
        return [
            p for p in self.state_dir.rglob("*") if p.is_file() and ".pulumi-home" not in p.parts
        ]


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
