"""Property-based test of the contract's rule "no request may produce a 5xx other than an
injected fault" (docs/emulator.md, "Service errors"), over every exim and IMS route.

The routes come from the running emulator (`GET /_emulator/routes`); ROUTES below says how to
build requests for each, and test_every_route_has_a_strategy fails when the emulator serves a
route ROUTES doesn't know, so a new route can't be left out. For each route, hypothesis draws
requests (headers kept, dropped, swapped or garbage; path parameters real, odd or %-escaped;
query strings; bodies valid-ish or garbage, under various content types) and sends them over
HTTP to the real process. Property: status < 500 (faults are off), a 4xx in the service shape,
or the gateway shape with one of its documented codes (exim), or the IMS shape (IMS); a 2xx
is JSON. Bounded and deterministic: derandomized, a fixed number of examples per route.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox_provider.testing import EmulatorProcess

from ._body_strategies import Body, bodies, ims_body, json_body
from ._strategies import (
    EXIM,
    IMS,
    Req,
    World,
    headers,
    json_values,
    non_ascii,
    query,
    render_path,
    text,
)
from ._support import (
    ACME_CLIENT,
    ACME_ID,
    PARTNER_CLIENT,
    PARTNER_ID,
    assert_service_shape_4xx,
    body,
    create_package,
    handshake,
    ok,
    published_package,
)

EXAMPLES_PER_ROUTE = 150
MIXED_EXAMPLES = 500

LIST_QUERY = ("property", "orderby", "orderBy", "start", "limit")
IMS_QUERY = ("grant_type", "client_id", "client_secret", "scope")


@dataclass(frozen=True)
class Route:
    query: tuple[str, ...] = ()
    body: str | None = None  # a kind of body_strategies.bodies, "ims", or None (no body)


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", f"{EXIM}/packages"): Route(body="create"),
    ("PUT", f"{EXIM}/packages"): Route(body="put"),
    ("GET", f"{EXIM}/packages"): Route(query=LIST_QUERY),
    ("GET", f"{EXIM}/packages/jobs"): Route(query=LIST_QUERY),
    ("GET", f"{EXIM}/packages/{{package_id}}"): Route(),
    ("DELETE", f"{EXIM}/packages/{{package_id}}"): Route(),
    ("GET", f"{EXIM}/packages/{{package_id}}/export"): Route(query=("expiryPeriod",)),
    ("POST", f"{EXIM}/packages/import"): Route(body="import"),
    ("GET", f"{EXIM}/packages/preflight/{{package_id}}"): Route(query=("targetSandbox",)),
    ("GET", f"{EXIM}/packages/{{package_id}}/import"): Route(query=("targetSandbox",)),
    ("POST", f"{EXIM}/packages/{{package_id}}/import"): Route(
        query=("targetSandbox",), body="import"
    ),
    ("POST", f"{EXIM}/packages/{{package_id}}/children"): Route(body="children"),
    ("GET", f"{EXIM}/packages/payload/{{package_id}}"): Route(),
    ("POST", f"{EXIM}/handshake/bulkCreate"): Route(body="bulk"),
    ("POST", f"{EXIM}/handshake/action"): Route(body="action"),
    ("GET", f"{EXIM}/handshake/list"): Route(query=LIST_QUERY + ("requestType",)),
    ("POST", f"{EXIM}/handshake/list"): Route(query=LIST_QUERY + ("requestType",)),
    ("POST", f"{EXIM}/transfer"): Route(body="transfer"),
    ("GET", f"{EXIM}/transfer/list"): Route(query=LIST_QUERY + ("requestType",)),
    ("POST", f"{EXIM}/transfer/pullRequest"): Route(body="pull"),
    ("GET", f"{EXIM}/transfer/{{transfer_id}}"): Route(),
    ("GET", f"{EXIM}/tools/job/{{job_id}}"): Route(),
    ("GET", f"{EXIM}/tools/artifacts/{{artifact_type}}"): Route(),
    ("POST", IMS): Route(query=IMS_QUERY, body="ims"),
    # Package versions: PATCH, as the API format lines give them.
    ("PATCH", f"{EXIM}/packages/{{package_id}}"): Route(query=("getCapabilities",)),
    ("PATCH", f"{EXIM}/packages/{{package_id}}/version/compare"): Route(body="compare"),
    ("PATCH", f"{EXIM}/packages/{{package_id}}/version/save"): Route(),
    ("PATCH", f"{EXIM}/packages/{{package_id}}/history"): Route(),
    ("PATCH", f"{EXIM}/packages/{{package_id}}/import"): Route(body="update"),
}

# The gateway's answers (docs/emulator.md, "Auth"): (status, error_code, message).
GATEWAY = {
    (401, "403010", "Oauth token is missing"),
    (403, "403000", "Api Key is required"),
    (400, "400003", "Organization header is missing"),
    (401, "401013", "Oauth token is not valid"),
    (403, "403003", "Api Key is invalid"),
    (403, "403025", "Profile is not valid for the organization"),
}
IMS_ERRORS = {(401, "invalid_client"), (400, "invalid_request"), (400, "unsupported_grant_type")}
OTHER_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]


def served_routes(emu: EmulatorProcess) -> set[tuple[str, str]]:
    """(method, path) of every exim and IMS route the running emulator serves."""
    routes = ok(emu.http.get("/_emulator/routes"))["routes"]
    return {
        (m, r["path"])
        for r in routes
        for m in r["methods"]
        if r["path"].startswith((EXIM + "/", "/ims/"))
    }


# -- the world each route's examples start from ----------------------------------------------
@pytest.fixture
def world(emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client) -> World:
    draft = create_package(acme, "prop-draft", ["acme-seg-gold"])
    published = published_package(emulator, acme, "prop-published", ["acme-ns-crm"])
    theirs = create_package(partner, "prop-partner", ["prtn-seg-vip"])
    hs = handshake(acme, partner, ACME_ID, PARTNER_ID)
    pending = handshake(partner, acme, PARTNER_ID, ACME_ID, approve=False)
    transfer = ok(
        acme.post(
            "/transfer", json={"packageId": published["id"], "targets": [{"imsOrgId": PARTNER_ID}]}
        )
    )[0]
    imported = ok(acme.post(f"/packages/{published['id']}/import?targetSandbox=prod"))["jobId"]
    return World(
        headers={k: acme.headers[k] for k in _AUTH_HEADERS},
        other_headers={k: partner.headers[k] for k in _AUTH_HEADERS},
        package_ids=[draft["id"], published["id"], theirs["id"]],
        transfer_ids=[transfer["id"]],
        linking_ids=[hs["linkingId"], pending["linkingId"]],
        clients=[ACME_CLIENT, PARTNER_CLIENT],
        job_ids=[imported] + [j["id"] for j in ok(acme.get("/packages/jobs"))["data"]],
    )


_AUTH_HEADERS = ("authorization", "x-api-key", "x-gw-ims-org-id", "x-sandbox-name")


# -- requests ----------------------------------------------------------------------------------
def requests_for(method: str, template: str, world: World) -> st.SearchStrategy[Req]:
    route = ROUTES[(method, template)]
    methods = st.sampled_from([method] * 40 + [m for m in OTHER_METHODS if m != method])
    ims_values = st.one_of(
        text, non_ascii, st.sampled_from([c for pair in world.clients for c in pair])
    )
    none: st.SearchStrategy[Body | None] = st.none()
    if route.body == "ims":
        content: st.SearchStrategy[Body | None] = st.one_of(ims_body(world), ims_body(world), none)
    elif route.body is not None:
        content = json_body(bodies(world)[route.body])
    else:
        content = st.one_of(none, none, none, json_body(json_values))
    hdrs = st.just({}) if template == IMS else headers(world)
    return st.builds(
        _req,
        methods,
        render_path(template, world),
        query(route.query, ims_values),
        hdrs,
        content,
    )


def _req(
    method: str,
    path: str,
    params: list[tuple[str, str]],
    hdrs: dict[str, bytes],
    content: Body | None,
) -> Req:
    out = dict(hdrs)
    if content is None:
        return Req(method, path, params, out, None)
    raw, ctype = content
    if ctype is not None:
        out["content-type"] = ctype.encode("utf-8")
    return Req(method, path, params, out, raw)


def send(http: httpx.Client, req: Req) -> httpx.Response:
    headers = [(k.encode(), v) for k, v in req.headers.items()]
    return http.request(
        req.method, req.path, params=tuple(req.params), headers=headers, content=req.content
    )


def check_answer(template: str, req: Req, r: httpx.Response) -> None:
    where = f"{req.method} {r.request.url} -> {r.status_code}: {r.text[:400]}"
    assert r.status_code < 500, where
    if req.method == "HEAD":
        return
    answer: Any = body(r)
    if r.status_code < 400:
        if template == IMS:
            assert set(answer) == {"access_token", "token_type", "expires_in"}, where
        return
    if isinstance(answer, dict) and set(answer) == {"error_code", "message"}:
        assert template.startswith(EXIM), where
        assert (r.status_code, answer["error_code"], answer["message"]) in GATEWAY, where
    elif isinstance(answer, dict) and set(answer) == {"error", "error_description"}:
        assert template == IMS, where
        assert (r.status_code, answer["error"]) in IMS_ERRORS, where
        assert isinstance(answer["error_description"], str) and answer["error_description"]
    else:
        assert_service_shape_4xx(r)


# -- tests ------------------------------------------------------------------------------------
def test_every_route_has_a_strategy(emulator: EmulatorProcess) -> None:
    served = served_routes(emulator)
    assert ("POST", IMS) in served and len(served) >= 20, served
    assert served - set(ROUTES) == set(), "routes without a strategy in ROUTES"
    assert set(ROUTES) - served == set(), "ROUTES lists routes the emulator no longer serves"


@pytest.fixture
def http(emulator: EmulatorProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.url, timeout=30.0) as c:
        yield c


_STRATEGIES: dict[tuple[str, str], tuple[World, st.SearchStrategy[Req]]] = {}


def strategy_for(method: str, template: str, world: World) -> st.SearchStrategy[Req]:
    """`requests_for`, built once per route and world (each test has a world of its own)."""
    cached = _STRATEGIES.get((method, template))
    if cached is None or cached[0] is not world:
        cached = _STRATEGIES[(method, template)] = (world, requests_for(method, template, world))
    return cached[1]


@pytest.mark.parametrize(("method", "template"), sorted(ROUTES), ids=lambda v: str(v))
@settings(
    max_examples=EXAMPLES_PER_ROUTE,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_route_never_answers_5xx(
    http: httpx.Client, world: World, method: str, template: str, data: st.DataObject
) -> None:
    req = data.draw(strategy_for(method, template, world), label="request")
    check_answer(template, req, send(http, req))


@settings(
    max_examples=MIXED_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mixed_routes_never_answer_5xx(
    http: httpx.Client, world: World, data: st.DataObject
) -> None:
    # One state for every route in turn, so what one call stores (an odd expiry, a name, a
    # handshake) meets every other route's reads, filters and orderings.
    method, template = data.draw(st.sampled_from(sorted(ROUTES)), label="route")
    req = data.draw(strategy_for(method, template, world), label="request")
    check_answer(template, req, send(http, req))
