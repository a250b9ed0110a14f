"""Fault runs: `pulumi up` of the 26-resource chaos program while the emulator refuses calls.

Per run (10 runs, seeds 0..9, each with its own emulator and stack):

- faults: 20 % 429 and 20 % 503 on every exim path (`/data/foundation/exim/...`), 10 % 503
  on IMS, tokens that live 4 s (so they expire, and are fetched again under faults, many
  times per run). Rules are tried in order and the first one that fires answers, so the
  503 rule fires with probability 0.25 on what the 429 rule let through: 20 % of all calls.
  Each rule draws from its own generator, seeded from the run's seed.
- `pulumi up`; if it fails, `up` again with the faults still on, up to 3 more times.
- faults off, then the audit: a no-change `pulumi preview --expect-no-changes`; no
  pending operation; per org, package names unique; one import job per job name; every
  package, import job and transfer on the platform known to the state (`pulumi stack
  export`); the stack outputs agree with the platform.

The first-up pass rate is printed in the terminal summary (`CHAOS FIRST-UP PASS RATE`), with
every failure text of every failed `up`. It is reported, not asserted: convergence and the
absence of duplicates are.

The runs go three at a time (threads; each run is a chain of subprocesses that mostly waits
on backoff sleeps, ~30 % of one core), to keep the tier inside its time budget.
"""

from __future__ import annotations

import inspect
import re
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sandbox_provider.resources import _config

from . import _program
from .conftest import World, new_world

pytestmark = pytest.mark.chaos

SEEDS = list(range(10))
CONCURRENCY = 5
#: `up` again after a failed first one, at most this many times (faults still on).
MAX_RERUNS = 3
UP_TIMEOUT = 240.0
TOKEN_TTL_SECONDS = 4
EXIM = r"^/data/foundation/exim/"
IMS = r"^/ims/"
TYPE_PREFIX = "pulumi-python:dynamic/aep:"


def fault_rules(seed: int) -> list[dict[str, Any]]:
    return [
        {"path": EXIM, "status": 429, "probability": 0.20, "seed": seed},
        {"path": EXIM, "status": 503, "probability": 0.25, "seed": 1000 + seed},
        {"path": IMS, "status": 503, "probability": 0.10, "seed": 2000 + seed},
    ]


def retry_config() -> dict[str, str]:
    """`aep:retryTimeoutSeconds` (a retry deadline per call) when the provider knows it."""
    known = getattr(_config, "ENV_VARS", {})
    if "retryTimeoutSeconds" in known or "retryTimeoutSeconds" in inspect.getsource(_config):
        return {"aep:retryTimeoutSeconds": "120"}
    return {}


# -- failures as the CLI prints them -----------------------------------------------------------
_HEADER = re.compile(r"^\s{2}(\S+) \((.+)\):\s*$")
_ERROR = re.compile(r"^\s+error: (.*)$")


def failure_lines(output: str) -> list[str]:
    """`<resource>: <error>` for each error of the Diagnostics section of a failed update."""
    out: list[str] = []
    resource = "?"
    in_diag = False
    for line in output.splitlines():
        if line.startswith("Diagnostics:"):
            in_diag = True
            continue
        if not in_diag:
            continue
        if line and not line.startswith(" "):
            in_diag = line.startswith("Diagnostics:")
            continue
        m = _HEADER.match(line)
        if m:
            resource = f"{m.group(1).removeprefix(TYPE_PREFIX)} {m.group(2)}"
            continue
        m = _ERROR.match(line)
        if m and m.group(1).strip() and not m.group(1).startswith("update failed"):
            out.append(f"{resource}: {m.group(1).strip()}")
    if not out:
        tail = [ln.strip() for ln in output.splitlines() if "error" in ln.lower()]
        out = tail[-3:] or [output.strip()[-500:]]
    return out


