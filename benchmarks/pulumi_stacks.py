"""Wall time and API calls of `pulumi preview`, `up` and `refresh` through the real engine.

For the demo stack and for stacks of N Packages (10, 50, 200 by default), each against an
emulator of its own: the wall time of each command, the exim/IMS calls it made (from the
emulator's request log), and the size of the `__provider` blob each resource carries in the
state file. Prints a Markdown section; `python -m benchmarks.pulumi_stacks --write` also
replaces the section in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sandbox_provider.testing import EmulatorProcess, Stack, configure_for_emulator

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Pulumi engine: preview, up, refresh"

SEGMENTS = ["acme-seg-gold", "acme-seg-cart", "acme-seg-highvalue"]

N_PACKAGES_PROGRAM = """\
import pulumi
from sandbox_provider import Package

for i in range({n}):
    Package(
        f"pkg-{{i}}",
        name=f"bench-{{i}}",
        source_sandbox="dev",
        artifacts=[{{"id": {segments!r}[i % 3], "type": "PROFILE_SEGMENT"}}],
    )
"""


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(__import__("os").sched_getaffinity(0))
    return f"{cores} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def configure(stack: Stack, emu: EmulatorProcess) -> None:
    stack.init()
    orgs = {"acme": emu.org("acme"), "partner": emu.org("partner")}
    configure_for_emulator(
        stack, emu.url, orgs, extra={"demo:partnerOrgId": orgs["partner"]["imsOrgId"]}
    )


def calls(emu: EmulatorProcess, since: int) -> tuple[int, int]:
    reqs = emu.requests(since)
    exim = sum(1 for r in reqs if r["path"].startswith("/data/"))
    ims = sum(1 for r in reqs if r["path"].startswith("/ims/"))
    return exim, ims


def last_seq(emu: EmulatorProcess) -> int:
    reqs = emu.requests()
    return int(reqs[-1]["seq"]) if reqs else 0


def provider_sizes(stack: Stack) -> dict[str, int]:
    """Bytes of the `__provider` value (the ciphertext as stored) per resource type."""
    sizes: dict[str, int] = {}
    for res in stack.export_state()["deployment"].get("resources", []):
        blob = res.get("inputs", {}).get("__provider")
        if blob is None:
            continue
        if isinstance(blob, dict):
            stored = blob.get("ciphertext") or json.dumps(blob)
        else:
            stored = str(blob)
        kind = res["type"].rsplit(":", 1)[-1]
        sizes[kind] = max(sizes.get(kind, 0), len(stored))
    return sizes


def plain_provider_sizes() -> dict[str, int]:
    """Bytes of each provider as pickled by the SDK, before encryption."""
    code = (
        "import importlib, inspect, json, pkgutil\n"
        "from pulumi.dynamic import ResourceProvider\n"
        "from pulumi.dynamic.dynamic import serialize_provider\n"
        "import sandbox_provider.resources as pkg\n"
        "out = {}\n"
        "for info in pkgutil.iter_modules(pkg.__path__):\n"
        "    mod = importlib.import_module(f'{pkg.__name__}.{info.name}')\n"
        "    for name, cls in inspect.getmembers(mod, inspect.isclass):\n"
        "        if (issubclass(cls, ResourceProvider) and cls.__module__ == mod.__name__\n"
        "                and not inspect.isabstract(cls) and not name.startswith('_')):\n"
        "            if name != 'BaseProvider':\n"
        "                out[name.removesuffix('Provider')] = len(serialize_provider(cls()))\n"
        "print(json.dumps(out))\n"
    )
    cp = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if cp.returncode != 0:
        return {}
    try:
        return dict(json.loads(cp.stdout.strip().splitlines()[-1]))
    except (ValueError, IndexError):
        return {}


def run_stack(label: str, program: str | None, workdir: Path) -> dict[str, Any]:
    project = workdir / "project"
    if program is None:
        project = ROOT
    else:
        project.mkdir(parents=True)
        (project / "Pulumi.yaml").write_text(
            "name: bench\nruntime:\n  name: python\n  options:\n    toolchain: pip\n"
            f"    virtualenv: {ROOT / '.venv'}\n"
        )
        (project / "__main__.py").write_text(program)
    emu = EmulatorProcess.start(workdir / "exim.db", seed="demo", delay=0.05)
    row: dict[str, Any] = {"stack": label}
    stack_name = "bench"
    try:
        stack = Stack(project_dir=project, state_dir=workdir / "state", name=stack_name)
        configure(stack, emu)
        for command in ("preview", "up", "preview-again", "refresh"):
            since = last_seq(emu)
            t0 = time.monotonic()
            if command == "preview":
                stack.preview()
            elif command == "up":
                stack.up()
            elif command == "preview-again":
                stack.preview()
            else:
                stack.refresh()
            row[command] = time.monotonic() - t0
            row[command + "-calls"] = calls(emu, since)
        row["resources"] = len(stack.export_state()["deployment"].get("resources", []))
        row["provider-bytes"] = provider_sizes(stack)
        kinds = Counter(r["method"] for r in emu.requests())
        row["methods"] = dict(kinds)
        stack.destroy()
    finally:
        emu.stop()
        if project == ROOT:
            # The stack's config file lands beside the root Pulumi.yaml; it belongs to this run.
            (ROOT / f"Pulumi.{stack_name}.yaml").unlink(missing_ok=True)
    return row


def render(rows: list[dict[str, Any]], plain: dict[str, int]) -> str:
    lines = [
        SECTION,
        "",
        f"Command: `make bench-pulumi` (`python -m benchmarks.pulumi_stacks --write`). "
        f"Machine: {machine()}. Date: {time.strftime('%Y-%m-%d')}. Each stack runs against an "
        "emulator of its own with 0.05 s async steps; the CLI is the locally built engine.",
        "",
        "| stack | resources | preview s | up s | 2nd preview s | refresh s "
        "| up calls (exim/IMS) | refresh calls | 2nd preview calls |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['stack']} | {r['resources']} | {r['preview']:.1f} | {r['up']:.1f} "
            f"| {r['preview-again']:.1f} | {r['refresh']:.1f} "
            f"| {r['up-calls'][0]}/{r['up-calls'][1]} | {r['refresh-calls'][0]}/"
            f"{r['refresh-calls'][1]} | {r['preview-again-calls'][0]}/"
            f"{r['preview-again-calls'][1]} |"
        )
    lines += ["", "Size of `__provider` in the state file (encrypted, as stored), in bytes:", ""]
    sizes: dict[str, int] = {}
    for r in rows:
        for k, v in r["provider-bytes"].items():
            sizes[k] = max(sizes.get(k, 0), v)
    for k, v in sorted(sizes.items()):
        extra = f" (pickled, before encryption: {plain[k]})" if k in plain else ""
        lines.append(f"- {k}: {v}{extra}")
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if SECTION in current:
        head, _, rest = current.partition(SECTION)
        nxt = rest.find("\n## ")
        tail = rest[nxt + 1 :] if nxt != -1 else ""
        current = head + text + ("\n" + tail if tail else "")
    else:
        current = current.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(current)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="10,50,200", help="Package counts, comma-separated")
    ap.add_argument("--no-demo", action="store_true")
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-pulumi-") as tmp:
        if not args.no_demo:
            demo_dir = Path(tmp) / "demo"
            demo_dir.mkdir()
            print("demo stack…", file=sys.stderr, flush=True)
            rows.append(run_stack("demo", None, demo_dir))
        for n in [int(x) for x in args.sizes.split(",") if x]:
            print(f"{n} packages…", file=sys.stderr, flush=True)
            program = N_PACKAGES_PROGRAM.format(n=n, segments=SEGMENTS)
            rows.append(run_stack(f"{n} Packages", program, Path(tmp) / f"n{n}"))
    text = render(rows, plain_provider_sizes())
    print(text)
    if args.write:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
