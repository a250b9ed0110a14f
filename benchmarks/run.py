"""Benchmark runner: `python -m benchmarks.run [section ...] [--runs N]`.

Each section is a function registered in `SECTIONS`; it returns Markdown that starts with its
own `## ` heading and replaces that section (from the heading to the next `## `) in
`benchmarks/RESULTS.md`, leaving the other sections as they are — the same convention as
`benchmarks/pulumi_stacks.py`, so both writers can share the file. Without arguments every
section runs. Add one by writing `def bench_x(args) -> str | None` (None: it wrote its own
section) and registering it with `@section("x")`.

Benchmarks measure; they never assert. Numbers depend on the machine, which each section
records.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient, RetryPolicy

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADER = (
    "# Benchmark results\n\n"
    "Written by `python -m benchmarks.run`; each section is replaced when its benchmark runs "
    "again.\n"
)

Section = Callable[[argparse.Namespace], "str | None"]
SECTIONS: dict[str, Section] = {}


def section(name: str) -> Callable[[Section], Section]:
    def register(fn: Section) -> Section:
        SECTIONS[name] = fn
        return fn

    return register


# -- shared helpers --------------------------------------------------------------------------
def machine() -> str:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs (nproc), {cpu}; Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.release()}"
    )


def command(argv: list[str]) -> str:
    return " ".join([".venv/bin/python -m benchmarks.run", *argv]).strip()


def write_section(body: str, path: Path = RESULTS) -> None:
    """Replace the section whose `## ` heading starts `body` (append it when absent)."""
    heading = body.splitlines()[0]
    if not heading.startswith("## "):
        raise ValueError("a section starts with its '## ' heading")
    text = path.read_text() if path.exists() else HEADER
    block = body.rstrip() + "\n"
    at = text.find(heading + "\n")
    if at == -1:
        text = text.rstrip() + "\n\n" + block
    else:
        nxt = text.find("\n## ", at + len(heading))
        text = text[:at] + block + ("\n" + text[nxt + 1 :] if nxt != -1 else "")
    path.write_text(text)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


# -- section: client -------------------------------------------------------------------------
def emulator_client(
    emu: Any,
    org: str,
    *,
    deadline: float = 10.0,
    http_client: httpx.Client | None = None,
    retry: RetryPolicy | None = None,
) -> ExImClient:
    """A client of `org` of the running emulator, with short backoffs: a benchmark must not
    wait out the 300 s default on a fault that never clears. `retry` replaces that policy."""
    from sandbox_provider.client import ExImClient, RetryPolicy

    o = emu.org(org)
    return ExImClient(
        org_id=o["imsOrgId"],
        client_id=o["clientId"],
        client_secret=o["clientSecret"],
        sandbox="dev",
        platform_url=emu.url,
        ims_url=emu.url,
        retry=retry or RetryPolicy(initial_backoff=0.01, max_backoff=0.1, deadline=deadline),
        http_client=http_client,
    )


@contextmanager
def _emulator(delay: float) -> Iterator[Any]:
    from sandbox_provider.testing import EmulatorProcess

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        emu = EmulatorProcess.start(Path(tmp) / "exim.db", seed="demo", delay=delay)
        try:
            yield emu
        finally:
            emu.stop()


@dataclass
class CallCount:
    op: str
    exim: int
    ims: int
    note: str = ""


NS = {"id": "acme-ns-crm", "type": "ID_NAMESPACE"}
SEG = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
ACME = "ACME0000000000000000A001@AdobeOrg"
PARTNER = "PRTN0000000000000000B002@AdobeOrg"


def _count_calls(emu: Any) -> list[CallCount]:
    """Run every client operation once against a fresh seed; count the requests it made."""
    emu.reset("demo")
    emu.set_timing(mode="auto", publishSeconds=0.05, jobSeconds=0.05, transferSeconds=0.05)

    acme, partner = emulator_client(emu, "acme"), emulator_client(emu, "partner")
    counts: list[CallCount] = []
    state: dict[str, Any] = {}

    def measure(op: str, fn: Callable[[], Any], note: str = "") -> None:
        emu.clear_requests()
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it doesn't stop
            note = f"failed: {type(exc).__name__}"
        log = emu.requests()
        counts.append(
            CallCount(
                op,
                sum(1 for r in log if r["path"].startswith("/data/")),
                sum(1 for r in log if r["path"].startswith("/ims/")),
                note,
            )
        )

    def create() -> None:
        state["pkg"] = acme.create_package("bench-pkg", artifacts=[NS])

    def pid() -> str:
        return str(state["pkg"].id) if "pkg" in state else "missing"

    measure("create_package (first call: token)", create)
    for i in range(9):
        acme.create_package(f"bench-filler-{i}")
    measure("get_package", lambda: acme.get_package(pid()))
    measure("find_package_by_name", lambda: acme.find_package_by_name("bench-pkg"))
    measure(
        "list_packages (10 packages, page_size=4)",
        lambda: list(acme.list_packages(page_size=4)),
        "3 pages",
    )
    measure("add_artifacts", lambda: acme.add_artifacts(pid(), [SEG]))
    measure("remove_artifacts", lambda: acme.remove_artifacts(pid(), [SEG]))
    measure("update_package", lambda: acme.update_package(pid(), description="x"))
    measure("package_children", lambda: acme.package_children(pid()))
    measure("publish_package", lambda: acme.publish_package(pid()))
    measure(
        "wait_for_package",
        lambda: acme.wait_for_package(pid(), timeout=30, poll_interval=0.05),
        "polls; 0.05 s per async step",
    )
    measure("import_conflicts", lambda: acme.import_conflicts(pid(), "prod"))
    measure("preflight", lambda: acme.preflight(pid(), "prod"))

    def submit(name: str | None) -> None:
        state["sub"] = acme.submit_import(pid(), "prod", name=name)

    measure("submit_import (name given)", lambda: submit("bench-import"), "jobs snapshot + POST")
    measure("submit_import (default name)", lambda: submit(None), "+ GET package for its name")
    measure(
        "wait_for_job",
        lambda: acme.wait_for_job(state["sub"].job_id, timeout=30, poll_interval=0.05),
        "polls `GET /tools/job/{id}`; 0.05 s per async step",
    )
    measure("get_job", lambda: acme.get_job(state["sub"].job_id))
    measure("find_jobs", lambda: acme.find_jobs(name="bench-import"))
    measure("list_jobs", lambda: list(acme.list_jobs()))

    def handshake() -> None:
        state["hs"] = acme.create_handshakes([PARTNER], source_org_name="acme")

    measure("create_handshakes", handshake)
    measure(
        "act_on_handshake",
        lambda: partner.act_on_handshake(
            state["hs"].successful_requests[PARTNER].linking_id,
            "APPROVED",
            reason="ok",
            target_org_name="partner",
            target_region="va6",
        ),
    )
    measure("list_handshakes", lambda: list(partner.list_handshakes("INCOMING")))

    def transfer() -> None:
        state["tr"] = acme.create_transfer(pid(), [PARTNER])[0]

    measure("create_transfer", transfer, "transfers snapshot + POST")
    measure("get_transfer", lambda: acme.get_transfer(state["tr"].id))
    measure(
        "wait_for_transfer",
        lambda: acme.wait_for_transfer(state["tr"].id, timeout=30, poll_interval=0.05),
        "polls; 0.05 s per async step",
    )
    measure("list_transfers", lambda: list(acme.list_transfers()))
    measure("set_visibility", lambda: acme.set_visibility(pid(), "PUBLIC"))
    measure("package_payload", lambda: partner.package_payload(pid()))
    measure(
        "pull_public_package",
        lambda: partner.pull_public_package(pid(), ACME),
        "transfers snapshot + POST",
    )
    measure(
        "delete_package",
        lambda: acme.delete_package(acme.create_package("bench-del").id),
        "includes its create",
    )
    acme.close()
    partner.close()
    return counts


@dataclass
class Overhead:
    op: str
    client_ms: float
    raw_ms: float

    @property
    def delta_ms(self) -> float:
        return self.client_ms - self.raw_ms


def _overhead(emu: Any, runs: int) -> list[Overhead]:
    """The same requests through ExImClient and through a bare httpx.Client: median times."""
    from sandbox_provider.client import RetryPolicy

    emu.reset("demo")
    client = emulator_client(emu, "acme", retry=RetryPolicy())  # the client's defaults
    raw = emu.api("acme", "dev")  # bare httpx: pooled, headers preset, token fetched once
    client.create_package("bench-warmup")  # token and connections warm on both sides
    raw.get("/packages").raise_for_status()

    samples: dict[str, tuple[list[float], list[float]]] = {}

    def timed(op: str, side: int, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        out = fn()
        samples.setdefault(op, ([], []))[side].append(time.perf_counter() - t0)
        return out

    def ok(r: httpx.Response) -> Any:
        r.raise_for_status()
        return r.json()

    def client_side(name: str) -> None:
        pkg = timed("create_package", 0, lambda: client.create_package(name, artifacts=[NS]))
        timed("get_package", 0, lambda: client.get_package(pkg.id))
        timed("add_artifacts", 0, lambda: client.add_artifacts(pkg.id, [SEG]))
        timed("update_package", 0, lambda: client.update_package(pkg.id, description="d"))
        timed("list_packages (1 page)", 0, lambda: list(client.list_packages(page_size=50)))
        timed("find_package_by_name", 0, lambda: client.find_package_by_name(name))
        timed("delete_package", 0, lambda: client.delete_package(pkg.id))

    def raw_side(name: str) -> None:
        body = {"name": name, "packageType": "PARTIAL", "artifacts": [NS]}
        pid = timed("create_package", 1, lambda: ok(raw.post("/packages", json=body)))["id"]
        add = {"id": pid, "action": "ADD", "artifacts": [SEG]}
        update = {"id": pid, "action": "UPDATE", "description": "d"}
        by_name = {"property": f"name=={name}", "start": 0, "limit": 50}
        timed("get_package", 1, lambda: ok(raw.get(f"/packages/{pid}")))
        timed("add_artifacts", 1, lambda: ok(raw.put("/packages", json=add)))
        timed("update_package", 1, lambda: ok(raw.put("/packages", json=update)))
        timed(
            "list_packages (1 page)",
            1,
            lambda: ok(raw.get("/packages", params={"start": 0, "limit": 50}))["data"],
        )
        timed("find_package_by_name", 1, lambda: ok(raw.get("/packages", params=by_name)))
        timed("delete_package", 1, lambda: ok(raw.delete(f"/packages/{pid}")))

    for i in range(runs):
        # Alternate the order so neither side always runs on a warmer server.
        order = (client_side, raw_side) if i % 2 == 0 else (raw_side, client_side)
        for n, side in enumerate(order):
            side(f"bench-{i}-{n}-{uuid.uuid4().hex[:6]}")
    client.close()
    raw.close()
    return [Overhead(op, median_ms(c), median_ms(r)) for op, (c, r) in samples.items()]


@dataclass
class FaultRun:
    label: str
    seconds: float
    exim: int
    faults: int
    ims: int
    packages: int


def _fault_runs(emu: Any) -> list[FaultRun]:
    """The tests' scripted run (20 packages: create, add, update, publish, wait; one import)
    without faults and with 30% injected 503 and 429 on every exim path."""
    from sandbox_provider.client import RetryPolicy

    out = []
    for label, rules in (
        ("no faults", []),
        (
            "30% 503 + 30% 429 on /data/, 30% 503 on /ims/",
            [
                {"path": "^/data/", "status": 503, "probability": 0.3, "seed": 7},
                {"path": "^/data/", "status": 429, "probability": 0.3, "seed": 11},
                {"path": "^/ims/", "status": 503, "probability": 0.3, "seed": 13},
            ],
        ),
    ):
        emu.reset("demo")
        emu.set_timing(mode="auto", publishSeconds=0.05, jobSeconds=0.05, transferSeconds=0.05)
        emu.set_faults(rules)
        client = emulator_client(
            emu, "acme", retry=RetryPolicy(max_attempts=25, initial_backoff=0.005, max_backoff=0.05)
        )
        started = time.perf_counter()
        ids = []
        for i in range(20):
            pkg = client.create_package(f"fault-{i:02d}", description="v1", artifacts=[NS])
            client.add_artifacts(pkg.id, [SEG])
            client.update_package(pkg.id, description="v2")
            client.publish_package(pkg.id)
            ids.append(pkg.id)
        for pid in ids:
            client.wait_for_package(pid, timeout=60, poll_interval=0.05)
        sub = client.submit_import(ids[0], "prod", name="fault-import")
        client.wait_for_job(sub.job_id or "", timeout=60)
        seconds = time.perf_counter() - started
        log = emu.requests()
        emu.clear_faults()
        out.append(
            FaultRun(
                label,
                seconds,
                sum(1 for r in log if r["path"].startswith("/data/")),
                sum(1 for r in log if r["fault"]),
                sum(1 for r in log if r["path"].startswith("/ims/")),
                len(list(client.list_packages())),
            )
        )
        client.close()
    return out


@section("client")
def bench_client(args: argparse.Namespace) -> str:
    started = datetime.now(UTC)
    with _emulator(delay=0.05) as emu:
        counts = _count_calls(emu)
        over = _overhead(emu, args.runs)
        faults = _fault_runs(emu)
    lines = [
        "## Client: API calls per operation and overhead over bare httpx",
        "",
        f"- command: `{command(args.argv)}`",
        f"- machine: {machine()}",
        f"- date: {started.strftime('%Y-%m-%d %H:%M UTC')}",
        "- emulator: started by the runner (harness), demo seed, 127.0.0.1, async steps 0.05 s",
        "",
        "### API calls per client operation",
        "",
        "Counted from the emulator's request log (`/_emulator/requests`), no faults injected.",
        "",
        "| operation | exim calls | IMS calls | note |",
        "|---|---:|---:|---|",
    ]
    lines += [f"| {c.op} | {c.exim} | {c.ims} | {c.note} |" for c in counts]
    lines += [
        "",
        f"### Client overhead (median of {args.runs} runs)",
        "",
        "The same HTTP requests made through `ExImClient` and through a bare, pooled "
        "`httpx.Client` with the headers preset; both warm (token cached, connections open), "
        "sides alternated per run.",
        "",
        "| operation | client ms | bare httpx ms | overhead ms | overhead % |",
        "|---|---:|---:|---:|---:|",
    ]
    for o in over:
        pct = 100 * o.delta_ms / o.raw_ms if o.raw_ms else 0.0
        lines.append(
            f"| {o.op} | {o.client_ms:.2f} | {o.raw_ms:.2f} | {o.delta_ms:+.2f} | {pct:+.0f}% |"
        )
    lines += [
        "",
        "### Scripted run under faults",
        "",
        "20 packages (create, add artifacts, update, publish; then wait for each) and one "
        "import waited for, sequential, one client; polls every 0.05 s at first.",
        "",
        "| faults | wall s | exim requests | of which faults | IMS requests | packages |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {f.label} | {f.seconds:.2f} | {f.exim} | {f.faults} | {f.ims} | {f.packages} |"
        for f in faults
    ]
    return "\n".join(lines) + "\n"


@section("waits")
def bench_waits(args: argparse.Namespace) -> str:
    """A `--job-seconds` import job (default 60) followed by `wait_for_job` and by the old
    jobs-list polling, side by side: see benchmarks/job_waits.py."""
    from benchmarks import job_waits

    started = datetime.now(UTC)
    return job_waits.section(
        command(args.argv),
        machine(),
        started.strftime("%Y-%m-%d %H:%M UTC"),
        job_seconds=args.job_seconds,
        earlier=args.earlier_jobs,
    )


@section("plugin-startup")
def bench_plugin_startup(args: argparse.Namespace) -> str:
    """The self-contained plugin's time to a served port against the venv launchers: see
    benchmarks/plugin_startup.py."""
    from benchmarks import plugin_startup

    started = datetime.now(UTC)
    return plugin_startup.section(
        command(args.argv),
        machine(),
        started.strftime("%Y-%m-%d %H:%M UTC"),
        runs=args.startup_runs,
    )


@section("pulumi")
def bench_pulumi(args: argparse.Namespace) -> None:
    """Engine timings: delegated to benchmarks/pulumi_stacks.py, which writes its section."""
    from benchmarks import pulumi_stacks

    pulumi_stacks.main(["--write"])


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("sections", nargs="*", help=f"which to run (default all: {list(SECTIONS)})")
    parser.add_argument("--runs", type=int, default=30, help="repetitions for medians")
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="the file the sections are written to"
    )
    parser.add_argument(
        "--job-seconds", type=float, default=60.0, help="(waits) how long the followed job runs"
    )
    parser.add_argument(
        "--earlier-jobs", type=int, default=200, help="(waits) jobs in the org before it"
    )
    parser.add_argument(
        "--startup-runs", type=int, default=15, help="(plugin-startup) starts a side"
    )
    args = parser.parse_args(argv)
    args.argv = argv
    names = args.sections or list(SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {unknown}; known: {list(SECTIONS)}")
    for name in names:
        body = SECTIONS[name](args)
        if body is not None:
            write_section(body, args.output)
            print(body)
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
