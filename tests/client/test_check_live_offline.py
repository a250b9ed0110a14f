"""`check-live` (sandbox_provider/live.py) on the pages' example answers, offline.

The examples are copied unchanged under tests/data/pages_examples/ (its README names the page
and section of each). The fields the check counts as documented must be exactly the ones they
show; an unknown key and a removed documented one must be named in the report; a whole run
over a mock transport serving them makes GET calls only and never prints a secret.
(The run against the emulator over HTTP is tests/client/test_check_live.py.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from sandbox_provider import live
from sandbox_provider.cli import main
from sandbox_provider.client import ExImClient, RetryPolicy
from sandbox_provider.client.config import ENV_VARS

EXAMPLES = Path(__file__).parent.parent / "data" / "pages_examples"
#: answer kind (a key of live.MODELS) -> its example
FILES = {
    "packages": "packages-list.json",
    "package": "package-look-up.json",
    "jobs": "jobs-list.json",
    "job": "tools-job.json",
    "artifacts": "tools-artifacts.json",
}
SECRET = "s3cr3t-client-secret"
TOKEN = "t0k3n-from-ims"
PLATFORM = "https://platform.test"
EXIM = PLATFORM + "/data/foundation/exim"
#: The newest PUBLISHED package and the newest job of the list examples.
NEWEST_PACKAGE = "8f585fad94d042cd82dbcba594108a41"
NEWEST_JOB = "a3669315baed4cf2af49bf9ce90b8158"


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text())


# -- what counts as documented -------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(FILES))
def test_documented_fields_are_what_the_examples_show(kind: str) -> None:
    shape = live.shape_of(example(FILES[kind]), live.MODELS[kind])
    assert shape.shown == live.DOCUMENTED[kind]


def test_also_shown_is_what_the_create_answer_adds() -> None:
    shown = live.shape_of(example("package-create.json"), live.MODELS["package"]).shown
    assert shown - live.DOCUMENTED["package"] == live.ALSO_SHOWN["package"]
    assert live.ALSO_SHOWN["packages"] == {f"data[].{p}" for p in live.ALSO_SHOWN["package"]}


@pytest.mark.parametrize("kind", sorted(FILES))
def test_the_examples_parse_with_no_news(kind: str) -> None:
    _, found = live.check_answer(kind, example(FILES[kind]))
    assert [f for f in found if f.news] == []
    # What the pages show and the models don't declare is reported as such, not as news.
    unmodelled = {
        "packages": ["data[].tenantId (2 of 2)"],
        "package": ["tenantId"],
        "jobs": [],
        "job": ["object.destinationSandbox.empty", "object.sourceSandbox.empty"],
        "artifacts": [],
    }[kind]
    assert [str(f) for f in found if f.kind == "unknown"] == unmodelled


# -- an unknown key, a missing field -------------------------------------------------------------
def test_report_names_an_unknown_key_and_a_missing_field_in_a_list() -> None:
    raw = example("jobs-list.json")
    raw["data"][0]["packageId"] = "8f585fad94d042cd82dbcba594108a41"
    del raw["data"][3]["jobStatus"]
    raw["data"][4]["targetSandbox"] = None  # given (null) is not missing
    _, found = live.check_answer("jobs", raw)
    news = {(f.kind, str(f)) for f in found if f.news}
    assert news == {
        ("unknown", "data[].packageId (1 of 5)"),
        ("missing", "data[].jobStatus (1 of 5)"),
    }


def test_report_names_an_unknown_key_and_a_missing_field_deep_in_a_job() -> None:
    raw = example("tools-job.json")
    raw["object"]["completedTasks"][1]["artifact"]["rollbackId"] = "x"
    raw["object"]["packageId"] = "8f585fad94d042cd82dbcba594108a41"
    del raw["object"]["jobHash"]
    del raw["object"]["destinationSandbox"]["imsOrgId"]
    # failedTasks: declared, but no example shows it, so its absence says nothing.
    assert "failedTasks" not in raw["object"]
    _, found = live.check_answer("job", raw)
    assert {(f.kind, str(f)) for f in found if f.news} == {
        ("unknown", "object.completedTasks[].artifact.rollbackId (1 of 3)"),
        ("unknown", "object.packageId"),
        ("missing", "object.jobHash"),
        ("missing", "object.destinationSandbox.imsOrgId"),
    }


def test_a_missing_optional_field_no_page_shows_is_not_reported() -> None:
    raw = example("package-look-up.json")
    assert "failureReason" not in raw and "publishDate" in raw
    del raw["publishDate"]
    _, found = live.check_answer("package", raw)
    assert [(f.kind, f.path) for f in found if f.news] == [("missing", "publishDate")]


def test_an_answer_that_does_not_parse_raises() -> None:
    raw = example("package-look-up.json")
    del raw["id"]
    with pytest.raises(Exception) as info:
        live.check_answer("package", raw)
    assert "id" in str(info.value)


# -- a whole run over a mock transport -----------------------------------------------------------
class Platform:
    """The platform as the pages show it: each route answers its example. `override` maps
    a path (under exim) to an answer of its own."""

    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []
        self.override: dict[str, httpx.Response] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        path = request.url.path
        if path == "/ims/token/v3":
            assert request.method == "POST"
            return httpx.Response(200, json={"access_token": TOKEN, "expires_in": 86399999})
        assert path.startswith("/data/foundation/exim/")
        sub = path.removeprefix("/data/foundation/exim")
        if sub in self.override:
            return self.override[sub]
        if sub == "/packages":
            return httpx.Response(200, json=example("packages-list.json"))
        if sub == "/packages/jobs":
            return httpx.Response(200, json=example("jobs-list.json"))
        if sub == f"/packages/{NEWEST_PACKAGE}":
            return httpx.Response(200, json=example("package-look-up.json"))
        if sub.startswith("/tools/job/"):
            return httpx.Response(200, json=example("tools-job.json"))
        if sub == "/tools/artifacts/JOURNEY":
            return httpx.Response(200, json=example("tools-artifacts.json"))
        return httpx.Response(404, json={"title": "Not Found", "status": 404, "detail": sub})


@pytest.fixture
def platform() -> Platform:
    return Platform()


def run(platform: Platform, **options: Any) -> live.LiveReport:
    http = httpx.Client(transport=httpx.MockTransport(platform))
    client = ExImClient(
        org_id="5C1328435BF324E90A49402A@AdobeOrg",
        client_id="acme-client",
        client_secret=SECRET,
        platform_url=PLATFORM,
        ims_url=PLATFORM,
        sandbox="acme-sandbox",
        retry=RetryPolicy(max_attempts=2, deadline=5.0, initial_backoff=0.001, max_backoff=0.01),
        http_client=http,
    )
    with client, http:
        return live.run_checks(client, **options)


def outcomes(report: live.LiveReport) -> dict[str, str]:
    return {c.name: c.outcome for c in report.checks}


def test_a_run_reads_only_and_parses_every_example(platform: Platform) -> None:
    report = run(platform)
    assert outcomes(report) == {
        "IMS token": live.OK,
        "list packages": live.OK,
        "look up a package": live.OK,
        "list jobs": live.OK,
        "job details": live.OK,
        "artifacts (older route)": live.OK,
    }
    assert report.exit_code() == 0 and report.exit_code(strict=True) == 0
    exim = [(r.method, r.url.path.removeprefix("/data/foundation/exim")) for r in platform.seen[1:]]
    assert exim == [
        ("GET", "/packages"),
        ("GET", f"/packages/{NEWEST_PACKAGE}"),
        ("GET", "/packages/jobs"),
        ("GET", f"/tools/job/{NEWEST_JOB}"),
        ("GET", "/tools/artifacts/JOURNEY"),
    ]
    # The one POST is the token request, to IMS; no exim call writes.
    assert [(r.method, r.url.path) for r in platform.seen[:1]] == [("POST", "/ims/token/v3")]
    assert all(r.method == "GET" for r in platform.seen if "/exim/" in r.url.path)
    text = live.render(report)
    assert SECRET not in text and TOKEN not in text
    assert "unknown to us, shown on the pages: data[].tenantId (2 of 2)" in text
    assert text.rstrip().endswith("every call answered and parsed; exit code 0")


def test_unknown_and_missing_fields_are_reported_and_fail_only_with_strict(
    platform: Platform,
) -> None:
    package = example("package-look-up.json")
    package["rollbackVersion"] = 1
    del package["status"]
    platform.override[f"/packages/{NEWEST_PACKAGE}"] = httpx.Response(200, json=package)
    report = run(platform)
    lookup = next(c for c in report.checks if c.name == "look up a package")
    assert lookup.outcome == live.OK
    assert {(f.kind, f.path) for f in lookup.fields if f.news} == {
        ("unknown", "rollbackVersion"),
        ("missing", "status"),
    }
    assert report.exit_code() == 0 and report.exit_code(strict=True) == 1
    text = live.render(report, strict=True)
    assert "    unknown to us: rollbackVersion\n" in text
    assert "    missing (the pages show it): status\n" in text
    assert "2 field(s) missing or unknown to us (--strict: a failure); exit code 1" in text


@pytest.mark.parametrize("status", [404, 405])
def test_the_artifacts_route_gone_is_not_a_failure(platform: Platform, status: int) -> None:
    platform.override["/tools/artifacts/JOURNEY"] = httpx.Response(status, json={"status": status})
    report = run(platform)
    probe = report.checks[-1]
    assert (probe.outcome, probe.required) == (live.GONE, False)
    assert probe.detail.startswith(f"{status}: the route doesn't answer")
    assert report.exit_code(strict=True) == 0
    assert "[gone (not a failure)] artifacts (older route)" in live.render(report)


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500, json={"title": "boom", "status": 500}),
        httpx.Response(403, json={"title": "Forbidden", "status": 403}),
        httpx.Response(200, json={"status": "OK", "object": "not a list"}),
        httpx.Response(200, text="<html>gateway</html>"),
    ],
)
def test_the_artifacts_probe_never_fails_the_command(
    platform: Platform, answer: httpx.Response
) -> None:
    platform.override["/tools/artifacts/JOURNEY"] = answer
    report = run(platform)
    assert report.checks[-1].outcome in (live.FAILED, live.UNPARSED)
    assert report.failed == [] and report.exit_code(strict=True) == 0


def test_a_failed_call_fails_the_run_and_the_rest_goes_on(platform: Platform) -> None:
    platform.override[f"/tools/job/{NEWEST_JOB}"] = httpx.Response(
        500, json={"title": "Internal", "status": 500, "detail": "boom"}
    )
    report = run(platform)
    assert outcomes(report)["job details"] == live.FAILED
    assert outcomes(report)["artifacts (older route)"] == live.OK
    assert report.exit_code() == 1
    text = live.render(report)
    assert "[FAILED] job details" in text and "Result: FAILED: job details;" in text


def test_an_answer_that_does_not_parse_fails_the_run(platform: Platform) -> None:
    jobs = example("jobs-list.json")
    jobs["data"][0]["name"] = {"not": "a string"}
    platform.override["/packages/jobs"] = httpx.Response(200, json=jobs)
    report = run(platform)
    assert outcomes(report)["list jobs"] == live.UNPARSED
    assert outcomes(report)["job details"] == live.SKIPPED
    assert report.exit_code() == 1
    assert "data.0.name" in next(c.detail for c in report.checks if c.name == "list jobs")


def test_an_unwrapped_job_is_read_and_its_missing_envelope_reported(platform: Platform) -> None:
    platform.override[f"/tools/job/{NEWEST_JOB}"] = httpx.Response(
        200, json=example("tools-job.json")["object"]
    )
    report = run(platform)
    details = next(c for c in report.checks if c.name == "job details")
    assert details.outcome == live.OK
    assert [(f.kind, f.path) for f in details.fields if f.news] == [("missing", "object")]


def test_a_bare_array_listing_is_read(platform: Platform) -> None:
    platform.override["/packages"] = httpx.Response(200, json=example("packages-list.json")["data"])
    report = run(platform)
    listing = report.checks[1]
    assert (listing.outcome, listing.detail) == (
        live.OK,
        "2 listed (a bare array, not the paging envelope the page shows)",
    )
    assert [f for f in listing.fields if f.news] == []


def test_an_empty_org_skips_the_look_ups(platform: Platform) -> None:
    empty = {"totalElements": 0, "hasNextPage": False, "data": []}
    platform.override["/packages"] = httpx.Response(200, json=empty)
    platform.override["/packages/jobs"] = httpx.Response(200, json=empty)
    report = run(platform)
    assert outcomes(report)["look up a package"] == live.SKIPPED
    assert outcomes(report)["job details"] == live.SKIPPED
    assert report.exit_code() == 0
    # No package: the probe asks for the page's example type.
    assert report.checks[-1].request == "GET /tools/artifacts/JOURNEY"


def test_refused_credentials_stop_the_run_without_printing_them(platform: Platform) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        platform.seen.append(request)
        return httpx.Response(
            401, json={"error": "invalid_client", "error_description": "invalid client"}
        )

    http = httpx.Client(transport=httpx.MockTransport(refuse))
    client = ExImClient(
        org_id="5C1328435BF324E90A49402A@AdobeOrg",
        client_id="acme-client",
        client_secret=SECRET,
        platform_url=PLATFORM,
        ims_url=PLATFORM,
        retry=RetryPolicy(max_attempts=1, deadline=5.0),
        http_client=http,
    )
    with client, http:
        report = live.run_checks(client)
    assert outcomes(report)["IMS token"] == live.FAILED
    assert report.exit_code() == 1
    assert all(r.url.path == "/ims/token/v3" for r in platform.seen)
    assert SECRET not in live.render(report)


def test_the_command_wants_credentials() -> None:
    env: dict[str, str | None] = {var: None for var in ENV_VARS.values()}
    result = CliRunner().invoke(main, ["check-live"], env=env)
    assert result.exit_code == 1
    assert "configuration: missing environment variable(s)" in result.output
