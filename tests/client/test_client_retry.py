"""Retries, reconciliation of non-idempotent calls, token handling: against an in-process fake
(httpx.MockTransport), because only a fake can answer 503 *after* handling a request — the
emulator's faults always answer before handling."""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from sandbox_provider.client import (
    AuthenticationError,
    ExImClient,
    ExImTimeoutError,
    OperationFailedError,
    RetryPolicy,
    ServerError,
    ThrottledError,
    TransportError,
)
from sandbox_provider.client.errors import ConfigurationError
from sandbox_provider.client.settings import ClientSettings
from sandbox_provider.resources import PackageProvider, _base, _config

SECRET = "very-secret-client-secret"
ORG = "ORG0@AdobeOrg"
FAST = RetryPolicy(
    max_attempts=6, deadline=5.0, initial_backoff=0.001, max_backoff=0.01, reconcile_grace=1.0
)
#: The default policy's shape (a deadline, no attempt cap) with short waits.
BY_DEADLINE = RetryPolicy(deadline=10.0, initial_backoff=0.001, max_backoff=0.01)


class Fake:
    """A tiny exim: packages, jobs, IMS. `script` lets a test break specific requests."""

    def __init__(self) -> None:
        self.packages: dict[str, dict[str, Any]] = {}
        self.jobs: list[dict[str, Any]] = []
        self.log: list[tuple[str, str]] = []
        self.tokens: set[str] = set()
        self.token_fetches = 0
        self.lock = threading.Lock()
        # (method, path suffix) -> list of actions for the next matching requests:
        # "503-before" (not handled), "503-after" (handled, then 503), "timeout-after",
        # "connect", "429", "401".
        self.script: dict[tuple[str, str], list[str]] = {}
        # Import answers without `jobId` (a platform that doesn't send it).
        self.omit_job_id = False
        # A job shows in the jobs list only this many seconds after it was made.
        self.list_lag = 0.0
        # Called with each import job as it is made (to add another client's jobs, say).
        self.on_import: Callable[[dict[str, Any]], object] | None = None
        # GET /tools/job/{id}: the job's status on each look, then its own.
        self.job_statuses: list[str] = []

    def _next_action(self, method: str, path: str) -> str | None:
        for (m, suffix), actions in self.script.items():
            if m == method and path.endswith(suffix) and actions:
                return actions.pop(0)
        return None

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        method = request.method
        with self.lock:
            self.log.append((method, path))
        if path == "/ims/token/v3":
            with self.lock:
                self.token_fetches += 1
                tok = f"tok-{self.token_fetches}"
                self.tokens.add(tok)
            time.sleep(0.02)  # make racing threads overlap
            return httpx.Response(200, json={"access_token": tok, "expires_in": 86399})
        action = self._next_action(method, path)
        if action == "connect":
            raise httpx.ConnectError("refused", request=request)
        if action == "429":
            return httpx.Response(429, headers={"Retry-After": "0.05"}, json={"status": 429})
        if action == "429-slow":
            return httpx.Response(429, headers={"Retry-After": "30"}, json={"status": 429})
        if action == "503-before":
            return httpx.Response(503, json={"title": "ServiceUnavailableError", "detail": "x"})
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if action == "401" or token not in self.tokens:
            return httpx.Response(
                401, json={"error_code": "401013", "message": "Oauth token is not valid"}
            )
        if action == "late":
            # Still in flight when the client gives up: it lands a little later.
            threading.Timer(0.3, self._late, (method, path, request)).start()
            raise httpx.ReadTimeout("slow", request=request)
        resp = self.handle(method, path, request)
        if action == "503-after":
            return httpx.Response(503, json={"title": "ServiceUnavailableError", "detail": "y"})
        if action == "timeout-after":
            raise httpx.ReadTimeout("slow", request=request)
        return resp

    def _late(self, method: str, path: str, request: httpx.Request) -> None:
        with self.lock:
            self.handle(method, path, request)

    def handle(self, method: str, path: str, request: httpx.Request) -> httpx.Response:
        p = path.removeprefix("/data/foundation/exim")
        body: Any = json.loads(request.content) if request.content else {}
        if method == "POST" and p == "/packages":
            if any(x["name"] == body["name"] for x in self.packages.values()):
                return httpx.Response(409, json={"title": "ConflictError", "detail": "dup"})
            pid = f"{len(self.packages):032x}"
            pkg = {"id": pid, "name": body["name"], "status": "DRAFT", "artifactsList": []}
            self.packages[pid] = pkg
            return httpx.Response(200, json=pkg)
        if method == "GET" and p == "/packages":
            props = request.url.params.get_list("property")
            data = [
                x
                for x in self.packages.values()
                if all(x["name"] == f.split("==", 1)[1] for f in props if f.startswith("name=="))
            ]
            return httpx.Response(200, json={"data": data, "hasNextPage": False})
        if method == "GET" and p.startswith("/packages/") and p.endswith("/export"):
            pkg = self.packages[p.split("/")[2]]
            if pkg["status"] != "DRAFT":
                return httpx.Response(409, json={"title": "ConflictError", "detail": "not draft"})
            pkg["status"] = "PUBLISHED"
            return httpx.Response(200, json={"name": pkg["name"], "correlationId": "c-pub"})
        if method == "GET" and p == "/packages/jobs":
            # The documented item fields only (packages.md "List export/import jobs").
            now = time.monotonic()
            shown = [
                {k: v for k, v in j.items() if not k.startswith("_")}
                for j in self.jobs
                if now - j["_made"] >= self.list_lag
            ]
            return httpx.Response(200, json={"data": shown, "hasNextPage": False})
        if method == "GET" and p.startswith("/tools/job/"):
            job = next((j for j in self.jobs if j["id"] == p.rsplit("/", 1)[1]), None)
            if job is None:
                return httpx.Response(404, json={"title": "NotFoundError", "detail": p})
            if self.job_statuses:
                job["jobStatus"] = self.job_statuses.pop(0)
            obj = {
                "id": job["id"],
                "name": job["name"],
                "requestType": "IMPORT",
                "jobStatus": job["jobStatus"],
                "destinationSandbox": {"name": job["targetSandbox"]},
                "completedTasks": [],
                "failedTasks": job.get("_failedTasks", []),
            }
            return httpx.Response(200, json={"status": "OK", "type": "SUCCESS", "object": obj})
        if method == "POST" and p == "/packages/import":
            pkg = self.packages[body["id"]]
            job = self.add_job(body.get("name", pkg["name"]), body["destinationSandbox"]["name"])
            if self.on_import is not None:
                self.on_import(job)
            answer = {"name": job["name"], "correlationId": f"c-{job['id']}", "jobId": job["id"]}
            if self.omit_job_id:
                del answer["jobId"]
            return httpx.Response(200, json=answer)
        if method == "GET" and p.startswith("/packages/"):
            found = self.packages.get(p.split("/")[2])
            if found is None:
                return httpx.Response(404, json={"title": "NotFoundError", "detail": "nope"})
            return httpx.Response(200, json=found)
        return httpx.Response(404, json={"title": "NotFoundError", "detail": p})

    def add_job(self, name: str, target: str, status: str = "PENDING") -> dict[str, Any]:
        job = {
            "id": f"job-{len(self.jobs)}",
            "name": name,
            "jobStatus": status,
            "created": 1_700_000_000_000 + len(self.jobs),
            "targetSandbox": target,
            "_made": time.monotonic(),
        }
        self.jobs.append(job)
        return job

    def count(self, method: str, suffix: str) -> int:
        return sum(1 for m, p in self.log if m == method and p.endswith(suffix))


