"""Where a Package's outputs cost: the engine floor's stacks plus two variants of `wide`.

    python -m benchmarks.floor_variants [--rounds 2] [--n 200]

`undeclared` keeps a Package's outputs in the state but declares none in the program;
`declared` declares them but records none. `plugin` is the same Package through the `aep` plugin
(`sandbox_provider.plugin.sdk`, `pulumi-resource-aep` from the venv's bin on PATH) instead of a
dynamic provider. Printed: the median seconds of up, a no-change
preview and destroy per stack, and each stack over `trivial` (see RESULTS.md, "Engine floor:
where the rest goes").
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from sandbox_provider.testing import EmulatorProcess

from . import engine_floor as ef

VARIANTS = {
    "undeclared": ("benchmarks.trivial", "UndeclaredWide"),
    "declared": ("benchmarks.trivial", "DeclaredOnly"),
    "plugin": ("sandbox_provider.plugin.sdk", "Package"),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--n", type=int, default=200)
    args = ap.parse_args(argv)
    ef.KINDS.update(VARIANTS)
    kinds = ["trivial", "declared", "undeclared", "wide", "package", "plugin"]
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    with tempfile.TemporaryDirectory(prefix="bench-variants-") as tmp_name:
        tmp = Path(tmp_name)
        emu = EmulatorProcess.start(tmp / "exim.db", seed="demo", delay=0.05)
        try:
            venv_bin = ef.ROOT / ".venv" / "bin"
            env = {
                "PYTHONPATH": str(ef.ROOT),
                "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
            }
            stacks = {k: ef.make_stack(k, args.n, tmp, emu, env) for k in kinds}
            for i in range(args.rounds):
                for kind in kinds[i % len(kinds) :] + kinds[: i % len(kinds)]:
                    runs[kind].append(ef.run_once(stacks[kind], emu))
        finally:
            emu.stop()
    base = {
        p: statistics.median(r[p] for r in runs["trivial"]) for p in ("up", "preview", "destroy")
    }
    print("| stack | up s | preview s | destroy s | up + destroy / trivial | preview / trivial |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind in kinds:
        med = {p: statistics.median(r[p] for r in runs[kind]) for p in ("up", "preview", "destroy")}
        ud = (med["up"] + med["destroy"]) / (base["up"] + base["destroy"])
        print(
            f"| {kind} | {med['up']:.2f} | {med['preview']:.2f} | {med['destroy']:.2f} | "
            f"{ud:.2f}× | {med['preview'] / base['preview']:.2f}× |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
