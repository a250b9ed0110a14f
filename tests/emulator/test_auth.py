"""IMS tokens and the gateway checks of every exim call (docs/emulator.md, "Paths" and "Auth").

Assumption (contract silent): `tokenTtlSeconds` is honoured for tokens issued after the setting
changes, and whole seconds are accepted.
"""

from __future__ import annotations

import time

import httpx
import pytest

from sandbox_provider.testing import EXIM_PREFIX, EmulatorProcess

from ._support import (
    ACME,
    ACME_CLIENT,
    ACME_ID,
    PARTNER,
    PARTNER_CLIENT,
    PARTNER_ID,
    assert_gateway_error,
    assert_service_error,
    body,
    client_with,
    ok,
)

FORM = {
    "grant_type": "client_credentials",
    "client_id": ACME_CLIENT[0],
    "client_secret": ACME_CLIENT[1],
    "scope": "openid,AdobeID,read_organizations",
}


def _token(emu: EmulatorProcess, **overrides: str) -> httpx.Response:
    return emu.http.post("/ims/token/v3", data={**FORM, **overrides})


def test_token_form_encoded(emulator: EmulatorProcess) -> None:
    r = _token(emulator)
    tok = ok(r)
    assert set(tok) >= {"access_token", "token_type", "expires_in"}
    assert isinstance(tok["access_token"], str) and tok["access_token"]
    assert tok["token_type"] == "bearer"
    assert tok["expires_in"] == 86399


def test_token_params_as_query(emulator: EmulatorProcess) -> None:
    tok = ok(emulator.http.post("/ims/token/v3", params=FORM))
    assert tok["token_type"] == "bearer"


def test_tokens_are_distinct_per_request(emulator: EmulatorProcess) -> None:
    a = ok(_token(emulator))["access_token"]
    b = ok(_token(emulator))["access_token"]
    assert a != b


@pytest.mark.parametrize(
    "overrides",
    [
        {"client_secret": "wrong"},
        {"client_id": "nobody"},
        {"client_id": PARTNER_CLIENT[0]},  # partner's id with acme's secret
    ],
)
def test_token_bad_client(emulator: EmulatorProcess, overrides: dict[str, str]) -> None:
    r = _token(emulator, **overrides)
    assert r.status_code == 401
    err = body(r)
    assert err["error"] == "invalid_client"
    assert isinstance(err.get("error_description"), str)


def test_token_missing_grant(emulator: EmulatorProcess) -> None:
    data = {k: v for k, v in FORM.items() if k != "grant_type"}
    r = emulator.http.post("/ims/token/v3", data=data)
    assert r.status_code == 400
    assert body(r)["error"] == "invalid_request"


def test_token_unsupported_grant(emulator: EmulatorProcess) -> None:
    r = _token(emulator, grant_type="password")
    assert r.status_code == 400
    assert body(r)["error"] == "unsupported_grant_type"


