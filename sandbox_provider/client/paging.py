"""`property` filters and the iterator that follows the list envelope page after page.

    >>> str(prop("status").eq("DRAFT", "PUBLISHED"))
    'status==DRAFT,PUBLISHED'
    >>> str(prop("createdDate").ge(datetime(2023, 5, 11, tzinfo=UTC)))
    'createdDate>=2023-05-11T00:00:00.000Z'

List methods take any number of filters (all of them apply, as repeated `property`
parameters do on the API) and `order_by` ("createdDate", "-createdDate" or `desc(...)`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, TypeVar

__all__ = [
    "Filter",
    "FilterLike",
    "Property",
    "asc",
    "desc",
    "filter_params",
    "iterate_pages",
    "prop",
]

log = logging.getLogger("sandbox_provider.client")

T = TypeVar("T")

# The documented ones are ==, >= and <=; the others are seen in the wild.
_OPERATORS = ("==", "!=", ">=", "<=", ">", "<")
_FILTER_RE = re.compile(r"^(?P<field>[^=<>!,&]+)(?P<op>==|!=|>=|<=|>|<)(?P<rest>.*)$", re.S)


def _format_value(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        text = aware.astimezone(UTC).isoformat(timespec="milliseconds")
        return text.replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if "," in text:
        # A comma means "any of" on the API, so a value can't contain one.
        raise ValueError(f"a property filter value cannot contain a comma: {text!r}")
    return text


@dataclass(frozen=True)
class Filter:
    """One `property` parameter: `field`, an operator (`==`, `>=`, `<=`) and values."""

    field: str
    op: str
    values: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.op not in _OPERATORS:
            raise ValueError(f"unsupported operator {self.op!r}; use one of {_OPERATORS}")
        if not self.field or any(ch in self.field for ch in "=<>,&"):
            raise ValueError(f"invalid property name {self.field!r}")
        if not self.values or any(v == "" for v in self.values):
            raise ValueError(f"filter on {self.field!r} needs non-empty values")
        if self.op not in ("==", "!=") and len(self.values) != 1:
            raise ValueError(f"{self.op} takes exactly one value")

    def __str__(self) -> str:
        return f"{self.field}{self.op}{','.join(self.values)}"

    @classmethod
    def parse(cls, text: str) -> Filter:
        """Read `field==a,b` / `field>=x` / `field<=x` (and !=, >, <) into a Filter."""
        m = _FILTER_RE.match(text.strip())
        if not m:
            raise ValueError(f"not a property filter: {text!r} (expected field==v, >= or <=)")
        return cls(m["field"].strip(), m["op"], tuple(m["rest"].split(",")))


class Property:
    """Builder for filters on one field: `prop("status").eq("DRAFT")`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def eq(self, *values: Any) -> Filter:
        """Any of `values` (the API's comma list)."""
        flat: list[Any] = []
        for v in values:
            if isinstance(v, (list, tuple, set, frozenset)):
                flat.extend(v)
            else:
                flat.append(v)
        return Filter(self.name, "==", tuple(_format_value(v) for v in flat))

    # Readable aliases for the comma form.
    is_ = eq
    any_of = eq

    def ne(self, *values: Any) -> Filter:
        """None of `values`."""
        return Filter(self.name, "!=", tuple(_format_value(v) for v in values))

    def gt(self, value: Any) -> Filter:
        return Filter(self.name, ">", (_format_value(value),))

    def lt(self, value: Any) -> Filter:
        return Filter(self.name, "<", (_format_value(value),))

    def ge(self, value: Any) -> Filter:
        return Filter(self.name, ">=", (_format_value(value),))

    def le(self, value: Any) -> Filter:
        return Filter(self.name, "<=", (_format_value(value),))

    def between(self, low: Any, high: Any) -> tuple[Filter, Filter]:
        """Both bounds, inclusive: pass the pair with `*` to a list method."""
        return self.ge(low), self.le(high)


def prop(name: str) -> Property:
    return Property(name)


def asc(field: str) -> str:
    return field.lstrip("-")


def desc(field: str) -> str:
    return "-" + field.lstrip("-")


FilterLike = Filter | str


def filter_params(filters: Iterable[FilterLike]) -> list[tuple[str, str]]:
    """Query parameters for `filters`; strings are checked by parsing them."""
    params: list[tuple[str, str]] = []
    for f in filters:
        flt = f if isinstance(f, Filter) else Filter.parse(f)
        params.append(("property", str(flt)))
    return params


#: Items a list method asks for per page (`page_size`), and check-live per listing.
DEFAULT_PAGE_SIZE = 50
#: Hard stop for a runaway server that always says there is a next page.
MAX_PAGES = 10_000


def iterate_pages(
    fetch: Callable[[int, int], dict[str, Any]],
    parse: Callable[[dict[str, Any]], T],
    *,
    page_size: int,
    identity: Callable[[dict[str, Any]], Any] | None = None,
) -> Iterator[T]:
    """Yield every item, fetching pages lazily.

    With `identity`, an item seen on an earlier page is not yielded again (an object created
    while iterating shifts the offsets of a newest-first list by one).

    `fetch(start, limit)` returns one raw envelope. The reference never says whether `start`
    counts items or pages, so the iterator asks for an item offset and checks `currentPage`
    in the answer: a server that reports page number `start` (not `start // limit`) reads
    pages, and from then on gets page numbers (the misread page is fetched again, once).
    The loop ends on `hasNextPage == false`, on an empty page, or when `totalElements` items
    were yielded.
    """
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    offset = 0
    page = 0
    by_page = False
    seen: set[Any] = set()
    for _ in range(MAX_PAGES):
        start = page if by_page else offset
        envelope = fetch(start, page_size)
        current = envelope.get("currentPage")
        if (
            not by_page
            and page_size > 1
            and offset > 0
            and isinstance(current, int)
            and current == offset
            and current != offset // page_size
        ):
            by_page = True
            continue
        data = envelope.get("data") or []
        for raw in data:
            if identity is not None:
                key = identity(raw)
                if key is not None:
                    if key in seen:
                        continue
                    seen.add(key)
            yield parse(raw)
        offset += len(data)
        page += 1
        total = envelope.get("totalElements")
        has_next = envelope.get("hasNextPage")
        if not data or has_next is False:
            return
        if has_next is None and len(data) < page_size:
            return
        if isinstance(total, int) and offset >= total:
            return
    log.warning("stopped paging after %d pages", MAX_PAGES)
