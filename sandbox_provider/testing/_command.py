"""The pulumi CLI as `pulumi.automation` runs it, with what the test stacks need on top."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pulumi import automation as auto
from pulumi.automation.errors import create_command_error

#: Seconds a pulumi command may run before it is killed.
DEFAULT_TIMEOUT = 600.0

OnOutput = Callable[[str], Any]


class PulumiError(auto.CommandError):
    """A pulumi command exited non-zero; carries its output for the failure message."""

    def __init__(self, args: Sequence[str], code: int, stdout: str, stderr: str) -> None:
        super().__init__(auto.CommandResult(stdout, stderr, code))
        self.args_ = list(args)
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        self.message = (
            f"`pulumi {' '.join(args)}` exited {code}:\n"
            + (stdout[-4000:] + "\n" + stderr[-4000:]).strip()
        )

    def __str__(self) -> str:
        return self.message


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


def pulumi_root(binary: str | Path) -> str:
    """The directory `auto.PulumiCommand(root=...)` wants for a CLI: the one holding
    `bin/pulumi`."""
    path = Path(binary).resolve()
    if path.name != "pulumi" or path.parent.name != "bin":
        raise ValueError(f"{binary}: pulumi.automation runs <root>/bin/pulumi; put the CLI there")
    return str(path.parent.parent)


class Command(auto.PulumiCommand):
    """`auto.PulumiCommand` on one CLI, differing in three ways tests rely on: a command runs
    with exactly the environment it is handed (the stack's `env()`, so a variable the stack
    leaves out stays out, where the base class lays `os.environ` under it), it is killed
    after `timeout` seconds, and it may be fed stdin."""

    def __init__(self, binary: str) -> None:
        super().__init__(root=pulumi_root(binary), skip_version_check=True)
        self.timeout = DEFAULT_TIMEOUT
        #: The result of the last command that failed (automation keeps only its text).
        self.failed: auto.CommandResult | None = None

    def run(
        self,
        args: list[str],
        cwd: str,
        additional_env: Mapping[str, str],
        on_output: OnOutput | None = None,
        on_error: OnOutput | None = None,
    ) -> auto.CommandResult:
        result = self.execute(args, cwd, additional_env, on_output=on_output, on_error=on_error)
        if result.code != 0:
            self.failed = result
            raise create_command_error(result)
        return result

    def execute(
        self,
        args: Sequence[str],
        cwd: str | Path,
        env: Mapping[str, str],
        *,
        input_text: str | None = None,
        on_output: OnOutput | None = None,
        on_error: OnOutput | None = None,
    ) -> auto.CommandResult:
        """Run `pulumi --non-interactive *args`; never raises for an exit code."""
        argv = [self.command, *args]
        if "--non-interactive" not in args:
            argv.insert(1, "--non-interactive")
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**env, "PULUMI_AUTOMATION_API": "true"},
            stdin=subprocess.PIPE if input_text is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out: list[str] = []
        err: list[str] = []
        readers = [
            threading.Thread(target=_pump, args=(proc.stdout, out, on_output), daemon=True),
            threading.Thread(target=_pump, args=(proc.stderr, err, on_error), daemon=True),
        ]
        for t in readers:
            t.start()
        if input_text is not None:
            assert proc.stdin is not None
            proc.stdin.write(input_text)
            proc.stdin.close()
        try:
            code = proc.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
        finally:
            for t in readers:
                t.join(timeout=10)
        return auto.CommandResult(stdout="".join(out), stderr="".join(err), code=code)


def _pump(stream: Any, sink: list[str], callback: OnOutput | None) -> None:
    for line in stream:
        sink.append(line)
        if callback:
            callback(line.rstrip("\n"))
    stream.close()
