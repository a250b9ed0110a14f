"""Kill a running `pulumi` command at a chosen moment, plugins included, and prove it's over.

    upd = start_update(stack)                      # `pulumi up`, its own process group
    upd.wait_until(path_hit(emu, r"/export$"))     # or requests_at_least / stdout_has / any
    report = upd.kill()                            # SIGKILL every group, reap, verify by pid
    assert report.survivors == []

How the processes are found: every process of the update inherits a unique marker variable
(`CHAOS_KILL_MARKER=<uuid>`) from the CLI's environment (the CLI passes its environment to
the language host, which passes it to the program; the same for the provider plugin and its
`python -m pulumi.dynamic`). A scan of `/proc/*/environ` finds them wherever they sit, and a
walk of the `/proc/*/stat` parent links from the CLI's pid adds any process that rewrote its
environment. The scan runs on every poll of `wait_until`, so short-lived processes are
remembered too. The language host and the provider plugins run in process groups of their
own (the engine starts them so); `kill()` SIGKILLs the CLI's group first (it can no longer
start anything), then every other group found, then any remaining pid, and repeats the scan
until nothing of the update is left.

Reaping: PID 1 of this machine does not reap orphans, so the killed plugins would stay as
zombies. While an update started here is running, this process is a child subreaper
(`PR_SET_CHILD_SUBREAPER`): the orphaned plugins become its children and `kill()` reaps them
by pid, then turns the subreaper off. `waitpid` is only ever called on pids of the update,
never on -1, so `subprocess` keeps its own children.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox_provider.testing import EmulatorProcess, Stack

MARKER_VAR = "CHAOS_KILL_MARKER"
_PR_SET_CHILD_SUBREAPER = 36

Condition = Callable[[], bool]


# -- /proc -------------------------------------------------------------------------------------
def _read_environ(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return b""


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name is in parentheses and may itself contain spaces or parentheses.
    return raw[raw.rindex(")") + 2 :].split()


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, ppid, pgid) of a process, or None if it is gone."""
    rest = _stat_fields(pid)
    return None if rest is None else (rest[0], int(rest[1]), int(rest[2]))


def _start_time(pid: int) -> int | None:
    """When the process started (clock ticks since boot): with the pid, its identity, so a
    pid the kernel hands to a new process later is not taken for one of the update."""
    rest = _stat_fields(pid)
    return None if rest is None else int(rest[19])


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def marked_pids(marker: str) -> set[int]:
    """Live (non-zombie) processes whose environment carries `MARKER_VAR=marker`."""
    needle = f"{MARKER_VAR}={marker}".encode()
    found = set()
    for pid in _pids():
        if needle in _read_environ(pid).split(b"\0"):
            st = _stat(pid)
            if st and st[0] != "Z":
                found.add(pid)
    return found


def descendants(root: int) -> set[int]:
    """Every live process below `root` by parent links (root excluded)."""
    children: dict[int, list[int]] = {}
    for pid in _pids():
        st = _stat(pid)
        if st and st[0] != "Z":
            children.setdefault(st[1], []).append(pid)
    out: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    st = _stat(pid)
    return st is not None and st[0] != "Z"


def _set_subreaper(on: bool) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1 if on else 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


# Subreaper on while at least one update of this module runs.
_REAPER_LOCK = threading.Lock()
_REAPER_USERS = 0


def _reaper_acquire() -> None:
    global _REAPER_USERS
    with _REAPER_LOCK:
        if _REAPER_USERS == 0:
            _set_subreaper(True)
        _REAPER_USERS += 1


def _reaper_release() -> None:
    global _REAPER_USERS
    with _REAPER_LOCK:
        _REAPER_USERS -= 1
        if _REAPER_USERS == 0:
            _set_subreaper(False)


# -- the update --------------------------------------------------------------------------------
@dataclass
class KillReport:
    """What `kill()` did: every pid and group seen, and what (if anything) survived."""

    pids: set[int]
    pgids: set[int]
    #: pids of the update still running after the kill (must be empty).
    survivors: list[int]
    #: pids still in /proc as zombies nobody reaped (must be empty: they are reaped here).
    zombies: list[int]
    returncode: int | None
    stdout: str
    stderr: str


