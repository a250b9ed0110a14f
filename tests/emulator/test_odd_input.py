"""Regression tests for requests that once answered 500 (docs/emulator.md, "Service errors":
no 5xx but an injected fault), and for the limits the emulator decided on to refuse such input
with a 4xx ("Decided by the emulator implementation"):

- IMS: a client secret (or id) with non-ASCII or undecodable characters is a wrong credential,
  401 `invalid_client`; JSON bodies with surrogate escapes, deep nesting or non-scalar values.
- gateway headers with non-ASCII bytes get the gateway's own answer for a wrong value.
- JSON bodies: numbers beyond a double, nesting beyond 64 levels, surrogate escapes → 400.
- `expiryPeriod` at most 36500 days; `start`/`limit` at most 2^31-1.
- odd %-escapes in path parameters → 404 in the service shape.
- admin: an org's non-ASCII secret works; a fault regex `re` can't compile → 400.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EXIM_PREFIX, EmulatorProcess

from ._support import (
    ACME_CLIENT,
    ACME_ID,
    PARTNER_ID,
    assert_gateway_error,
    assert_service_error,
    body,
    create_package,
    ok,
    publish,
)

IMS = "/ims/token/v3"
JSON = {"Content-Type": "application/json"}
FORM = {
    "grant_type": "client_credentials",
    "client_id": ACME_CLIENT[0],
    "client_secret": ACME_CLIENT[1],
}


def assert_ims_error(r: httpx.Response, status: int, error: str) -> None:
    assert r.status_code == status, f"-> {r.status_code} (wanted {status}): {r.text[:400]}"
    err = body(r)
    assert set(err) == {"error", "error_description"}, err
    assert err["error"] == error, err
    assert isinstance(err["error_description"], str) and err["error_description"]


# -- IMS -------------------------------------------------------------------------------------
NON_ASCII_SECRETS = ["sécret", ACME_CLIENT[1] + "é", "秘密", "🔑", "\u00a0", "\ufffd"]


@pytest.mark.parametrize("secret", NON_ASCII_SECRETS)
@pytest.mark.parametrize("where", ["form", "query", "json"])
def test_non_ascii_client_secret_is_401(emulator: EmulatorProcess, secret: str, where: str) -> None:
    params = {**FORM, "client_secret": secret}
    if where == "form":
        r = emulator.http.post(IMS, data=params)
    elif where == "query":
        r = emulator.http.post(IMS, params=params)
    else:
        r = emulator.http.post(IMS, content=json.dumps(params).encode(), headers=JSON)
    assert_ims_error(r, 401, "invalid_client")


@pytest.mark.parametrize(
    "raw",
    [
        b"client_secret=%ff%fe",  # %-escaped bytes that are no UTF-8
        b"client_secret=acme-client-secret%C3",
        b"client_secret=\xe9t\xe9",  # latin-1 bytes sent as they are
        b"client_secret=acme-client-secret%00",
    ],
)
def test_undecodable_client_secret_is_401(emulator: EmulatorProcess, raw: bytes) -> None:
    head = b"grant_type=client_credentials&client_id=acme-client-id&"
    r = emulator.http.post(
        IMS, content=head + raw, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert_ims_error(r, 401, "invalid_client")


@pytest.mark.parametrize("client_id", ["acmé", "\x00", "%ff", "🔑" * 100])
def test_non_ascii_client_id_is_401(emulator: EmulatorProcess, client_id: str) -> None:
    assert_ims_error(
        emulator.http.post(IMS, data={**FORM, "client_id": client_id}), 401, "invalid_client"
    )


def test_the_right_secret_still_works_in_a_json_body(emulator: EmulatorProcess) -> None:
    tok = ok(emulator.http.post(IMS, content=json.dumps(FORM).encode(), headers=JSON))
    assert tok["token_type"] == "bearer"


@pytest.mark.parametrize(
    "raw,status,error",
    [
        # Lone surrogate escapes are characters no UTF-8 can carry: read as U+FFFD.
        (
            b'{"grant_type": "client_credentials", "client_id": "\\ud800", "client_secret": "x"}',
            401,
            "invalid_client",
        ),
        (
            b'{"grant_type": "client_credentials", "client_id": "acme-client-id", '
            b'"client_secret": "acme-client-secret\\udfff"}',
            401,
            "invalid_client",
        ),
        (b'{"grant_type": "\\ud800"}', 400, "unsupported_grant_type"),
        # A body nested past Python's recursion limit, or not an object: ignored.
        (b"[" * 5000 + b"]" * 5000, 400, "invalid_request"),
        (b'{"a":' * 2000 + b"1" + b"}" * 2000, 400, "invalid_request"),
        (b'["client_credentials"]', 400, "invalid_request"),
        # Non-scalar values are no credentials.
        (
            b'{"grant_type": "client_credentials", "client_id": ["acme-client-id"], '
            b'"client_secret": "acme-client-secret"}',
            400,
            "invalid_request",
        ),
        (
            b'{"grant_type": "client_credentials", "client_id": "acme-client-id", '
            b'"client_secret": {"v": "acme-client-secret"}}',
            400,
            "invalid_request",
        ),
    ],
)
def test_odd_ims_json_bodies(
    emulator: EmulatorProcess, raw: bytes, status: int, error: str
) -> None:
    r = emulator.http.post(IMS, content=raw, headers=JSON)
    assert_ims_error(r, status, error)
    r.content.decode("utf-8")  # the answer itself is valid UTF-8


# -- gateway headers -------------------------------------------------------------------------
def _raw_call(emu: EmulatorProcess, headers: dict[str, bytes]) -> httpx.Response:
    """GET /packages as acme/dev with some headers replaced by raw bytes."""
    with emu.api("acme") as c:
        base = {k: c.headers[k].encode() for k in AUTH_HEADERS}
    raw = [(k.encode(), v) for k, v in {**base, **headers}.items()]
    return emu.http.get(EXIM_PREFIX + "/packages", headers=raw)


AUTH_HEADERS = ("authorization", "x-api-key", "x-gw-ims-org-id", "x-sandbox-name")


@pytest.mark.parametrize(
    "value",
    ["Bearer é".encode(), "Bearer 秘密".encode(), b"Bearer \xff\xfe", "é".encode("latin-1")],
)
def test_non_ascii_bearer_token_is_401(emulator: EmulatorProcess, value: bytes) -> None:
    r = _raw_call(emulator, {"authorization": value})
    assert_gateway_error(r, 401, "401013", "Oauth token is not valid")


@pytest.mark.parametrize("value", ["acme-client-idé".encode(), b"\xff", "ключ".encode()])
def test_non_ascii_api_key_is_403003(emulator: EmulatorProcess, value: bytes) -> None:
    r = _raw_call(emulator, {"x-api-key": value})
    assert_gateway_error(r, 403, "403003", "Api Key is invalid")


@pytest.mark.parametrize("value", [(ACME_ID + "é").encode(), b"\x80\x81", "组织".encode()])
def test_non_ascii_org_header_is_403025(emulator: EmulatorProcess, value: bytes) -> None:
    r = _raw_call(emulator, {"x-gw-ims-org-id": value})
    assert_gateway_error(r, 403, "403025", "Profile is not valid for the organization")


@pytest.mark.parametrize("value", ["dév".encode(), b"\xff\xfe", "песочница".encode()])
def test_non_ascii_sandbox_header_is_404(emulator: EmulatorProcess, value: bytes) -> None:
    assert_service_error(_raw_call(emulator, {"x-sandbox-name": value}), 404, "x-sandbox-name")


# -- JSON bodies -----------------------------------------------------------------------------
def _bulk(c: httpx.Client, name_json: bytes) -> httpx.Response:
    raw = (
        b'{"targetIMSOrgIds": ["' + PARTNER_ID.encode() + b'"], "sourceIMSDetails": '
        b'{"id": "' + ACME_ID.encode() + b'", "name": ' + name_json + b"}}"
    )
    return c.post("/handshake/bulkCreate", content=raw, headers=JSON)


@pytest.mark.parametrize("depth", [63, 500, 900, 940, 5000])
def test_deeply_nested_body_is_400(acme: httpx.Client, depth: int) -> None:
    # Once a 500: a value nested ~900 deep parsed, then broke answering it.
    r = _bulk(acme, b"[" * depth + b"]" * depth)
    assert_service_error(r, 400, "nested more than 64 levels")


def test_nesting_within_the_limit_is_judged_by_field(acme: httpx.Client) -> None:
    assert_service_error(_bulk(acme, b"[" * 61 + b"]" * 61), 400, "sourceIMSDetails.name")


@pytest.mark.parametrize("number", [b"1e400", b"-1e400", b"1" + b"0" * 400 + b".5"])
def test_number_beyond_a_double_is_400(acme: httpx.Client, number: bytes) -> None:
    # Once answered 200, the name silently turned into null.
    assert_service_error(_bulk(acme, number), 400, "too large")


def test_source_name_must_be_a_string(acme: httpx.Client) -> None:
    assert_service_error(_bulk(acme, b"5"), 400, "sourceIMSDetails.name")
    hs = ok(_bulk(acme, b'"Acme \xc3\xa9"'))["successfulRequests"][PARTNER_ID]
    assert hs["sourceIMSOrgName"] == "Acme é"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": "\\ud800", "packageType": "PARTIAL"}',
        b'{"name": "ok", "packageType": "PARTIAL", "description": "a\\udc00b"}',
        b'{"\\udfff": 1, "name": "ok", "packageType": "PARTIAL"}',
        b'{"name": "ok", "packageType": "PARTIAL", "artifacts": [{"id": "\\ud834", "type": "X"}]}',
    ],
)
def test_lone_surrogate_escapes_are_400(acme: httpx.Client, raw: bytes) -> None:
    assert_service_error(acme.post("/packages", content=raw, headers=JSON), 400, "UTF-8")


def test_body_is_json_whatever_its_content_type(acme: httpx.Client) -> None:
    raw = json.dumps({"name": "typed-plain", "packageType": "PARTIAL"}).encode()
    r = acme.post("/packages", content=raw, headers={"Content-Type": "text/plain"})
    assert ok(r)["name"] == "typed-plain"


# -- numbers in query strings ----------------------------------------------------------------
def test_expiry_period_bounds(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    pkg = create_package(acme, "long-lived", ["acme-ns-crm"])
    for value in ("36501", "9" * 400, "-1"):
        r = acme.get(f"/packages/{pkg['id']}/export", params={"expiryPeriod": value})
        assert_service_error(r, 400, "expiryPeriod", "36500")
    done = publish(emulator, acme, pkg["id"], expiry_period=36500)
    assert done["expiry"] - done["publishDate"] == 36500 * 86_400_000
    # Lists still filter and order on it (an unbounded period once made them answer 500).
    assert ok(acme.get("/packages", params={"orderby": "-expiry"}))["data"][0]["id"] == pkg["id"]
    found = ok(acme.get("/packages", params={"property": "expiry>=4102444800000"}))["data"]
    assert [p["id"] for p in found] == [pkg["id"]]


@pytest.mark.parametrize("name", ["start", "limit"])
@pytest.mark.parametrize(
    "path", ["/packages", "/packages/jobs", "/handshake/list", "/transfer/list"]
)
def test_start_and_limit_are_java_ints(acme: httpx.Client, name: str, path: str) -> None:
    page = ok(acme.get(path, params={name: str(2**31 - 1)}))
    if name == "start":
        assert page["data"] == [] and page["hasPreviousPage"] is True, page
    else:
        assert page["pageSize"] == 2**31 - 1, page
    for value in (str(2**31), "9" * 40):
        assert_service_error(acme.get(path, params={name: value}), 400, name, "2147483647")


# -- path parameters -------------------------------------------------------------------------
ODD_IDS = ["%00", "%ff%fe", "%ED%A0%80", "%c0%af", "%", "%zz", "%E2%80%AE", "a%0d%0ab"]
ID_PATHS = [
    ("GET", "/packages/{}"),
    ("DELETE", "/packages/{}"),
    ("GET", "/packages/{}/export"),
    ("GET", "/packages/{}/import?targetSandbox=prod"),
    ("POST", "/packages/{}/import?targetSandbox=prod"),
    ("POST", "/packages/{}/children"),
    ("GET", "/packages/preflight/{}?targetSandbox=prod"),
    ("GET", "/packages/payload/{}"),
    ("GET", "/transfer/{}"),
    ("GET", "/tools/job/{}"),
]


@pytest.mark.parametrize(("method", "path"), ID_PATHS)
def test_odd_escapes_in_ids_are_404(acme: httpx.Client, method: str, path: str) -> None:
    for odd in ODD_IDS:
        r = acme.request(method, path.format(odd))
        err: Any = assert_service_error(r, 404)
        assert "not found" in err["detail"], err
        r.content.decode("utf-8")


# -- admin -------------------------------------------------------------------------------------
def test_an_org_with_a_non_ascii_secret_gets_its_token(emulator: EmulatorProcess) -> None:
    org = ok(
        emulator.http.post(
            "/_emulator/orgs",
            json={"name": "ünï", "clientId": "uni-id", "clientSecret": "sécret-秘"},
        ),
        201,
    )
    form = {"grant_type": "client_credentials", "client_id": "uni-id"}
    tok = ok(emulator.http.post(IMS, data={**form, "client_secret": "sécret-秘"}))
    assert tok["token_type"] == "bearer"
    for wrong in ("sécret-秘 ", "secret-秘", "sécret"):
        r = emulator.http.post(IMS, data={**form, "client_secret": wrong})
        assert_ims_error(r, 401, "invalid_client")
    assert org["clientSecret"] == "sécret-秘"


@pytest.mark.parametrize("regex", ["(" * 2000 + ")" * 2000, "a{99999999999}", "(", "[z-a]"])
def test_fault_rule_with_an_unusable_regex_is_400(emulator: EmulatorProcess, regex: str) -> None:
    r = emulator.http.put("/_emulator/faults", json={"rules": [{"path": regex}]})
    assert_service_error(r, 400, "rules[0].path", "regular expression")
    assert ok(emulator.http.get("/_emulator/faults")) == {"rules": []}
