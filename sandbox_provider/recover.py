"""`sandbox-provider recover`: make a stack whose `pulumi up` was killed ready for the next one.

A SIGKILLed update (a lost CI runner, an OOM kill) leaves two things in the stack, measured
with the engine this project builds (3.259.0):

- the backend's lock: every later command fails with "the stack is currently locked" until
  `pulumi cancel`;
- its in-flight operations as `pending_operations`. The next `pulumi up` warns about them and
  goes on; the resources' creates then take over what the killed creates left on the
  platform (see docs/lifecycle.md, "When an update fails or is interrupted"). But neither
  `up` nor a non-interactive `pulumi refresh` ever clears them, so every later update
  repeats the warning, and `--import-pending-creates` can't reach a dynamic provider.

The same holds for the `aep` plugin's resources (`aep:index:*`): the engine records their
in-flight creates as pending creates too (a kill gives the plugin no moment to answer with
partial state), and the next `up`'s create runs the same core, which takes the object over.
`pulumi refresh --import-pending-creates URN ID` would not help them either: the engine
(3.259.0) turns such a create into a pending import that no step then runs, so the refresh
drops it without a Read and the resource is not in the state; the next `up` creates it again,
as here. So pending creates are cleared the same way for both (tests/chaos/test_plugin_chaos).

A kill can also land while the file backend writes the checkpoint. The checkpoint itself is
written to a temporary file and renamed (the old one stays whole), but its `.attrs` sidecar is
written in place: killed at that moment it is left empty, and every command then fails with
`failed to load checkpoint: EOF` (seen in this project's chaos tests). For a `file://`
backend, this command first removes such empty sidecars (they carry only a content type and a
checksum; a missing one is read as none) and the temporary checkpoints no rename picked up;
the checkpoint before the kill is then loaded, and the next `up` takes over what was made
after it.

A kill of the CLI alone (`kill -9 <pid>`, or its process group: a CI runner stopping the
job's group) also leaves its plugins running: the engine starts the language host
(`pulumi-language-python`, `-yaml`, `-nodejs`, ...) and each provider plugin
(`pulumi-resource-aep`, `pulumi-resource-pulumi-python` with its `python -m pulumi.dynamic`)
in process groups of their own, so they outlive it, still serving a gRPC port, still holding
their API clients. On Linux this command ends them first: the processes of those names (and
the program the language host runs) whose working directory is the project's and that no
live `pulumi` command started (their CLI is gone). SIGTERM, then SIGKILL after 5 s. Elsewhere
it says which processes to look for.

Then it releases the lock, lists each pending operation with what the next `up` will do
about it, and removes them from the state (`pulumi stack export`, drop, `pulumi stack
import`), leaving the resources themselves untouched. Then one `pulumi up` converges.
It drives the engine with `pulumi.automation`, against the project in `work_dir` and
whatever backend the environment selects, like any other `pulumi` command there.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pulumi import automation as auto

#: Names (the first word of the command line, its base name) of what the engine starts and a
#: killed CLI leaves: the language hosts and provider plugins.
_PLUGIN_PREFIXES = ("pulumi-language-", "pulumi-resource-", "pulumi-analyzer-")
#: How long the ended processes get between SIGTERM and SIGKILL.
TERM_GRACE_SECONDS = 5.0

#: What the next `pulumi up` does about each kind of pending operation.
NEXT_UP = {
    "creating": "created again; the create takes over what the killed one left on the platform",
    "updating": "diffed again against the recorded outputs; the update is recomputed from what "
    "the platform holds",
    "deleting": "deleted again if the program no longer declares it (already gone is deleted)",
    "reading": "read again",
    "importing": "imported again",
}


@dataclass(frozen=True)
class Leftover:
    """A process a killed `pulumi` command left running."""

    pid: int
    name: str


@dataclass
class Recovery:
    """What `recover` found and did."""

    unlocked: bool = False
    pending: list[dict[str, Any]] = field(default_factory=list)
    #: Files of a `file://` backend removed because a kill left them broken.
    repaired: list[str] = field(default_factory=list)
    #: Plugins and language hosts of the killed command, ended.
    ended: list[Leftover] = field(default_factory=list)
    #: Set where processes can't be listed (not Linux): what to look for by hand.
    look_for: str | None = None

    def lines(self) -> list[str]:
        out = [f"removed {path} (left broken by the kill)" for path in self.repaired]
        out += [
            f"ended {p.name} (pid {p.pid}), left running by the killed command" for p in self.ended
        ]
        if self.look_for:
            out.append(self.look_for)
        out += [
            "cancelled the update in progress, if any (this releases the lock a killed update "
            "leaves)"
            if self.unlocked
            else "no update in progress"
        ]
        if not self.pending:
            out.append("no pending operations")
        for op in self.pending:
            kind = str(op.get("type", "?"))
            urn = str(op.get("resource", {}).get("urn", "?"))
            out.append(
                f"pending {kind}: {urn}: the next `pulumi up` has it {NEXT_UP.get(kind, kind)}"
            )
        if self.pending:
            out.append(f"removed {len(self.pending)} pending operation(s) from the state")
        out.append("now run `pulumi up`")
        return out


def file_backend_root(env: Mapping[str, str]) -> Path | None:
    """The directory of the `file://` backend the CLI would use with `env`, if it is one."""
    url = env.get("PULUMI_BACKEND_URL")
    if not url:
        home = Path(env.get("PULUMI_HOME") or Path.home() / ".pulumi")
        try:
            url = json.loads((home / "credentials.json").read_text()).get("current")
        except (OSError, ValueError, AttributeError):
            url = None
    if not url or not url.startswith("file://"):
        return None
    path = unquote(urlsplit(url).path) or "~"
    if url.startswith("file://~"):
        path = "~" + unquote(url[len("file://~") :].split("?", 1)[0])
    return Path(path).expanduser()


def repair_file_backend(root: Path) -> list[str]:
    """Remove what a kill mid-write leaves broken in a file backend (see the module
    docstring): empty `.attrs` sidecars, and checkpoint temporaries. Returns their paths."""
    removed: list[str] = []
    meta = root / ".pulumi"
    if not meta.is_dir():
        return removed
    for path in sorted(meta.rglob("*.attrs")):
        if path.is_file() and path.stat().st_size == 0:
            path.unlink()
            removed.append(str(path))
    for path in (
        sorted((meta / "stacks").rglob("*.json.*.tmp")) if (meta / "stacks").is_dir() else []
    ):
        path.unlink()
        removed.append(str(path))
    return removed


# -- processes a killed CLI leaves ---------------------------------------------------------
def _proc_text(pid: int, name: str) -> str:
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _parent(pid: int) -> int:
    stat = _proc_text(pid, "stat")
    try:
        return int(stat[stat.rindex(")") + 2 :].split()[1])
    except (ValueError, IndexError):
        return 0


def _argv(pid: int) -> list[str]:
    return [a for a in _proc_text(pid, "cmdline").split("\0") if a]


def _role(argv: list[str]) -> str | None:
    """What the engine started this process as, from its command line; None: not ours."""
    if not argv:
        return None
    name = Path(argv[0]).name
    if name.startswith(_PLUGIN_PREFIXES):
        return name
    # A plugin installed as a Python console script runs as `python <venv>/bin/<plugin>`.
    if name.startswith("python") and len(argv) > 1:
        script = Path(argv[1]).name
        if script.startswith(_PLUGIN_PREFIXES):
            return script
    if "pulumi.dynamic" in argv:  # the dynamic provider's `python -m pulumi.dynamic`
        return "pulumi-resource-pulumi-python"
    return None


def _started_by_live_cli(pid: int) -> bool:
    """Whether a `pulumi` command is among the process's ancestors (then it isn't left over:
    an update may be running)."""
    seen: set[int] = set()
    parent = _parent(pid)
    while parent > 1 and parent not in seen:
        seen.add(parent)
        argv = _argv(parent)
        if argv and Path(argv[0]).name == "pulumi":
            return True
        parent = _parent(parent)
    return False


def leftovers(work_dir: str | os.PathLike[str]) -> list[Leftover]:
    """The language hosts and plugins (and the programs they run) working in `work_dir`
    whose `pulumi` command is gone. Linux only (/proc); elsewhere none are found."""
    root = Path(work_dir).resolve()
    me = os.getpid()
    found: list[Leftover] = []
    hosts: set[int] = set()
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    pids = sorted(int(p.name) for p in proc.iterdir() if p.name.isdigit())
    for pid in pids:
        if pid == me:
            continue
        role = _role(_argv(pid))
        if role is None:
            continue
        try:
            cwd = Path(os.readlink(f"/proc/{pid}/cwd")).resolve()
        except OSError:
            continue
        if cwd != root or _started_by_live_cli(pid):
            continue
        found.append(Leftover(pid, role))
        if role.startswith("pulumi-language-"):
            hosts.add(pid)
    # The program a language host runs (`python __main__.py`, `node ...`) goes with it.
    for pid in pids:
        if pid != me and _parent(pid) in hosts and all(p.pid != pid for p in found):
            found.append(Leftover(pid, Path((_argv(pid) or ["program"])[0]).name + " (program)"))
    return found


def end(processes: list[Leftover], grace: float = TERM_GRACE_SECONDS) -> None:
    """SIGTERM each, then SIGKILL what is still there after `grace` seconds."""
    for p in processes:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    remaining = list(processes)
    while remaining and time.monotonic() < deadline:
        time.sleep(0.1)
        remaining = [p for p in remaining if _alive(p.pid)]
    for p in remaining:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(p.pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    stat = _proc_text(pid, "stat")
    if not stat:
        return False
    return stat[stat.rindex(")") + 2 :].split()[0] != "Z"


LOOK_FOR = (
    "processes can't be listed on this system: end any `pulumi-language-*` or "
    "`pulumi-resource-*` process (and `python -m pulumi.dynamic`) still running from {dir} "
    "that no running `pulumi` command started"
)


def _command(pulumi_bin: str | None) -> auto.PulumiCommand | None:
    if not pulumi_bin:
        return None
    # PulumiCommand wants the directory holding bin/pulumi.
    return auto.PulumiCommand(
        root=str(Path(pulumi_bin).resolve().parent.parent), skip_version_check=True
    )


def recover(
    stack_name: str,
    work_dir: str | os.PathLike[str] = ".",
    *,
    pulumi_bin: str | None = None,
    env: dict[str, str] | None = None,
    echo: Callable[[str], None] | None = None,
) -> Recovery:
    """Unlock `stack_name` and clear its pending operations; see the module docstring."""
    result = Recovery()
    if Path("/proc/self").is_dir():
        result.ended = leftovers(work_dir)
        end(result.ended)
    else:
        result.look_for = LOOK_FOR.format(dir=Path(work_dir).resolve())
    root = file_backend_root({**os.environ, **(env or {})})
    if root is not None:
        result.repaired = repair_file_backend(root)
    opts = auto.LocalWorkspaceOptions(pulumi_command=_command(pulumi_bin), env_vars=env)
    stack = auto.select_stack(stack_name=stack_name, work_dir=str(work_dir), opts=opts)
    try:
        stack.cancel()
        result.unlocked = True
    except auto.CommandError as exc:
        # An unlocked stack has nothing to cancel: that is the good case, not a failure.
        if "no stack update" not in str(exc).lower() and "no update" not in str(exc).lower():
            raise
    state = stack.export_stack()
    deployment = dict(state.deployment or {})
    result.pending = list(deployment.get("pending_operations") or [])
    if result.pending:
        deployment["pending_operations"] = []
        stack.import_stack(auto.Deployment(version=state.version, deployment=deployment))
    if echo is not None:
        for line in result.lines():
            echo(line)
    return result
