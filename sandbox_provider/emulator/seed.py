"""The `demo` and `empty` seeds, exactly as docs/emulator.md lists them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .artifacts import new_artifact, put_artifact, save_org
from .errors import bad_request
from .permissions import all_permissions

if TYPE_CHECKING:
    from .state import Emulator

SEEDS = ("demo", "empty")

ACME = "ACME0000000000000000A001@AdobeOrg"
PARTNER = "PRTN0000000000000000B002@AdobeOrg"

_NS = "https://ns.adobe.com/acme"
_ADDRESS = f"{_NS}/datatypes/address"
_MONEY = f"{_NS}/datatypes/money"
_C_LOYALTY = f"{_NS}/classes/loyalty-member"
_C_WEB = f"{_NS}/classes/web-event"
_M_LOYALTY = f"{_NS}/mixins/loyalty-details"
_M_CONSENT = f"{_NS}/mixins/consent-prefs"
_M_COMMERCE = f"{_NS}/mixins/commerce"
_S_LOYALTY = f"{_NS}/schemas/loyalty-profile"
_S_WEB = f"{_NS}/schemas/web-events"

# (id, type, title, dependsOn)
ACME_DEV: list[tuple[str, str, str, list[str]]] = [
    ("acme-ns-loyalty", "ID_NAMESPACE", "Loyalty ID", []),
    ("acme-ns-crm", "ID_NAMESPACE", "CRM ID", []),
    (_ADDRESS, "REGISTRY_DATATYPE", "Postal Address", []),
    (_MONEY, "REGISTRY_DATATYPE", "Money Amount", []),
    (_C_LOYALTY, "REGISTRY_CLASS", "Loyalty Member", []),
    (_C_WEB, "REGISTRY_CLASS", "Web Event", []),
    (_M_LOYALTY, "REGISTRY_MIXIN", "Loyalty Details", [_ADDRESS, _MONEY]),
    (_M_CONSENT, "REGISTRY_MIXIN", "Consent Preferences", []),
    (_M_COMMERCE, "REGISTRY_MIXIN", "Commerce Details", [_MONEY]),
    (
        _S_LOYALTY,
        "REGISTRY_SCHEMA",
        "Loyalty Profile Schema",
        [_C_LOYALTY, _M_LOYALTY, _M_CONSENT, "acme-ns-loyalty"],
    ),
    (_S_WEB, "REGISTRY_SCHEMA", "Web Events Schema", [_C_WEB, _M_COMMERCE]),
    ("acme-ds-loyalty", "CATALOG_DATASET", "Loyalty Profiles Dataset", [_S_LOYALTY]),
    ("acme-ds-web", "CATALOG_DATASET", "Web Events Dataset", [_S_WEB]),
    ("acme-ms-crm", "MAPPING_SET", "CRM to Loyalty Mapping", [_S_LOYALTY]),
    ("acme-flow-crm", "FLOW", "CRM Loyalty Dataflow", ["acme-ds-loyalty", "acme-ms-crm"]),
    ("acme-mp-default", "PROFILE_MERGE", "Default Time-based Merge Policy", []),
    ("acme-seg-gold", "PROFILE_SEGMENT", "Gold Loyalty Members", [_S_LOYALTY, "acme-mp-default"]),
    ("acme-seg-cart", "PROFILE_SEGMENT", "Cart Abandoners", [_S_WEB, "acme-mp-default"]),
    (
        "acme-seg-highvalue",
        "PROFILE_SEGMENT",
        "High Value Customers",
        [_S_LOYALTY, "acme-mp-default"],
    ),
    ("acme-jr-gold-welcome", "JOURNEY", "Gold Member Welcome", ["acme-seg-gold"]),
    ("acme-jr-cart-recovery", "JOURNEY", "Cart Recovery", ["acme-seg-cart"]),
    ("acme-policy-email", "DULE_CONSENT_POLICY", "Email Marketing Consent", []),
]

#: The fields of acme dev's schemas, field groups and data types (artifacts.FIELD_TYPES); every
#: other object holds its type's default definition (artifacts.default_definition).
ACME_DEV_FIELDS: dict[str, dict[str, str]] = {
    _ADDRESS: {"street": "string", "city": "string", "postalCode": "string"},
    _MONEY: {"amount": "number", "currency": "string"},
    _M_LOYALTY: {"loyalty.tier": "string", "loyalty.points": "integer"},
    _M_CONSENT: {"consents.email": "string", "consents.sms": "string"},
    _M_COMMERCE: {"commerce.order.total": "number", "commerce.cart.items": "integer"},
    _S_LOYALTY: {"loyaltyId": "string", "person.name": "string"},
    _S_WEB: {"web.page.url": "string", "web.page.name": "string"},
}

ACME_PROD: list[tuple[str, str, str, list[str]]] = [
    ("acme-prod-class-loyalty", "REGISTRY_CLASS", "Loyalty Member", []),
    ("acme-prod-schema-loyalty", "REGISTRY_SCHEMA", "Loyalty Profile Schema v2", []),
    ("acme-prod-schema-loyalty-old", "REGISTRY_SCHEMA", "Loyalty Profile (old)", []),
    ("acme-prod-seg-gold", "PROFILE_SEGMENT", "Gold Loyalty Members 2024", []),
    ("acme-prod-mp", "PROFILE_MERGE", "Default Time-based Merge Policy", []),
]

#: Partner's prod holds what every sandbox an audience lands in holds on the platform: a default
#: merge policy (an import never creates one: rules.REUSE_ONLY).
PARTNER_PROD: list[tuple[str, str, str, list[str]]] = [
    ("prtn-prod-mp", "PROFILE_MERGE", "Default Time-based Merge Policy", []),
]

PARTNER_DEV: list[tuple[str, str, str, list[str]]] = [
    ("prtn-class-customer", "REGISTRY_CLASS", "Customer", []),
    ("prtn-schema-customer", "REGISTRY_SCHEMA", "Customer Schema", ["prtn-class-customer"]),
    ("prtn-seg-vip", "PROFILE_SEGMENT", "VIP Customers", ["prtn-schema-customer"]),
]

DEMO_ORGS: list[dict[str, Any]] = [
    {
        "name": "acme",
        "imsOrgId": ACME,
        "region": "va7",
        "clientId": "acme-client-id",
        "clientSecret": "acme-client-secret",
        # A middle stage for release trains (examples/release-train); empty in the seed.
        "sandboxes": ["dev", "staging", "prod"],
    },
    {
        "name": "partner",
        "imsOrgId": PARTNER,
        "region": "va6",
        "clientId": "partner-client-id",
        "clientSecret": "partner-client-secret",
    },
]


def load(emu: Emulator, seed: str, *, replace: bool) -> None:
    """The one seeding path, for app creation (`replace=False`) and reset (`replace=True`).

    At creation a store that already holds a seed (the same file reopened) keeps its state,
    so a restarted emulator answers as before; a reset empties the store first.
    """
    with emu.store.tx():
        if replace:
            emu.store.clear()
        elif emu.store.get_meta("seeded"):
            return
        _apply(emu, seed)
        emu.store.set_meta("seeded", seed)


def _apply(emu: Emulator, seed: str) -> None:
    """Load `seed` into an empty store (inside the caller's transaction)."""
    if seed not in SEEDS:
        raise bad_request(f"unknown seed '{seed}'; use one of {list(SEEDS)}")
    if seed == "empty":
        return
    for spec in DEMO_ORGS:
        sandboxes = spec.get("sandboxes", ["dev", "prod"])
        save_org(emu, {**spec, "sandboxes": sandboxes, "permissions": all_permissions()})
    for org_id, sandbox, rows in (
        (ACME, "dev", ACME_DEV),
        (ACME, "prod", ACME_PROD),
        (PARTNER, "dev", PARTNER_DEV),
        (PARTNER, "prod", PARTNER_PROD),
    ):
        for aid, type_, title, deps in rows:
            fields = ACME_DEV_FIELDS.get(aid) if rows is ACME_DEV else None
            definition = {"fields": fields} if fields is not None else None
            put_artifact(emu, org_id, sandbox, new_artifact(aid, type_, title, deps, definition))


def credentials_text(emu: Emulator | None = None) -> str:
    """The credentials of the orgs the emulator holds (the demo ones without `emu`)."""
    if emu is None:
        orgs = [{"sandboxes": ["dev", "prod"], **spec} for spec in DEMO_ORGS]
    else:
        with emu.store.tx():
            orgs = emu.store.find("org")
    if not orgs:
        return "No orgs yet (seed 'empty'): create one with POST /_emulator/orgs"
    lines = ["Credentials (IMS at /ims/token/v3, grant_type=client_credentials):"]
    for org in orgs:
        lines.append(
            f"  {org['name']}: imsOrgId={org['imsOrgId']} clientId={org['clientId']} "
            f"clientSecret={org['clientSecret']} region={org['region']} "
            f"sandboxes={','.join(org['sandboxes'])}"
        )
    return "\n".join(lines)
