"""List endpoints: `property` filters, ordering, `start`/`limit` and the page envelope."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from .dates import parse_date_ms
from .errors import bad_request
from .storage import Doc, public

_FILTER = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(==|!=|>=|<=|=|>|<)(.*)$", re.S)
# `start` and `limit` are Java ints on the platform.
MAX_INT = 2**31 - 1
DATE_FIELDS = {
    "createdDate",
    "modifiedDate",
    "expiry",
    "publishDate",
    "created",
    "updated",
    "completedTime",
}


def _field(doc: Doc, path: str) -> Any:
    cur: Any = doc
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _coerce(value: Any, raw: str, field: str) -> Any:
    """The filter's text as a value comparable with the document's `value`."""
    if isinstance(value, bool):
        return raw.strip().lower() in ("true", "1", "yes")
    if isinstance(value, int | float) or (value is None and field in DATE_FIELDS):
        text = raw.strip()
        try:
            return float(text)
        except ValueError:
            pass
        if field.split(".")[-1] in DATE_FIELDS or isinstance(value, int):
            return float(parse_date_ms(text, f"property {field}"))
        raise bad_request(f"property filter on '{field}' needs a number, got '{raw}'")
    return raw.strip().lower()


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        try:
            return float(value)
        except OverflowError:  # an int beyond a double: compare as infinitely far
            return math.inf if value > 0 else -math.inf
    return value


class Filter:
    def __init__(self, text: str, aliases: dict[str, str]) -> None:
        m = _FILTER.match(text)
        if not m:
            raise bad_request(
                f"bad property filter '{text}': use field==v1,v2, field!=v, field>=v, "
                "field<=v, field>v or field<v"
            )
        field, op, raw = m.group(1), m.group(2), m.group(3)
        self.field = aliases.get(field, field)
        self.op = "==" if op == "=" else op
        self.raw = raw
        if self.op in ("==", "!=") and raw.strip() == "":
            raise bad_request(f"property filter '{text}' has no value")

    def matches(self, doc: Doc) -> bool:
        value = _field(doc, self.field)
        if self.op in ("==", "!="):
            alternatives = [a for a in self.raw.split(",")]
            hit = any(
                _norm(value) == _coerce(value, a, self.field)
                for a in alternatives
                if value is not None
            )
            return hit if self.op == "==" else not hit
        if value is None:
            return False
        target = _coerce(value, self.raw, self.field)
        mine = _norm(value)
        try:
            if self.op == ">=":
                return bool(mine >= target)
            if self.op == "<=":
                return bool(mine <= target)
            if self.op == ">":
                return bool(mine > target)
            return bool(mine < target)
        except TypeError:
            return False


def _sort_key(name: str, str_only: bool) -> Callable[[Doc], Any]:
    def key(doc: Doc) -> Any:
        value = _field(doc, name)
        return str(value) if str_only else _norm(value)

    return key


def _int_param(params: Sequence[tuple[str, str]], name: str, default: int, minimum: int) -> int:
    values = [v for k, v in params if k == name]
    if not values or values[-1] == "":
        return default
    try:
        number = int(values[-1])
    except ValueError:
        raise bad_request(f"'{name}' must be an integer, got '{values[-1]}'") from None
    if not minimum <= number <= MAX_INT:
        raise bad_request(f"'{name}' must be between {minimum} and {MAX_INT}, got {number}")
    return number


def paginate(
    docs: list[Doc],
    params: Sequence[tuple[str, str]],
    *,
    aliases: dict[str, str] | None = None,
    default_order: str = "-createdDate",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Filter, order and page `docs` per the query parameters; returns the envelope."""
    aliases = aliases or {}
    filters = [Filter(v, aliases) for k, v in params if k == "property" and v.strip()]
    items = [d for d in docs if all(f.matches(d) for f in filters)]
    order_values = [v for k, v in params if k.lower() == "orderby" and v.strip()]
    order = order_values[-1] if order_values else default_order
    keys = [k.strip() for k in order.split(",") if k.strip()]
    # Stable sorts applied from the last key to the first; insertion order breaks ties.
    first_desc = keys[0].startswith("-") if keys else False
    items.sort(key=lambda d: int(d.get("_seq", 0)), reverse=first_desc)
    for key in reversed(keys):
        desc = key.startswith("-")
        name = key.lstrip("-+")
        name = aliases.get(name, name)
        present = [d for d in items if _field(d, name) is not None]
        absent = [d for d in items if _field(d, name) is None]
        try:
            present.sort(key=_sort_key(name, str_only=False), reverse=desc)
        except TypeError:
            present.sort(key=_sort_key(name, str_only=True), reverse=desc)
        items = present + absent
    start = _int_param(params, "start", 0, 0)
    limit = _int_param(params, "limit", 20, 1)
    total = len(items)
    page = items[start : start + limit]
    has_next = start + limit < total
    envelope: dict[str, Any] = {
        "totalElements": total,
        "currentPage": start // limit,
        "totalPages": math.ceil(total / limit) if total else 0,
        "hasPreviousPage": start > 0,
        "hasNextPage": has_next,
        "data": [public(d) for d in page],
        "nextPage": start + limit if has_next else None,
        "pageSize": limit,
    }
    if extra:
        envelope.update(extra)
    return envelope
