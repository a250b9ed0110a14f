"""The engine floor: what 200 `Package`s cost over 200 dynamic resources that do nothing.

Two programs declare 200 resources each with the same inputs (name, source sandbox, one
artifact): `sandbox_provider.Package`, and `benchmarks.trivial.Trivial`, whose provider only
returns an id. Both run through the real CLI (`PULUMI_BIN`) against one emulator, in
alternating pairs (the order flips each pair, so a load spike from the other engineers'
tests on this shared machine hits both sides alike): `up`, a no-change `preview`, `destroy`.
Reported: the median ratio Package / trivial of up+destroy and of the preview, the API calls
per resource from the emulator's request log, state volume per resource, the pickled
provider sizes, and `python -X importtime` figures of the provider and program import paths
against `import pulumi`.

    python -m benchmarks.engine_floor [--pairs 3] [--n 200] [--write] [--profile DIR]

`--profile DIR` runs every Python process of the stacks (the program, the dynamic provider
server `pulumi.dynamic.__main__`) under cProfile, one file per thread in DIR
(`<pid>-<thread>.prof`, plus `<pid>.argv`), and prints the top functions of the program and
the provider: see `profile_site()`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sandbox_provider.testing import EmulatorProcess, Stack, configure_for_emulator

from .run import machine, write_section

ROOT = Path(__file__).resolve().parent.parent
HEADING = "## Engine floor: 200 Packages against 200 trivial dynamic resources"
SEGMENTS = ["acme-seg-gold", "acme-seg-cart", "acme-seg-highvalue"]

PROGRAM = """\
from {module} import {cls}

for i in range({n}):
    {cls}(
        f"r-{{i}}",
        name=f"floor-{{i}}",
        source_sandbox="dev",
        artifacts=[{{"id": {segments!r}[i % 3], "type": "PROFILE_SEGMENT"}}],
    )
