"""The chaos program: 26 resources wired as the demo stack is, against the demo seed.

12 Packages of acme/dev artifacts (some with their dependencies), 7 of them published (one
PUBLIC), 4 imported into acme/prod, a Handshake acme -> partner that the partner approves
with its own profile, a private Transfer of a journey package to the partner and a public
pull of the consent kit by the partner.
"""

from __future__ import annotations

SCHEMA = "https://ns.adobe.com/acme/schemas/"
MIXIN = "https://ns.adobe.com/acme/mixins/"

#: resource name -> (artifacts, include_dependencies)
PACKAGES: dict[str, tuple[list[dict[str, str]], bool]] = {
    "gold": ([{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}], True),
    "cart": ([{"id": "acme-seg-cart", "type": "PROFILE_SEGMENT"}], True),
    "highvalue": ([{"id": "acme-seg-highvalue", "type": "PROFILE_SEGMENT"}], False),
    "welcome": ([{"id": "acme-jr-gold-welcome", "type": "JOURNEY"}], True),
    "recovery": ([{"id": "acme-jr-cart-recovery", "type": "JOURNEY"}], False),
    "consent": (
        [
            {"id": "acme-policy-email", "type": "DULE_CONSENT_POLICY"},
            {"id": "acme-ns-crm", "type": "ID_NAMESPACE"},
        ],
        False,
    ),
    "datasets": (
        [
            {"id": "acme-ds-loyalty", "type": "CATALOG_DATASET"},
            {"id": "acme-ds-web", "type": "CATALOG_DATASET"},
        ],
        False,
    ),
    "flow": ([{"id": "acme-flow-crm", "type": "FLOW"}], True),
    "schemas": (
        [
            {"id": SCHEMA + "loyalty-profile", "type": "REGISTRY_SCHEMA"},
            {"id": SCHEMA + "web-events", "type": "REGISTRY_SCHEMA"},
        ],
        False,
    ),
    "namespaces": ([{"id": "acme-ns-loyalty", "type": "ID_NAMESPACE"}], False),
    "mixins": (
        [
            {"id": MIXIN + "loyalty-details", "type": "REGISTRY_MIXIN"},
            {"id": MIXIN + "consent-prefs", "type": "REGISTRY_MIXIN"},
        ],
        True,
    ),
    "merge": ([{"id": "acme-mp-default", "type": "PROFILE_MERGE"}], False),
}
PUBLISHED = ["gold", "cart", "welcome", "consent", "datasets", "flow", "merge"]
PUBLIC = {"consent"}
IMPORTED = ["gold", "cart", "datasets", "merge"]
#: Resources of the program, by type.
COUNTS = {
    "Package": len(PACKAGES),
    "PublishedPackage": len(PUBLISHED),
    "ImportJob": len(IMPORTED),
    "Handshake": 1,
    "Transfer": 2,
}
TOTAL = sum(COUNTS.values())


def package_name(key: str) -> str:
    return f"chaos-{key}"


def job_name(key: str) -> str:
    return f"chaos-{key}-to-prod"


def program() -> str:
    """The body of `__main__.py` (after the conftest's import header)."""
    lines = [
        'aep = pulumi.Config("aep")',
        'partner_org_id = pulumi.Config("demo").require("partnerOrgId")',
        'source_org_id = aep.require("orgId")',
        "pkgs = {}",
        "pubs = {}",
        "jobs = {}",
    ]
    for key, (artifacts, deps) in PACKAGES.items():
        lines.append(
            f"pkgs[{key!r}] = Package({key!r}, name={package_name(key)!r}, "
            f"description='chaos {key}', source_sandbox='dev', artifacts={artifacts!r}, "
            f"include_dependencies={deps!r})"
        )
    for key in PUBLISHED:
        vis = ", visibility='PUBLIC'" if key in PUBLIC else ""
        lines.append(
            f"pubs[{key!r}] = PublishedPackage({key + '-published'!r}, "
            f"package_id=pkgs[{key!r}].package_id{vis})"
        )
    for key in IMPORTED:
        lines.append(
            f"jobs[{key!r}] = ImportJob({key + '-to-prod'!r}, "
            f"package_id=pubs[{key!r}].package_id, target_sandbox='prod', "
            f"name={job_name(key)!r}, conflict_policy='use_existing')"
        )
    lines += [
        "link = Handshake('acme-partner-link', target_org_id=partner_org_id,",
        "                 source_org_name='acme', approve_as='partner')",
        "share = Transfer('welcome-to-partner', package_id=pubs['welcome'].package_id,",
        "                 target_org_id=partner_org_id,",
        "                 opts=pulumi.ResourceOptions(depends_on=[link]))",
        "pull = Transfer('partner-pulls-consent', package_id=pubs['consent'].package_id,",
        "                source_org_id=source_org_id, request_type='PUBLIC', org='partner')",
        "pulumi.export('packageIds', {k: p.package_id for k, p in pkgs.items()})",
        "pulumi.export('publishedStatus', {k: p.status for k, p in pubs.items()})",
        "pulumi.export('jobIds', {k: j.job_id for k, j in jobs.items()})",
        "pulumi.export('jobStatus', {k: j.job_status for k, j in jobs.items()})",
        "pulumi.export('handshakeStatus', link.status)",
        "pulumi.export('shareStatus', share.status)",
        "pulumi.export('pullStatus', pull.status)",
        "pulumi.export('transferIds', [share.transfer_id, pull.transfer_id])",
    ]
    return "\n".join(lines) + "\n"