# -- one run -----------------------------------------------------------------------------------
@dataclass
class Run:
    seed: int
    first_up: bool = False
    converged: bool = False
    ups: int = 0
    #: "up N: <resource>: <error>" for every failed up.
    errors: list[str] = field(default_factory=list)
    faults: int = 0
    requests: int = 0
    seconds: float = 0.0
    #: What the audit found wrong (empty: converged with no duplicate and nothing unknown).
    problems: list[str] = field(default_factory=list)


def write_chaos_program(world: World) -> None:
    world.write_program(_program.program())


def fault_run(
    tmp: Path,
    pulumi: str,
    seed: int,
    *,
    write: Callable[[World], None] = write_chaos_program,
    check: Callable[[World], list[str]] | None = None,
) -> Run:
    """One seed's run; `write` puts the program in place (and may set the world up for it),
    `check` audits afterwards (default `audit`)."""
    run = Run(seed=seed)
    started = time.monotonic()
    world = new_world(tmp / f"seed-{seed}", pulumi, extra_config=retry_config())
    try:
        write(world)
        world.emu.set_timing(tokenTtlSeconds=TOKEN_TTL_SECONDS)
        world.emu.set_faults(fault_rules(seed))
        for attempt in range(1 + MAX_RERUNS):
            res = world.stack.up(check=False, timeout=UP_TIMEOUT)
            run.ups += 1
            if res.code == 0:
                run.first_up = attempt == 0
                run.converged = True
                break
            run.errors += [f"up {attempt + 1}: {e}" for e in failure_lines(res.stdout + res.stderr)]
        world.emu.clear_faults()
        world.emu.set_timing(tokenTtlSeconds=86399)
        log = world.emu.requests()
        run.requests = len(log)
        run.faults = sum(1 for r in log if r["fault"])
        if not run.converged:
            run.problems.append(
                f"did not converge: {run.ups} `pulumi up` under faults all failed: "
                + "; ".join(run.errors[-5:])
            )
        run.problems += (check or audit)(world)
    except Exception:  # noqa: BLE001 - reported as the run's problem, with its traceback
        run.problems.append("the run itself failed:\n" + traceback.format_exc())
    finally:
        world.emu.stop()
        run.seconds = time.monotonic() - started
    return run


def _outputs_by_type(
    resources: list[dict[str, Any]], type_prefix: str = TYPE_PREFIX
) -> dict[str, list[dict[str, Any]]]:
    by_type: dict[str, list[dict[str, Any]]] = {}
    for res in resources:
        if res.get("type", "").startswith(type_prefix):
            name = res["type"].removeprefix(type_prefix)
            by_type.setdefault(name, []).append(dict(res.get("outputs") or {}))
    return by_type


def _dupes(items: list[dict[str, Any]], key: str) -> dict[str, list[str]]:
    counts = Counter(str(i.get(key)) for i in items)
    return {
        k: [str(i.get("id")) for i in items if str(i.get(key)) == k]
        for k, n in counts.items()
        if n > 1
    }