class UpdateExited(AssertionError):
    """The command ended before the condition held: the moment to kill it never came."""


@dataclass
class Update:
    """A `pulumi` command running in its own session (process group), killable whole."""

    proc: subprocess.Popen[bytes]
    marker: str
    stdout_path: Path
    stderr_path: Path
    seen: set[int] = field(default_factory=set)
    #: start time of each pid in `seen` when it was first seen (see `_start_time`).
    started: dict[int, int] = field(default_factory=dict)
    _done: bool = False

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def scan(self) -> set[int]:
        """The live processes of the update now (remembered in `seen`).

        Also every process seen before that still runs under the same start time: one being
        killed can already show an empty environment (its memory is torn down) and have
        been reparented away from the CLI, yet not be gone; it stays in the kill loop until
        it is."""
        now = marked_pids(self.marker) | descendants(self.proc.pid)
        if alive(self.proc.pid):
            now.add(self.proc.pid)
        for pid in now - self.seen:
            start = _start_time(pid)
            if start is not None:
                self.started[pid] = start
        self.seen |= now
        return now | {p for p in self.seen if self._still_ours(p)}

    def _still_ours(self, pid: int) -> bool:
        """`pid` runs and is the process seen under it (not a later one given the same pid)."""
        return alive(pid) and _start_time(pid) == self.started.get(pid)

    def wait_until(
        self, condition: Condition, *, timeout: float = 120.0, interval: float = 0.02
    ) -> float:
        """Poll `condition` until it holds; returns the seconds waited.

        Raises UpdateExited if the command ends first, TimeoutError after `timeout`."""
        start = time.monotonic()
        while True:
            self.scan()
            if condition():
                return time.monotonic() - start
            if self.proc.poll() is not None:
                raise UpdateExited(
                    f"`pulumi` exited {self.proc.returncode} before the condition held; "
                    f"its output ends:\n{self.stdout()[-3000:]}\n{self.stderr()[-3000:]}"
                )
            if time.monotonic() - start > timeout:
                raise TimeoutError(f"the condition did not hold within {timeout:.0f}s")
            time.sleep(interval)

    def kill(self, *, settle: float = 10.0) -> KillReport:
        """SIGKILL the CLI's process group and every group of its plugins; reap; verify.

        Loops until no process of the update is left (or `settle` seconds pass: then the
        survivors are reported, not hidden)."""
        pgids: set[int] = set()
        own_groups = {os.getpgrp()}
        deadline = time.monotonic() + settle
        try:
            # The CLI's group first: once it is gone nothing new can be started. (Only while
            # the CLI is unreaped: after that its pid, and so its group id, may be reused.)
            if self.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                pgids.add(self.proc.pid)
            while True:
                live = self.scan()
                if not live:
                    break
                for pid in live:
                    st = _stat(pid)
                    if st is None:
                        continue
                    pgid = st[2]
                    if pgid not in own_groups and pgid not in pgids:
                        pgids.add(pgid)
                        with contextlib.suppress(ProcessLookupError):
                            os.killpg(pgid, signal.SIGKILL)
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                self._reap()
                if time.monotonic() > deadline:
                    break
                time.sleep(0.02)
            code = self.proc.wait(timeout=settle)
            self._reap()
            # A killed thread group leader shows as a zombie while its other threads still
            # exit (a plugin's gRPC threads, slow under load): waitpid can't take it yet, so
            # keep reaping (the subreaper still on) until none is left or the deadline passes.
            while self._zombies() and time.monotonic() < deadline:
                time.sleep(0.02)
                self._reap()
        finally:
            self._finish()
        survivors = sorted(p for p in self.seen if self._still_ours(p))
        zombies = [p for p in self._zombies() if p not in survivors]
        return KillReport(
            pids=set(self.seen),
            pgids=pgids,
            survivors=survivors,
            zombies=zombies,
            returncode=code,
            stdout=self.stdout(),
            stderr=self.stderr(),
        )

    def wait(self, timeout: float = 300.0) -> int:
        """Let the command finish on its own (no kill); returns its exit status."""
        try:
            code = self.proc.wait(timeout=timeout)
            self._reap()
            return code
        finally:
            self._finish()

    def _zombies(self) -> list[int]:
        """pids of the update still in /proc though no longer running (not reaped yet)."""
        return sorted(
            p
            for p in self.seen
            if not alive(p) and _stat(p) is not None and _start_time(p) == self.started.get(p)
        )

    def _reap(self) -> None:
        for pid in self.seen:
            if pid == self.proc.pid:
                continue  # Popen reaps its own child
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)

    def _finish(self) -> None:
        if not self._done:
            self._done = True
            _reaper_release()


