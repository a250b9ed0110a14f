"""Fault injection (docs/emulator.md, `/_emulator/faults`): path regex, method, status,
probability with a seed, Retry-After, added latency, a number of times; a faulted request
changes nothing and answers in the service error shape; DELETE clears the rules.

The same `seed` gives the same sequence of faulted/not faulted answers for the same sequence
of matching requests (docs/emulator.md: each rule draws from its own generator, seeded).
"""

from __future__ import annotations

import time

import httpx

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME_CLIENT,
    assert_service_error,
    create_package,
    ok,
)


def faults(emu: EmulatorProcess) -> list[dict]:
    return list(ok(emu.http.get("/_emulator/faults"))["rules"])


def test_fault_status_retry_after_and_times(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.set_faults(
        [
            {
                "path": "/packages$",
                "method": "GET",
                "status": 503,
                "probability": 1.0,
                "retryAfter": 2,
                "times": 2,
            }
        ]
    )
    [rule] = faults(emulator)
    assert rule["remaining"] == 2
    r = acme.get("/packages")
    assert_service_error(r, 503)
    assert r.headers["Retry-After"] == "2"
    assert faults(emulator)[0]["remaining"] == 1
    assert_service_error(acme.get("/packages"), 503)
    ok(acme.get("/packages"))  # only twice
    ok(acme.get("/packages"))


def test_fault_429(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.set_faults([{"path": "/packages", "status": 429, "retryAfter": 1, "times": 1}])
    r = acme.get("/packages")
    assert_service_error(r, 429)
    assert r.headers.get("Retry-After") == "1"
    ok(acme.get("/packages"))


def test_fault_without_retry_after_has_no_header(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    emulator.set_faults([{"path": "/packages", "status": 500, "times": 1}])
    r = acme.get("/packages")
    assert_service_error(r, 500)
    assert "Retry-After" not in r.headers


def test_method_filter(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.set_faults([{"path": "/packages", "method": "POST", "status": 503}])
    ok(acme.get("/packages"))
    assert_service_error(acme.post("/packages", json={"name": "x", "packageType": "PARTIAL"}), 503)


def test_path_regex(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.set_faults([{"path": r"/transfer/list$", "status": 500}])
    ok(acme.get("/packages"))
    ok(acme.get("/handshake/list"))
    assert_service_error(acme.get("/transfer/list"), 500)


def test_faulted_request_changes_nothing(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.set_faults([{"path": "/packages/?$", "method": "POST", "status": 500}])
    assert_service_error(
        acme.post("/packages", json={"name": "ghost", "packageType": "PARTIAL"}), 500
    )
    emulator.clear_faults()
    assert ok(acme.get("/packages"))["totalElements"] == 0
    create_package(acme, "ghost", [])  # the name was never taken


def test_faulted_put_changes_nothing(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "stable", ["acme-ns-crm"])
    emulator.set_faults([{"path": "/packages", "method": "PUT", "status": 503}])
    r = acme.put("/packages", json={"id": p["id"], "action": "UPDATE", "description": "changed"})
    assert_service_error(r, 503)
    emulator.clear_faults()
    assert ok(acme.get(f"/packages/{p['id']}")) == p


def test_faulted_publish_changes_nothing(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "unpublished", ["acme-ns-crm"])
    emulator.set_faults([{"path": "/export", "status": 503, "times": 1}])
    assert_service_error(acme.get(f"/packages/{p['id']}/export"), 503)
    time.sleep(0.2)
    assert ok(acme.get(f"/packages/{p['id']}"))["status"] == "DRAFT"


def test_probability_with_seed_is_reproducible(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    def run() -> list[int]:
        emulator.set_faults(
            [{"path": "/packages$", "status": 503, "probability": 0.5, "seed": 1234}]
        )
        return [acme.get("/packages").status_code for _ in range(40)]

    first = run()
    second = run()
    assert first == second
    assert set(first) == {200, 503}  # some faulted, some not
    assert 5 <= first.count(503) <= 35


def test_probability_zero_never_faults(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.set_faults([{"path": ".*", "status": 503, "probability": 0.0}])
    for _ in range(10):
        ok(acme.get("/packages"))


def test_latency_only(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.set_faults([{"path": "/packages$", "status": 0, "latencyMs": 300}])
    t0 = time.monotonic()
    ok(acme.get("/packages"))
    assert time.monotonic() - t0 >= 0.29
    emulator.set_faults([{"path": "/packages$", "status": None, "latencyMs": 200}])
    t0 = time.monotonic()
    ok(acme.get("/packages"))
    assert time.monotonic() - t0 >= 0.19


def test_latency_with_status(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.set_faults([{"path": "/packages$", "status": 503, "latencyMs": 250}])
    t0 = time.monotonic()
    assert_service_error(acme.get("/packages"), 503)
    assert time.monotonic() - t0 >= 0.24


def test_faults_never_apply_to_emulator_paths(emulator: EmulatorProcess) -> None:
    emulator.set_faults([{"path": ".*", "status": 503}])
    assert ok(emulator.http.get("/_emulator/health")) == {"status": "ok"}
    assert emulator.orgs()
    emulator.clear_faults()


def test_faults_apply_to_ims(emulator: EmulatorProcess) -> None:
    emulator.set_faults([{"path": "/ims/token", "status": 503, "retryAfter": 3, "times": 1}])
    data = {
        "grant_type": "client_credentials",
        "client_id": ACME_CLIENT[0],
        "client_secret": ACME_CLIENT[1],
    }
    r = emulator.http.post("/ims/token/v3", data=data)
    assert_service_error(r, 503)  # service shape, never the gateway or IMS shape
    assert r.headers["Retry-After"] == "3"
    assert emulator.http.post("/ims/token/v3", data=data).status_code == 200


def test_fault_before_auth(emulator: EmulatorProcess) -> None:
    # A fault answers before the request is handled: even an unauthenticated call gets it.
    emulator.set_faults([{"path": "/packages", "status": 503}])
    r = httpx.get(emulator.url + "/data/foundation/exim/packages")
    assert_service_error(r, 503)


def test_delete_clears(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.set_faults([{"path": ".*", "status": 500}])
    assert_service_error(acme.get("/packages"), 500)
    r = emulator.http.delete("/_emulator/faults")
    assert r.status_code in (200, 204)
    assert faults(emulator) == []
    ok(acme.get("/packages"))


def test_put_replaces_rules(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.set_faults([{"path": "/packages$", "status": 500}])
    emulator.set_faults([{"path": "/transfer/list", "status": 500}])
    ok(acme.get("/packages"))
    assert len(faults(emulator)) == 1


def test_faults_logged(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.clear_requests()
    emulator.set_faults([{"path": "/packages$", "status": 503, "times": 1}])
    acme.get("/packages")
    acme.get("/packages")
    log = emulator.requests()
    assert [(e["status"], e["fault"]) for e in log] == [(503, True), (200, False)]


def test_bad_rules_are_4xx(emulator: EmulatorProcess) -> None:
    for rules in (
        [{"path": "(unclosed", "status": 500}],
        [{"path": "/x", "status": 500, "probability": 2}],
        [{"status": 500}],
        "not a list",
    ):
        r = emulator.http.put("/_emulator/faults", json={"rules": rules})
        assert 400 <= r.status_code < 500, (rules, r.status_code, r.text)
    assert faults(emulator) == []


def test_remaining_is_null_without_times(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    emulator.set_faults([{"path": "/transfer/list", "status": 500}])
    [rule] = faults(emulator)
    assert rule["remaining"] is None
    assert rule["path"] == "/transfer/list" and rule["status"] == 500


def test_a_fault_after_handling_loses_the_answer_not_the_effect(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    # "after": true: the request is handled, then its answer replaced by the fault's.
    emulator.set_faults(
        [{"path": "/packages$", "method": "POST", "status": 503, "after": True, "times": 1}]
    )
    assert faults(emulator)[0]["after"] is True
    since = emulator.requests()[-1]["seq"] if emulator.requests() else 0
    r = acme.post("/packages", json={"name": "lost-answer", "packageType": "PARTIAL"})
    assert_service_error(r, 503, "after the request was handled")
    listed = ok(acme.get("/packages", params={"property": "name==lost-answer"}))["data"]
    assert [p["name"] for p in listed] == ["lost-answer"]  # it was created all the same
    [logged] = [e for e in emulator.requests(since) if e["method"] == "POST"]
    assert (logged["status"], logged["fault"]) == (503, True)
    # Spent: the next create answers as usual (and the name is taken now).
    assert_service_error(
        acme.post("/packages", json={"name": "lost-answer", "packageType": "PARTIAL"}), 409
    )


def test_after_must_be_a_boolean(emulator: EmulatorProcess) -> None:
    r = emulator.http.put(
        "/_emulator/faults", json={"rules": [{"path": "x", "status": 502, "after": "yes"}]}
    )
    assert_service_error(r, 400, "after")