@pytest.fixture
def fake() -> Fake:
    return Fake()


def make_client(fake: Fake, policy: RetryPolicy = FAST, **kw: Any) -> ExImClient:
    http = httpx.Client(transport=httpx.MockTransport(fake.handler))
    kw.setdefault("client_secret", SECRET)
    return ExImClient(
        org_id=ORG,
        client_id="cid",
        platform_url="http://exim.test",
        ims_url="http://exim.test",
        sandbox="dev",
        retry=policy,
        http_client=http,
        **kw,
    )


def test_create_after_a_503_that_was_handled_returns_the_package_without_resending(
    fake: Fake,
) -> None:
    fake.script[("POST", "/packages")] = ["503-after"]
    pkg = make_client(fake).create_package("p1")
    assert pkg.name == "p1" and len(fake.packages) == 1
    assert fake.count("POST", "/packages") == 1  # looked up, found, not sent again


def test_create_after_a_timeout_that_was_handled(fake: Fake) -> None:
    fake.script[("POST", "/packages")] = ["timeout-after"]
    assert make_client(fake).create_package("p1").name == "p1"
    assert len(fake.packages) == 1 and fake.count("POST", "/packages") == 1


def test_create_after_an_unhandled_503_sends_again(fake: Fake) -> None:
    fake.script[("POST", "/packages")] = ["503-before", "503-before"]
    assert make_client(fake).create_package("p1").name == "p1"
    assert len(fake.packages) == 1 and fake.count("POST", "/packages") == 3


