"""Concurrency: 50 Packages at 200 ms per API call, on the plugin and on the dynamic provider.

Three stacks of 50 resources with the same inputs run through the real CLI (`PULUMI_BIN`)
against one emulator whose exim endpoints (`/data/...`) answer after 200 ms (a latency
rule, `PUT /_emulator/faults`; the token endpoint stays fast): `aep.Package` of the plugin
(`pulumi-resource-aep`, its core calls in a 64-thread pool), `sandbox_provider.Package` (the
dynamic provider server: 4 threads), and `benchmarks.trivial.Trivial`, dynamic resources
that do nothing (the floor). Rounds alternate the order (other engineers' tests share the
machine). Reported: the median `up` of each against the issue's target
1.25 × (floor + 50 × 0.2 s / 8), 8 being the engine's default parallelism as the issue
counts it; the peak number of exim calls in flight at once (from the emulator's request
log: each call ends 200 ms after it began), against the client's 16 pooled connections.

    python -m benchmarks.plugin_concurrency [--rounds 3] [--n 50] [--parallel 0 32] [--write]

`--parallel 0` is the CLI's default; other values pass `--parallel N` to `up`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sandbox_provider.client.config import DEFAULT_MAX_CONNECTIONS
from sandbox_provider.testing import EmulatorProcess, Stack, configure_for_emulator

from .run import machine, write_section

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
HEADING = "## Plugin concurrency: 50 Packages at 200 ms per API call, plugin against dynamic"
LATENCY_S = 0.2
#: The engine parallelism the issue's target divides by.
TARGET_PARALLELISM = 8
SEGMENTS = ["acme-seg-gold", "acme-seg-cart", "acme-seg-highvalue"]

PROGRAM = """\
{header}
for i in range({n}):
    {cls}(
        f"r-{{i}}",
        name=f"conc-{{i}}",
        source_sandbox="dev",
        artifacts=[{{"id": {segments!r}[i % 3], "type": "PROFILE_SEGMENT"}}],
    )
