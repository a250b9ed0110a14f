"""The `property` filter builder and the paging iterator."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from sandbox_provider.client import Filter, PackageStatus, desc, prop
from sandbox_provider.client.paging import filter_params, iterate_pages


def test_builder_forms() -> None:
    assert str(prop("status").eq("DRAFT", "PUBLISHED")) == "status==DRAFT,PUBLISHED"
    assert str(prop("status").eq([PackageStatus.DRAFT])) == "status==DRAFT"
    assert str(prop("name").ne("p4")) == "name!=p4"
    when = datetime(2023, 5, 11, 18, 29, 59, 999000, tzinfo=UTC)
    assert str(prop("createdDate").ge(when)) == "createdDate>=2023-05-11T18:29:59.999Z"
    assert str(prop("createdDate").le(1684475012105)) == "createdDate<=1684475012105"
    lo, hi = prop("version").between(1, 3)
    assert (str(lo), str(hi)) == ("version>=1", "version<=3")
    assert str(prop("version").gt(0)) == "version>0" and str(prop("version").lt(2)) == "version<2"
    assert desc("createdDate") == "-createdDate"


def test_parse_round_trip_and_params() -> None:
    for text in ("status==DRAFT,PUBLISHED", "createdDate>=2023-05-11T00:00:00Z", "name!=x", "v<3"):
        assert str(Filter.parse(text)) == text
    assert filter_params([prop("status").eq("DRAFT"), "name==p1"]) == [
        ("property", "status==DRAFT"),
        ("property", "name==p1"),
    ]


@pytest.mark.parametrize("bad", ["status", "==x", "status==", "a,b==c"])
def test_parse_rejects_garbage(bad: str) -> None:
    with pytest.raises(ValueError):
        Filter.parse(bad)


def test_builder_rejects_commas_in_values_and_multi_value_ranges() -> None:
    with pytest.raises(ValueError):
        prop("name").eq("a,b")
    with pytest.raises(ValueError):
        Filter("createdDate", ">=", ("1", "2"))


def _server(items: list[int], *, by_page: bool = False, report_page: bool = True):
    calls: list[tuple[int, int]] = []

    def fetch(start: int, limit: int) -> dict[str, Any]:
        calls.append((start, limit))
        offset = start * limit if by_page else start
        data = items[offset : offset + limit]
        env: dict[str, Any] = {
            "data": [{"v": v} for v in data],
            "totalElements": len(items),
            "hasNextPage": offset + limit < len(items),
        }
        if report_page:
            env["currentPage"] = start if by_page else offset // limit
        return env

    return fetch, calls


def test_iterates_every_page_by_offset() -> None:
    fetch, calls = _server(list(range(7)))
    assert [r["v"] for r in iterate_pages(fetch, dict, page_size=3)] == list(range(7))
    assert calls == [(0, 3), (3, 3), (6, 3)]


def test_detects_a_server_that_counts_pages() -> None:
    fetch, calls = _server(list(range(7)), by_page=True)
    assert [r["v"] for r in iterate_pages(fetch, dict, page_size=3)] == list(range(7))
    # The second request (offset 3) is misread once, then page numbers are used.
    assert calls == [(0, 3), (3, 3), (1, 3), (2, 3)]


def test_is_lazy_and_stops_on_empty_pages() -> None:
    fetch, calls = _server([1, 2, 3, 4])
    it = iterate_pages(fetch, dict, page_size=2)
    assert next(it) == {"v": 1} and calls == [(0, 2)]
    assert list(iterate_pages(lambda s, n: {"data": []}, dict, page_size=5)) == []
    with pytest.raises(ValueError):
        list(iterate_pages(fetch, dict, page_size=0))


def test_items_shifted_onto_the_next_page_are_not_repeated() -> None:
    items = [{"id": i} for i in (5, 4, 3, 2, 1)]

    def fetch(start: int, limit: int) -> dict[str, Any]:
        if start > 0 and items[0]["id"] == 5:
            items.insert(0, {"id": 6})  # created between the two page requests
        page = items[start : start + limit]
        return {"data": page, "hasNextPage": start + limit < len(items)}

    got = [r["id"] for r in iterate_pages(fetch, dict, page_size=2, identity=lambda r: r["id"])]
    assert got == [5, 4, 3, 2, 1]
