"""What `generate` declares and what it leaves out, from records (no API): each case the
resources can't adopt with no write and no later change is left out with its reason, and
what is declared refers to what it depends on."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

from sandbox_provider.generate.discover import (
    FoundArtifact,
    FoundHandshake,
    FoundJob,
    FoundOrg,
    FoundPackage,
    FoundTransfer,
)
from sandbox_provider.generate.plan import Declaration, Plan, expiry_period_days, make_plan
from sandbox_provider.generate.pyformat import Ref
from sandbox_provider.generate.render import main_py, pulumi_yaml, readme

ORG = "ACME0000000000000000A001@AdobeOrg"
PARTNER = "PRTN0000000000000000B002@AdobeOrg"
DAY = 86_400_000
NOW = 1_800_000_000_000

PUBLISHED = FoundPackage(
    id="a" * 32,
    name="Dev Audiences",
    description=None,
    package_type="PARTIAL",
    source_sandbox="dev",
    status="PUBLISHED",
    visibility="PRIVATE",
    artifacts=(FoundArtifact("acme-seg-gold", "PROFILE_SEGMENT", "Gold"),),
    expiry=NOW + 30 * DAY,
    publish_date=NOW - 60 * DAY,
    owner_org_id=ORG,
)
JOB = FoundJob(
    id="j1", name="to-prod", package_id=PUBLISHED.id, target_sandbox="prod", status="SUCCESS"
)
LINK = FoundHandshake("L1", "h1", "OUTGOING", "APPROVED", ORG, PARTNER, "acme", "partner")
SHARE = FoundTransfer("t1", PUBLISHED.id, "Dev Audiences", "PRIVATE", "COMPLETED", ORG, PARTNER)


def plan_of(**parts: object) -> Plan:
    found = FoundOrg(org_id=ORG)
    for key, value in parts.items():
        setattr(found, key, value)
    return make_plan(found, now_ms=NOW)


def by_name(plan: Plan) -> dict[str, Declaration]:
    return {d.name: d for d in plan.declarations}


def reasons(plan: Plan) -> list[str]:
    return [f"{item.what}: {item.why}" for item in plan.left_out]


def test_a_published_package_its_import_and_its_share_refer_to_each_other() -> None:
    plan = plan_of(packages=[PUBLISHED], jobs=[JOB], handshakes=[LINK], transfers=[SHARE])
    decls = by_name(plan)
    assert list(decls) == [
        "link-partner",
        "dev-audiences",
        "dev-audiences-published",
        "dev-audiences-to-prod",
        "dev-audiences-share-partner",
    ]
    pub = dict(decls["dev-audiences-published"].kwargs)
    assert pub["package_id"] == Ref("dev_audiences.package_id")
    assert pub["expiry_period_days"] == 90
    assert dict(decls["dev-audiences-to-prod"].kwargs)["package_id"] == Ref(
        "dev_audiences_published.package_id"
    )
    share = decls["dev-audiences-share-partner"]
    assert dict(share.kwargs)["package_id"] == Ref("dev_audiences_published.package_id")
    assert share.depends_on == ["link_partner"]
    assert decls["dev-audiences"].retain and not share.retain
    assert plan.left_out == []


def test_expired_packages_copies_and_empty_drafts_are_left_out_with_what_needs_them() -> None:
    expired = replace(PUBLISHED, expiry=NOW - DAY)
    copy = replace(PUBLISHED, id="c" * 32, name="theirs", owner_org_id=PARTNER)
    empty = replace(PUBLISHED, id="e" * 32, name="empty", status="DRAFT", artifacts=())
    plan = plan_of(packages=[expired, copy, empty], jobs=[JOB], transfers=[SHARE])
    assert plan.declarations == []
    text = "\n".join(reasons(plan))
    assert f"package 'Dev Audiences' ({'a' * 32}): expired on" in text
    assert f"a copy received from org {PARTNER}" in text
    assert "a PARTIAL package without artifacts" in text
    assert f"import job 'to-prod' (j1): its package {'a' * 32} is left out" in text
    assert f"transfer t1 of package 'Dev Audiences': its package {'a' * 32} is left out" in text


def test_failed_jobs_and_transfers_rejected_and_incoming_links_are_left_out() -> None:
    failed_job = replace(JOB, id="j2", name="to-nowhere", status="FAILED", failure_reason="nope")
    failed_share = replace(SHARE, id="t2", status="FAILED")
    rejected = replace(LINK, linking_id="L2", status="REJECTED")
    incoming = FoundHandshake("L3", "h3", "INCOMING", "APPROVAL_PENDING", PARTNER, ORG)
    plan = plan_of(
        packages=[PUBLISHED],
        jobs=[failed_job],
        handshakes=[rejected, incoming],
        transfers=[failed_share],
    )
    assert sorted(by_name(plan)) == ["dev-audiences", "dev-audiences-published"]
    text = "\n".join(reasons(plan))
    assert "import job 'to-nowhere' (j2): it ended FAILED (nope) and imported nothing" in text
    assert "transfer t2 of package 'Dev Audiences': it ended FAILED" in text
    assert f"handshake L2 with org {PARTNER}: it is REJECTED" in text
    assert f"incoming handshake L3 from org {PARTNER}" in text


def test_a_failed_publication_keeps_the_package_and_says_why_there_is_no_publication() -> None:
    plan = plan_of(packages=[replace(PUBLISHED, status="PUBLISH_FAILED")])
    assert [d.kind for d in plan.declarations] == ["Package"]
    assert "its publish failed" in reasons(plan)[0]


def test_a_pull_by_this_org_is_declared_and_a_pull_by_another_is_not() -> None:
    ours = FoundTransfer("t3", "f" * 32, "kit", "PUBLIC", "COMPLETED", PARTNER, ORG)
    theirs = FoundTransfer("t4", PUBLISHED.id, "Dev Audiences", "PUBLIC", "COMPLETED", ORG, PARTNER)
    plan = plan_of(packages=[PUBLISHED], transfers=[ours, theirs])
    pull = by_name(plan)["pull-kit"]
    # Another org's package: named by its id, the only handle this program has on it.
    assert dict(pull.kwargs) == {
        "package_id": "f" * 32,
        "request_type": "PUBLIC",
        "source_org_id": PARTNER,
    }
    assert f"org {PARTNER} pulled it" in "\n".join(reasons(plan))


def test_packages_of_sandboxes_not_asked_for_are_counted_not_declared() -> None:
    found = FoundOrg(org_id=ORG, sandboxes=("prod",), other_sandbox_packages=[PUBLISHED])
    found.jobs, found.transfers = [JOB], [SHARE]
    plan = make_plan(found, now_ms=NOW)
    assert plan.declarations == [] and plan.left_out == []
    assert plan.not_asked == [
        "1 package(s) of sandbox(es) dev, with 1 import job(s) and 1 transfer(s): not asked "
        "for (--sandbox)"
    ]


def test_two_packages_with_the_same_slug_get_distinct_names() -> None:
    other = replace(PUBLISHED, id="b" * 32, name="dev audiences", status="DRAFT")
    names = [d.name for d in plan_of(packages=[PUBLISHED, other]).declarations]
    assert names == ["dev-audiences", "dev-audiences-published", "dev-audiences-2"]


def test_expiry_period_only_when_it_is_whole_days() -> None:
    assert expiry_period_days(PUBLISHED) == 90
    assert expiry_period_days(replace(PUBLISHED, expiry=NOW + 30 * DAY + 1)) is None
    assert expiry_period_days(replace(PUBLISHED, publish_date=None)) is None


def test_files_name_the_org_but_no_credential() -> None:
    plan = plan_of(packages=[PUBLISHED])
    settings = {"platform_url": "https://platform.adobe.io", "org_id": ORG, "sandbox": "dev"}
    yaml_text = pulumi_yaml(plan, "acme", "/venv", settings)
    assert f'aep:orgId: "{ORG}"' in yaml_text and 'virtualenv: "/venv"' in yaml_text
    assert "clientId" not in yaml_text and "Secret" not in yaml_text
    assert "export AEP_CLIENT_SECRET=..." in readme(plan, "acme")
    program = main_py(plan)
    assert "from sandbox_provider import Package, PublishedPackage\n" in program
    compile(program, "__main__.py", "exec")


def test_an_empty_org_still_gives_a_program_that_runs() -> None:
    program = main_py(plan_of())
    assert "from sandbox_provider" not in program  # nothing imported that isn't used
    assert 'pulumi.export("package_ids", {})' in program
    assert "Nothing: the org holds no object" in readme(plan_of(), "acme")


def test_the_command_loads_rich_only_when_it_generates() -> None:
    code = (
        "import json, sys; import sandbox_provider, sandbox_provider.cli, "
        "sandbox_provider.generate; print(json.dumps(sorted(sys.modules)))"
    )
    modules = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    assert not [m for m in modules if m == "rich" or m.startswith("rich.")]