"""
KINDS = {
    "package": ("sandbox_provider", "Package"),
    "trivial": ("benchmarks.trivial", "Trivial"),
    # The trivial resource with a Package's outputs: separates what the engine and the SDK
    # spend on those outputs from the provider's own work (imports, checks, API calls).
    "wide": ("benchmarks.trivial", "Wide"),
}

#: What `import` of each path costs; the provider path is what the dynamic provider server
#: runs when it unpickles a Package's provider, the program path what a program runs.
IMPORTS = {
    "pulumi": "import pulumi",
    "pulumi.dynamic": "import pulumi.dynamic",
    "provider path (sandbox_provider + resources.package)": (
        "import sandbox_provider, sandbox_provider.resources.package"
    ),
    "program path (from sandbox_provider import Package)": "from sandbox_provider import Package",
}
#: Modules worth knowing about when they load on an import path.
HEAVY = ("httpx", "pydantic", "sandbox_provider.client", "fastapi", "uvicorn", "starlette")

SITECUSTOMIZE = '''\
"""cProfile for every thread of every Python process started with BENCH_PROFILE_DIR set."""
import os

_DIR = os.environ.get("BENCH_PROFILE_DIR")
if _DIR:
    import atexit, cProfile, marshal, sys, threading, time

    _profiles = []

    def _start(label):
        p = cProfile.Profile()
        _profiles.append((label, p))
        p.enable()

    _run = threading.Thread.run

    def _profiled_run(self):
        if not getattr(self, "_bench_dumper", False):
            _start(self.name)
        _run(self)

    threading.Thread.run = _profiled_run

    def _dump():
        pid = os.getpid()
        with open(os.path.join(_DIR, f"{pid}.argv"), "w") as f:
            f.write(" ".join(sys.argv))
        for i, (label, p) in enumerate(list(_profiles)):
            p.snapshot_stats()
            with open(os.path.join(_DIR, f"{pid}-{i}.prof"), "wb") as f:
                marshal.dump(p.stats, f)

    def _loop():
        # The engine may kill a provider without running atexit: dump as it goes.
        while True:
            time.sleep(1.0)
            try:
                _dump()
            except Exception:
                pass

    _dumper = threading.Thread(target=_loop, daemon=True)
    _dumper._bench_dumper = True
    _dumper.start()
    atexit.register(_dump)
    _start("main")
'''


# -- stacks --------------------------------------------------------------------------------------
def make_stack(
    kind: str, n: int, workdir: Path, emu: EmulatorProcess, env: dict[str, str]
) -> Stack:
    project = workdir / kind
    project.mkdir(parents=True)
    (project / "Pulumi.yaml").write_text(
        f"name: floor-{kind}\nruntime:\n  name: python\n  options:\n    toolchain: pip\n"
        f"    virtualenv: {ROOT / '.venv'}\n"
    )
    module, cls = KINDS[kind]
    (project / "__main__.py").write_text(
        PROGRAM.format(module=module, cls=cls, n=n, segments=SEGMENTS)
    )
    stack = Stack(project_dir=project, state_dir=workdir / f"state-{kind}", extra_env=env)
    stack.init()
    orgs = {"acme": emu.org("acme"), "partner": emu.org("partner")}
    # The same configuration for both: the trivial provider ignores it.
    configure_for_emulator(stack, emu.url, orgs)
    return stack


def last_seq(emu: EmulatorProcess) -> int:
    reqs = emu.requests()
    return int(reqs[-1]["seq"]) if reqs else 0


def api_calls(emu: EmulatorProcess, since: int) -> dict[str, int]:
    """Requests since `since`, by method and path family."""
    out: dict[str, int] = {}
    for r in emu.requests(since):
        family = "IMS" if r["path"].startswith("/ims/") else r["method"]
        out[family] = out.get(family, 0) + 1
    return out


def state_volume(stack: Stack) -> dict[str, float]:
    """Bytes per resource of the recorded inputs and outputs (JSON, `__provider` left out)."""
    resources = [
        r
        for r in stack.export_state()["deployment"].get("resources", [])
        if r["type"].startswith("pulumi-python:dynamic")
    ]

    def size(section: str) -> float:
        total = 0
        for r in resources:
            body = {k: v for k, v in r.get(section, {}).items() if k != "__provider"}
            total += len(json.dumps(body, sort_keys=True))
        return total / max(1, len(resources))

    return {"inputs": size("inputs"), "outputs": size("outputs"), "resources": len(resources)}


def run_once(stack: Stack, emu: EmulatorProcess) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for phase, call in (("up", stack.up), ("preview", stack.preview), ("destroy", stack.destroy)):
        since = last_seq(emu)
        t0 = time.monotonic()
        call()
        row[phase] = time.monotonic() - t0
        row[phase + "-calls"] = api_calls(emu, since)
        if phase == "up":
            row["volume"] = state_volume(stack)
    return row


# -- imports ---------------------------------------------------------------------------------------
def _importtime(statement: str) -> tuple[float, set[str]]:
    """Seconds `statement` spends importing (the top-level entries `-X importtime` prints that
    a bare interpreter doesn't import), and the modules it loaded."""
    code = f"{statement}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    cp = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    baseline = subprocess.run(
        [sys.executable, "-c", "import sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.split()
    total_us = 0
    for line in cp.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if not cumulative.strip().isdigit():
            continue
        top = name.startswith(" ") and not name.startswith("  ")
        if top and name.strip() not in baseline:
            total_us += int(cumulative)
    return total_us / 1e6, set(cp.stdout.split())


def import_figures(runs: int = 7) -> dict[str, tuple[float, list[str]]]:
    out: dict[str, tuple[float, list[str]]] = {}
    for label, statement in IMPORTS.items():
        samples: list[float] = []
        modules: set[str] = set()
        for _ in range(runs):
            seconds, modules = _importtime(statement)
            samples.append(seconds)
        heavy = [h for h in HEAVY if any(m == h or m.startswith(h + ".") for m in modules)]
        out[label] = (statistics.median(samples), heavy)
    return out


def provider_bytes() -> dict[str, int]:
    from pulumi.dynamic.dynamic import serialize_provider

    from sandbox_provider.resources import PackageProvider

    from .trivial import TrivialProvider

    return {
        "Package": len(serialize_provider(PackageProvider())),
        "Trivial": len(serialize_provider(TrivialProvider())),
    }


# -- profiles --------------------------------------------------------------------------------------
def profile_site(tmp: Path) -> Path:
    site = tmp / "profile-site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    return site


def print_profiles(directory: Path, top: int = 25) -> None:
    import pstats

    by_pid: dict[str, list[Path]] = {}
    for prof in directory.glob("*.prof"):
        by_pid.setdefault(prof.name.split("-")[0], []).append(prof)
    for pid, files in sorted(by_pid.items()):
        argv_file = directory / f"{pid}.argv"
        argv = argv_file.read_text() if argv_file.exists() else "?"
        if "dynamic" not in argv and "language-python-exec" not in argv:
            continue
        stats = pstats.Stats(*[str(f) for f in files])
        print(f"\n===== pid {pid}: {argv[:160]} =====")
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)


# -- report ----------------------------------------------------------------------------------
def render(
    args: argparse.Namespace,
    pairs: list[dict[str, dict[str, Any]]],
    loads: list[tuple[float, float]],
    imports: dict[str, tuple[float, list[str]]],
    sizes: dict[str, int],
    started: datetime,
) -> str:
    def ratio(
        pair: dict[str, dict[str, Any]],
        phases: tuple[str, ...],
        kind: str = "package",
        over: str = "trivial",
    ) -> float:
        return sum(pair[kind][p] for p in phases) / sum(pair[over][p] for p in phases)

    def med(phases: tuple[str, ...], kind: str, over: str) -> str:
        return f"{statistics.median(ratio(p, phases, kind, over) for p in pairs):.2f}×"

    ud = [ratio(p, ("up", "destroy")) for p in pairs]
    pv = [ratio(p, ("preview",)) for p in pairs]
    n = args.n
    lines = [
        HEADING,
        "",
        f"- command: `.venv/bin/python -m benchmarks.engine_floor --pairs {args.pairs} "
        f"--n {n}{' --write' if args.write else ''}` (PULUMI_BIN: the engine of "
        "`scripts/ensure-pulumi.sh`)",
        f"- machine: {machine()}",
        f"- date: {started:%Y-%m-%d %H:%M} UTC",
        "- load (1-min average, before / after each round; other engineers' tests share the "
        "2 cores): " + ", ".join(f"{a:.1f}/{b:.1f}" for a, b in loads),
        "",
        f"{n} resources with the same inputs per stack, one emulator (0.05 s async steps), "
        "rounds alternated (the order rotates each round). Ratio = Package / trivial. `wide` is "
        "the trivial resource answering with a Package's outputs (no API call, no checks): "
        "Package / wide is the provider's own work (imports, checks, the API calls and the "
        "emulator answering them), wide / trivial what the engine and the SDK spend on the "
        "outputs.",
        "",
        "| | median ratio | per round | Package s | trivial s | wide s | Package / wide | "
        "wide / trivial |",
        "|---|---:|---|---|---|---|---:|---:|",
    ]
    for label, phases, values in (
        ("up + destroy", ("up", "destroy"), ud),
        ("no-change preview", ("preview",), pv),
    ):
        secs = {k: ", ".join(f"{sum(p[k][x] for x in phases):.1f}" for p in pairs) for k in KINDS}
        lines.append(
            f"| {label} | **{statistics.median(values):.2f}×** | "
            + ", ".join(f"{v:.2f}" for v in values)
            + f" | {secs['package']} | {secs['trivial']} | {secs['wide']} | "
            + f"{med(phases, 'package', 'wide')} | {med(phases, 'wide', 'trivial')} |"
        )
    first = pairs[0]["package"]
    lines += [
        "",
        "API calls of the Package stack (from the emulator's request log, first pair): "
        + "; ".join(
            f"{phase}: "
            + (", ".join(f"{k} {v}" for k, v in sorted(first[phase + "-calls"].items())) or "none")
            for phase in ("up", "preview", "destroy")
        )
        + f" (for {n} resources).",
        "",
        "State per resource (JSON bytes, `__provider` left out): Package inputs "
        f"{first['volume']['inputs']:.0f}, outputs {first['volume']['outputs']:.0f}; trivial "
        f"inputs {pairs[0]['trivial']['volume']['inputs']:.0f}, outputs "
        f"{pairs[0]['trivial']['volume']['outputs']:.0f}. Pickled provider (base64, before "
        f"encryption): Package {sizes['Package']} bytes, trivial {sizes['Trivial']}.",
        "",
        "Imports (`python -X importtime`, median of 7, seconds spent in imports a bare "
        "interpreter doesn't make):",
        "",
        "| import | s | of these loaded |",
        "|---|---:|---|",
    ]
    for label, (seconds, heavy) in imports.items():
        lines.append(f"| {label} | {seconds:.3f} | {', '.join(heavy) or '-'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--write", action="store_true", help="replace the section in RESULTS.md")
    ap.add_argument("--profile", type=Path, help="cProfile every stack process into this dir")
    ap.add_argument("--only", choices=sorted(KINDS), help="run one kind only (profiling)")
    args = ap.parse_args(argv)
    started = datetime.now(UTC)
    env = {"PYTHONPATH": str(ROOT)}
    pairs: list[dict[str, dict[str, Any]]] = []
    loads: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp_name:
        tmp = Path(tmp_name)
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            env["PYTHONPATH"] = f"{profile_site(tmp)}{os.pathsep}{ROOT}"
            env["BENCH_PROFILE_DIR"] = str(args.profile.resolve())
        emu = EmulatorProcess.start(tmp / "exim.db", seed="demo", delay=0.05)
        try:
            kinds = [args.only] if args.only else list(KINDS)
            stacks = {k: make_stack(k, args.n, tmp, emu, env) for k in kinds}
            for i in range(args.pairs):
                before = os.getloadavg()[0]
                order = kinds[i % len(kinds) :] + kinds[: i % len(kinds)]
                pair = {}
                for kind in order:
                    print(f"pair {i + 1}: {kind}…", file=sys.stderr, flush=True)
                    pair[kind] = run_once(stacks[kind], emu)
                    print(
                        f"  up {pair[kind]['up']:.1f}s preview {pair[kind]['preview']:.1f}s "
                        f"destroy {pair[kind]['destroy']:.1f}s",
                        file=sys.stderr,
                        flush=True,
                    )
                pairs.append(pair)
                loads.append((before, os.getloadavg()[0]))
        finally:
            emu.stop()
    if args.profile:
        print_profiles(args.profile)
    if args.only:
        return 0
    text = render(args, pairs, loads, import_figures(), provider_bytes(), started)
    print(text)
    if args.write:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