"""
KINDS = {
    "plugin": ("from sandbox_provider.plugin import sdk as aep\n", "aep.Package"),
    "dynamic": ("from sandbox_provider import Package\n", "Package"),
    "floor": ("from benchmarks.trivial import Trivial\n", "Trivial"),
}


def make_stack(kind: str, n: int, workdir: Path, emu: EmulatorProcess) -> Stack:
    project = workdir / kind
    project.mkdir(parents=True)
    (project / "Pulumi.yaml").write_text(
        f"name: conc-{kind}\nruntime:\n  name: python\n  options:\n    toolchain: pip\n"
        f"    virtualenv: {ROOT / '.venv'}\n"
    )
    header, cls = KINDS[kind]
    (project / "__main__.py").write_text(
        PROGRAM.format(header=header, cls=cls, n=n, segments=SEGMENTS)
    )
    env = {"PYTHONPATH": str(ROOT)}
    stack = Stack(project_dir=project, state_dir=workdir / f"state-{kind}", extra_env=env)
    # The engine finds `pulumi-resource-aep` on PATH (the venv's bin, where pip put it).
    stack.extra_env["PATH"] = f"{VENV_BIN}{os.pathsep}{stack.env()['PATH']}"
    stack.init()
    configure_for_emulator(stack, emu.url, {"acme": emu.org("acme"), "partner": emu.org("partner")})
    return stack


def last_seq(emu: EmulatorProcess) -> int:
    reqs = emu.requests()
    return int(reqs[-1]["seq"]) if reqs else 0


def peak_in_flight(emu: EmulatorProcess, since: int) -> int:
    """Most exim calls under way at once: a call logged at t (ms, when it answered) was in
    flight over (t - 200 ms, t]."""
    ends = sorted(r["time"] for r in emu.requests(since) if r["path"].startswith("/data/"))
    window = LATENCY_S * 1000
    peak, lo = 0, 0
    for hi, t in enumerate(ends):
        while ends[lo] <= t - window:
            lo += 1
        peak = max(peak, hi - lo + 1)
    return peak


def run_once(stack: Stack, emu: EmulatorProcess, parallel: int) -> dict[str, Any]:
    opts: dict[str, Any] = {"parallel": parallel} if parallel else {}
    since = last_seq(emu)
    t0 = time.monotonic()
    stack.up(**opts)
    row: dict[str, Any] = {"up": time.monotonic() - t0}
    row["calls"] = sum(1 for r in emu.requests(since) if r["path"].startswith("/data/"))
    row["peak"] = peak_in_flight(emu, since)
    stack.destroy(**opts)
    return row


def render(
    args: argparse.Namespace,
    rows: dict[int, dict[str, list[dict[str, Any]]]],
    loads: list[tuple[float, float]],
    started: datetime,
) -> str:
    n = args.n
    lines = [
        HEADING,
        "",
        f"- command: `.venv/bin/python -m benchmarks.plugin_concurrency --rounds {args.rounds} "
        f"--n {n} --parallel {' '.join(map(str, args.parallel))}"
        f"{' --write' if args.write else ''}` (PULUMI_BIN: the engine of "
        "`scripts/ensure-pulumi.sh`)",
        f"- machine: {machine()}",
        f"- date: {started:%Y-%m-%d %H:%M} UTC",
        "- load (1-min average, before / after each round; other engineers' tests share the "
        "2 cores): " + ", ".join(f"{a:.1f}/{b:.1f}" for a, b in loads),
        "",
        f"{n} resources per stack with the same inputs, one emulator: every exim call answers "
        f"after {LATENCY_S * 1000:.0f} ms (async steps 0.05 s), rounds alternated. `up` seconds "
        f"(median, then per round). Target = 1.25 × (floor + {n} × {LATENCY_S} s / "
        f"{TARGET_PARALLELISM}), floor = the trivial stack's `up` at the same parallelism. "
        f"Peak = most exim calls in flight at once (the client pools "
        f"{DEFAULT_MAX_CONNECTIONS} connections per profile).",
        "",
        "| parallel | stack | up s (median) | per round | vs target | exim calls | peak "
        "in flight |",
        "|---|---|---:|---|---:|---:|---:|",
    ]
    for parallel, by_kind in rows.items():
        floor = statistics.median(r["up"] for r in by_kind["floor"])
        target = 1.25 * (floor + n * LATENCY_S / TARGET_PARALLELISM)
        for kind in KINDS:
            ups = [r["up"] for r in by_kind[kind]]
            med = statistics.median(ups)
            versus = "-" if kind == "floor" else f"**{med / target:.2f}×**"
            lines.append(
                f"| {parallel or 'default'} | {kind} | {med:.2f} | "
                + ", ".join(f"{u:.2f}" for u in ups)
                + f" | {versus} | {by_kind[kind][0]['calls']} | "
                + f"{max(r['peak'] for r in by_kind[kind])} |"
            )
        lines.append(f"| {parallel or 'default'} | target | {target:.2f} | | 1.00× | | |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--parallel", type=int, nargs="+", default=[0])
    ap.add_argument("--write", action="store_true", help="replace the section in RESULTS.md")
    args = ap.parse_args(argv)
    if not (VENV_BIN / "pulumi-resource-aep").exists():
        sys.exit("pulumi-resource-aep is missing: run `.venv/bin/pip install -e . --no-deps`")
    started = datetime.now(UTC)
    rows: dict[int, dict[str, list[dict[str, Any]]]] = {}
    loads: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-conc-") as tmp_name:
        tmp = Path(tmp_name)
        emu = EmulatorProcess.start(tmp / "exim.db", seed="demo", delay=0.05)
        try:
            emu.set_faults([{"path": "^/data/", "status": None, "latencyMs": LATENCY_S * 1000}])
            stacks = {k: make_stack(k, args.n, tmp, emu) for k in KINDS}
            kinds = list(KINDS)
            for parallel in args.parallel:
                rows[parallel] = {k: [] for k in kinds}
                for i in range(args.rounds):
                    before = os.getloadavg()[0]
                    for kind in kinds[i % len(kinds) :] + kinds[: i % len(kinds)]:
                        row = run_once(stacks[kind], emu, parallel)
                        rows[parallel][kind].append(row)
                        print(
                            f"parallel {parallel or 'default'} round {i + 1} {kind}: up "
                            f"{row['up']:.2f}s, {row['calls']} calls, peak {row['peak']}",
                            file=sys.stderr,
                            flush=True,
                        )
                    loads.append((before, os.getloadavg()[0]))
        finally:
            emu.stop()
    text = render(args, rows, loads, started)
    print(text)
    if args.write:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
