"""IMS client-credentials tokens and the gateway checks every exim call goes through."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from .artifacts import get_org, org_by_client, require_sandbox
from .errors import GatewayError, ImsError
from .storage import Doc

if TYPE_CHECKING:
    from .state import Emulator


@dataclass
class Caller:
    """Who is calling: the authenticated org, and the sandbox named by `x-sandbox-name`."""

    org: Doc
    sandbox: str | None
    client_id: str

    @property
    def org_id(self) -> str:
        return str(self.org["imsOrgId"])


def _scrub(text: str) -> str:
    """`text` with lone surrogates (from `\\ud800`-style JSON escapes) replaced by U+FFFD, as
    invalid UTF-8 in a form or query string is: SQLite and the JSON answer need valid UTF-8."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def ims_params(query: list[tuple[str, str]], raw: bytes, content_type: str) -> dict[str, str]:
    """The token request's parameters: the query string, then the body (form-encoded, or a
    JSON object as a leniency). Undecodable bytes become U+FFFD; a malformed JSON body, or a
    JSON value that is not a scalar, is ignored (the request then lacks that parameter)."""
    params = {_scrub(k): _scrub(v) for k, v in query}
    if not raw:
        return params
    if "json" in content_type.lower():
        try:
            data = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError, UnicodeError):
            data = None
        if isinstance(data, dict):
            for k, v in data.items():
                if isinstance(v, str | int | float | bool):
                    params[_scrub(k)] = _scrub(str(v))
        return params
    params.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    return params


def secret_matches(expected: str, given: str) -> bool:
    """Constant-time comparison of two secrets as UTF-8 bytes (`compare_digest` refuses `str`
    with non-ASCII characters), so any secret a client sends is just right or wrong."""
    return secrets.compare_digest(
        expected.encode("utf-8", "surrogatepass"), given.encode("utf-8", "surrogatepass")
    )


def issue_token(emu: Emulator, params: dict[str, str]) -> dict[str, Any]:
    grant = params.get("grant_type")
    if not grant:
        raise ImsError(400, "invalid_request", "grant_type is required (client_credentials)")
    if grant != "client_credentials":
        raise ImsError(
            400,
            "unsupported_grant_type",
            f"grant_type '{grant}' is not supported; use client_credentials",
        )
    client_id = params.get("client_id") or ""
    secret = params.get("client_secret") or ""
    if not client_id or not secret:
        raise ImsError(400, "invalid_request", "client_id and client_secret are required")
    org = org_by_client(emu, client_id)
    if org is None or not secret_matches(org["clientSecret"], secret):
        raise ImsError(401, "invalid_client", "invalid client_id or client_secret")
    ttl = int(emu.timing.tokenTtlSeconds)
    emu.store.prune_expired_tokens(time.time())
    token = "emu." + secrets.token_urlsafe(32)
    emu.store.put(
        "token",
        token,
        {
            "token": token,
            "clientId": client_id,
            "org": org["imsOrgId"],
            "expiresAt": time.time() + ttl,
        },
        org=org["imsOrgId"],
    )
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": ttl,
        "_org": org["imsOrgId"],
    }


def expire_all_tokens(emu: Emulator) -> int:
    """Make every issued token invalid now; returns how many there were."""
    tokens = emu.store.find("token")
    for doc in tokens:
        doc["expiresAt"] = 0
        emu.store.put("token", doc["token"], doc, org=doc.get("org"))
    return len(tokens)


def authenticate(emu: Emulator, headers: Any) -> Caller:
    """The gateway checks, in the documented order; raises GatewayError / 404 sandbox."""
    auth = headers.get("authorization")
    if auth is None:
        raise GatewayError(401, "403010", "Oauth token is missing")
    api_key = headers.get("x-api-key")
    if not api_key:
        raise GatewayError(403, "403000", "Api Key is required")
    org_header = headers.get("x-gw-ims-org-id")
    if not org_header:
        raise GatewayError(400, "400003", "Organization header is missing")
    token = auth.strip()
    if token[:7].lower() == "bearer ":
        token = token[7:].strip()
    doc = emu.store.get("token", token) if token else None
    if doc is None or float(doc["expiresAt"]) <= time.time():
        raise GatewayError(401, "401013", "Oauth token is not valid")
    if api_key != doc["clientId"]:
        raise GatewayError(403, "403003", "Api Key is invalid")
    if org_header != doc["org"]:
        raise GatewayError(403, "403025", "Profile is not valid for the organization")
    org = get_org(emu, doc["org"])
    if org is None:
        raise GatewayError(401, "401013", "Oauth token is not valid")
    sandbox = headers.get("x-sandbox-name") or None
    if sandbox is not None:
        require_sandbox(org, sandbox, "x-sandbox-name sandbox")
    return Caller(org=org, sandbox=sandbox, client_id=api_key)
