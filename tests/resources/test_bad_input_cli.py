"""Bad input through the real CLI: `pulumi preview` fails naming the input and its fix, and no
call writes anything to the platform.

The engine stops a preview at the first resource whose check fails, so each case is its own
program (one bad resource beside good ones); the cases share one emulator and one stack, which
a failed preview leaves unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.engine import E2E, e2e_world

pytestmark = pytest.mark.e2e

GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
PKG_ID = "0123456789abcdef0123456789abcdef"
PARTNER_ORG = "PRTN0000000000000000B002@AdobeOrg"
ACME_ORG = "ACME0000000000000000A001@AdobeOrg"

#: Good resources every program holds, so a case shows the bad one is found among others.
GOOD = f"""
good = Package("good", name="good-pkg", artifacts=[{GOLD!r}])
pub = PublishedPackage("good-pub", package_id=good.package_id)
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, pulumi_bin: str) -> Iterator[E2E]:
    with e2e_world(tmp_path_factory.mktemp("bad-input"), pulumi_bin) as w:
        yield w


# (what the case shows, the bad resource, its type and name, the property, a piece of the fix)
CASES: list[tuple[str, str, str, str, str]] = [
    (
        "newline-in-package-name",
        f'Package("bad", name="dev\\naudiences", artifacts=[{GOLD!r}])',
        "Package resource 'bad'",
        "name",
        "use one line of printable text, e.g. 'dev audiences'",
    ),
    (
        "package-name-too-long",
        f'Package("bad", name="p" * 300, artifacts=[{GOLD!r}])',
        "Package resource 'bad'",
        "name",
        "over the limit of 256: shorten it",
    ),
    (
        "package-name-with-trailing-space",
        f'Package("bad", name="dev-audiences ", artifacts=[{GOLD!r}])',
        "Package resource 'bad'",
        "name",
        "use 'dev-audiences'",
    ),
    (
        "misnamed-artifact-key",
        'Package("bad", name="b", artifacts=[{"id": "acme-seg-gold", "kind": "PROFILE_SEGMENT"}])',
        "Package resource 'bad'",
        "artifacts[0].kind",
        "'kind' is not a key of an artifact: rename it to 'type'",
    ),
    (
        "artifact-type-typo-beside-an-unknown-id",
        'Package("bad", name="b", artifacts=[{"id": pub.package_id, "type": "PROFILE_SEGMNT"}])',
        "Package resource 'bad'",
        "artifacts[0].type",
        "did you mean 'PROFILE_SEGMENT'?",
    ),
    (
        "expiry-in-the-past",
        f'Package("bad", name="b", artifacts=[{GOLD!r}], expiry="2001-01-01")',
        "Package resource 'bad'",
        "expiry",
        "is in the past: give a future date",
    ),
    (
        "flag-given-as-text",
        f'Package("bad", name="b", artifacts=[{GOLD!r}], include_dependencies="yes")',
        "Package resource 'bad'",
        "include_dependencies",
        "write True or False (without quotes)",
    ),
    (
        "package-name-instead-of-id",
        'PublishedPackage("bad", package_id="good-pkg")',
        "PublishedPackage resource 'bad'",
        "package_id",
        "pass a Package's or a PublishedPackage's package_id output",
    ),
    (
        "zero-expiry-period",
        'PublishedPackage("bad", package_id=good.package_id, expiry_period_days=0)',
        "PublishedPackage resource 'bad'",
        "expiry_period_days",
        "must be at least 1 day",
    ),
    (
        "alternative-without-type",
        'ImportJob("bad", package_id=pub.package_id, target_sandbox="prod", '
        'alternatives={"acme-seg-gold": {"id": "acme-seg-gold-prod"}})',
        "ImportJob resource 'bad'",
        "alternatives.acme-seg-gold.type",
        "alternatives.acme-seg-gold.type is required: give the artifact's type",
    ),
    (
        "escape-sequence-in-job-name",
        'ImportJob("bad", package_id=pub.package_id, target_sandbox="prod", name="\\x1b[31mjob")',
        "ImportJob resource 'bad'",
        "name",
        "contains an escape character (U+001B)",
    ),
    (
        "policy-in-the-wrong-case",
        'ImportJob("bad", package_id=pub.package_id, target_sandbox="prod", '
        'conflict_policy="USE_EXISTING")',
        "ImportJob resource 'bad'",
        "conflict_policy",
        "'USE_EXISTING' is not a valid conflict_policy: use 'use_existing'",
    ),
    (
        "profile-name-instead-of-org-id",
        'Handshake("bad", target_org_id="partner")',
        "Handshake resource 'bad'",
        "target_org_id",
        f"use its orgId '{PARTNER_ORG}'",
    ),
    (
        "tab-in-source-org-name",
        f'Handshake("bad", target_org_id="{PARTNER_ORG}", source_org_name="Acme\\tCorp")',
        "Handshake resource 'bad'",
        "source_org_name",
        "contains a tab (U+0009)",
    ),
    (
        "request-type-in-lower-case",
        f'Transfer("bad", package_id=pub.package_id, request_type="public", '
        f'source_org_id="{PARTNER_ORG}")',
        "Transfer resource 'bad'",
        "request_type",
        "'public' is not a valid request_type: use 'PUBLIC'",
    ),
    (
        "transfer-to-its-own-org",
        f'Transfer("bad", package_id=pub.package_id, target_org_id="{ACME_ORG}")',
        "Transfer resource 'bad'",
        "target_org_id",
        "give the id of the org to share with",
    ),
]


@pytest.mark.parametrize(
    ("resource", "prop", "fix", "source"),
    [(c[2], c[3], c[4], c[1]) for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_preview_refuses_the_bad_input_naming_it_and_writes_nothing(
    world: E2E, resource: str, prop: str, fix: str, source: str
) -> None:
    world.write_program(GOOD + source + "\n")
    since = world.last_seq()
    res = world.stack.preview(check=False)
    out = res.stdout + res.stderr
    assert res.code != 0, out
    assert f"{resource}: property {prop} value" in out, out
    assert fix in out, out
    # One failure for one mistake (the diagnostics list each failure once).
    diagnostics = out.partition("Diagnostics:")[2]
    assert diagnostics.count("has a problem:") == 1, out
    assert world.writes(since) == []
    assert world.packages() == []


def test_unknown_values_pass_the_preview_untouched(world: E2E) -> None:
    # A nested unknown (an alternative's id) and a whole unknown (an org id computed from an
    # output) are not judged at preview: the preview succeeds, and writes nothing.
    partner = repr(PARTNER_ORG)
    world.write_program(
        GOOD
        + "ImportJob(\n"
        + '    "job",\n'
        + "    package_id=pub.package_id,\n"
        + '    target_sandbox="prod",\n'
        + '    alternatives={"acme-seg-gold": {"id": good.package_id, "type": "PROFILE_MERGE"}},\n'
        + ")\n"
        + 'Transfer("share", package_id=pub.package_id, '
        + f"target_org_id=good.ims_org_id.apply(lambda _: {partner}))\n"
    )
    since = world.last_seq()
    res = world.stack.preview(check=False)
    assert res.code == 0, res.stdout + res.stderr
    assert "has a problem" not in res.stdout + res.stderr
    assert world.writes(since) == []
