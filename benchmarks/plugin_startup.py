"""Plugin startup: from process start to a served gRPC port, the self-contained build against the
Python launchers.

Run as a section of the runner: `python -m benchmarks.run plugin-startup` (writes its section
of `benchmarks/RESULTS.md`). The engine starts `pulumi-resource-aep <engine address>` and
waits for the port the plugin prints as its first stdout line; that wait is measured here, for:

- the frozen plugin: the release archive of scripts/ensure-plugin-dist.sh (`make plugin-dist`),
  unpacked as `pulumi plugin install` unpacks it;
- the venv's `pulumi-resource-aep` (the console script pip wrote, what `on_plugin` puts on
  the engine's PATH);
- the launcher `sandbox-provider plugin-archive` writes (`sh` running the venv's python with
  `-P -m sandbox_provider.plugin`).

Each run starts one process (the engine address is a closed port: the plugin listens before
it talks to the engine), reads its stdout up to the port, and kills it by its pid. The sides
take turns (the order rotates every round) after one unmeasured warm-up run each, so the
files all sides read are in the page cache alike. A benchmark measures; it never asserts.
"""

from __future__ import annotations

import math
import os
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sandbox_provider import _version
from sandbox_provider.plugin.archive import EXECUTABLE, archive_name, build, semver

ROOT = Path(__file__).resolve().parents[1]
VENV_PLUGIN = ROOT / ".venv" / "bin" / EXECUTABLE
SCRIPT = ROOT / "scripts" / "ensure-plugin-dist.sh"
#: The engine address the plugin is given: nothing listens there, and nothing needs to.
ENGINE = "127.0.0.1:1"
#: A start that prints no port within this long counts as failed.
TIMEOUT = 60.0


@dataclass
class Side:
    label: str
    argv: list[str]
    samples: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000 if self.samples else math.nan

    def p90_ms(self) -> float:
        """Nearest rank: the smallest sample at or above 90% of them."""
        if not self.samples:
            return math.nan
        ordered = sorted(self.samples)
        return ordered[math.ceil(0.9 * len(ordered)) - 1] * 1000


@dataclass
class Dist:
    archive: Path
    seconds: float
    #: What scripts/ensure-plugin-dist.sh did: "cached", "repacked" (the one-folder build was
    #: cached, the README or LICENSE changed) or "built".
    how: str


def ensure_dist() -> Dist:
    """The release archive for the current sources (built first when the cache has none)."""
    started = time.perf_counter()
    proc = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        sys.exit(f"{SCRIPT.name} failed: {proc.stderr.strip()[-2000:]}")
    archive = Path(lines[-1]) / archive_name(semver(_version()))
    if "using cached build" in proc.stderr:
        how = "cached"
    elif "using the cached one-folder build" in proc.stderr:
        how = "repacked"
    else:
        how = "built"
    return Dist(archive, seconds, how)


