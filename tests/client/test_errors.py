"""Errors from the real emulator map onto the client's hierarchy, readable and secret-free."""

from __future__ import annotations

import socket

import pytest

from sandbox_provider.client import (
    AuthenticationError,
    ExImClient,
    NotFoundError,
    PermissionDeniedError,
    RetryPolicy,
    ServerError,
    ThrottledError,
    TransportError,
)
from sandbox_provider.testing import EmulatorProcess

from .conftest import MakeClient

ONE_TRY = RetryPolicy(max_attempts=2, initial_backoff=0.001, max_backoff=0.001)


def test_wrong_secret(make_client: MakeClient) -> None:
    client = make_client("acme", client_secret="not-the-secret")
    with pytest.raises(AuthenticationError) as info:
        client.get_package("x")
    err = info.value
    assert err.status == 401 and err.error_code == "invalid_client"
    assert "not-the-secret" not in str(err) and "/ims/token/v3" in str(err)


def test_invalid_static_token(make_client: MakeClient) -> None:
    client = make_client("acme", client_secret=None, access_token="bogus-token-value")
    with pytest.raises(AuthenticationError) as info:
        client.get_package("x")
    assert info.value.error_code == "401013" and "Oauth token is not valid" in str(info.value)
    assert "bogus-token-value" not in str(info.value)
    assert info.value.request is not None
    assert info.value.request.headers["Authorization"] == "Bearer ***"


def test_static_token_from_ims_works(make_client: MakeClient, emulator: EmulatorProcess) -> None:
    client = make_client("acme", client_secret=None, access_token=emulator.token("acme"))
    assert list(client.list_packages()) == []
    assert "access_token" in repr(client) and emulator.token("acme")[:12] not in repr(client)


def test_org_mismatch_and_unknown_sandbox(
    make_client: MakeClient, emulator: EmulatorProcess
) -> None:
    client = make_client("acme", org_id=emulator.org("partner")["imsOrgId"])
    with pytest.raises(PermissionDeniedError) as info:
        client.get_package("x")
    assert info.value.error_code == "403025"
    acme = make_client("acme")
    with pytest.raises(NotFoundError) as nf:
        acme.get_package("x", sandbox="uat")
    assert "uat" in nf.value.api_message


def test_another_orgs_package_is_not_found(make_client: MakeClient) -> None:
    pkg = make_client("acme").create_package("mine")
    with pytest.raises(NotFoundError) as info:
        make_client("partner").get_package(pkg.id)
    text = str(info.value)
    assert text.startswith(f"get package {pkg.id}: 404 NotFoundError:")
    assert "GET http://127.0.0.1" in text


def test_exhausted_retries_surface_the_last_answer(
    make_client: MakeClient, emulator: EmulatorProcess
) -> None:
    client = make_client("acme", retry=ONE_TRY)
    emulator.set_faults([{"path": "/packages", "status": 429, "retryAfter": 0}])
    with pytest.raises(ThrottledError) as info:
        list(client.list_packages())
    assert info.value.status == 429 and info.value.retry_after == 0
    emulator.set_faults([{"path": "/packages", "status": 502}])
    with pytest.raises(ServerError) as server:
        client.get_package("abc")
    assert server.value.status == 502 and "get package abc: 502" in str(server.value)
    n = sum(1 for r in emulator.requests() if r["path"].endswith("/packages/abc"))
    assert n == ONE_TRY.max_attempts


def test_transport_error_when_nothing_listens(make_client: MakeClient) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = ExImClient(
        org_id="O@AdobeOrg",
        client_id="c",
        access_token="t",
        platform_url=f"http://127.0.0.1:{port}",
        retry=ONE_TRY,
    )
    with client, pytest.raises(TransportError) as info:
        client.get_package("x")
    assert "ConnectError" in str(info.value) and f":{port}/" in str(info.value)