def test_connect_errors_and_429_retry_everything(fake: Fake) -> None:
    fake.script[("POST", "/packages")] = ["connect", "429"]
    started = time.monotonic()
    make_client(fake).create_package("p1")
    assert time.monotonic() - started >= 0.05  # Retry-After honoured
    # Nothing ambiguous happened: no look-up by name was needed.
    assert fake.count("GET", "/packages") == 0


def test_import_is_not_resubmitted_after_an_ambiguous_failure(fake: Fake) -> None:
    c = make_client(fake)
    pkg = c.create_package("p1")
    fake.script[("POST", "/packages/import")] = ["timeout-after"]
    sub = c.submit_import(pkg.id, "prod")
    assert len(fake.jobs) == 1 and fake.count("POST", "/packages/import") == 1
    # The answer was lost: the job is the one of that name and target not listed before.
    assert sub.job_id == "job-0" and sub.job_name == "p1"
    # A second, deliberate import of the same package is a new job.
    fake.script[("POST", "/packages/import")] = ["503-before"]
    sub2 = c.submit_import(pkg.id, "prod")
    assert len(fake.jobs) == 2 and sub2.job_id == "job-1"


def test_an_import_still_in_flight_is_waited_for_not_resent(fake: Fake) -> None:
    c = make_client(fake)
    pkg = c.create_package("p1")
    fake.script[("POST", "/packages/import")] = ["late"]
    sub = c.submit_import(pkg.id, "prod")
    assert len(fake.jobs) == 1 and fake.count("POST", "/packages/import") == 1
    assert sub.job_id == "job-0"


def test_an_answer_without_job_id_is_completed_from_the_jobs_list(fake: Fake) -> None:
    c = make_client(fake)
    pkg = c.create_package("p1")
    earlier = c.submit_import(pkg.id, "prod")  # the same name and target, listed before
    assert earlier.job_id == "job-0"
    fake.omit_job_id = True
    # Another client's job of the same name lands meanwhile, into another sandbox.
    fake.on_import = lambda job: fake.add_job(job["name"], "staging")
    sub = c.submit_import(pkg.id, "prod")
    assert sub.job_id == "job-1" and sub.job_name == "p1"
    assert [j["targetSandbox"] for j in fake.jobs] == ["prod", "prod", "staging"]
    assert fake.count("POST", "/packages/import") == 2  # one per submit, none re-sent


def test_an_answer_without_job_id_waits_for_the_job_to_be_listed(fake: Fake) -> None:
    # The list shows a job 0.3 s after it was made; the client looks for up to 1 s (FAST).
    c = make_client(fake)
    pkg = c.create_package("p1")
    fake.omit_job_id = True
    fake.list_lag = 0.3
    sub = c.submit_import(pkg.id, "prod", name="slow-to-list")
    assert sub.job_id == "job-0" and sub.job_name == "slow-to-list"
    assert fake.count("GET", "/packages/jobs") > 2  # looked again until it showed
    assert fake.count("POST", "/packages/import") == 1


def test_an_answer_without_job_id_and_no_job_listed_leaves_it_unknown(fake: Fake) -> None:
    c = make_client(fake, RetryPolicy(initial_backoff=0.001, reconcile_grace=0.2))
    pkg = c.create_package("p1")
    fake.omit_job_id = True
    fake.list_lag = 60.0  # never within the grace
    sub = c.submit_import(pkg.id, "prod")
    assert sub.job_id is None and sub.job_name == "p1"
    assert fake.count("POST", "/packages/import") == 1  # a successful answer is never re-sent


