"""Request bodies for the property-based tests: per endpoint, the reference page's body with
fields drawn from valid values or any JSON, plus raw garbage (invalid UTF-8, NaN, 1e400,
surrogate escapes, deep nesting, huge numbers, empty) for every body-taking route.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from ._strategies import (
    ABSENT,
    World,
    content_type,
    dates_text,
    dumps,
    json_values,
    name_text,
    non_ascii,
    odd_json,
    raw_values,
    short_text,
    spoil,
    text,
    usually,
)
from ._support import ACME_ID, PARTNER_ID, SCHEMA_LOYALTY

ODD_RAW: list[bytes] = [
    b"",
    b"   ",
    b"null",
    b"{",
    b"[]",
    b"\xff\xfe\x00",
    b"\xef\xbb\xbf{}",
    b'{"name": "\xc3\x28"}',
    b'{"name": "\\ud800", "packageType": "PARTIAL"}',
    b'{"\\udfff": 1}',
    b'{"name": NaN}',
    b'{"name": "x", "expiry": Infinity}',
    b'{"name": "x", "packageType": "PARTIAL", "expiry": 1e400}',
    b'{"id": -1e400}',
    b'{"id": ' + b"9" * 4300 + b"}",
    b'{"id": ' + b"9" * 4301 + b"}",
    b"[" * 63 + b"]" * 63,
    b"[" * 65 + b"]" * 65,
    b"[" * 940 + b"]" * 940,
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 70 + b"1" + b"}" * 70,
    b"\x00" * 16,
    b"grant_type=client_credentials",
]

ARTIFACT_IDS = [SCHEMA_LOYALTY, "acme-seg-gold", "acme-ns-crm", "acme-seg-gold@3", "prtn-seg-vip"]
ARTIFACT_TYPES = ["REGISTRY_SCHEMA", "PROFILE_SEGMENT", "ID_NAMESPACE", "journey", "NEW_THING"]
ORG_IDS = [ACME_ID, PARTNER_ID, "NOPE0000000000000000X000@AdobeOrg"]


def _obj(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """An object with its fields valid (now and then one left out), and none, one or two of
    them any JSON value, raw JSON text, or absent."""
    return spoil({k: usually(v) for k, v in fields.items()}, lambda _: odd_json)


artifact_ref = _obj(
    id=st.one_of(st.sampled_from(ARTIFACT_IDS), text),
    type=st.one_of(st.sampled_from(ARTIFACT_TYPES), text),
    title=name_text,
)
artifact_list = st.lists(artifact_ref, min_size=1, max_size=4)
sandbox = _obj(
    name=st.one_of(st.sampled_from(["dev", "prod", "nope"]), text),
    imsOrgId=st.sampled_from(ORG_IDS),
)
expiry = st.one_of(
    dates_text,
    st.integers(-(10**16), 10**16),
    st.sampled_from([4102444800000, 1e15, 1.5e15, 10**20]),
)


def bodies(world: World) -> dict[str, st.SearchStrategy[Any]]:
    """Body kind → strategy of JSON-serialisable bodies, for the ids of `world`."""
    pkg = st.one_of(st.sampled_from(world.package_ids), text)
    linking = st.one_of(st.sampled_from(world.linking_ids or ["none"]), text)
    return {
        "create": _obj(
            name=st.one_of(short_text.map(lambda t: "p-" + t), text),
            description=name_text,
            packageType=st.sampled_from(["PARTIAL", "FULL", "partial", "HALF"]),
            sourceSandbox=sandbox,
            artifacts=artifact_list,
            expiry=expiry,
        ),
        "put": _obj(
            id=pkg,
            action=st.sampled_from(["ADD", "DELETE", "UPDATE", "update", "MERGE"]),
            artifacts=artifact_list,
            name=name_text,
            description=name_text,
            packageVisibility=st.sampled_from(["PUBLIC", "PRIVATE", "public", "TENANT"]),
            sourceSandbox=sandbox,
            expiry=expiry,
        ),
        "import": _obj(
            id=pkg,
            name=name_text,
            description=name_text,
            destinationSandbox=sandbox,
            alternatives=st.dictionaries(
                st.one_of(st.sampled_from(ARTIFACT_IDS), short_text),
                st.one_of(st.sampled_from(ARTIFACT_IDS), artifact_ref, json_values),
                max_size=3,
            ),
        ),
        "children": st.one_of(artifact_list, st.none()),
        "bulk": _obj(
            targetIMSOrgIds=st.lists(
                st.one_of(st.sampled_from(ORG_IDS), text), min_size=1, max_size=3
            ),
            sourceIMSDetails=_obj(id=st.sampled_from(ORG_IDS), name=name_text),
        ),
        "action": _obj(
            linkingID=linking,
            linkingId=linking,
            status=st.sampled_from(["APPROVED", "REJECTED", "approved", "PENDING"]),
            reason=name_text,
            targetIMSOrgDetails=_obj(id=st.sampled_from(ORG_IDS), name=name_text, region=name_text),
        ),
        "transfer": _obj(
            packageId=pkg,
            targets=st.lists(_obj(imsOrgId=st.sampled_from(ORG_IDS)), min_size=1, max_size=3),
        ),
        "pull": _obj(imsOrgId=st.sampled_from(ORG_IDS), packageId=pkg),
        "compare": _obj(
            triggerNew=st.one_of(st.booleans(), text),
            targetSandbox=st.one_of(st.sampled_from(["dev", "prod", "nope"]), text),
        ),
        "update": _obj(
            id=pkg,
            name=name_text,
            description=name_text,
            destinationSandbox=sandbox,
            overwriteMappings=st.dictionaries(
                st.one_of(st.sampled_from(ARTIFACT_IDS), short_text),
                st.one_of(artifact_ref, json_values),
                max_size=3,
            ),
        ),
    }


Body = tuple[bytes, "str | None"]  # the bytes, and the Content-Type sent with them


def json_body(structured: st.SearchStrategy[Any]) -> st.SearchStrategy[Body]:
    """Serialised JSON (mostly the structured body, else any value), or raw garbage."""
    raw = st.one_of(
        structured.map(dumps),
        structured.map(dumps),
        structured.map(dumps),
        structured.map(dumps),
        json_values.map(dumps),
        raw_values.map(dumps),
        st.sampled_from(ODD_RAW),
        st.binary(max_size=48),
    )
    return st.tuples(raw, content_type("application/json"))


def ims_body(world: World) -> st.SearchStrategy[Body]:
    """A token request body: form-encoded or JSON, credentials right, wrong or odd (a secret
    with non-ASCII characters above all)."""
    ids = st.sampled_from([c for c, _ in world.clients])
    secrets = st.sampled_from([s for _, s in world.clients])
    odd = st.one_of(text, non_ascii, st.just(""), st.just(ABSENT))
    form = spoil(
        {
            "grant_type": st.just("client_credentials"),
            "client_id": ids,
            "client_secret": st.one_of(secrets, secrets.map(lambda s: s + "é"), non_ascii),
            "scope": usually(st.just("openid,AdobeID,read_organizations")),
        },
        lambda name: (
            st.one_of(odd, odd_json)
            if name != "grant_type"
            else st.one_of(odd, st.sampled_from(["password", "CLIENT_CREDENTIALS"]))
        ),
    )
    scalars = form.map(lambda d: {k: v for k, v in d.items() if isinstance(v, str)})
    as_form = st.one_of(
        scalars.map(lambda d: urlencode(d).encode()),
        scalars.map(lambda d: urlencode(d, encoding="latin-1", errors="replace").encode()),
        scalars.map(lambda d: "&".join(f"{k}={v}" for k, v in d.items()).encode()),
        st.binary(max_size=48),
    )
    as_json = st.one_of(
        form.map(dumps),
        form.map(lambda d: json.dumps(d, ensure_ascii=False).encode(errors="replace")),
        st.sampled_from(ODD_RAW),
    )
    return st.one_of(
        st.tuples(as_form, content_type("application/x-www-form-urlencoded")),
        st.tuples(as_form, content_type("application/x-www-form-urlencoded")),
        st.tuples(as_json, content_type("application/json")),
    )
