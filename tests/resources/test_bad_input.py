"""Bad input is refused by `check` (so at `pulumi preview`), before any API call.

Each case is one mistake in otherwise good inputs, and must give exactly one failure: on the
exact property (a nested path such as `artifacts[0].kind`), with one fix after the first
`: `, and no hint of another field tacked on. Values not known yet during a preview pass.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pulumi.dynamic import CheckResult, ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pydantic import BaseModel

from sandbox_provider.resources import (
    HandshakeProvider,
    ImportJobProvider,
    PackageProvider,
    PublishedPackageProvider,
    TransferProvider,
    _config,
)
from sandbox_provider.resources._base import is_unknown
from sandbox_provider.resources._fields import ArtifactInput, ArtifactRef
from sandbox_provider.resources.handshake import HandshakeInputs
from sandbox_provider.resources.import_job import ImportJobInputs
from sandbox_provider.resources.package import PackageInputs
from sandbox_provider.resources.published_package import PublishedPackageInputs
from sandbox_provider.resources.transfer import TransferInputs

ACME_ORG = "ACME0000000000000000A001@AdobeOrg"
PARTNER_ORG = "PRTN0000000000000000B002@AdobeOrg"
CONFIG = {
    "aep:platformUrl": "http://127.0.0.1:9",
    "aep:imsUrl": "http://127.0.0.1:9",
    "aep:orgId": ACME_ORG,
    "aep:clientId": "acme-client-id",
    "aep:clientSecret": "acme-client-secret",
    "aep:sandbox": "dev",
    "aep:orgs": json.dumps(
        {"partner": {"orgId": PARTNER_ORG, "clientId": "p", "clientSecret": "ps"}}
    ),
}
PKG_ID = "0123456789abcdef0123456789abcdef"
GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
SCHEMA_ID = "https://ns.adobe.com/acme/schemas/loyalty-profile"

PROVIDERS: dict[str, type[ResourceProvider]] = {
    "Package": PackageProvider,
    "PublishedPackage": PublishedPackageProvider,
    "ImportJob": ImportJobProvider,
    "Handshake": HandshakeProvider,
    "Transfer": TransferProvider,
}
#: Good inputs of each resource; a case changes one thing.
GOOD: dict[str, dict[str, Any]] = {
    "Package": {"name": "dev-audiences", "artifacts": [GOLD]},
    "PublishedPackage": {"package_id": PKG_ID},
    "ImportJob": {"package_id": PKG_ID, "target_sandbox": "prod"},
    "Handshake": {"target_org_id": PARTNER_ORG},
    "Transfer": {"package_id": PKG_ID, "target_org_id": PARTNER_ORG},
}
MODELS: list[type[BaseModel]] = [
    PackageInputs,
    PublishedPackageInputs,
    ImportJobInputs,
    HandshakeInputs,
    TransferInputs,
    ArtifactInput,
    ArtifactRef,
]
#: Every field hint: a reason may carry at most one of them (no doubled or off-topic hints).
ALL_HINTS = sorted(
    {h for m in MODELS for cls in m.__mro__ for h in (cls.__dict__.get("HINTS") or {}).values()}
)
DROP = object()  # a case's way of saying "leave this good input out"


@pytest.fixture(autouse=True)
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in _config.ENV_VARS.values():
        monkeypatch.delenv(var, raising=False)

    def no_http(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("check made an HTTP request")

    # check judges the program alone: any request at all is a bug.
    monkeypatch.setattr(httpx.Client, "send", no_http)
    PackageProvider().configure(ConfigureRequest(Config(CONFIG, project_name="test")))
    yield
    _config.clear_stack_config()


def check(resource: str, change: dict[str, Any], olds: dict[str, Any] | None = None) -> CheckResult:
    news: dict[str, Any] = {"__provider": "blob", **GOOD[resource]}
    for key, value in change.items():
        if value is DROP:
            news.pop(key, None)
        else:
            news[key] = value
    return PROVIDERS[resource]().check(olds or {}, news)


def art(**over: Any) -> dict[str, Any]:
    return {**GOLD, **over}


def alt(**over: Any) -> dict[str, Any]:
    return {"id": SCHEMA_ID + "-prod", "type": "REGISTRY_SCHEMA", **over}


# (resource, the change to its good inputs, the failing property, a piece of the fix)
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    # -- Package: name ------------------------------------------------------------------------
    ("Package", {"name": DROP}, "name", "give the package's name"),
    ("Package", {"name": None}, "name", "give the package's name"),
    ("Package", {"name": "dev\naudiences"}, "name", "one line of printable text"),
    ("Package", {"name": "dev-audiences\n"}, "name", "one line of printable text"),
    ("Package", {"name": "dev\r\naudiences"}, "name", "one line of printable text"),
    ("Package", {"name": "dev\taudiences"}, "name", "one line of printable text"),
    ("Package", {"name": "dev\x00audiences"}, "name", "one line of printable text"),
    ("Package", {"name": "\x1b[31mdev"}, "name", "one line of printable text"),
    ("Package", {"name": "dev\x7f"}, "name", "one line of printable text"),
    ("Package", {"name": "dev\u200baudiences"}, "name", "one line of printable text"),
    ("Package", {"name": "dev\u202eaudiences"}, "name", "one line of printable text"),
    ("Package", {"name": "dev\u2028audiences"}, "name", "one line of printable text"),
    ("Package", {"name": "x" * 257}, "name", "shorten it"),
    ("Package", {"name": " dev-audiences"}, "name", "use 'dev-audiences'"),
    ("Package", {"name": "dev-audiences  "}, "name", "use 'dev-audiences'"),
    ("Package", {"name": ""}, "name", "give a name of 1 to 256 characters"),
    ("Package", {"name": "   "}, "name", "give a name of 1 to 256 characters"),
    ("Package", {"name": 5}, "name", "give the package's name"),
    ("Package", {"name": True}, "name", "give the package's name"),
    ("Package", {"name": ["dev-audiences"]}, "name", "give the package's name"),
    # -- Package: description, type, sandbox -------------------------------------------------
    ("Package", {"description": "x" * 4097}, "description", "shorten it"),
    ("Package", {"description": "ring\x07bell"}, "description", "remove it"),
    ("Package", {"description": "a\u2029b"}, "description", "remove it"),
    ("Package", {"description": 42}, "description", "give the description as text"),
    ("Package", {"package_type": "PARTAL"}, "package_type", "use 'PARTIAL'"),
    ("Package", {"package_type": "partial"}, "package_type", "use 'PARTIAL'"),
    ("Package", {"package_type": "EVERYTHING"}, "package_type", "'FULL' (the whole sandbox)"),
    ("Package", {"package_type": 1}, "package_type", "'FULL' (the whole sandbox)"),
    ("Package", {"package_type": "FULL"}, "artifacts", "remove `artifacts`"),
    (
        "Package",
        {"package_type": "FULL", "artifacts": DROP, "include_dependencies": True},
        "include_dependencies",
        "drop include_dependencies",
    ),
    ("Package", {"source_sandbox": "dev sandbox"}, "source_sandbox", "not its title"),
    ("Package", {"source_sandbox": "dev "}, "source_sandbox", "use 'dev'"),
    ("Package", {"source_sandbox": "dev\n"}, "source_sandbox", "use 'dev'"),
    ("Package", {"source_sandbox": ""}, "source_sandbox", "e.g. 'prod'"),
    ("Package", {"source_sandbox": "-dev"}, "source_sandbox", "not its title"),
    ("Package", {"source_sandbox": "d" * 300}, "source_sandbox", "e.g. 'prod'"),
    ("Package", {"source_sandbox": 7}, "source_sandbox", "leave it out for aep:sandbox"),
    # -- Package: artifacts --------------------------------------------------------------------
    ("Package", {"artifacts": []}, "artifacts", "use package_type='FULL'"),
    ("Package", {"artifacts": DROP}, "artifacts", "use package_type='FULL'"),
    ("Package", {"artifacts": GOLD}, "artifacts", 'give a list of {"id"'),
    ("Package", {"artifacts": "acme-seg-gold"}, "artifacts", 'give a list of {"id"'),
    ("Package", {"artifacts": [None]}, "artifacts[0]", 'give a list of {"id"'),
    ("Package", {"artifacts": [GOLD, "acme-seg-cart"]}, "artifacts[1]", 'give a list of {"id"'),
    (
        "Package",
        {"artifacts": [{"id": "acme-seg-gold", "kind": "PROFILE_SEGMENT"}]},
        "artifacts[0].kind",
        "rename it to 'type'",
    ),
    (
        "Package",
        {"artifacts": [{"artifactId": "acme-seg-gold", "type": "PROFILE_SEGMENT"}]},
        "artifacts[0].artifactId",
        "rename it to 'id'",
    ),
    ("Package", {"artifacts": [art(tilte="Gold")]}, "artifacts[0].tilte", "rename it to 'title'"),
    (
        "Package",
        {"artifacts": [art(colour="gold")]},
        "artifacts[0].colour",
        "takes 'id', 'type' and 'title'",
    ),
    (
        "Package",
        {"artifacts": [{"type": "PROFILE_SEGMENT"}]},
        "artifacts[0].id",
        "give the artifact's id",
    ),
    (
        "Package",
        {"artifacts": [GOLD, {"id": "acme-seg-cart"}]},
        "artifacts[1].type",
        "give the artifact's type",
    ),
    ("Package", {"artifacts": [art(type="PROFILE_SEGMNT")]}, "artifacts[0].type", "did you mean"),
    (
        "Package",
        {"artifacts": [art(type="profile_segment")]},
        "artifacts[0].type",
        "did you mean 'PROFILE_SEGMENT'",
    ),
    ("Package", {"artifacts": [art(type="segment")]}, "artifacts[0].type", "use one of JOURNEY"),
    ("Package", {"artifacts": [art(type="NEW_TYPE\n")]}, "artifacts[0].type", "use one of"),
    ("Package", {"artifacts": [art(type=None)]}, "artifacts[0].type", "give the artifact's type"),
    ("Package", {"artifacts": [art(type=3)]}, "artifacts[0].type", "give the artifact's type"),
    ("Package", {"artifacts": [art(id="")]}, "artifacts[0].id", "as the platform shows it"),
    ("Package", {"artifacts": [art(id="acme seg gold")]}, "artifacts[0].id", "not its title"),
    ("Package", {"artifacts": [art(id=" acme-seg-gold")]}, "artifacts[0].id", "use 'acme-seg"),
    ("Package", {"artifacts": [art(id="a\nb")]}, "artifacts[0].id", "copy the id exactly"),
    ("Package", {"artifacts": [art(id="x" * 1025)]}, "artifacts[0].id", "as the platform shows"),
    ("Package", {"artifacts": [art(id=12)]}, "artifacts[0].id", "give the artifact's id"),
    ("Package", {"artifacts": [art(title="Gold\nVIP")]}, "artifacts[0].title", "one line"),
    ("Package", {"artifacts": [art(title="")]}, "artifacts[0].title", "give a title of 1 to"),
    ("Package", {"artifacts": [art(title=5)]}, "artifacts[0].title", "give the title as text"),
    ("Package", {"artifacts": [GOLD, GOLD]}, "artifacts[1]", "remove one"),
    # -- Package: expiry, flags, org, unknown inputs -------------------------------------------
    ("Package", {"expiry": "2001-01-01"}, "expiry", "give a future date"),
    ("Package", {"expiry": "next week"}, "expiry", "use ISO-8601"),
    ("Package", {"expiry": "2030-02-30"}, "expiry", "use ISO-8601"),
    ("Package", {"expiry": True}, "expiry", "use ISO-8601"),
    ("Package", {"expiry": math.nan}, "expiry", "use ISO-8601"),
    ("Package", {"expiry": math.inf}, "expiry", "use ISO-8601"),
    ("Package", {"expiry": [2030]}, "expiry", "use ISO-8601"),
    ("Package", {"expiry": 1e30}, "expiry", "not micro- or nanoseconds"),
    ("Package", {"expiry": 1_900_000_000}, "expiry", "use 1900000000000 (milliseconds)"),
    ("Package", {"expiry": -5}, "expiry", "give a future date"),
    ("Package", {"include_dependencies": "yes"}, "include_dependencies", "without quotes"),
    ("Package", {"include_dependencies": 1}, "include_dependencies", "without quotes"),
    ("Package", {"include_dependencies": "false"}, "include_dependencies", "without quotes"),
    ("Package", {"org": 5}, "org", "the name of a profile in aep:orgs"),
    ("Package", {"org": "nobody"}, "org", "add it with"),
    ("Package", {"colour": "gold"}, "colour", "the inputs are 'name', 'description'"),
    ("Package", {"colour": Unknown()}, "colour", "remove it"),
    ("Package", {"packageType": "PARTIAL"}, "packageType", "rename it to 'package_type'"),
    ("Package", {"sandbox": "dev"}, "sandbox", "rename it to 'source_sandbox'"),
    ("Package", {"name": DROP, "nmae": "dev-audiences"}, "nmae", "rename it to 'name'"),
    ("Package", {"adopt_id": "dev-audiences"}, "adopt_id", "package_id output"),
    # -- Package: unknowns beside known mistakes ---------------------------------------------
    (
        "Package",
        {"artifacts": [Unknown(), art(type="PROFILE_SEGMNT")]},
        "artifacts[1].type",
        "did you mean 'PROFILE_SEGMENT'",
    ),
    (
        "Package",
        {"artifacts": [{"id": Unknown(), "type": "PROFILE_SEGMNT"}]},
        "artifacts[0].type",
        "did you mean 'PROFILE_SEGMENT'",
    ),
    (
        "Package",
        {"artifacts": [{"id": Unknown(), "kind": "PROFILE_SEGMENT"}]},
        "artifacts[0].kind",
        "rename it to 'type'",
    ),
    # -- PublishedPackage ----------------------------------------------------------------------
    ("PublishedPackage", {"package_id": DROP}, "package_id", "package_id output"),
    ("PublishedPackage", {"package_id": "dev-audiences"}, "package_id", "package_id output"),
    ("PublishedPackage", {"package_id": 123}, "package_id", "package_id output"),
    ("PublishedPackage", {"package_id": PKG_ID + "0"}, "package_id", "package_id output"),
    ("PublishedPackage", {"package_id": f" {PKG_ID}\n"}, "package_id", f"use '{PKG_ID}'"),
    ("PublishedPackage", {"package_id": f"{PKG_ID}\n"}, "package_id", f"use '{PKG_ID}'"),
    (
        "PublishedPackage",
        {"package_id": "01234567-89ab-cdef-0123-456789abcdef"},
        "package_id",
        f"use '{PKG_ID}'",
    ),
    (
        "PublishedPackage",
        {"package_id": "Calling __str__ on an Output[T] is not supported."},
        "package_id",
        "pass the Output itself",
    ),
    ("PublishedPackage", {"expiry_period_days": -1}, "expiry_period_days", "leave it out"),
    ("PublishedPackage", {"expiry_period_days": 0}, "expiry_period_days", "leave it out"),
    ("PublishedPackage", {"expiry_period_days": 1.5}, "expiry_period_days", "give e.g. 2"),
    ("PublishedPackage", {"expiry_period_days": True}, "expiry_period_days", "give e.g. 30"),
    ("PublishedPackage", {"expiry_period_days": "30"}, "expiry_period_days", "without quotes"),
    ("PublishedPackage", {"expiry_period_days": math.nan}, "expiry_period_days", "give e.g."),
    ("PublishedPackage", {"expiry_period_days": math.inf}, "expiry_period_days", "give e.g."),
    ("PublishedPackage", {"expiry_period_days": 1e20}, "expiry_period_days", "lower it"),
    ("PublishedPackage", {"expiry_period_days": 3651}, "expiry_period_days", "lower it"),
    ("PublishedPackage", {"expiry_period_days": [30]}, "expiry_period_days", "give e.g. 30"),
    ("PublishedPackage", {"visibility": "OPEN"}, "visibility", "'PUBLIC' (anyone may pull)"),
    ("PublishedPackage", {"visibility": "public"}, "visibility", "use 'PUBLIC'"),
    ("PublishedPackage", {"visibility": False}, "visibility", "'PUBLIC' (anyone may pull)"),
    ("PublishedPackage", {"timeout_seconds": 0}, "timeout_seconds", "give e.g. 900"),
    ("PublishedPackage", {"timeout_seconds": -30}, "timeout_seconds", "give e.g. 900"),
    ("PublishedPackage", {"timeout_seconds": math.nan}, "timeout_seconds", "give at most 86400"),
    ("PublishedPackage", {"timeout_seconds": math.inf}, "timeout_seconds", "give at most 86400"),
    ("PublishedPackage", {"timeout_seconds": True}, "timeout_seconds", "give e.g. 900"),
    ("PublishedPackage", {"timeout_seconds": "60"}, "timeout_seconds", "without quotes"),
    ("PublishedPackage", {"timeout_seconds": 86401}, "timeout_seconds", "lower it"),
    ("PublishedPackage", {"timeout_seconds": 1e300}, "timeout_seconds", "lower it"),
    ("PublishedPackage", {"expiry_days": 30}, "expiry_days", "rename it to 'expiry_period_days'"),
    # -- ImportJob -----------------------------------------------------------------------------
    ("ImportJob", {"package_id": "not-an-id"}, "package_id", "package_id output"),
    ("ImportJob", {"target_sandbox": DROP}, "target_sandbox", "the sandbox to import into"),
    ("ImportJob", {"target_sandbox": "Prod Sandbox"}, "target_sandbox", "not its title"),
    ("ImportJob", {"target_sandbox": ["prod"]}, "target_sandbox", "the sandbox to import into"),
    (
        "ImportJob",
        {"target_sandbox": DROP, "sandbox": "prod"},
        "sandbox",
        "rename it to 'target_sandbox'",
    ),
    ("ImportJob", {"name": "to\nprod"}, "name", "one line of printable text"),
    ("ImportJob", {"name": "j" * 300}, "name", "shorten it"),
    ("ImportJob", {"name": "to-prod "}, "name", "use 'to-prod'"),
    ("ImportJob", {"name": ""}, "name", "give a name of 1 to 256"),
    ("ImportJob", {"name": 3.5}, "name", "the package's name"),
    ("ImportJob", {"description": "\x1b[2J"}, "description", "remove it"),
    ("ImportJob", {"description": "d" * 5000}, "description", "shorten it"),
    ("ImportJob", {"alternatives": [GOLD]}, "alternatives", "map a source artifact id"),
    ("ImportJob", {"alternatives": "acme-seg-gold"}, "alternatives", "map a source artifact id"),
    (
        "ImportJob",
        {"alternatives": {"acme-seg-gold": "acme-seg-gold-prod"}},
        "alternatives.acme-seg-gold",
        "map a source artifact id",
    ),
    (
        "ImportJob",
        {"alternatives": {"acme-seg-gold": {"id": "acme-seg-gold-prod"}}},
        "alternatives.acme-seg-gold.type",
        "give the artifact's type",
    ),
    (
        "ImportJob",
        {"alternatives": {"acme-seg-gold": {"id": "acme-seg-gold-prod", "kind": "X"}}},
        "alternatives.acme-seg-gold.kind",
        "rename it to 'type'",
    ),
    (
        "ImportJob",
        {"alternatives": {"acme-seg-gold": alt(note="x")}},
        "alternatives.acme-seg-gold.note",
        "takes 'id' and 'type'",
    ),
    (
        "ImportJob",
        {"alternatives": {"acme-seg-gold": alt(id="acme-seg-gold")}},
        "alternatives.acme-seg-gold.id",
        "the existing artifact in the target sandbox",
    ),
    (
        "ImportJob",
        {"alternatives": {"acme-seg-gold": alt(id="")}},
        "alternatives.acme-seg-gold.id",
        "the artifact's id as the platform shows it",
    ),
    (
        "ImportJob",
        {"alternatives": {"acme-seg-gold": alt(id=None)}},
        "alternatives.acme-seg-gold.id",
        "the existing artifact in the target sandbox",
    ),
    (
        "ImportJob",
        {"alternatives": {"acme-seg-gold": alt(type="REGISTRY_SCHEME")}},
        "alternatives.acme-seg-gold.type",
        "did you mean 'REGISTRY_SCHEMA'",
    ),
    (
        "ImportJob",
        {"alternatives": {SCHEMA_ID: {"id": SCHEMA_ID + "-prod"}}},
        f'alternatives["{SCHEMA_ID}"].type',
        "give the artifact's type",
    ),
    ("ImportJob", {"alternatives": {"": alt()}}, "alternatives", "as the platform shows it"),
    ("ImportJob", {"alternatives": {"acme seg gold": alt()}}, "alternatives", "not its title"),
    (
        "ImportJob",
        {"alternatives": {"acme seg gold": {"id": Unknown(), "type": "PROFILE_SEGMENT"}}},
        "alternatives",
        "not its title",
    ),
    (
        "ImportJob",
        {"alternatives": {"acme-seg-gold": Unknown(), "acme-seg-cart": alt(type="segment")}},
        "alternatives.acme-seg-cart.type",
        "use one of JOURNEY",
    ),
    ("ImportJob", {"conflict_policy": "merge"}, "conflict_policy", "'use_existing' or"),
    ("ImportJob", {"conflict_policy": "USE_EXISTING"}, "conflict_policy", "use 'use_existing'"),
    ("ImportJob", {"conflict_policy": "use-existing"}, "conflict_policy", "use 'use_existing'"),
    ("ImportJob", {"conflict_policy": True}, "conflict_policy", "or 'create_new'"),
    ("ImportJob", {"policy": "fail"}, "policy", "rename it to 'conflict_policy'"),
    ("ImportJob", {"check_permissions": "no"}, "check_permissions", "without quotes"),
    ("ImportJob", {"check_permissions": 0}, "check_permissions", "without quotes"),
    ("ImportJob", {"timeout_seconds": 0}, "timeout_seconds", "give e.g. 900"),
    ("ImportJob", {"timeout_seconds": [60]}, "timeout_seconds", "give e.g. 900"),
    # -- Handshake -----------------------------------------------------------------------------
    ("Handshake", {"target_org_id": DROP}, "target_org_id", "the org to link with"),
    ("Handshake", {"target_org_id": "partner"}, "target_org_id", f"use its orgId '{PARTNER_ORG}'"),
    ("Handshake", {"target_org_id": "nobody"}, "target_org_id", "give the org's id"),
    ("Handshake", {"target_org_id": "PRTN0000000000000000B002@adobeorg"}, "target_org_id", "use"),
    (
        "Handshake",
        {"target_org_id": "PRTN0000000000000000B002"},
        "target_org_id",
        f"use '{PARTNER_ORG}'",
    ),
    ("Handshake", {"target_org_id": f" {PARTNER_ORG}"}, "target_org_id", f"use '{PARTNER_ORG}'"),
    ("Handshake", {"target_org_id": f"{PARTNER_ORG}\n"}, "target_org_id", f"use '{PARTNER_ORG}'"),
    ("Handshake", {"target_org_id": "PRTN 0000@AdobeOrg"}, "target_org_id", "give the org's id"),
    ("Handshake", {"target_org_id": 5}, "target_org_id", "the org to link with"),
    ("Handshake", {"target_org_id": ACME_ORG}, "target_org_id", "the other org to link with"),
    ("Handshake", {"source_org_name": "Acme\nCorp"}, "source_org_name", "one line"),
    ("Handshake", {"source_org_name": "A" * 257}, "source_org_name", "shorten it"),
    ("Handshake", {"source_org_name": " Acme"}, "source_org_name", "use 'Acme'"),
    ("Handshake", {"source_org_name": ""}, "source_org_name", "give a name of 1 to 256"),
    ("Handshake", {"source_org_name": 5}, "source_org_name", "the name the target org sees"),
    ("Handshake", {"approve_as": 3}, "approve_as", "the aep:orgs profile of the target org"),
    ("Handshake", {"approve_as": ""}, "approve_as", "leave the input out"),
    ("Handshake", {"approve_as": "nobody"}, "approve_as", "add it with"),
    ("Handshake", {"approve_as": "default"}, "approve_as", "name the profile of the target org"),
    ("Handshake", {"target": PARTNER_ORG, "target_org_id": DROP}, "target", "'target_org_id'"),
    # -- Transfer ------------------------------------------------------------------------------
    ("Transfer", {"package_id": "0123"}, "package_id", "package_id output"),
    ("Transfer", {"package_id": DROP}, "package_id", "package_id output"),
    ("Transfer", {"target_org_id": DROP}, "target_org_id", "give the id of the org to share"),
    ("Transfer", {"target_org_id": "partner"}, "target_org_id", "use its orgId"),
    ("Transfer", {"target_org_id": ACME_ORG}, "target_org_id", "the org to share with"),
    ("Transfer", {"source_org_id": ACME_ORG}, "source_org_id", "remove it"),
    (
        "Transfer",
        {"target_org_id": DROP, "source_org_id": PARTNER_ORG},
        "request_type",
        "set request_type='PUBLIC'",
    ),
    ("Transfer", {"request_type": "PUBLIC"}, "request_type", "use request_type='PRIVATE'"),
    (
        "Transfer",
        {"request_type": "PUBLIC", "target_org_id": DROP},
        "source_org_id",
        "the org that published the package",
    ),
    (
        "Transfer",
        {"request_type": "PUBLIC", "target_org_id": DROP, "source_org_id": ACME_ORG},
        "source_org_id",
        "the org that published it",
    ),
    (
        "Transfer",
        {"request_type": "PUBLIC", "target_org_id": PARTNER_ORG, "source_org_id": PARTNER_ORG},
        "target_org_id",
        "remove target_org_id",
    ),
    ("Transfer", {"request_type": "public"}, "request_type", "use 'PUBLIC'"),
    ("Transfer", {"request_type": "SHARE"}, "request_type", "'PUBLIC' (pull from"),
    ("Transfer", {"request_type": 1}, "request_type", "'PUBLIC' (pull from"),
    ("Transfer", {"timeout_seconds": "60"}, "timeout_seconds", "without quotes"),
    ("Transfer", {"timeout_seconds": -1.0}, "timeout_seconds", "give e.g. 900"),
    ("Transfer", {"target": PARTNER_ORG, "target_org_id": DROP}, "target", "'target_org_id'"),
]


def _case_id(case: tuple[str, dict[str, Any], str, str]) -> str:
    resource, change, prop, _ = case
    shown = ",".join(f"{k}={'DROP' if v is DROP else repr(v)[:20]}" for k, v in change.items())
    return f"{resource}:{prop}:{shown}"


def test_there_are_at_least_a_hundred_cases_over_the_five_resources() -> None:
    assert len(CASES) >= 100
    assert {c[0] for c in CASES} == set(PROVIDERS)


def test_every_field_of_every_model_has_its_hint() -> None:
    # A type error of any field then carries a fix of its own.
    for model in MODELS:
        hints: dict[str, str] = {}
        for cls in reversed(model.__mro__):
            hints.update(cls.__dict__.get("HINTS") or {})
        assert set(model.model_fields) <= set(hints), (model.__name__, set(model.model_fields))


@pytest.mark.parametrize(("resource", "change", "prop", "fix"), CASES, ids=map(_case_id, CASES))
def test_one_mistake_one_failure_on_the_exact_property_with_its_fix(
    resource: str, change: dict[str, Any], prop: str, fix: str
) -> None:
    result = check(resource, change)
    found = [(f.property, f.reason) for f in result.failures]
    assert len(found) == 1, found
    ((path, reason),) = found
    assert path == prop, found
    # The fix comes after the first ": ", once, and no other field's hint rides along.
    assert ": " in reason, reason
    problem, _, remedy = reason.partition(": ")
    assert fix in remedy, reason
    assert reason.count(fix) == 1, reason
    carried = [h for h in ALL_HINTS if h in reason]
    assert len(carried) <= 1, carried
    # One line, and the offending text is quoted, not pasted raw.
    assert "\n" not in reason and "\x1b" not in reason and "Value error" not in reason
    assert len(reason) < 400, reason


def test_publishing_back_to_private_is_refused_with_its_one_fix() -> None:
    olds = {"package_id": PKG_ID, "visibility": "PUBLIC"}
    result = check("PublishedPackage", {"visibility": "PRIVATE"}, olds)
    assert [(f.property, f.reason.partition(": ")[2]) for f in result.failures] == [
        ("visibility", "keep visibility='PUBLIC' (or publish a new package to keep it private)")
    ]


def test_several_mistakes_at_once_give_each_its_own_failure() -> None:
    # Several mistakes in one resource: one failure each, each on its own property.
    result = check(
        "Package",
        {
            "name": "a\nb",
            "description": 5,
            "package_type": "PARTAL",
            "artifacts": [{"id": "acme-seg-gold", "kind": "X"}, art(id="")],
            "include_dependencies": "yes",
        },
    )
    by_prop = {f.property: f.reason for f in result.failures}
    assert sorted(by_prop) == [
        "artifacts[0].kind",
        "artifacts[1].id",
        "description",
        "include_dependencies",
        "name",
        "package_type",
    ], by_prop
    assert len(result.failures) == 6


# -- good inputs still pass ------------------------------------------------------------------------
GOOD_CASES: list[tuple[str, dict[str, Any]]] = [
    ("Package", {"name": "Audiences – été 🎉 (v2) 👩\u200d💻 می\u200cخواهم"}),
    ("Package", {"name": "n" * 256, "description": "line one\n\tline two\n" + "d" * 4000}),
    ("Package", {"expiry": 4070908800000.0, "include_dependencies": True, "package_type": None}),
    ("Package", {"artifacts": [art(title="Gold customers"), {"id": SCHEMA_ID, "type": "NEW_ONE"}]}),
    ("Package", {"package_type": "FULL", "artifacts": DROP, "source_sandbox": "dev_2-b"}),
    ("PublishedPackage", {"expiry_period_days": 30.0, "timeout_seconds": 0.5}),
    ("PublishedPackage", {"expiry_period_days": 3650, "timeout_seconds": 86400}),
    ("PublishedPackage", {"package_id": PKG_ID + "@2", "visibility": "PUBLIC"}),
    (
        "ImportJob",
        {
            "name": "to-prod",
            "alternatives": {SCHEMA_ID: alt(), "acme-seg-gold": alt(id="x", type="PROFILE_NEW")},
            "conflict_policy": "use_existing",
            "check_permissions": False,
        },
    ),
    ("Handshake", {"source_org_name": "Acme Corp.", "approve_as": "partner"}),
    ("Transfer", {"timeout_seconds": 60}),
    (
        "Transfer",
        {
            "request_type": "PUBLIC",
            "target_org_id": DROP,
            "source_org_id": ACME_ORG,
            "org": "partner",
        },
    ),
]


@pytest.mark.parametrize(("resource", "change"), GOOD_CASES)
def test_good_inputs_pass(resource: str, change: dict[str, Any]) -> None:
    result = check(resource, change)
    assert [(f.property, f.reason) for f in result.failures] == []


# -- unknowns (preview) ----------------------------------------------------------------------------
UNKNOWN_CASES: list[tuple[str, dict[str, Any]]] = [
    ("Package", {"name": Unknown()}),
    ("Package", {"name": rpc.UNKNOWN, "artifacts": rpc.UNKNOWN}),
    ("Package", {"artifacts": [GOLD, {"id": Unknown(), "type": "PROFILE_SEGMENT"}]}),
    ("Package", {"artifacts": [Unknown()], "package_type": Unknown()}),
    ("Package", {"expiry": Unknown(), "source_sandbox": Unknown(), "org": Unknown()}),
    ("PublishedPackage", {"package_id": Unknown(), "timeout_seconds": Unknown()}),
    ("ImportJob", {"alternatives": {"acme-seg-gold": {"id": Unknown(), "type": "PROFILE_X"}}}),
    ("ImportJob", {"alternatives": {"acme-seg-gold": Unknown()}, "package_id": rpc.UNKNOWN}),
    ("Handshake", {"target_org_id": Unknown(), "approve_as": "partner"}),
    ("Handshake", {"approve_as": Unknown()}),
    ("Transfer", {"target_org_id": Unknown()}),
    ("Transfer", {"request_type": Unknown(), "source_org_id": ACME_ORG}),
    ("Transfer", {"request_type": "PUBLIC", "target_org_id": DROP, "source_org_id": Unknown()}),
]


@pytest.mark.parametrize(("resource", "change"), UNKNOWN_CASES)
def test_unknown_values_pass_untouched(resource: str, change: dict[str, Any]) -> None:
    result = check(resource, change)
    assert [(f.property, f.reason) for f in result.failures] == []
    passed = [k for k, v in change.items() if v is not DROP and is_unknown(v)]
    assert passed
    for key in passed:
        assert result.inputs[key] is change[key], key