def test_valid_call(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    ok(acme.get("/packages"))


def test_bearer_prefix_optional(emulator: EmulatorProcess) -> None:
    tok = emulator.token(ACME)
    with client_with(emulator, {"Authorization": tok}) as c:
        ok(c.get("/packages"))


# -- the documented order of checks ----------------------------------------------------------
def test_missing_token(emulator: EmulatorProcess) -> None:
    # Even with the api key and org header also missing, the token is reported first.
    raw = httpx.get(emulator.url + EXIM_PREFIX + "/packages")
    assert_gateway_error(raw, 401, "403010", "Oauth token is missing")
    with client_with(emulator, {"Authorization": None}) as c:
        assert_gateway_error(c.get("/packages"), 401, "403010", "Oauth token is missing")


def test_missing_api_key(emulator: EmulatorProcess) -> None:
    with client_with(emulator, {"x-api-key": None, "x-gw-ims-org-id": None}) as c:
        assert_gateway_error(c.get("/packages"), 403, "403000", "Api Key is required")


def test_missing_org_header(emulator: EmulatorProcess) -> None:
    # The org header is checked before the token's validity.
    with client_with(emulator, {"x-gw-ims-org-id": None, "Authorization": "Bearer junk"}) as c:
        assert_gateway_error(c.get("/packages"), 400, "400003", "Organization header is missing")


@pytest.mark.parametrize("token", ["Bearer not-a-token", "Bearer", "garbage", "Bearer a.b.c"])
def test_invalid_token(emulator: EmulatorProcess, token: str) -> None:
    with client_with(emulator, {"Authorization": token}) as c:
        assert_gateway_error(c.get("/packages"), 401, "401013", "Oauth token is not valid")


def test_api_key_not_the_tokens_client(emulator: EmulatorProcess) -> None:
    with client_with(emulator, {"x-api-key": "someone-else"}) as c:
        assert_gateway_error(c.get("/packages"), 403, "403003", "Api Key is invalid")
    # partner's token with acme's key: the key is not the client the token was issued to.
    tok = emulator.token(PARTNER)
    with client_with(emulator, {"Authorization": f"Bearer {tok}"}) as c:
        assert_gateway_error(c.get("/packages"), 403, "403003", "Api Key is invalid")


def test_token_of_another_org(emulator: EmulatorProcess) -> None:
    tok = emulator.token(PARTNER)
    headers: dict[str, str | None] = {
        "Authorization": f"Bearer {tok}",
        "x-api-key": PARTNER_CLIENT[0],
    }
    with client_with(emulator, {**headers, "x-gw-ims-org-id": ACME_ID}) as c:
        assert_gateway_error(
            c.get("/packages"), 403, "403025", "Profile is not valid for the organization"
        )
    with client_with(emulator, {**headers, "x-gw-ims-org-id": PARTNER_ID}) as c:
        ok(c.get("/packages"))


@pytest.mark.parametrize(
    "method,path",
    [
        ("POST", "/packages"),
        ("PUT", "/packages"),
        ("GET", "/packages/jobs"),
        ("POST", "/handshake/bulkCreate"),
        ("GET", "/handshake/list"),
        ("POST", "/transfer"),
        ("GET", "/transfer/list"),
        ("POST", "/transfer/pullRequest"),
        ("GET", "/packages/payload/0123456789abcdef0123456789abcdef"),
    ],
)
def test_every_endpoint_needs_a_token(emulator: EmulatorProcess, method: str, path: str) -> None:
    with client_with(emulator, {"Authorization": None}) as c:
        r = c.request(method, path, json={})
    assert_gateway_error(r, 401, "403010", "Oauth token is missing")


# -- expiry ----------------------------------------------------------------------------------
def test_expire_tokens_endpoint(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    ok(acme.get("/packages"))
    emulator.expire_tokens()
    assert_gateway_error(acme.get("/packages"), 401, "401013", "Oauth token is not valid")
    # A new token works.
    with emulator.api(ACME) as fresh:
        ok(fresh.get("/packages"))


def test_token_ttl_setting(emulator: EmulatorProcess) -> None:
    emulator.set_timing(tokenTtlSeconds=1)
    tok = ok(_token(emulator))
    assert tok["expires_in"] == 1
    with client_with(emulator, {"Authorization": f"Bearer {tok['access_token']}"}) as c:
        ok(c.get("/packages"))
        time.sleep(1.3)
        assert_gateway_error(c.get("/packages"), 401, "401013", "Oauth token is not valid")


# -- x-sandbox-name ---------------------------------------------------------------------------
def test_unknown_sandbox_header(emulator: EmulatorProcess) -> None:
    with client_with(emulator, {"x-sandbox-name": "no-such-sandbox"}) as c:
        assert_service_error(c.get("/packages"), 404, "no-such-sandbox")


def test_sandbox_header_optional(emulator: EmulatorProcess) -> None:
    with client_with(emulator, {"x-sandbox-name": None}) as c:
        ok(c.get("/packages"))


def test_ims_org_header_must_match_partner_token(
    emulator: EmulatorProcess, partner: httpx.Client
) -> None:
    ok(partner.get("/packages"))
    assert emulator.org(PARTNER)["imsOrgId"] == PARTNER_ID


def test_unknown_org_header_with_a_valid_token(emulator: EmulatorProcess) -> None:
    with client_with(emulator, {"x-gw-ims-org-id": "UNKNOWN0000000000000000@AdobeOrg"}) as c:
        assert_gateway_error(
            c.get("/packages"), 403, "403025", "Profile is not valid for the organization"
        )


@pytest.mark.parametrize(
    "headers,status,code",
    [
        # each row breaks two checks at once: the earlier one in the documented order wins
        ({"Authorization": None, "x-api-key": None}, 401, "403010"),
        ({"x-api-key": None, "Authorization": "Bearer junk"}, 403, "403000"),
        ({"x-api-key": None, "x-gw-ims-org-id": None}, 403, "403000"),
        ({"x-gw-ims-org-id": None, "x-api-key": "wrong"}, 400, "400003"),
        ({"Authorization": "Bearer junk", "x-api-key": "wrong"}, 401, "401013"),
        ({"Authorization": "Bearer junk", "x-gw-ims-org-id": PARTNER_ID}, 401, "401013"),
        ({"x-api-key": "wrong", "x-gw-ims-org-id": PARTNER_ID}, 403, "403003"),
    ],
)
def test_check_order(
    emulator: EmulatorProcess, headers: dict[str, str | None], status: int, code: str
) -> None:
    with client_with(emulator, headers) as c:
        r = c.get("/packages")
    assert r.status_code == status, r.text
    assert body(r)["error_code"] == code


def test_expired_token_reported_before_a_wrong_key(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    emulator.expire_tokens()
    acme.headers["x-api-key"] = "wrong"
    assert_gateway_error(acme.get("/packages"), 401, "401013", "Oauth token is not valid")
