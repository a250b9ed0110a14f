"""Error mapping, readable messages and redaction of secrets."""

from __future__ import annotations

import pytest

from sandbox_provider.client import (
    AuthenticationError,
    ClientSettings,
    ConfigurationError,
    ConflictError,
    ExImClient,
    ExImTimeoutError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    ThrottledError,
    ValidationError,
)
from sandbox_provider.client.errors import RequestInfo, error_for_status, redact_url

SECRET = "s3cr3t-value"
TOKEN = "eyJhbGciOi.TOKEN.value"


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ValidationError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, ValidationError),
        (429, ThrottledError),
        (500, ServerError),
        (503, ServerError),
        (418, ValidationError),
    ],
)
def test_status_mapping(status: int, cls: type) -> None:
    assert type(error_for_status(status, {})) is cls


def test_three_error_shapes() -> None:
    svc = error_for_status(
        409,
        {"type": "x", "status": 409, "title": "ConflictError", "detail": "name 'a' taken"},
    )
    assert svc.api_message == "name 'a' taken" and svc.error_code == "ConflictError"
    gw = error_for_status(401, {"error_code": "401013", "message": "Oauth token is not valid"})
    assert gw.api_message == "Oauth token is not valid" and gw.error_code == "401013"
    ims = error_for_status(401, {"error": "invalid_client", "error_description": "bad client"})
    assert ims.api_message == "bad client" and ims.error_code == "invalid_client"
    assert error_for_status(502, "<html>bad gateway</html>").api_message.startswith("<html>")


def test_str_reads_well_and_redacts_authorization() -> None:
    info = RequestInfo.build(
        "put",
        "https://platform.adobe.io/data/foundation/exim/packages",
        {"Authorization": f"Bearer {TOKEN}", "x-api-key": "cid"},
        b'{"id": "p1", "action": "ADD"}',
    )
    err = error_for_status(
        409,
        {"title": "ConflictError", "detail": "package p1 is not a draft"},
        request=info,
        context="add artifacts to package p1",
    )
    text = str(err)
    assert text.splitlines()[0] == (
        "add artifacts to package p1: 409 ConflictError: package p1 is not a draft"
    )
    assert "PUT https://platform.adobe.io/data/foundation/exim/packages" in text
    assert TOKEN not in text and TOKEN not in repr(err.request)
    assert err.request is not None and err.request.headers["Authorization"] == "Bearer ***"
    assert err.status == 409 and err.request.body and '"ADD"' in err.request.body


def test_redact_url() -> None:
    url = f"https://ims/ims/token/v3?client_id=c&client_secret={SECRET}&scope=a"
    assert SECRET not in redact_url(url)
    assert "client_id=c" in redact_url(url)


def test_timeout_error_is_a_builtin_timeout() -> None:
    assert issubclass(ExImTimeoutError, TimeoutError)


def test_settings_repr_and_client_repr_hide_secrets() -> None:
    s = ClientSettings(org_id="O@AdobeOrg", client_id="cid", client_secret=SECRET)
    assert SECRET not in repr(s)
    c = ExImClient(org_id="O@AdobeOrg", client_id="cid", access_token=TOKEN)
    try:
        assert TOKEN not in repr(c) and "access_token" in repr(c)
    finally:
        c.close()


def test_settings_validation_and_env() -> None:
    with pytest.raises(ConfigurationError):
        ClientSettings(org_id="O", client_id="c")
    with pytest.raises(ConfigurationError):
        ClientSettings(org_id="O", client_id="c", access_token="t", platform_url="ftp://x")
    env = {
        "AEP_PLATFORM_URL": "http://127.0.0.1:9/",
        "AEP_IMS_URL": "http://127.0.0.1:9",
        "AEP_ORG_ID": "O@AdobeOrg",
        "AEP_CLIENT_ID": "cid",
        "AEP_CLIENT_SECRET": SECRET,
        "AEP_SCOPES": "openid, AdobeID,read_organizations",
        "AEP_SANDBOX": "dev",
    }
    s = ClientSettings.from_env(env)
    assert s.platform_url == "http://127.0.0.1:9"
    assert s.scopes == ("openid", "AdobeID", "read_organizations")
    assert s.sandbox == "dev" and s.auth_mode == "client_credentials"
    assert ClientSettings.from_env(env, sandbox="prod").sandbox == "prod"
    with pytest.raises(ConfigurationError, match="AEP_ORG_ID"):
        ClientSettings.from_env({"AEP_CLIENT_ID": "c", "AEP_ACCESS_TOKEN": "t"})
    c = ExImClient.from_env(env)
    try:
        assert SECRET not in repr(c) and "sandbox='dev'" in repr(c)
    finally:
        c.close()