def audit(
    w: World, *, type_prefix: str = TYPE_PREFIX, output_key: Callable[[str], str] = str
) -> list[str]:
    """Everything that must hold after the runs, faults off; returns what does not.

    `type_prefix` and `output_key` say how the state names the resources' types and outputs (the
    plugin's: `aep:index:` and camelCase)."""
    problems: list[str] = []
    preview = w.stack.preview(expect_no_changes=True, diff=True, check=False)
    if preview.code != 0:
        problems.append(
            "preview with faults off is not a no-change preview:\n"
            + (preview.stdout[-3000:] + preview.stderr[-1500:])
        )

    deployment = w.stack.export_state()["deployment"]
    pending = deployment.get("pending_operations") or []
    if pending:
        problems.append(
            "pending operations left in the state: "
            + ", ".join(f"{p['type']} {p['resource']['urn'].rsplit('::', 1)[1]}" for p in pending)
        )
    by_type = _outputs_by_type(list(deployment.get("resources") or []), type_prefix)
    counts = {t: len(v) for t, v in by_type.items()}
    if counts != _program.COUNTS:
        problems.append(f"state holds {counts} resources, the program declares {_program.COUNTS}")
    state_packages = {o.get(output_key("package_id")) for o in by_type.get("Package", [])}
    state_jobs = {o.get(output_key("job_id")) for o in by_type.get("ImportJob", [])}
    state_transfers = {o.get(output_key("transfer_id")) for o in by_type.get("Transfer", [])}

    # Packages: names unique per org; each one known to the state (a partner copy has the id
    # of the package it copies).
    acme_pkgs = w.packages("acme")
    partner_pkgs = w.packages("partner")
    for org, pkgs in (("acme", acme_pkgs), ("partner", partner_pkgs)):
        for name, ids in _dupes(pkgs, "name").items():
            problems.append(f"duplicate packages in {org}: {len(ids)} named {name!r}: {ids}")
        unknown = [(p["name"], p["id"]) for p in pkgs if p["id"] not in state_packages]
        if unknown:
            problems.append(f"packages in {org} the state does not know: {unknown}")
    by_name = {p["name"]: p for p in acme_pkgs}
    missing = [_program.package_name(k) for k in _program.PACKAGES]
    missing = [n for n in missing if n not in by_name]
    if missing:
        problems.append(f"packages of the program missing in acme: {missing}")

    # Import jobs: one per job name, each known to the state.
    jobs = w.import_jobs("acme") + w.import_jobs("partner")
    for name, ids in _dupes(jobs, "name").items():
        statuses = [j.get("jobStatus") for j in jobs if j.get("name") == name]
        problems.append(
            f"duplicate import jobs: {len(ids)} named {name!r}: {ids} (statuses {statuses})"
        )
    unknown_jobs = [(j["name"], j["id"], j.get("jobStatus")) for j in jobs]
    unknown_jobs = [j for j in unknown_jobs if j[1] not in state_jobs]
    if unknown_jobs:
        problems.append(f"import jobs the state does not know: {unknown_jobs}")
    jobs_by_name = {j["name"]: j for j in jobs}

    # Transfers (both orgs see each one): each known to the state, one per package and target.
    transfers = {t["id"]: t for t in w.transfers("acme") + w.transfers("partner")}
    unknown_t = sorted(set(transfers) - state_transfers)
    if unknown_t:
        problems.append(f"transfers the state does not know: {unknown_t}")
    if len(transfers) != _program.COUNTS["Transfer"]:
        problems.append(
            f"{len(transfers)} transfers on the platform, the program declares "
            f"{_program.COUNTS['Transfer']}: "
            + str([(t["id"], t.get("status"), t.get("requestType")) for t in transfers.values()])
        )
    handshakes = w.db_docs("handshake")
    if len(handshakes) != 1:
        problems.append(f"{len(handshakes)} handshakes on the platform, 1 declared")

    # Outputs: what the program exports agrees with the platform.
    out = w.stack.outputs()
    want_ids = {k: by_name.get(_program.package_name(k), {}).get("id") for k in _program.PACKAGES}
    if out.get("packageIds") != want_ids:
        problems.append(f"output packageIds {out.get('packageIds')} != platform {want_ids}")
    if out.get("publishedStatus") != {k: "PUBLISHED" for k in _program.PUBLISHED}:
        problems.append(f"output publishedStatus {out.get('publishedStatus')}")
    if out.get("jobStatus") != {k: "SUCCESS" for k in _program.IMPORTED}:
        problems.append(f"output jobStatus {out.get('jobStatus')}")
    want_jobs = {k: jobs_by_name.get(_program.job_name(k), {}).get("id") for k in _program.IMPORTED}
    if out.get("jobIds") != want_jobs:
        problems.append(f"output jobIds {out.get('jobIds')} != platform {want_jobs}")
    for key, want in (
        ("handshakeStatus", "APPROVED"),
        ("shareStatus", "COMPLETED"),
        ("pullStatus", "COMPLETED"),
    ):
        if out.get(key) != want:
            problems.append(f"output {key} is {out.get(key)!r}, not {want!r}")
    if sorted(out.get("transferIds") or []) != sorted(transfers):
        problems.append(f"output transferIds {out.get('transferIds')} != {sorted(transfers)}")
    return problems


