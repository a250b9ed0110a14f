"""Retries, reconciliation of non-idempotent calls, token handling: against an in-process fake
(httpx.MockTransport), because only a fake can answer 503 *after* handling a request — the
emulator's faults always answer before handling."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sandbox_provider.client import (
    AuthenticationError,
    ExImClient,
    ExImTimeoutError,
    OperationFailedError,
    RetryPolicy,
    ServerError,
)

SECRET = "very-secret-client-secret"
ORG = "ORG0@AdobeOrg"
FAST = RetryPolicy(
    max_attempts=6, deadline=5.0, initial_backoff=0.001, max_backoff=0.01, reconcile_grace=1.0
)


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
            return httpx.Response(200, json={"data": self.jobs, "hasNextPage": False})
        if method == "POST" and p == "/packages/import":
            pkg = self.packages[body["id"]]
            cid = f"c-{len(self.jobs)}"
            self.jobs.append(
                {
                    "name": body.get("name", pkg["name"]),
                    "packageId": pkg["id"],
                    "requestType": "IMPORT",
                    "jobStatus": "PENDING",
                    "correlationId": cid,
                    "created": len(self.jobs),
                    "targetSandbox": body["destinationSandbox"]["name"],
                }
            )
            return httpx.Response(200, json={"name": pkg["name"], "correlationId": cid})
        if method == "GET" and p.startswith("/packages/"):
            found = self.packages.get(p.split("/")[2])
            if found is None:
                return httpx.Response(404, json={"title": "NotFoundError", "detail": "nope"})
            return httpx.Response(200, json=found)
        return httpx.Response(404, json={"title": "NotFoundError", "detail": p})

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
    assert sub.correlation_id == "c-0" and sub.job_name == "p1"
    # A second, deliberate import of the same package is a new job.
    fake.script[("POST", "/packages/import")] = ["503-before"]
    sub2 = c.submit_import(pkg.id, "prod")
    assert len(fake.jobs) == 2 and sub2.correlation_id == "c-1"


def test_an_import_still_in_flight_is_waited_for_not_resent(fake: Fake) -> None:
    c = make_client(fake)
    pkg = c.create_package("p1")
    fake.script[("POST", "/packages/import")] = ["late"]
    sub = c.submit_import(pkg.id, "prod")
    assert len(fake.jobs) == 1 and fake.count("POST", "/packages/import") == 1
    assert sub.correlation_id == "c-0"


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
