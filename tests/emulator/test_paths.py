"""Every exim path answers the same with and without a trailing slash (docs/emulator.md,
"Paths"; the reference page itself uses `/packages/`, `/transfer/`, `/packages/import/`)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME_ID,
    PARTNER_ID,
    SCHEMA_LOYALTY,
    create_package,
    handshake,
    ok,
    published_package,
    wait_transfer,
)


@pytest.fixture
def world(emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client) -> dict[str, Any]:
    handshake(acme, partner, ACME_ID, PARTNER_ID)
    pub = published_package(emulator, acme, "pub", [SCHEMA_LOYALTY])
    draft = create_package(acme, "draft", ["acme-flow-crm"])
    [t] = ok(
        acme.post("/transfer", json={"packageId": pub["id"], "targets": [{"imsOrgId": PARTNER_ID}]})
    )
    wait_transfer(emulator, acme, t["id"])
    [job] = ok(acme.get("/packages/jobs"))["data"]  # pub's EXPORT job
    return {"pub": pub["id"], "draft": draft["id"], "transfer": t["id"], "job": job["id"]}


GETS = [
    "/packages",
    "/packages/{draft}",
    "/packages/jobs",
    "/packages/{pub}/import?targetSandbox=prod",
    "/packages/preflight/{draft}?targetSandbox=prod",
    "/packages/payload/{draft}",
    "/handshake/list?requestType=OUTGOING",
    "/transfer/{transfer}",
    "/transfer/list",
    "/tools/job/{job}",
    "/tools/artifacts/REGISTRY_SCHEMA",
]


def _slashed(path: str) -> str:
    base, _, query = path.partition("?")
    return base + "/" + ("?" + query if query else "")


@pytest.mark.parametrize("tpl", GETS)
def test_get_with_and_without_slash(acme: httpx.Client, world: dict[str, Any], tpl: str) -> None:
    path = tpl.format(**world)
    a = ok(acme.get(path))
    b = ok(acme.get(_slashed(path)))
    assert a == b


def test_posts_with_slash(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client, world: dict[str, Any]
) -> None:
    ok(acme.post("/packages/", json={"name": "slashed", "packageType": "PARTIAL"}))
    ok(acme.put("/packages/", json={"id": world["draft"], "action": "UPDATE", "description": "x"}))
    ok(acme.post(f"/packages/{world['draft']}/children/"))
    ok(acme.post(f"/packages/{world['pub']}/import/?targetSandbox=prod"))
    ok(
        acme.post(
            "/packages/import/",
            json={"id": world["pub"], "destinationSandbox": {"name": "prod", "imsOrgId": ACME_ID}},
        )
    )
    ok(acme.get(f"/packages/{world['draft']}/export/"))
    hs = ok(
        partner.post(
            "/handshake/bulkCreate/",
            json={
                "targetIMSOrgIds": [ACME_ID],
                "sourceIMSDetails": {"id": PARTNER_ID, "name": "p"},
            },
        )
    )["successfulRequests"][ACME_ID]
    ok(
        acme.post(
            "/handshake/action/",
            json={"linkingID": hs["linkingId"], "status": "APPROVED", "reason": "ok"},
        )
    )
    ok(
        acme.post(
            "/transfer/", json={"packageId": world["pub"], "targets": [{"imsOrgId": PARTNER_ID}]}
        )
    )
    pub2 = published_package(emulator, acme, "pub2", ["acme-ns-crm"])["id"]
    ok(acme.put("/packages/", json={"id": pub2, "action": "UPDATE", "packageVisibility": "PUBLIC"}))
    ok(partner.post("/transfer/pullRequest/", json={"imsOrgId": ACME_ID, "packageId": pub2}))
    ok(acme.delete(f"/packages/{world['draft']}/"))


def test_ims_with_slash(emulator: EmulatorProcess) -> None:
    o = emulator.org("acme")
    r = emulator.http.post(
        "/ims/token/v3/",
        data={
            "grant_type": "client_credentials",
            "client_id": o["clientId"],
            "client_secret": o["clientSecret"],
        },
    )
    assert r.status_code == 200, r.text