# -- the tests ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fault_runs(
    tmp_path_factory: pytest.TempPathFactory, pulumi_bin: str
) -> Iterator[dict[int, Run]]:
    tmp = tmp_path_factory.mktemp("faults")
    with ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="fault-run") as pool:
        runs = list(pool.map(lambda s: fault_run(tmp, pulumi_bin, s), SEEDS))
    passed = sum(r.first_up for r in runs)
    line = (
        f"CHAOS FIRST-UP PASS RATE: {passed}/{len(runs)} runs passed their first `pulumi up` "
        "under faults"
    )
    print("\n" + line)
    (tmp / "first-up-pass-rate.txt").write_text(line + "\n")
    yield {r.seed: r for r in runs}


@pytest.mark.timeout(900)
@pytest.mark.parametrize("seed", SEEDS)
def test_up_under_faults_converges_with_no_duplicate(
    fault_runs: dict[int, Run], seed: int, record_property: Any
) -> None:
    run = fault_runs[seed]
    # Reported with the test, so tests/conftest.py's summary has it under pytest-xdist too.
    record_property(
        "fault_run",
        {
            "seed": run.seed,
            "first_up": run.first_up,
            "ups": run.ups,
            "faults": f"{run.faults}/{run.requests}",
            "seconds": run.seconds,
            "errors": list(run.errors),
        },
    )
    assert run.converged, "\n".join(run.problems)
    assert run.problems == [], "\n".join(run.problems)


def test_failure_lines_reads_the_diagnostics_of_a_failed_update() -> None:
    output = (
        "Updating (chaos):\n"
        " +  pulumi-python:dynamic/aep:Package gold creating (0s) error: boom\n"
        "Diagnostics:\n"
        "  pulumi-python:dynamic/aep:Package (gold):\n"
        "    error: creating package 'chaos-gold' failed: conflict (already exists)\n"
        "\n"
        "  pulumi:pulumi:Stack (chaos-chaos):\n"
        "    error: update failed\n"
        "\n"
        "Resources:\n"
        "    + 3 created\n"
    )
    assert failure_lines(output) == [
        "Package gold: creating package 'chaos-gold' failed: conflict (already exists)"
    ]


def test_the_audit_finds_a_duplicate_import_job_and_an_unknown_package(world: World) -> None:
    """The audit can fail: a second job of a job name, a package made outside the stack."""
    world.write_program(_program.program())
    world.stack.up()
    assert audit(world) == []
    acme_org = world.orgs["acme"]["imsOrgId"]
    package_id = world.stack.outputs()["packageIds"]["gold"]
    with world.api() as api:
        api.post(
            "/packages/import",
            json={
                "id": package_id,
                "name": _program.job_name("gold"),
                "destinationSandbox": {"name": "prod", "imsOrgId": acme_org},
            },
        ).raise_for_status()
        api.post(
            "/packages",
            json={
                "name": "made-by-hand",
                "packageType": "PARTIAL",
                "sourceSandbox": {"name": "dev", "imsOrgId": acme_org},
                "artifacts": [{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}],
            },
        ).raise_for_status()
    problems = audit(world)
    assert any(
        p.startswith("duplicate import jobs: 2 named 'chaos-gold-to-prod'") for p in problems
    )
    assert any("import jobs the state does not know" in p for p in problems)
    assert any("packages in acme the state does not know: [('made-by-hand'" in p for p in problems)
