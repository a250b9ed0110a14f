"""Export/import jobs as the pages show them (issue 16): a `GET /packages/jobs` item carries
exactly the fields of packages.md "List export/import jobs"; `property=requestType==...` still
filters (a documented filter, appendix.md) though the items don't show it; the publish and
submit answers carry the job's id (`jobId`, packages.md "Publish a package" and "Submit an
import"), the same id the list and `GET /tools/job/{JOB_ID}` (tools.md "Job details") show.
What /tools/job answers is in test_tools.py."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._pages import item_fields
from ._support import (
    ACME_ID,
    create_package,
    get_package,
    job_details,
    jobs,
    listed_job,
    ok,
    publish,
    published_package,
    wait_job,
)

#: packages.md "List export/import jobs", every public version of the page.
LIST_FIELDS = item_fields("GET /packages/jobs")
#: What earlier versions of the emulator added to an item; no page shows them.
REMOVED = {
    "correlationId",
    "packageId",
    "requestType",
    "importedArtifacts",
    "failureReason",
    "imsOrgId",
}


def _import(c: httpx.Client, pid: str, sandbox: str = "prod") -> str:
    body = {"id": pid, "destinationSandbox": {"name": sandbox, "imsOrgId": ACME_ID}}
    return str(ok(c.post("/packages/import", json=body))["jobId"])


@pytest.fixture
def three_jobs(emulator: EmulatorProcess, acme: httpx.Client) -> dict[str, str]:
    """An EXPORT job (SUCCESS), an IMPORT job (SUCCESS), an IMPORT job (FAILED)."""
    p = create_package(acme, "listed", ["acme-ns-crm"], description="three jobs")
    export = ok(acme.get(f"/packages/{p['id']}/export"))["jobId"]
    wait_job(acme, export)
    good = _import(acme, p["id"])
    bad = _import(acme, p["id"], sandbox="moon")
    wait_job(acme, good)
    wait_job(acme, bad)
    return {"export": export, "good": good, "bad": bad}


def test_list_items_carry_exactly_the_documented_fields(
    acme: httpx.Client, three_jobs: dict[str, str]
) -> None:
    items = jobs(acme)
    assert {j["id"] for j in items} == set(three_jobs.values())
    for item in items:
        assert set(item) == LIST_FIELDS, sorted(item)
        assert not set(item) & REMOVED
        assert item["visibility"] == "TENANT" and item["jobType"] == "NEW"
        assert item["sourceSandBox"] == "dev"
        assert item["description"] == "three jobs"
    by_id = {j["id"]: j for j in items}
    assert by_id[three_jobs["export"]]["targetSandbox"] is None
    assert by_id[three_jobs["good"]]["targetSandbox"] == "prod"
    assert by_id[three_jobs["bad"]]["targetSandbox"] == "moon"
    assert [by_id[three_jobs[k]]["jobStatus"] for k in ("export", "good", "bad")] == [
        "SUCCESS",
        "SUCCESS",
        "FAILED",
    ]


def test_every_item_of_a_busy_org_has_only_the_documented_fields(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    # Jobs in every state and of each kind: PUBLISH_FAILED's export, a pending import.
    p = published_package(emulator, acme, "busy", ["acme-seg-gold"])
    gone = create_package(acme, "busy-gone", ["acme-policy-email"])
    emulator.delete_artifact("acme", "dev", "acme-policy-email")
    publish(emulator, acme, gone["id"], expect="PUBLISH_FAILED")
    emulator.set_timing(mode="manual")
    _import(acme, p["id"])
    items = jobs(acme)
    assert {j["jobStatus"] for j in items} == {"SUCCESS", "FAILED", "PENDING"}
    assert all(set(j) == LIST_FIELDS for j in items), items


@pytest.mark.parametrize(
    ("query", "kinds"),
    [
        ("requestType==EXPORT", {"export"}),
        ("requestType==IMPORT", {"good", "bad"}),
        ("requestType==import", {"good", "bad"}),  # case-insensitive, as every `==`
        ("requestType==EXPORT,IMPORT", {"export", "good", "bad"}),
        ("requestType!=IMPORT", {"export"}),
        ("requestType==COPY", set()),
    ],
)
def test_request_type_still_filters(
    acme: httpx.Client, three_jobs: dict[str, str], query: str, kinds: set[str]
) -> None:
    got = jobs(acme, query)
    assert {j["id"] for j in got} == {three_jobs[k] for k in kinds}
    assert all(set(j) == LIST_FIELDS for j in got)


def test_request_type_filter_combines_with_status(
    acme: httpx.Client, three_jobs: dict[str, str]
) -> None:
    got = jobs(acme, "requestType==IMPORT", "jobStatus==SUCCESS")
    assert [j["id"] for j in got] == [three_jobs["good"]]
    got = jobs(acme, "requestType==IMPORT", "jobStatus==FAILED")
    assert [j["id"] for j in got] == [three_jobs["bad"]]


def test_publish_answer_job_id_is_the_export_job(
    manual: EmulatorProcess, acme: httpx.Client
) -> None:
    p = create_package(acme, "pub-id", ["acme-ns-crm"], description="d")
    ans = ok(acme.get(f"/packages/{p['id']}/export"))
    job_id = ans["jobId"]
    assert isinstance(job_id, str) and job_id
    assert job_id != ans["correlationId"]
    # Listed at once (IN_PROGRESS with the publication), under that id, and only it.
    item = listed_job(acme, job_id)
    assert item["jobStatus"] == "IN_PROGRESS"
    assert (item["name"], item["description"]) == ("pub-id", "d")
    assert [j["id"] for j in jobs(acme, "requestType==EXPORT")] == [job_id]
    details = job_details(acme, job_id)
    assert details["requestType"] == "EXPORT"
    assert details["jobStatus"] == "IN_PROGRESS"
    manual.advance()
    assert get_package(acme, p["id"])["status"] == "PUBLISHED"
    assert listed_job(acme, job_id)["jobStatus"] == "SUCCESS"
    assert job_details(acme, job_id)["jobStatus"] == "SUCCESS"


@pytest.mark.parametrize("form", ["body", "path"])
def test_submit_answer_job_id_is_the_import_job(
    emulator: EmulatorProcess, acme: httpx.Client, form: str
) -> None:
    p = published_package(emulator, acme, f"sub-{form}", ["acme-ns-crm"])
    [export] = jobs(acme)
    if form == "body":
        ans: dict[str, Any] = ok(
            acme.post(
                "/packages/import",
                json={"id": p["id"], "destinationSandbox": {"name": "prod", "imsOrgId": ACME_ID}},
            )
        )
    else:
        ans = ok(acme.post(f"/packages/{p['id']}/import?targetSandbox=prod"))
    job_id = ans["jobId"]
    assert isinstance(job_id, str) and job_id not in (export["id"], ans["correlationId"])
    assert {j["id"] for j in jobs(acme, "requestType==IMPORT")} == {job_id}
    done = wait_job(acme, job_id)
    assert done["requestType"] == "IMPORT" and done["jobStatus"] == "SUCCESS"
    assert listed_job(acme, job_id)["jobStatus"] == "SUCCESS"
    # Each submission is a job of its own.
    again = ok(acme.post(f"/packages/{p['id']}/import?targetSandbox=prod"))["jobId"]
    assert again != job_id
    assert {j["id"] for j in jobs(acme, "requestType==IMPORT")} == {job_id, again}


def test_a_refused_submission_makes_no_job(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    draft = create_package(acme, "refused", ["acme-ns-crm"])
    r = acme.post(f"/packages/{draft['id']}/import?targetSandbox=prod")
    assert r.status_code == 409
    assert jobs(acme) == []
