"""Hypothesis strategies for the property-based tests (test_properties.py): requests to one
route of the emulator, mostly well-formed enough to reach the handler, with garbage mixed in at
every level (headers, path parameters, query strings, bodies, content types).

Nothing here imports the emulator's code: a request is plain data sent over HTTP.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

EXIM = "/data/foundation/exim"
IMS = "/ims/token/v3"


@dataclass
class World:
    """What exists on the emulator when a route's examples start (made by test_properties)."""

    headers: dict[str, str]  # acme's valid exim headers
    other_headers: dict[str, str]  # partner's
    package_ids: list[str]  # acme's draft, acme's published, partner's draft
    transfer_ids: list[str]
    linking_ids: list[str]
    clients: list[tuple[str, str]]  # (client id, client secret)
    job_ids: list[str] = field(default_factory=list)  # acme's EXPORT and IMPORT jobs


@dataclass
class Req:
    method: str
    path: str  # the raw path (already percent-encoded where it should be)
    params: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, bytes] = field(default_factory=dict)
    content: bytes | None = None


# -- scalars ---------------------------------------------------------------------------------
text = st.text(max_size=24)
short_text = st.text(max_size=8)
# A name or title as a client writes it, odd characters included (never empty).
name_text = st.one_of(
    st.text(min_size=1, max_size=24),
    st.sampled_from(["dev", "Loyalty Member", "é漢🔑", "a\x00b", "line\nbreak", " ", "x" * 300]),
)
# Bytes a header value may carry (the sending h11 refuses control characters and NUL).
header_bytes = st.binary(max_size=24).map(
    lambda b: bytes(c for c in b if c == 9 or 32 <= c < 127 or c >= 128).strip(b" \t")
)
non_ascii = st.sampled_from(["sécret", "пароль", "秘密", "🔑", "\u00a0", "\ufffd", "é" * 40])
HUGE_INTS = [2**31, 2**63, 10**30, -(10**30), 10**300]
numbers_text = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from([str(n) for n in HUGE_INTS]),
    st.sampled_from(["", " ", "1e3", "1.5", "-0", "+5", "٣", "１２", "1_000", "nan", "inf"]),
    st.sampled_from(["9" * 400, "9" * 5000, "0x10", "0" * 30 + "7"]),
    text,
)
dates_text = st.one_of(
    st.integers(-(10**16), 10**16).map(str),
    st.sampled_from(
        [
            "2030-05-20T20:05:10Z",
            "2020-01-01T00:00:00Z",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "2023-02-30T25:61:00Z",
            "2030-05-20 20:05:10+02:00",
            "2030-05-20T20:05:10.123456789Z",
            "1e400",
            "-1e400",
        ]
    ),
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from(HUGE_INTS),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(short_text, inner, max_size=3),
    max_leaves=8,
)

# JSON text json.dumps can't write: numbers beyond a double or beyond Python's int parsing,
# NaN/Infinity, lone surrogate escapes, deep nesting. `raw_values` carries it as a marked
# string that `dumps` splices into the body verbatim.
RAW_JSON = [
    "1e400",
    "-1e400",
    "NaN",
    "Infinity",
    "-Infinity",
    '"\\ud800"',
    '"a\\udfffb"',
    '{"\\ud834": 1}',
    "9" * 4301,
    "-" + "9" * 4300,
    "[" * 63 + "]" * 63,
    "[" * 64 + "]" * 64,
    "[" * 940 + "]" * 940,
    '{"a":' * 100 + "1" + "}" * 100,
    "1E+308",
    "5e-324",
]
_RAW = re.compile(r'"\\u0000RAW(?:[^"\\]|\\.)*?\\u0000"')
DEPTHS = [2, 63, 64, 65, 100, 500, 800, 850, 900, 930, 960, 990, 1000, 3000]
raw_values = st.one_of(
    st.sampled_from(RAW_JSON), st.sampled_from(DEPTHS).map(lambda d: "[" * d + "]" * d)
).map(lambda t: f"\x00RAW{t}\x00")


def dumps(value: Any) -> bytes:
    """`value` as JSON, with each `raw_values` marker replaced by its raw text."""
    return _RAW.sub(lambda m: json.loads(m.group(0))[4:-1], json.dumps(value)).encode()


ABSENT = object()
odd_json = st.one_of(json_values, raw_values, raw_values, st.just(ABSENT))