def start_update(
    stack: Stack,
    *args: str,
    command: Iterable[str] = ("up", "--yes", "--skip-preview"),
    log_dir: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> Update:
    """Start `pulumi <command> --stack NAME --non-interactive *args` in its own session.

    Output goes to files (`log_dir`, default the stack's state directory) so nothing can
    block on a pipe while the test waits."""
    marker = uuid.uuid4().hex
    env = stack.env()
    env.update(extra_env or {})
    env[MARKER_VAR] = marker
    out_dir = log_dir or stack.state_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    stdout_path = out_dir / f"update-{marker[:8]}.stdout"
    stderr_path = out_dir / f"update-{marker[:8]}.stderr"
    cmd = [stack.pulumi, *command, "--stack", stack.name, "--non-interactive", *args]
    _reaper_acquire()
    try:
        with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
            proc = subprocess.Popen(
                cmd,
                cwd=stack.project_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
    except BaseException:
        _reaper_release()
        raise
    upd = Update(proc=proc, marker=marker, stdout_path=stdout_path, stderr_path=stderr_path)
    upd.scan()
    return upd


# -- conditions --------------------------------------------------------------------------------
def requests_where(
    emu: EmulatorProcess, pred: Callable[[dict[str, Any]], bool], n: int = 1, since: int = 0
) -> Condition:
    """At least `n` entries of the emulator's request log (after seq `since`) match `pred`."""

    def check() -> bool:
        return sum(1 for r in emu.requests(since) if pred(r)) >= n

    return check


def writes_at_least(
    emu: EmulatorProcess, n: int, since: int = 0, *, handled: bool = True
) -> Condition:
    """At least `n` exim writes (non-GET `/data/...`) logged; `handled`: only those that got
    a 2xx (a faulted or refused write changed nothing)."""

    def pred(r: dict[str, Any]) -> bool:
        if not r["path"].startswith("/data/") or r["method"] in ("GET", "HEAD"):
            return False
        return not handled or 200 <= int(r["status"]) < 300

    return requests_where(emu, pred, n, since)


def path_hit(
    emu: EmulatorProcess, pattern: str, method: str | None = None, n: int = 1, since: int = 0
) -> Condition:
    """A request whose path matches `pattern` (re.search), and `method` if given, was
    logged `n` times (the log shows a request once it was answered)."""
    rx = re.compile(pattern)

    def pred(r: dict[str, Any]) -> bool:
        return bool(rx.search(r["path"])) and (method is None or r["method"] == method.upper())

    return requests_where(emu, pred, n, since)


def stdout_has(update: Update, text: str | re.Pattern[str]) -> Condition:
    """The command's stdout or stderr shows `text` (a substring or a compiled regex)."""

    def check() -> bool:
        out = update.stdout() + update.stderr()
        return bool(text.search(out)) if isinstance(text, re.Pattern) else text in out

    return check


def all_of(*conditions: Condition) -> Condition:
    return lambda: all(c() for c in conditions)


def any_of(*conditions: Condition) -> Condition:
    return lambda: any(c() for c in conditions)


# -- the state after a kill --------------------------------------------------------------------
def pending_operations(stack: Stack) -> list[dict[str, Any]]:
    """`deployment.pending_operations` of `pulumi stack export` (works on a locked stack)."""
    return list(stack.export_state()["deployment"].get("pending_operations") or [])


def is_locked(stack: Stack) -> bool:
    """Whether the file backend holds a lock on the stack (a killed update leaves one)."""
    locks = stack.state_dir / ".pulumi" / "locks"
    return locks.exists() and any(p.is_file() for p in locks.rglob("*.json"))


def cancel(stack: Stack) -> None:
    """`pulumi cancel`: drop the lock a killed update left."""
    stack.cancel()