def test_wait_for_job_polls_the_job_by_id_only(fake: Fake) -> None:
    c = make_client(fake)
    job = fake.add_job("j", "prod")
    fake.job_statuses = ["PENDING", "IN_PROGRESS", "IN_PROGRESS", "SUCCESS"]
    seen: list[str | None] = []
    done = c.wait_for_job(
        job["id"], timeout=5, poll_interval=0.001, progress=lambda j: seen.append(j and j.status)
    )
    assert done.status == "SUCCESS" and done.target_sandbox == "prod"
    assert seen == ["PENDING", "IN_PROGRESS", "IN_PROGRESS", "SUCCESS"]
    assert fake.count("GET", f"/tools/job/{job['id']}") == 4  # one GET a poll
    assert fake.count("GET", "/packages/jobs") == 0  # never the jobs list


def test_wait_for_job_failure_gives_the_failed_tasks(fake: Fake) -> None:
    c = make_client(fake)
    job = fake.add_job("j", "prod", status="FAILED")
    job["_failedTasks"] = [
        {
            "taskType": "POST",
            "taskStatus": "FAILED",
            "artifact": {
                "id": "seg-1",
                "type": "PROFILE_SEGMENT",
                "messages": [{"status": "FAILED", "attempt": 1, "message": "no permission"}],
            },
        }
    ]
    with pytest.raises(OperationFailedError) as info:
        c.wait_for_job(job["id"], timeout=5, label="to-prod")
    err = info.value
    assert err.last_status == "FAILED" and err.object_id == job["id"]
    assert err.reason == "seg-1 (PROFILE_SEGMENT): no permission"
    assert "'to-prod'" in str(err) and "no permission" in str(err)


def test_without_grace_an_import_still_in_flight_is_sent_again(fake: Fake) -> None:
    # The residual risk the grace period exists for (documented in client.py).
    c = make_client(fake, RetryPolicy(initial_backoff=0.001, reconcile_grace=0))
    pkg = c.create_package("p1")
    fake.script[("POST", "/packages/import")] = ["late"]
    c.submit_import(pkg.id, "prod")
    time.sleep(0.5)
    assert len(fake.jobs) == 2


def test_publish_after_ambiguous_failure_is_not_a_conflict(fake: Fake) -> None:
    c = make_client(fake)
    pkg = c.create_package("p1")
    fake.script[("GET", "/export")] = ["503-after"]
    res = c.publish_package(pkg.id)
    assert res.name == "p1" and fake.packages[pkg.id]["status"] == "PUBLISHED"
    assert fake.count("GET", "/export") == 1


def test_retries_stop_at_the_attempt_limit(fake: Fake) -> None:
    fake.script[("GET", "/packages/abc")] = ["503-before"] * 10
    with pytest.raises(ServerError) as info:
        make_client(fake).get_package("abc")
    assert info.value.status == 503
    assert fake.count("GET", "/packages/abc") == FAST.max_attempts


def test_retries_stop_at_the_deadline(fake: Fake) -> None:
    fake.script[("GET", "/packages/abc")] = ["429"] * 100
    policy = RetryPolicy(max_attempts=100, deadline=0.3, initial_backoff=0.05, max_backoff=0.05)
    started = time.monotonic()
    with pytest.raises(Exception):  # noqa: B017 - the type is checked below
        make_client(fake, policy).get_package("abc")
    assert time.monotonic() - started < 1.0


def test_a_401_fetches_a_new_token_once(fake: Fake) -> None:
    c = make_client(fake)
    c.create_package("p1")
    fake.tokens.clear()  # every issued token expires
    assert c.get_package(next(iter(fake.packages))).name == "p1"
    assert fake.token_fetches == 2
    fake.script[("GET", "/packages/x")] = ["401", "401"]
    with pytest.raises(AuthenticationError) as info:
        c.get_package("x")
    assert info.value.error_code == "401013"
    assert "tok-" not in str(info.value) and SECRET not in str(info.value)


def test_static_token_cannot_be_renewed(fake: Fake) -> None:
    c = make_client(fake, client_secret=None, access_token="stale")
    with pytest.raises(AuthenticationError):
        c.get_package("x")
    assert fake.token_fetches == 0


