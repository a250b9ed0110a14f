"""Each object holds a definition (docs/emulator.md, "Definitions"): the fields of a schema,
field group or data type (`{"fields": {path: type}}`), an audience's rule, other types'
settings. The admin API shows and changes it; the public API never shows it. A package
carries the definitions as they were at publish, and an object an import creates holds
them; an object an import reuses keeps its own."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import ACME, DT_MONEY, MIXIN_COMMERCE, SCHEMA_WEB, ok, outcomes
from .test_import_rules import add, package, run

ADMIN = "/_emulator/orgs/acme/sandboxes"


def definitions(emu: EmulatorProcess, sandbox: str) -> dict[str, dict[str, object]]:
    return {a["id"]: a["definition"] for a in emu.artifacts(ACME, sandbox)}


def test_the_seed_s_objects_hold_their_definitions(emulator: EmulatorProcess) -> None:
    dev = definitions(emulator, "dev")
    assert dev[SCHEMA_WEB] == {"fields": {"web.page.url": "string", "web.page.name": "string"}}
    assert dev[DT_MONEY] == {"fields": {"amount": "number", "currency": "string"}}
    assert dev["acme-seg-gold"] == {"rule": "segmentMembership = 'Gold Loyalty Members'"}
    assert dev["acme-ns-crm"] == {"settings": {}}
    # A schema of prod's seed, given no fields, holds none.
    assert definitions(emulator, "prod")["acme-prod-schema-loyalty"] == {"fields": {}}


def test_the_admin_api_sets_and_changes_a_definition(emulator: EmulatorProcess) -> None:
    made = emulator.add_artifact(
        ACME,
        "dev",
        {"type": "REGISTRY_MIXIN", "title": "Prefs", "definition": {"fields": {"a": "string"}}},
    )
    assert made["definition"] == {"fields": {"a": "string"}}
    grown = {"fields": {"a": "string", "b.c": "integer"}}
    changed = emulator.patch_artifact(ACME, "dev", made["id"], {"definition": grown})
    assert changed["definition"] == grown
    assert definitions(emulator, "dev")[made["id"]] == grown
    # Any other type takes any object.
    seg = emulator.patch_artifact(ACME, "dev", "acme-seg-gold", {"definition": {"rule": "x > 1"}})
    assert seg["definition"] == {"rule": "x > 1"}


@pytest.mark.parametrize(
    "definition",
    [["a"], {"rule": "x"}, {"fields": {"a": 1}}, {"fields": {"": "string"}}, {"fields": []}],
    ids=["not-an-object", "no-fields", "type-not-text", "empty-path", "fields-not-an-object"],
)
def test_a_field_type_s_definition_must_be_its_fields(
    emulator: EmulatorProcess, definition: object
) -> None:
    path = f"{ADMIN}/dev/artifacts/{quote(SCHEMA_WEB, safe='')}"
    r = emulator.http.patch(path, json={"definition": definition})
    assert r.status_code == 400, r.text
    assert "definition" in r.text
    assert definitions(emulator, "dev")[SCHEMA_WEB]["fields"] == {
        "web.page.url": "string",
        "web.page.name": "string",
    }


def keys(value: object) -> set[str]:
    """Every key of a JSON value, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def test_the_public_api_never_shows_a_definition(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    pid = package(emulator, acme, "public-view", [SCHEMA_WEB])
    job = run(acme, pid)
    answers = [
        ok(acme.get(f"/packages/{pid}")),
        ok(acme.get("/packages")),
        ok(acme.get("/packages/jobs")),
        job,
    ]
    assert "definition" not in keys(answers)


def test_an_import_creates_objects_holding_the_definitions_as_published(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    pid = package(emulator, acme, "web", [SCHEMA_WEB])
    # Changed in dev after the package was published: the package still carries the old one.
    emulator.patch_artifact(
        ACME, "dev", SCHEMA_WEB, {"definition": {"fields": {"web.added": "string"}}}
    )
    job = run(acme, pid)
    assert job["jobStatus"] == "SUCCESS"
    prod = definitions(emulator, "prod")
    status, new_id = outcomes(job)[SCHEMA_WEB]
    assert status == "CREATED" and new_id
    assert prod[new_id] == {"fields": {"web.page.url": "string", "web.page.name": "string"}}
    _, mixin = outcomes(job)[MIXIN_COMMERCE]
    assert mixin is not None
    assert prod[mixin] == {
        "fields": {"commerce.order.total": "number", "commerce.cart.items": "integer"}
    }


def test_an_object_an_import_reuses_keeps_its_own_definition(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    # A schema of the same title is reused (since August 2025), not overwritten: only an
    # UPDATE import changes a target object.
    mine = {"fields": {"prod.only": "string"}}
    existing = add(emulator, "prod", "REGISTRY_SCHEMA", "Web Events Schema", definition=mine)
    pid = package(emulator, acme, "web-reused", [SCHEMA_WEB])
    job = run(acme, pid)
    assert outcomes(job)[SCHEMA_WEB] == ("OBJECT_REUSED", existing)
    assert definitions(emulator, "prod")[existing] == mine
