"""Seeded mutation fuzzing of every endpoint that takes a body: start from the reference page's
own valid body, replace or drop one field (or a nested one) with a value of another JSON type,
and require an answer below 500 — a 4xx in the service error shape, or a success. Bounded:
a fixed seed and a fixed number of cases per endpoint, so failures reproduce exactly.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME_ID,
    PARTNER_ID,
    SCHEMA_LOYALTY,
    assert_service_shape_4xx,
    create_package,
    handshake,
    iso_in,
    published_package,
)

CASES = 150
ODD_VALUES: list[Any] = [
    None,
    0,
    -1,
    2**63,
    1.5,
    float("1e308"),
    True,
    "",
    " ",
    "x" * 2000,
    "ünïcødé 漢字",
    "../../etc/passwd",
    "'; DROP TABLE packages; --",
    "%00",
    [],
    [None],
    [1, "a", {}],
    {},
    {"id": None},
    {"nested": {"deeper": [1, 2, {"x": []}]}},
    "2023-02-30T25:61:00Z",
    "-99999999999999",
]


def paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key/index path inside a JSON value (including the root's children)."""
    out: list[tuple[Any, ...]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.append(prefix + (k,))
            out.extend(paths(v, prefix + (k,)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.append(prefix + (i,))
            out.extend(paths(v, prefix + (i,)))
    return out


def mutate(body: Any, rng: random.Random) -> Any:
    b = copy.deepcopy(body)
    ps = paths(b)
    if not ps:
        return rng.choice(ODD_VALUES)
    p = rng.choice(ps)
    parent = b
    for k in p[:-1]:
        parent = parent[k]
    last = p[-1]
    if rng.random() < 0.2 and isinstance(parent, dict):
        del parent[last]
    else:
        parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
    if rng.random() < 0.15 and isinstance(b, dict):
        b[rng.choice(["extra", "id", "action", "status", "targets"])] = rng.choice(ODD_VALUES)
    return b


Setup = Callable[[EmulatorProcess, httpx.Client, httpx.Client], tuple[str, str, Any, httpx.Client]]


def _create(
    emu: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> tuple[str, str, Any, httpx.Client]:
    body = {
        "name": "acme",
        "description": "Acme Business Group",
        "packageType": "PARTIAL",
        "sourceSandbox": {"name": "dev", "imsOrgId": ACME_ID},
        "expiry": iso_in(30),
        "artifacts": [
            {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT", "title": "Acme Profile Segment"}
        ],
    }
    return "POST", "/packages", body, acme


def _put(action: str) -> Setup:
    def setup(
        emu: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
    ) -> tuple[str, str, Any, httpx.Client]:
        p = create_package(acme, "fuzz-put", ["acme-ns-crm"])
        body: dict[str, Any] = {"id": p["id"], "action": action}
        if action == "UPDATE":
            body.update(
                name="acme",
                description="Acme Business Group",
                sourceSandbox={"name": "dev", "imsOrgId": ACME_ID},
            )
        else:
            body.update(
                expiry=iso_in(20),
                artifacts=[{"id": "acme-jr-gold-welcome@1647559351683", "type": "JOURNEY"}],
            )
        return "PUT", "/packages", body, acme

    return setup


def _import(
    emu: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> tuple[str, str, Any, httpx.Client]:
    p = published_package(emu, acme, "fuzz-import", [SCHEMA_LOYALTY])
    body = {
        "id": p["id"],
        "name": "acme",
        "description": "Acme Business Group",
        "destinationSandbox": {"name": "prod", "imsOrgId": ACME_ID},
        "alternatives": {
            SCHEMA_LOYALTY: {"id": "acme-prod-schema-loyalty", "type": "REGISTRY_SCHEMA"}
        },
    }
    return "POST", "/packages/import/", body, acme


def _import_path(
    emu: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> tuple[str, str, Any, httpx.Client]:
    p = published_package(emu, acme, "fuzz-import-path", [SCHEMA_LOYALTY])
    body = {
        "name": "job",
        "alternatives": {
            SCHEMA_LOYALTY: {"id": "acme-prod-schema-loyalty", "type": "REGISTRY_SCHEMA"}
        },
    }
    return "POST", f"/packages/{p['id']}/import?targetSandbox=prod", body, acme


def _children(
    emu: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> tuple[str, str, Any, httpx.Client]:
    p = create_package(acme, "fuzz-children", ["acme-flow-crm"])
    body = [
        {"id": "acme-ms-crm", "type": "MAPPING_SET"},
        {"id": SCHEMA_LOYALTY, "type": "REGISTRY_SCHEMA"},
    ]
    return "POST", f"/packages/{p['id']}/children", body, acme


def _bulk(
    emu: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> tuple[str, str, Any, httpx.Client]:
    body = {
        "targetIMSOrgIds": [PARTNER_ID],
        "sourceIMSDetails": {"id": ACME_ID, "name": "acme_org"},
    }
    return "POST", "/handshake/bulkCreate", body, acme


def _action(
    emu: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> tuple[str, str, Any, httpx.Client]:
    hs = handshake(acme, partner, ACME_ID, PARTNER_ID, approve=False)
    body = {
        "linkingID": hs["linkingId"],
        "status": "APPROVED",
        "reason": "Done",
        "targetIMSOrgDetails": {"id": PARTNER_ID, "name": "partner", "region": "va6"},
    }
    return "POST", "/handshake/action", body, partner


def _transfer(
    emu: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> tuple[str, str, Any, httpx.Client]:
    p = published_package(emu, acme, "fuzz-transfer", ["acme-ns-crm"])
    return "POST", "/transfer/", {"packageId": p["id"], "targets": [{"imsOrgId": PARTNER_ID}]}, acme


def _pull(
    emu: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> tuple[str, str, Any, httpx.Client]:
    p = published_package(emu, acme, "fuzz-pull", ["acme-ns-crm"])
    acme.put("/packages", json={"id": p["id"], "action": "UPDATE", "packageVisibility": "PUBLIC"})
    return "POST", "/transfer/pullRequest", {"imsOrgId": ACME_ID, "packageId": p["id"]}, partner


SETUPS: dict[str, Setup] = {
    "create": _create,
    "put-add": _put("ADD"),
    "put-delete": _put("DELETE"),
    "put-update": _put("UPDATE"),
    "import": _import,
    "import-path": _import_path,
    "children": _children,
    "bulkCreate": _bulk,
    "action": _action,
    "transfer": _transfer,
    "pullRequest": _pull,
}


@pytest.mark.parametrize("name", list(SETUPS))
def test_fuzz_bodies_never_5xx(
    emulator: EmulatorProcess, acme: httpx.Client, partner: httpx.Client, name: str
) -> None:
    method, path, valid, client = SETUPS[name](emulator, acme, partner)
    # The unmutated body is accepted.
    r = client.request(method, path, json=valid)
    assert r.status_code == 200, f"{method} {path} valid body -> {r.status_code}: {r.text[:300]}"
    rng = random.Random(f"exim-fuzz-{name}")
    for i in range(CASES):
        body = mutate(valid, rng)
        r = client.request(method, path, json=body)
        assert r.status_code < 500, (
            f"case {i}: {method} {path} body={str(body)[:300]} -> {r.status_code}: {r.text[:300]}"
        )
        if r.status_code >= 400:
            assert_service_shape_4xx(r)
    # The service is still healthy and consistent afterwards.
    assert acme.get("/packages").status_code == 200