def usually(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value of `valid`, or (one time in eight) the field left out."""
    return st.one_of(*[valid] * 7, st.just(ABSENT))


def spoil(
    valid: dict[str, st.SearchStrategy[Any]], odd: Callable[[str], st.SearchStrategy[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """Every entry of `valid`, with none (about half the time), one or two of them drawn
    from `odd(name)` instead; entries drawn as ABSENT are left out. Mostly-valid requests
    reach deep into a handler, where one odd value does the most harm."""
    names = sorted(valid)
    picked = st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True)
    nothing: st.SearchStrategy[list[str]] = st.just([])
    which = st.one_of(nothing, picked) if names else nothing

    def build(spoilt: list[str]) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries({k: odd(k) if k in spoilt else valid[k] for k in names})

    return which.flatmap(build).map(lambda d: {k: v for k, v in d.items() if v is not ABSENT})


# -- path parameters -------------------------------------------------------------------------
ARTIFACT_TYPES = ["JOURNEY", "REGISTRY_SCHEMA", "profile_segment", " ID_NAMESPACE ", "NOPE"]
ODD_SEGMENTS = [
    "%00",
    "%ff",
    "%c0%af",
    "%ED%A0%80",
    "%",
    "%zz",
    "%2F",
    "%252F",
    "a%20b",
    "%0d%0a",
    ".",
    "..",
    ";",
    "~",
    "@1",
    "x@99999999999999999999",
    "%E2%80%AE",
]


def path_value(ids: list[str]) -> st.SearchStrategy[str]:
    """A path parameter: a real id (maybe with a suffix), garbage text, or odd escapes."""
    real = st.sampled_from(ids) if ids else st.just("0" * 32)
    return st.one_of(
        real,
        real,
        st.tuples(real, st.sampled_from(["@1", "@0", "@999", "@", "@x", "%00", "%ff"])).map(
            "".join
        ),
        text.map(lambda t: quote(t, safe="")),
        st.sampled_from(ODD_SEGMENTS),
        st.just("a" * 3000),
    )


def render_path(template: str, world: World) -> st.SearchStrategy[str]:
    parts = template.split("/")
    strategies: list[st.SearchStrategy[str]] = []
    for part in parts:
        if part == "{package_id}":
            strategies.append(path_value(world.package_ids))
        elif part == "{transfer_id}":
            strategies.append(path_value(world.transfer_ids))
        elif part == "{job_id}":
            strategies.append(path_value(world.job_ids))
        elif part == "{artifact_type}":
            strategies.append(path_value(ARTIFACT_TYPES))
        else:
            strategies.append(st.just(part))
    slash = st.sampled_from(["", "", "", "/"])
    return st.tuples(st.tuples(*strategies), slash).map(lambda t: "/".join(t[0]) + t[1])


# -- query strings ---------------------------------------------------------------------------
FILTER_FIELDS = [
    "status",
    "name",
    "createdDate",
    "modifiedDate",
    "expiry",
    "version",
    "jobStatus",
    "requestType",
    "packageType",
    "sourceSandbox.name",
    "sourceSandbox",
    "artifactsList",
    "created",
    "targetIMSOrgId",
    "nope",
]
filters = st.one_of(
    st.tuples(
        st.sampled_from(FILTER_FIELDS),
        st.sampled_from(["==", "!=", ">=", "<=", ">", "<", "=", "=>", "~", ""]),
        st.one_of(
            dates_text,
            numbers_text,
            st.sampled_from(["DRAFT", "published,DRAFT", "IN_PROGRESS", "true", ",", ""]),
            text,
        ),
    ).map("".join),
    text,
)
orderings = st.one_of(
    st.lists(
        st.tuples(st.sampled_from(["", "-", "+", "--"]), st.sampled_from(FILTER_FIELDS)).map(
            "".join
        ),
        max_size=3,
    ).map(",".join),
    text,
)
QUERY_VALUES: dict[str, st.SearchStrategy[str]] = {
    "property": filters,
    "orderby": orderings,
    "orderBy": orderings,
    "start": numbers_text,
    "limit": numbers_text,
    "expiryPeriod": numbers_text,
    "targetSandbox": st.one_of(st.sampled_from(["dev", "prod", "DEV", " dev", ""]), text),
    "requestType": st.one_of(
        st.sampled_from(["PUBLIC", "private", "INCOMING", "outgoing", "COPY", ""]), text
    ),
}


def query(keys: tuple[str, ...], ims_values: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """A list of (key, value) pairs: the route's own keys (repeated at will) and stray ones."""
    known = [st.tuples(st.just(k), QUERY_VALUES.get(k, ims_values)) for k in keys]
    stray = st.tuples(short_text, text)
    pair = st.one_of(*known, stray) if known else stray
    return st.lists(pair, max_size=4)


# -- headers ---------------------------------------------------------------------------------
def headers(world: World) -> st.SearchStrategy[dict[str, bytes]]:
    """acme's headers, with one or two dropped, swapped for partner's, or made garbage."""

    def odd(name: str) -> st.SearchStrategy[Any]:
        good = world.headers[name].encode()
        garbage = st.one_of(
            header_bytes,
            non_ascii.map(lambda s: s.encode("utf-8")),
            non_ascii.map(lambda s: s.encode("latin-1", "replace")),
            header_bytes.map(lambda b: b"Bearer " + b),
            st.just(b"Bearer"),
            st.just(good + "é".encode()),
            non_ascii.map(lambda s: b"Bearer " + s.encode("utf-8")),
        ).map(lambda b: b.strip(b" \t"))  # as sent: h11 refuses surrounding whitespace
        return st.one_of(st.just(ABSENT), st.just(world.other_headers[name].encode()), garbage)

    valid = {k: st.just(v.encode()) for k, v in world.headers.items()}
    return spoil(valid, odd)


ODD_CONTENT_TYPES = [
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/json; charset=latin-1",
    "",
    "ü/ü",
    None,
]


def content_type(usual: str) -> st.SearchStrategy[str | None]:
    """Mostly the content type the body is written in, now and then another or none."""
    others = ["application/json", "application/x-www-form-urlencoded", *ODD_CONTENT_TYPES]
    return st.sampled_from([usual] * 12 + others)