def time_to_port(argv: list[str]) -> float:
    """Seconds from starting `argv` to the port on its first stdout line; the process is
    killed (by its pid) either way, and after TIMEOUT if it prints nothing."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    watchdog = threading.Timer(TIMEOUT, proc.kill)
    watchdog.start()
    try:
        assert proc.stdout is not None and proc.stderr is not None
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - started
        if not line.strip().isdigit():
            proc.kill()
            err = proc.stderr.read().decode(errors="replace").strip()
            raise RuntimeError(f"no port on stdout (got {line!r}): {err[-300:] or '(no stderr)'}")
        return elapsed
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=TIMEOUT)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def sizes(directory: Path) -> tuple[int, int]:
    """Bytes and number of the regular files under `directory`."""
    files = [p for p in directory.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def measure(sides: list[Side], runs: int) -> None:
    for side in sides:
        try:
            time_to_port(side.argv)  # warm-up: page cache, unmeasured
        except RuntimeError as exc:
            side.failures.append(f"warm-up: {exc}")
    for i in range(runs):
        # Rotate the order, so no side always follows the same one.
        for side in sides[i % len(sides) :] + sides[: i % len(sides)]:
            try:
                side.samples.append(time_to_port(side.argv))
            except RuntimeError as exc:
                side.failures.append(str(exc))


def _mb(n: int) -> str:
    return f"{n:,} bytes ({n / 1_000_000:.1f} MB)"


def section(command_line: str, machine_line: str, date: str, runs: int) -> str:
    load_before = os.getloadavg()[0]
    dist = ensure_dist()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        unpacked = Path(tmp) / "plugin"
        with tarfile.open(dist.archive, "r:gz") as tar:
            tar.extractall(unpacked, filter="tar")
        launcher = build(Path(tmp) / "launcher", str(ROOT / ".venv" / "bin" / "python"))
        with tarfile.open(launcher.path, "r:gz") as tar:
            tar.extractall(Path(tmp) / "launcher-unpacked", filter="tar")
        sides = [
            Side(
                "self-contained (PyInstaller one-folder, the archive unpacked)",
                [str(unpacked / EXECUTABLE), ENGINE],
            ),
            Side(
                "venv console script (`.venv/bin/pulumi-resource-aep`)", [str(VENV_PLUGIN), ENGINE]
            ),
            Side(
                "`sandbox-provider plugin-archive` launcher (sh, then the venv's python -P -m)",
                [str(Path(tmp) / "launcher-unpacked" / EXECUTABLE), ENGINE],
            ),
        ]
        measure(sides, runs)
        unpacked_bytes, unpacked_files = sizes(unpacked)
    load_after = os.getloadavg()[0]
    archive_bytes = dist.archive.stat().st_size
    frozen = sides[0]
    build_line = {
        "cached": f"cached ({dist.seconds:.1f} s to find it)",
        "repacked": f"the one-folder build cached, packed by this run in {dist.seconds:.0f} s",
        "built": f"frozen and packed by this run in {dist.seconds:.0f} s",
    }[dist.how]
    lines = [
        "## Plugin startup: the self-contained build against the Python launchers",
        "",
        f"- command: `{command_line}`",
        f"- machine: {machine_line}",
        f"- date: {date}",
        f"- load (1-min average, before / after; other engineers' work shares the cores): "
        f"{load_before:.1f} / {load_after:.1f}",
        f"- archive: `{dist.archive.name}`, {_mb(archive_bytes)}; unpacked "
        f"{_mb(unpacked_bytes)} in {unpacked_files} files; the build (scripts/"
        f"ensure-plugin-dist.sh): {build_line}",
        f"- time from process start to the gRPC port on its first stdout line (engine address "
        f"{ENGINE}), {runs} runs a side after one unmeasured warm-up each, sides taking turns "
        f"(the order rotating every round), each process killed by its pid; p90: nearest rank",
        "",
        "| plugin | median ms | p90 ms | min ms | max ms | vs self-contained (median) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for side in sides:
        ratio = side.median_ms() / frozen.median_ms() if frozen.samples else math.nan
        lo = min(side.samples, default=math.nan) * 1000
        hi = max(side.samples, default=math.nan) * 1000
        lines.append(
            f"| {side.label} | {side.median_ms():.0f} | {side.p90_ms():.0f} | {lo:.0f} | "
            f"{hi:.0f} | {ratio:.2f}× |"
        )
    venv = sides[1]
    if frozen.samples and venv.samples:
        ratio = venv.median_ms() / frozen.median_ms()
        if ratio > 1.2:
            verdict = f"serves its port {ratio:.1f}× as fast as the venv's console script"
        elif ratio < 1 / 1.2:
            verdict = f"takes {1 / ratio:.1f}× as long as the venv's console script"
        else:
            verdict = "takes about as long as the venv's console script (within 20%)"
        lines += [
            "",
            f"Reading: the self-contained build {verdict}: medians {frozen.median_ms():.0f} "
            f"and {venv.median_ms():.0f} ms. Either way the time is the plugin's imports "
            "(pulumi, grpc, pydantic, ...: `python -X importtime -m sandbox_provider.plugin`), "
            "which the frozen build loads from its own archive instead of the venv's .pyc files: "
            "freezing removes the need for a Python environment, not that work.",
        ]
    failures = [f"{s.label}: {f}" for s in sides for f in s.failures]
    if failures:
        lines += ["", "Failed starts:", "", *(f"- {f}" for f in failures)]
    return "\n".join(lines) + "\n"