def test_threads_share_one_token(fake: Fake) -> None:
    c = make_client(fake)
    c_pkg: list[Any] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            c_pkg.append(c.create_package(f"t{i}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors and len(c_pkg) == 8 and fake.token_fetches == 1


def test_waiter_timeout_and_failure_name_the_object(fake: Fake) -> None:
    c = make_client(fake)
    pkg = c.create_package("slow")
    seen: list[str | None] = []
    with pytest.raises(ExImTimeoutError) as info:
        c.wait_for_package(
            pkg.id, timeout=0.2, poll_interval=0.02, progress=lambda p: seen.append(p.status)
        )
    assert info.value.object_id == pkg.id and info.value.last_status == "DRAFT"
    assert pkg.id in str(info.value) and "DRAFT" in str(info.value)
    assert seen and set(seen) == {"DRAFT"}
    fake.packages[pkg.id]["status"] = "PUBLISH_FAILED"
    fake.packages[pkg.id]["failureReason"] = "artifact x is gone"
    with pytest.raises(OperationFailedError, match="artifact x is gone") as failed:
        c.wait_for_package(pkg.id, timeout=1)
    assert failed.value.last_status == "PUBLISH_FAILED"


def test_no_secrets_in_logs(fake: Fake, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake.script[("POST", "/packages")] = ["503-after", "429"]
    c = make_client(fake)
    c.create_package("p1")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET not in text and "tok-1" not in text


def _unused(_: Callable[..., Any]) -> None:  # keeps the import list honest for type checkers
    pass


def test_token_fetch_retries_do_not_multiply(fake: Fake) -> None:
    orig = fake.handler

    def ims_down(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/ims/token/v3":
            fake.log.append(("POST", "/ims/token/v3"))
            return httpx.Response(503, json={"title": "ServiceUnavailableError"})
        return orig(request)

    http = httpx.Client(transport=httpx.MockTransport(ims_down))
    c = ExImClient(
        org_id=ORG,
        client_id="cid",
        client_secret=SECRET,
        platform_url="http://exim.test",
        ims_url="http://exim.test",
        retry=FAST,
        http_client=http,
    )
    with pytest.raises(ServerError) as info:
        c.get_package("x")
    assert "IMS token request" in str(info.value)
    assert fake.count("POST", "/ims/token/v3") == FAST.max_attempts


def test_token_is_cached_until_shortly_before_it_expires() -> None:
    from sandbox_provider.client.auth import ClientCredentialsProvider

    now = [1000.0]
    fetched: list[str] = []

    def ims(request: httpx.Request) -> httpx.Response:
        fetched.append(request.content.decode())
        return httpx.Response(200, json={"access_token": f"t{len(fetched)}", "expires_in": 3600})

    provider = ClientCredentialsProvider(
        http=httpx.Client(transport=httpx.MockTransport(ims)),
        ims_url="http://ims.test",
        client_id="cid",
        client_secret=SECRET,
        scopes=("openid", "AdobeID"),
        refresh_margin=300,
        clock=lambda: now[0],
    )
    assert provider.token() == "t1"
    now[0] += 3299
    assert provider.token() == "t1"
    now[0] += 2  # inside the margin: renewed before the platform would refuse it
    assert provider.token() == "t2"
    provider.invalidate("t1")  # a stale 401 from another thread: keeps the newer token
    assert provider.token() == "t2"
    provider.invalidate("t2")
    assert provider.token() == "t3"
    assert "grant_type=client_credentials" in fetched[0] and "scope=openid%2CAdobeID" in fetched[0]
    assert SECRET not in repr(provider)


# -- the budget is a deadline, not a count -----------------------------------------------------
def test_the_default_policy_retries_until_a_deadline_of_a_few_minutes() -> None:
    policy = RetryPolicy()
    assert policy.max_attempts is None and policy.deadline == 300.0
    # Capped exponential backoff with full jitter, even after thousands of attempts.
    waits = [policy.backoff(n) for n in range(1, 3000)]
    assert all(0 <= w <= policy.max_backoff for w in waits)
    assert len({round(w, 6) for w in waits[10:40]}) > 20  # jittered, not a fixed ladder
    # Even at the top of every jitter range, 12 retries fit well inside the deadline.
    worst = sum(min(policy.max_backoff, policy.initial_backoff * 2 ** (n - 1)) for n in range(12))
    assert worst < policy.deadline / 2


@pytest.mark.parametrize(
    "actions",
    [
        ["429"] * 12,
        ["503-before"] * 14,
        ["429", "503-before"] * 8,
        ["connect", "503-before", "429"] * 5,
    ],
    ids=["12x429", "14x503", "16x429/503", "15xconnect/503/429"],
)
def test_a_long_run_of_refusals_still_succeeds_within_the_deadline(
    fake: Fake, actions: list[str]
) -> None:
    # 8 refusals in a row used to fail the call (and the whole `pulumi up`).
    c = make_client(fake, BY_DEADLINE)
    pkg = c.create_package("p1")
    fake.script[("GET", f"/packages/{pkg.id}")] = list(actions)
    assert c.get_package(pkg.id).name == "p1"
    assert fake.count("GET", f"/packages/{pkg.id}") == len(actions) + 1


def test_a_create_refused_12_times_is_sent_until_it_lands_and_made_once(fake: Fake) -> None:
    fake.script[("POST", "/packages")] = ["503-before", "429"] * 6
    assert make_client(fake, BY_DEADLINE).create_package("p1").name == "p1"
    assert len(fake.packages) == 1 and fake.count("POST", "/packages") == 13


def test_the_deadline_stops_the_retries_and_the_error_says_so(fake: Fake) -> None:
    fake.script[("GET", "/packages/abc")] = ["503-before"] * 100_000
    policy = RetryPolicy(deadline=0.4, initial_backoff=0.01, max_backoff=0.02)
    started = time.monotonic()
    with pytest.raises(ServerError) as info:
        make_client(fake, policy).get_package("abc")
    elapsed = time.monotonic() - started
    assert 0.35 <= elapsed < 2.0
    sent = fake.count("GET", "/packages/abc")
    assert sent > 5  # retried many times, by time rather than by count
    assert info.value.status == 503 and info.value.retries_exhausted
    assert f"still failing after {sent} attempts" in str(info.value)


def test_no_sleep_past_the_deadline_even_when_retry_after_asks_for_more(fake: Fake) -> None:
    # Retry-After: 30 with 1 s left: give up now rather than sleep into the deadline.
    fake.script[("GET", "/packages/abc")] = ["429-slow"] * 3
    policy = RetryPolicy(deadline=1.0, initial_backoff=0.001, max_backoff=0.001)
    started = time.monotonic()
    with pytest.raises(ThrottledError) as info:
        make_client(fake, policy).get_package("abc")
    assert time.monotonic() - started < 0.9
    assert fake.count("GET", "/packages/abc") == 1
    assert info.value.retry_after == 30


def test_retry_after_is_honoured_and_capped() -> None:
    policy = RetryPolicy(initial_backoff=0.0, max_backoff=0.0, max_retry_after=60.0)
    throttled = ThrottledError("slow down", retry_after=7.5)
    assert policy.delay(3, throttled) == 7.5
    assert policy.delay(3, ThrottledError("runaway", retry_after=3600)) == 60.0
    assert policy.delay(3, ServerError("down")) == 0.0


def test_a_look_up_inside_the_retries_never_outlives_the_calls_deadline(fake: Fake) -> None:
    # ~0.6 s of 429s, then an ambiguous 503 (handled), then the look-up by name that must
    # decide whether to re-send finds the platform down: it gets what is left of the call's
    # 1 s, not a fresh second of its own.
    fake.script[("POST", "/packages")] = ["429"] * 12 + ["503-after"]
    fake.script[("GET", "/packages")] = ["503-before"] * 100_000
    policy = RetryPolicy(deadline=1.0, initial_backoff=0.01, max_backoff=0.02)
    started = time.monotonic()
    with pytest.raises(ServerError):
        make_client(fake, policy).create_package("p1")
    assert time.monotonic() - started < 1.4
    assert fake.count("POST", "/packages") == 13  # never re-sent blindly after the 503


@pytest.mark.parametrize("bad", [0, -1.0, math.nan, math.inf])
def test_a_policy_needs_a_positive_finite_deadline(bad: float) -> None:
    with pytest.raises(ValueError, match="deadline"):
        RetryPolicy(deadline=bad)
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    assert RetryPolicy(deadline=5).with_deadline(None).deadline == 5
    assert RetryPolicy(deadline=5, max_backoff=1).with_deadline(42).max_backoff == 1


def test_the_standalone_client_reads_its_budget_from_the_environment() -> None:
    env = {"AEP_ORG_ID": ORG, "AEP_CLIENT_ID": "cid", "AEP_ACCESS_TOKEN": "tok"}
    assert ClientSettings.from_env(env).retry.deadline == 300.0
    settings = ClientSettings.from_env({**env, "AEP_RETRY_TIMEOUT_SECONDS": "45"})
    assert settings.retry.deadline == 45.0 and settings.retry.max_attempts is None
    for bad in ("0", "-3", "soon", "nan", "inf"):
        with pytest.raises(ConfigurationError, match="AEP_RETRY_TIMEOUT_SECONDS"):
            ClientSettings.from_env({**env, "AEP_RETRY_TIMEOUT_SECONDS": bad})


# -- aep:retryTimeoutSeconds reaches the client ---------------------------------------------------
UNREACHABLE = {
    "aep:platformUrl": "http://127.0.0.1:9",  # the discard port: connection refused at once
    "aep:imsUrl": "http://127.0.0.1:9",
    "aep:orgId": ORG,
    "aep:clientId": "cid",
    "aep:accessToken": "tok",
    "aep:orgs": json.dumps(
        {
            "slow": {"orgId": "SLOW@AdobeOrg", "clientId": "c2", "accessToken": "t2"},
            "quick": {
                "orgId": "QUICK@AdobeOrg",
                "clientId": "c3",
                "accessToken": "t3",
                "retryTimeoutSeconds": 0.3,
            },
        }
    ),
}


@pytest.fixture
def provider_config(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dict[str, Any]], None]]:
    for var in _config.ENV_VARS.values():
        monkeypatch.delenv(var, raising=False)
    # What the provider tests do to fail fast; the config key must still win over it.
    monkeypatch.setattr(_base, "RETRY", RetryPolicy(deadline=30.0, max_backoff=0.05))

    def configure(values: dict[str, Any]) -> None:
        PackageProvider().configure(ConfigureRequest(Config(values, project_name="test")))

    yield configure
    _config.clear_stack_config()
    _base.forget_clients()


def test_without_the_key_the_module_policy_applies(
    provider_config: Callable[[dict[str, Any]], None],
) -> None:
    provider_config(UNREACHABLE)
    assert _base.client_for(None).settings.retry == _base.RETRY
    assert _base.client_for("slow").settings.retry == _base.RETRY


def test_the_config_key_sets_the_budget_of_every_profile_that_inherits_it(
    provider_config: Callable[[dict[str, Any]], None],
) -> None:
    provider_config({**UNREACHABLE, "aep:retryTimeoutSeconds": "42"})
    for org in (None, "slow"):
        retry = _base.client_for(org).settings.retry
        assert retry.deadline == 42.0 and retry.max_backoff == 0.05  # the rest is kept
    # A profile's own value wins over the default profile's.
    assert _base.client_for("quick").settings.retry.deadline == 0.3


def test_the_environment_variable_is_the_fallback(
    provider_config: Callable[[dict[str, Any]], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AEP_RETRY_TIMEOUT_SECONDS", "7.5")
    provider_config(UNREACHABLE)
    assert _base.client_for(None).settings.retry.deadline == 7.5
    provider_config({**UNREACHABLE, "aep:retryTimeoutSeconds": "9"})
    assert _base.client_for(None).settings.retry.deadline == 9.0


def test_the_configured_budget_is_what_a_failing_call_waits(
    provider_config: Callable[[dict[str, Any]], None],
) -> None:
    # A platform that refuses connections: retried until the configured 0.5 s, not RETRY's 30.
    provider_config({**UNREACHABLE, "aep:retryTimeoutSeconds": "0.5"})
    started = time.monotonic()
    with pytest.raises(TransportError) as info:
        _base.client_for(None).get_package("0" * 32)
    assert 0.45 <= time.monotonic() - started < 5.0
    assert "still failing after" in str(info.value)
