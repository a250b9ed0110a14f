"""List endpoints: property filters, ordering, paging, the envelope (exim-api-facts.md, "List
endpoints"; the reference page's own query strings).

Paging here uses `limit=1` and `start=0`, where an offset and a page index agree; that `start`
is an item offset (and `nextPage`, `pageSize`, the default order) is a later decision of
docs/emulator.md, asserted in test_decisions.py. `GET /packages` is org-wide whatever
`x-sandbox-name` says (the reference: "all the packages in your organization").
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME_ID,
    PARTNER_ID,
    assert_service_error,
    create_package,
    handshake,
    ok,
    publish,
    publish_with_job,
    wait_transfer,
)

ENVELOPE = {"totalElements", "currentPage", "totalPages", "hasPreviousPage", "hasNextPage", "data"}


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{ms % 1000:03d}Z"
    )


def names(env: dict) -> list[str]:
    return [p["name"] for p in env["data"]]


@pytest.fixture
def five(emulator: EmulatorProcess, acme: httpx.Client) -> list[dict]:
    """Five acme packages: p0..p4, created in that order; p1 and p3 published; p4 FULL."""
    out = []
    for i in range(5):
        if i == 4:
            out.append(ok(acme.post("/packages", json={"name": "p4", "packageType": "FULL"})))
        else:
            out.append(create_package(acme, f"p{i}", ["acme-ns-crm"]))
        time.sleep(0.005)  # distinct createdDate values
    for i in (1, 3):
        out[i] = publish(emulator, acme, out[i]["id"])
    return out


def _list(c: httpx.Client, query: str = "", path: str = "/packages") -> dict:
    env = ok(c.get(path + ("?" + query if query else "")))
    assert set(env) >= ENVELOPE, env
    return dict(env)


def test_envelope_of_an_empty_list(acme: httpx.Client) -> None:
    env = _list(acme)
    assert env["data"] == []
    assert env["totalElements"] == 0
    assert env["currentPage"] == 0
    assert env["hasPreviousPage"] is False
    assert env["hasNextPage"] is False


def test_reference_query_string_verbatim(acme: httpx.Client, five: list[dict]) -> None:
    q = (
        "property=status==DRAFT,PUBLISHED&property=createdDate>=2023-05-11T18:29:59.999Z"
        "&property=createdDate<=2023-05-16T18:29:59.999Z&start=0&orderby=-createdDate&limit=20"
    )
    env = _list(acme, q, "/packages/")
    assert env["data"] == [] and env["totalElements"] == 0  # nothing was created in May 2023


def test_reference_query_with_a_window_around_now(acme: httpx.Client, five: list[dict]) -> None:
    lo = _iso(five[0]["createdDate"] - 1000)
    hi = _iso(five[-1]["createdDate"] + 1000)
    q = (
        f"property=status==DRAFT,PUBLISHED&property=createdDate>={lo}"
        f"&property=createdDate<={hi}&start=0&orderby=-createdDate&limit=20"
    )
    env = _list(acme, q)
    assert names(env) == ["p4", "p3", "p2", "p1", "p0"]
    assert env["totalElements"] == 5
    assert env["totalPages"] == 1


def test_listed_items_are_full_packages(acme: httpx.Client, five: list[dict]) -> None:
    env = _list(acme, "orderby=createdDate")
    by_id = {p["id"]: p for p in env["data"]}
    for p in five:
        assert by_id[p["id"]]["status"] == p["status"]
        assert by_id[p["id"]]["version"] == p["version"]
        assert by_id[p["id"]]["expiry"] == p["expiry"]


def test_equals_and_comma_alternatives(acme: httpx.Client, five: list[dict]) -> None:
    assert sorted(names(_list(acme, "property=status==PUBLISHED"))) == ["p1", "p3"]
    assert sorted(names(_list(acme, "property=status==DRAFT"))) == ["p0", "p2", "p4"]
    assert sorted(names(_list(acme, "property=status==DRAFT,PUBLISHED"))) == [
        "p0",
        "p1",
        "p2",
        "p3",
        "p4",
    ]
    assert names(_list(acme, "property=name==p2")) == ["p2"]
    assert sorted(names(_list(acme, "property=name==p2,p4"))) == ["p2", "p4"]


def test_url_encoded_filters(acme: httpx.Client, five: list[dict]) -> None:
    assert sorted(names(_list(acme, "property=status%3D%3DPUBLISHED"))) == ["p1", "p3"]
    env = ok(acme.get("/packages", params={"property": "status==DRAFT,PUBLISHED"}))
    assert env["totalElements"] == 5


def test_not_equals(acme: httpx.Client, five: list[dict]) -> None:
    assert sorted(names(_list(acme, "property=status!=PUBLISHED"))) == ["p0", "p2", "p4"]
    assert sorted(names(_list(acme, "property=packageType!=PARTIAL"))) == ["p4"]


def test_comparisons_on_dates(acme: httpx.Client, five: list[dict]) -> None:
    pivot = _iso(five[2]["createdDate"])
    assert sorted(names(_list(acme, f"property=createdDate>={pivot}"))) == ["p2", "p3", "p4"]
    assert sorted(names(_list(acme, f"property=createdDate<={pivot}"))) == ["p0", "p1", "p2"]
    assert sorted(names(_list(acme, f"property=createdDate>{pivot}"))) == ["p3", "p4"]
    assert sorted(names(_list(acme, f"property=createdDate<{pivot}"))) == ["p0", "p1"]


def test_comparisons_on_numbers(acme: httpx.Client, five: list[dict]) -> None:
    # Published packages have version >= 2 (publish in progress, then published); drafts 0.
    assert sorted(names(_list(acme, "property=version>0"))) == ["p1", "p3"]
    assert sorted(names(_list(acme, "property=version<1"))) == ["p0", "p2", "p4"]
    assert sorted(names(_list(acme, "property=version>=0"))) == ["p0", "p1", "p2", "p3", "p4"]
    assert names(_list(acme, "property=version<=-1")) == []


def test_several_property_params_all_apply(acme: httpx.Client, five: list[dict]) -> None:
    q = "property=status==DRAFT&property=packageType==PARTIAL"
    assert sorted(names(_list(acme, q))) == ["p0", "p2"]
    pivot = _iso(five[1]["createdDate"])
    q = f"property=status==DRAFT&property=createdDate>={pivot}&property=name!=p4"
    assert names(_list(acme, q)) == ["p2"]


def test_enum_values_case_insensitive(acme: httpx.Client, five: list[dict]) -> None:
    assert sorted(names(_list(acme, "property=status==published"))) == ["p1", "p3"]
    assert sorted(names(_list(acme, "property=packageType==full"))) == ["p4"]


@pytest.mark.parametrize("param", ["orderby", "orderBy"])
def test_order(acme: httpx.Client, five: list[dict], param: str) -> None:
    assert names(_list(acme, f"{param}=createdDate")) == ["p0", "p1", "p2", "p3", "p4"]
    assert names(_list(acme, f"{param}=-createdDate")) == ["p4", "p3", "p2", "p1", "p0"]
    assert names(_list(acme, f"{param}=-name")) == ["p4", "p3", "p2", "p1", "p0"]
    assert names(_list(acme, f"{param}=name")) == ["p0", "p1", "p2", "p3", "p4"]


def test_paging(acme: httpx.Client, five: list[dict]) -> None:
    first = _list(acme, "orderby=name&start=0&limit=2")
    assert names(first) == ["p0", "p1"]
    assert first["totalElements"] == 5
    assert first["totalPages"] == 3
    assert first["currentPage"] == 0
    assert first["hasPreviousPage"] is False
    assert first["hasNextPage"] is True
    # With limit=1, offset and page-index readings of `start` agree.
    mid = _list(acme, "orderby=name&start=2&limit=1")
    assert names(mid) == ["p2"]
    assert mid["currentPage"] == 2
    assert mid["totalPages"] == 5
    assert mid["hasPreviousPage"] is True and mid["hasNextPage"] is True
    last = _list(acme, "orderby=name&start=4&limit=1")
    assert names(last) == ["p4"]
    assert last["hasNextPage"] is False and last["hasPreviousPage"] is True


def test_default_limit_is_20(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    for i in range(23):
        create_package(acme, f"many-{i:02d}", [])
    env = _list(acme)
    assert len(env["data"]) == 20
    assert env["totalElements"] == 23
    assert env["totalPages"] == 2
    assert env["hasNextPage"] is True


def test_filter_and_paging_compose(acme: httpx.Client, five: list[dict]) -> None:
    env = _list(acme, "property=status==DRAFT&orderby=-name&start=0&limit=2")
    assert names(env) == ["p4", "p2"]
    assert env["totalElements"] == 3
    assert env["totalPages"] == 2


@pytest.mark.parametrize(
    "query",
    [
        "property=status",  # no operator
        "property=status~~DRAFT",
        "property===DRAFT",
        "property=createdDate>=not-a-date",
    ],
)
def test_bad_filter_is_400(acme: httpx.Client, five: list[dict], query: str) -> None:
    assert_service_error(acme.get("/packages?" + query), 400, "property")


@pytest.mark.parametrize("query", ["limit=abc", "start=abc"])
def test_bad_paging_is_400(acme: httpx.Client, query: str) -> None:
    r = acme.get("/packages?" + query)
    name = query.split("=")[0]
    assert_service_error(r, 400, name)


# -- jobs, handshakes, transfers: the reference's own query strings -------------------------
def test_jobs_reference_query(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    p = create_package(acme, "jq", ["acme-ns-crm"])
    job_id = publish_with_job(emulator, acme, p["id"])[1]["id"]
    q = (
        "property=requestType==IMPORT&property=jobStatus==SUCCESS"
        "&orderby=createdDate&start=0&limit=5"
    )
    env = _list(acme, q, "/packages/jobs")
    assert env["data"] == []  # only an EXPORT job exists
    env = _list(acme, "property=requestType==EXPORT&orderby=-createdDate", "/packages/jobs/")
    assert [j["id"] for j in env["data"]] == [job_id]
    env = _list(acme, "property=requestType==export", "/packages/jobs")  # case-insensitive
    assert len(env["data"]) == 1


def test_transfer_list_reference_queries(acme: httpx.Client) -> None:
    _list(acme, "property=status==COMPLETED&start=0&limit=2&orderBy=-createdDate", "/transfer/list")
    _list(
        acme,
        "property=status%3D%3DCOMPLETED%2CFAILED&requestType=PUBLIC&orderby=-createdDate",
        "/transfer/list",
    )


def test_handshake_list_reference_query(acme: httpx.Client) -> None:
    env = _list(acme, "property=status%3D%3DAPPROVED&requestType=INCOMING", "/handshake/list")
    assert env["data"] == []


def test_list_ignores_other_orgs(acme: httpx.Client, partner: httpx.Client, five: list) -> None:
    create_package(partner, "partner-only", [])
    assert "partner-only" not in names(_list(acme, "limit=100"))
    assert names(_list(partner, "limit=100")) == ["partner-only"]


def test_list_is_org_wide(emulator: EmulatorProcess, five: list) -> None:
    # Listing is org-wide: packages of every source sandbox of the org are listed.
    with emulator.api("acme", "prod") as prod:
        create_package(prod, "from-prod", [])
        listed = names(_list(prod, "limit=100"))
    assert "from-prod" in listed


def test_version_filter_uses_types(acme: httpx.Client, five: list[dict]) -> None:
    # `==` on a numeric field compares numbers.
    assert sorted(names(_list(acme, "property=version==0"))) == ["p0", "p2", "p4"]


def test_ordering_is_stable_under_filters(acme: httpx.Client, five: list[dict]) -> None:
    env = _list(acme, "property=status==DRAFT,PUBLISHED&orderby=-createdDate&limit=3")
    assert names(env) == ["p4", "p3", "p2"]
    assert env["hasNextPage"] is True


def test_filter_on_published_package_name(acme: httpx.Client, five: list[dict]) -> None:
    env = _list(acme, "property=name==p1&property=status==PUBLISHED")
    assert names(env) == ["p1"]
    assert "publishDate" in env["data"][0]


def test_transfer_list_order(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    p = publish(emulator, acme, create_package(acme, "tl", ["acme-ns-crm"])["id"])
    ids = []
    for _ in range(3):
        [t] = ok(
            acme.post(
                "/transfer", json={"packageId": p["id"], "targets": [{"imsOrgId": PARTNER_ID}]}
            )
        )
        wait_transfer(emulator, acme, t["id"])
        ids.append(t["id"])
        time.sleep(0.005)
    got = [x["id"] for x in _list(acme, "orderBy=-createdDate", "/transfer/list")["data"]]
    assert got == ids[::-1]
    got = [x["id"] for x in _list(acme, "orderby=createdDate", "/transfer/list")["data"]]
    assert got == ids
    env = _list(
        acme, "orderBy=-createdDate&start=0&limit=2&property=status==COMPLETED", "/transfer/list"
    )
    assert [x["id"] for x in env["data"]] == ids[::-1][:2]
    assert env["totalElements"] == 3 and env["hasNextPage"] is True
