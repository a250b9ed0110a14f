"""Faults, token expiry, ambiguous failures, threads: the client's promises under stress."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from sandbox_provider.client import ExImClient, RetryPolicy
from sandbox_provider.testing import EmulatorProcess

from .conftest import TEST_RETRY, MakeClient, exim_requests

PARTNER = "PRTN0000000000000000B002@AdobeOrg"
NS = [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}]
SEG = [{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}]


def test_token_expiry_in_the_middle_of_a_run(acme: ExImClient, emulator: EmulatorProcess) -> None:
    pkg = acme.create_package("before-expiry", artifacts=NS)
    emulator.expire_tokens()
    assert acme.get_package(pkg.id).name == "before-expiry"
    acme.update_package(pkg.id, description="after expiry")
    emulator.expire_tokens()
    assert [p.name for p in acme.list_packages()] == ["before-expiry"]
    log = emulator.requests()
    assert sum(1 for r in log if r["path"].startswith("/ims/")) == 3
    refused = [r for r in log if r["path"].startswith("/data/") and r["status"] == 401]
    assert len(refused) == 2  # one refused call per expiry, then a new token


def _scripted_run(client: ExImClient, names: list[str]) -> list[str]:
    ids = []
    for name in names:
        pkg = client.create_package(name, description="v1", artifacts=NS)
        client.add_artifacts(pkg.id, SEG)
        client.update_package(pkg.id, description="v2")
        client.publish_package(pkg.id, expiry_period_days=7)
        ids.append(pkg.id)
    for pid in ids:
        assert client.wait_for_package(pid, timeout=30).status == "PUBLISHED"
    return ids


def test_twenty_packages_under_thirty_percent_faults(
    make_client: MakeClient, emulator: EmulatorProcess
) -> None:
    client = make_client("acme")
    emulator.set_faults(
        [
            {"path": "^/data/", "status": 503, "probability": 0.3, "seed": 7},
            {"path": "^/data/", "status": 429, "probability": 0.3, "seed": 11},
            {"path": "^/ims/", "status": 503, "probability": 0.3, "seed": 13},
        ]
    )
    names = [f"faulty-{i:02d}" for i in range(20)]
    # Four threads share the client, as the Pulumi provider does.
    with ThreadPoolExecutor(4) as pool:
        chunks = [names[i::4] for i in range(4)]
        ids = [
            pid for chunk in pool.map(lambda ns: _scripted_run(client, ns), chunks) for pid in chunk
        ]
    sub = client.submit_import(ids[0], "prod", name="faulty-import")
    assert sub.job_id
    job = client.wait_for_job(sub.job_id, timeout=30)
    assert job.job_status == "SUCCESS" and job.name == "faulty-import"
    log = emulator.requests()
    emulator.clear_faults()

    packages = list(client.list_packages(page_size=7))
    assert sorted(p.name for p in packages) == names  # exactly 20, no duplicate
    assert all(p.status == "PUBLISHED" and p.description == "v2" for p in packages)
    assert len({p.id for p in packages}) == 20
    faults = Counter(r["status"] for r in log if r["fault"])
    assert faults[503] > 10 and faults[429] > 10, faults
    creates = [
        r for r in log if r["method"] == "POST" and r["path"].rstrip("/").endswith("/packages")
    ]
    handled = [r for r in creates if not r["fault"]]
    assert len(handled) == 20 and all(r["status"] < 300 for r in handled)
    imports = [r for r in log if r["path"].endswith("/packages/import") and not r["fault"]]
    assert len(imports) == 1


def test_create_that_landed_after_a_client_timeout_is_not_repeated(
    make_client: MakeClient, emulator: EmulatorProcess
) -> None:
    client = make_client("acme", timeout=0.3)
    emulator.set_faults(
        [{"path": "/packages/?$", "method": "POST", "status": 0, "latencyMs": 600, "times": 1}]
    )
    pkg = client.create_package("slow-create", artifacts=NS)
    emulator.clear_faults()
    listed = [p for p in client.list_packages() if p.name == "slow-create"]
    assert [p.id for p in listed] == [pkg.id]


def test_retry_after_is_honoured(make_client: MakeClient, emulator: EmulatorProcess) -> None:
    import time

    client = make_client("acme")
    client.create_package("warmup")  # token fetched before the clock starts
    emulator.set_faults(
        [{"path": "/packages", "method": "GET", "status": 429, "retryAfter": 0.4, "times": 1}]
    )
    started = time.monotonic()
    assert [p.name for p in client.list_packages()] == ["warmup"]
    assert time.monotonic() - started >= 0.4


def test_import_is_resubmitted_only_after_checking_jobs(
    make_client: MakeClient, emulator: EmulatorProcess
) -> None:
    client = make_client("acme")
    pkg = client.create_package("once", artifacts=NS)
    client.publish_package(pkg.id)
    client.wait_for_package(pkg.id, timeout=10)
    since = emulator.requests()[-1]["seq"]
    emulator.set_faults([{"path": "/packages/import", "method": "POST", "status": 503, "times": 1}])
    sub = client.submit_import(pkg.id, "prod")
    calls = [
        (r["method"], r["path"].split("/exim")[-1], r["fault"])
        for r in exim_requests(emulator, since)
    ]
    posts = [i for i, c in enumerate(calls) if c[0] == "POST"]
    assert len(posts) == 2 and calls[posts[0]][2] and not calls[posts[1]][2]
    # Between the two sends, the client looked for a job that the first one might have made.
    assert any(c[1].startswith("/packages/jobs") for c in calls[posts[0] + 1 : posts[1]])
    assert sub.job_id
    client.wait_for_job(sub.job_id, timeout=10)
    assert [j.id for j in client.find_jobs(request_type="IMPORT")] == [sub.job_id]


def test_non_idempotent_calls_are_not_retried_blindly_without_reconciliation(
    make_client: MakeClient, emulator: EmulatorProcess
) -> None:
    # A policy of one attempt: the error surfaces, nothing is sent twice.
    client = make_client("acme", retry=RetryPolicy(max_attempts=1))
    client.create_package("x")
    emulator.set_faults([{"path": "/packages", "method": "POST", "status": 503, "times": 1}])
    since = emulator.requests()[-1]["seq"]
    try:
        client.create_package("y")
    except Exception as exc:  # noqa: BLE001 - checked below
        assert getattr(exc, "status", None) == 503
    posts = [r for r in exim_requests(emulator, since) if r["method"] == "POST"]
    assert len(posts) == 1


def test_four_threads_share_one_client_and_one_token(
    make_client: MakeClient, emulator: EmulatorProcess
) -> None:
    client = make_client("acme")

    def work(i: int) -> str:
        pkg = client.create_package(f"t-{i}", artifacts=NS)
        client.add_artifacts(pkg.id, SEG)
        return client.get_package(pkg.id).name

    with ThreadPoolExecutor(4) as pool:
        names = sorted(pool.map(work, range(16)))
    assert names == sorted(f"t-{i}" for i in range(16))
    assert sum(1 for r in emulator.requests() if r["path"].startswith("/ims/")) == 1


def test_import_that_landed_after_a_client_timeout_is_not_repeated(
    make_client: MakeClient, emulator: EmulatorProcess
) -> None:
    # Read timeout 0.3 s; after it, the client looks for the job for up to 5 s before it
    # would send again (ample for a request that lands 0.4 s later, even on a loaded machine).
    client = make_client("acme", timeout=0.3, retry=replace(TEST_RETRY, reconcile_grace=5.0))
    pkg = client.create_package("late-import", artifacts=NS)
    client.publish_package(pkg.id)
    client.wait_for_package(pkg.id, timeout=10)
    since = emulator.requests()[-1]["seq"]
    # The submit sleeps 0.7 s in the server, then is handled: the client gave up on its answer
    # at 0.3 s (the answer, with its jobId, is lost) and must not send it again.
    emulator.set_faults(
        [{"path": "/packages/import$", "method": "POST", "status": 0, "latencyMs": 700}]
    )
    sub = client.submit_import(pkg.id, "prod")
    emulator.clear_faults()
    assert sub.job_id and sub.job_name == "late-import"
    (job,) = client.find_jobs(request_type="IMPORT")
    assert job.id == sub.job_id and job.name == "late-import" and job.target_sandbox == "prod"
    assert client.wait_for_job(sub.job_id, timeout=10).id == sub.job_id
    posts = [
        r
        for r in exim_requests(emulator, since)
        if r["method"] == "POST" and r["path"].endswith("/packages/import")
    ]
    # Sent once, handled once (the log records the server's answer, not the client's fate).
    assert [r["status"] for r in posts] == [200]


def test_transfer_that_landed_after_a_client_timeout_is_not_repeated(
    make_client: MakeClient, emulator: EmulatorProcess
) -> None:
    client = make_client("acme", timeout=0.3)
    partner = make_client("partner")
    link = client.create_handshakes([PARTNER], source_org_name="acme")
    linking_id = link.successful_requests[PARTNER].linking_id
    assert linking_id
    partner.act_on_handshake(
        linking_id, "APPROVED", reason="ok", target_org_name="partner", target_region="va6"
    )
    pkg = client.create_package("late-transfer", artifacts=NS)
    client.publish_package(pkg.id)
    client.wait_for_package(pkg.id, timeout=10)
    emulator.set_faults(
        [
            {
                "path": "^/data/foundation/exim/transfer/?$",
                "method": "POST",
                "status": 0,
                "latencyMs": 700,
                "times": 1,
            }
        ]
    )
    (t,) = client.create_transfer(pkg.id, [PARTNER])
    emulator.clear_faults()
    assert [x.id for x in client.list_transfers(request_type="PRIVATE")] == [t.id]
