"""What an import does with each object type (issue 16; docs/emulator.md, "Import semantics"),
one test per rule, read from `GET /tools/job/{jobId}` (the tasks' message statuses, `newId`,
`importReplacementMap`) and from the target sandbox's admin listing:

- an `alternatives` entry comes first (OBJECT_REUSED, whatever the type);
- JOURNEY and EVENT are always created anew, even over the same title or the same id;
- the same id in the target: OBJECT_EXISTS;
- PROFILE_MERGE is never created: the same title, else the target's first, else the job fails;
- REGISTRY_SCHEMA, REGISTRY_MIXIN, PROFILE_SEGMENT, ID_NAMESPACE, DECISION_RULE,
  RANKING_FORMULA are reused by title (case-insensitive, trimmed);
- CHANNEL_CONFIGURATION is reused by title, else skipped (OBJECT_SKIPPED);
- everything else is created anew, `<title>_<epoch ms>` when the target holds one of that
  type and title;
- created objects land in a state (drafts, disabled, secrets replaced);
- a whole-sandbox (FULL) package carries no journeys nor the other AJO types.

The sources: ui-sandbox-tooling.md ("Objects supported for sandbox tooling", the import notes,
"Export and import an entire sandbox"), exim-api-facts.md ("Reuse in the target is decided per
object type") and the import report of the earlier tools page (the message statuses). Before
these rules the emulator reused any object of the same type and title.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import (
    ACME,
    ACME_DEV,
    ACME_ID,
    artifacts_by_id,
    failures,
    now_ms,
    ok,
    outcomes,
    publish,
    published_package,
    wait_job,
)

STATE_FIELDS = ("status", "sourceCredentials", "unifiedProfile", "secrets")


def add(emu: EmulatorProcess, sandbox: str, type_: str, title: str, **extra: Any) -> str:
    """An artifact added through the admin API; its id."""
    return str(emu.add_artifact(ACME, sandbox, {"type": type_, "title": title, **extra})["id"])


def package(
    emu: EmulatorProcess, c: httpx.Client, name: str, ids: list[str], package_type: str = "PARTIAL"
) -> str:
    """A published package of acme/dev artifacts (types read from the source)."""
    dev = artifacts_by_id(emu, ACME, "dev")
    body: dict[str, Any] = {"name": name, "packageType": package_type}
    if package_type == "PARTIAL":
        body["artifacts"] = [{"id": a, "type": dev[a]["type"]} for a in ids]
    pid = str(ok(c.post("/packages", json=body))["id"])
    publish(emu, c, pid)
    return pid


def run(c: httpx.Client, pid: str, sandbox: str = "prod", **extra: Any) -> dict[str, Any]:
    """Import `pid` into acme's `sandbox`; the job's details once it ended."""
    body = {"id": pid, "destinationSandbox": {"name": sandbox, "imsOrgId": ACME_ID}, **extra}
    return wait_job(c, ok(c.post("/packages/import", json=body))["jobId"])


def created(job: dict[str, Any], source: str) -> str:
    """The id of the object the job created for `source` (its task says CREATED)."""
    status, new_id = outcomes(job)[source]
    assert status == "CREATED" and new_id, (source, status, new_id)
    return new_id


def suffixed(title: str, value: str, t0: int, t1: int) -> bool:
    """`value` is `<title>_<epoch ms>` with the ms between t0 and t1."""
    m = re.fullmatch(re.escape(title) + r"_(\d{13})", value)
    return bool(m) and t0 <= int(m.group(1)) <= t1  # type: ignore[union-attr]


# -- alternatives first ----------------------------------------------------------------------
def test_alternatives_come_before_every_type_rule(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    # A journey (else always new), a merge policy (else prod's of the same title) and a
    # namespace whose id exists in the target (else OBJECT_EXISTS), each mapped elsewhere.
    journey = add(emulator, "prod", "JOURNEY", "Some prod journey")
    policy = add(emulator, "prod", "PROFILE_MERGE", "Another merge policy")
    pid = package(emulator, acme, "alts", ["acme-jr-gold-welcome", "acme-mp-default"])
    alternatives = {
        "acme-jr-gold-welcome": {"id": journey, "type": "JOURNEY"},
        "acme-mp-default": {"id": policy, "type": "PROFILE_MERGE"},
    }
    job = run(acme, pid, alternatives=alternatives)
    assert job["jobStatus"] == "SUCCESS", job
    assert outcomes(job) == {
        "acme-jr-gold-welcome": ("OBJECT_REUSED", journey),
        "acme-mp-default": ("OBJECT_REUSED", policy),
    }
    # Into its own source: the namespace exists there, the alternative still wins.
    pid = package(emulator, acme, "alts-dev", ["acme-ns-crm"])
    job = run(acme, pid, sandbox="dev", alternatives={"acme-ns-crm": "acme-ns-loyalty"})
    assert outcomes(job) == {"acme-ns-crm": ("OBJECT_REUSED", "acme-ns-loyalty")}


# -- always new ------------------------------------------------------------------------------
def test_a_journey_is_always_new_even_over_the_same_title(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    live = add(emulator, "prod", "JOURNEY", "Gold Member Welcome", status="LIVE")
    pid = package(emulator, acme, "journey", ["acme-jr-gold-welcome"])
    t0 = now_ms()
    job = run(acme, pid)
    t1 = now_ms()
    assert job["jobStatus"] == "SUCCESS"
    new_id = created(job, "acme-jr-gold-welcome")
    assert new_id not in (live, "acme-jr-gold-welcome")
    prod = artifacts_by_id(emulator, ACME, "prod")
    assert suffixed("Gold Member Welcome", prod[new_id]["title"], t0, t1), prod[new_id]
    assert prod[new_id]["status"] == "DRAFT"
    assert prod[live]["status"] == "LIVE" and prod[live]["title"] == "Gold Member Welcome"


def test_a_journey_is_new_even_where_its_id_exists(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    # Into its own source: the segment (and the rest) exist there; the journey is copied anew.
    pid = package(emulator, acme, "journey-home", ["acme-jr-gold-welcome"])
    job = run(acme, pid, sandbox="dev")
    new_id = created(job, "acme-jr-gold-welcome")
    assert new_id != "acme-jr-gold-welcome"
    others = {s for a, (s, _) in outcomes(job).items() if a != "acme-jr-gold-welcome"}
    assert others == {"OBJECT_EXISTS"}
    dev = artifacts_by_id(emulator, ACME, "dev")
    assert dev[new_id]["dependsOn"] == ["acme-seg-gold"]  # wired to the existing segment
    assert re.fullmatch(r"Gold Member Welcome_\d{13}", dev[new_id]["title"])


def test_an_event_is_always_new(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    event = add(emulator, "dev", "EVENT", "Order Placed")
    twin = add(emulator, "prod", "EVENT", "Order Placed")
    pid = package(emulator, acme, "event", [event])
    new_id = created(run(acme, pid), event)
    assert new_id not in (event, twin)
    assert re.fullmatch(
        r"Order Placed_\d{13}", artifacts_by_id(emulator, ACME, "prod")[new_id]["title"]
    )
    # A new version even into its own source, where the same id exists (never OBJECT_EXISTS).
    again = created(run(acme, pid, sandbox="dev"), event)
    assert again != event
    assert re.fullmatch(
        r"Order Placed_\d{13}", artifacts_by_id(emulator, ACME, "dev")[again]["title"]
    )


# -- the same id -----------------------------------------------------------------------------
def test_the_same_id_in_the_target_exists(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    # prod holds an object under the source's id (an earlier copy kept its id): not created,
    # whatever its title, and no permission is needed for it.
    emulator.add_artifact(
        ACME, "prod", {"id": "acme-policy-email", "type": "DULE_CONSENT_POLICY", "title": "Old"}
    )
    pid = package(emulator, acme, "exists", ["acme-policy-email"])
    before = artifacts_by_id(emulator, ACME, "prod")
    emulator.set_roles(ACME, {"Sandbox": ["view"]})
    job = run(acme, pid)
    assert job["jobStatus"] == "SUCCESS", job
    assert outcomes(job) == {"acme-policy-email": ("OBJECT_EXISTS", "acme-policy-email")}
    assert job["importReplacementMap"] == {"acme-policy-email": "acme-policy-email"}
    assert artifacts_by_id(emulator, ACME, "prod") == before


# -- merge policies --------------------------------------------------------------------------
def test_merge_policy_uses_the_same_title(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    # Another merge policy first, so "the first" and "the same title" differ.
    first = add(emulator, "prod", "PROFILE_MERGE", "First policy")
    emulator.delete_artifact(ACME, "prod", "acme-prod-mp")
    same = add(emulator, "prod", "PROFILE_MERGE", "  default TIME-BASED merge policy ")
    job = run(acme, package(emulator, acme, "mp-title", ["acme-mp-default"]))
    assert outcomes(job) == {"acme-mp-default": ("OBJECT_REUSED", same)}
    assert first != same


def test_merge_policy_falls_back_to_the_targets_first(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    emulator.delete_artifact(ACME, "prod", "acme-prod-mp")
    first = add(emulator, "prod", "PROFILE_MERGE", "Zeta policy")
    add(emulator, "prod", "PROFILE_MERGE", "Alpha policy")
    before = artifacts_by_id(emulator, ACME, "prod")
    job = run(acme, package(emulator, acme, "mp-first", ["acme-seg-cart"]))
    assert job["jobStatus"] == "SUCCESS", job
    assert outcomes(job)["acme-mp-default"] == ("OBJECT_REUSED", first)
    prod = artifacts_by_id(emulator, ACME, "prod")
    seg = prod[job["importReplacementMap"]["acme-seg-cart"]]
    assert first in seg["dependsOn"]
    merge = [a for a in prod.values() if a["type"] == "PROFILE_MERGE"]
    assert len(merge) == 2 == len([a for a in before.values() if a["type"] == "PROFILE_MERGE"])


def test_merge_policy_with_none_in_the_target_fails_the_job(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    emulator.delete_artifact(ACME, "prod", "acme-prod-mp")
    # An object of another type with the policy's title is no merge policy.
    add(emulator, "prod", "PROFILE_SEGMENT", "Default Time-based Merge Policy")
    before = artifacts_by_id(emulator, ACME, "prod")
    job = run(acme, package(emulator, acme, "mp-none", ["acme-seg-gold"]))
    assert job["jobStatus"] == "FAILED"
    got = failures(job)
    assert list(got) == ["acme-mp-default"], got
    assert job["failedTasks"][0]["artifact"]["type"] == "PROFILE_MERGE"
    assert job["completedTasks"] == [] and job["importReplacementMap"] == {}
    assert artifacts_by_id(emulator, ACME, "prod") == before  # nothing created, no policy


# -- reused by title -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "type_",
    [
        "REGISTRY_SCHEMA",
        "REGISTRY_MIXIN",
        "PROFILE_SEGMENT",
        "ID_NAMESPACE",
        "DECISION_RULE",
        "RANKING_FORMULA",
    ],
)
def test_reused_by_title(emulator: EmulatorProcess, acme: httpx.Client, type_: str) -> None:
    source = add(emulator, "dev", type_, "Shared Thing")
    # Same title, other type (first): not it. Same type, title in another case and spacing: it.
    add(emulator, "prod", "REGISTRY_CLASS", "Shared Thing")
    twin = add(emulator, "prod", type_, "  shared THING ")
    before = artifacts_by_id(emulator, ACME, "prod")
    emulator.set_roles(ACME, {"Sandbox": ["view"]})  # reuse needs no permission
    job = run(acme, package(emulator, acme, f"reuse-{type_}", [source]))
    assert job["jobStatus"] == "SUCCESS", job
    assert outcomes(job) == {source: ("OBJECT_REUSED", twin)}
    assert job["importReplacementMap"] == {source: twin}
    assert artifacts_by_id(emulator, ACME, "prod") == before


@pytest.mark.parametrize("type_", ["REGISTRY_SCHEMA", "PROFILE_SEGMENT", "ID_NAMESPACE"])
def test_reused_by_title_only_on_the_same_title(
    emulator: EmulatorProcess, acme: httpx.Client, type_: str
) -> None:
    source = add(emulator, "dev", type_, "Shared Thing")
    add(emulator, "prod", type_, "Shared Thing v2")  # similar is not the same
    job = run(acme, package(emulator, acme, f"similar-{type_}", [source]))
    new_id = created(job, source)
    assert artifacts_by_id(emulator, ACME, "prod")[new_id]["title"] == "Shared Thing"


# -- channel configurations ------------------------------------------------------------------
def test_channel_configuration_reused_by_title_or_skipped(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    email = add(emulator, "dev", "CHANNEL_CONFIGURATION", "Email channel")
    push = add(emulator, "dev", "CHANNEL_CONFIGURATION", "Push channel")
    campaign = add(emulator, "dev", "CAMPAIGN", "Spring sale", dependsOn=[email, push])
    prod_email = add(emulator, "prod", "CHANNEL_CONFIGURATION", "EMAIL channel")
    before = artifacts_by_id(emulator, ACME, "prod")
    job = run(acme, package(emulator, acme, "campaign", [campaign]))
    assert job["jobStatus"] == "SUCCESS", job
    got = outcomes(job)
    assert got[email] == ("OBJECT_REUSED", prod_email)
    # No identical configuration: skipped, a successful task without a new id, mapped to
    # nothing, created nowhere (a person sets it up in the target).
    assert got[push] == ("OBJECT_SKIPPED", None)
    assert push not in job["importReplacementMap"]
    [skipped] = [t for t in job["completedTasks"] if t["artifact"]["id"] == push]
    assert skipped["taskStatus"] == "SUCCESS"
    assert "newId" not in skipped["artifact"]
    prod = artifacts_by_id(emulator, ACME, "prod")
    channels = [a for a in prod.values() if a["type"] == "CHANNEL_CONFIGURATION"]
    assert [a["id"] for a in channels] == [prod_email]
    # The campaign is created, wired to the reused configuration.
    new_campaign = created(job, campaign)
    assert new_campaign not in before
    assert set(prod[new_campaign]["dependsOn"]) & set(prod) == {prod_email}


# -- created anew ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "type_",
    [
        "REGISTRY_CLASS",
        "REGISTRY_DATATYPE",
        "CATALOG_DATASET",
        "DULE_CONSENT_POLICY",
        "FLOW",
        "MAPPING_SET",
        "CAMPAIGN",
        "CUSTOM_ACTION",
        "CONTENT_TEMPLATE",
        "FRAGMENT",
        "SOME_FUTURE_TYPE",
    ],
)
def test_everything_else_is_created_anew(
    emulator: EmulatorProcess, acme: httpx.Client, type_: str
) -> None:
    source = add(emulator, "dev", type_, "Twin")
    twin = add(emulator, "prod", type_, "Twin")
    pid = package(emulator, acme, f"new-{type_}", [source])
    t0 = now_ms()
    job = run(acme, pid)
    t1 = now_ms()
    assert job["jobStatus"] == "SUCCESS", job
    new_id = created(job, source)
    assert new_id not in (source, twin)
    prod = artifacts_by_id(emulator, ACME, "prod")
    assert prod[new_id]["type"] == type_
    assert suffixed("Twin", prod[new_id]["title"], t0, t1), prod[new_id]
    assert prod[twin]["title"] == "Twin"


def test_epoch_suffix_only_when_the_target_has_that_type_and_title(
    emulator: EmulatorProcess, acme: httpx.Client
) -> None:
    taken = add(emulator, "dev", "REGISTRY_CLASS", "Taken")
    free = add(emulator, "dev", "REGISTRY_CLASS", "Free")
    cased = add(emulator, "dev", "REGISTRY_CLASS", "Cased")
    add(emulator, "prod", "REGISTRY_CLASS", "Taken")
    add(emulator, "prod", "REGISTRY_DATATYPE", "Free")  # another type: not taken
    add(emulator, "prod", "REGISTRY_CLASS", " cASED ")  # case and spaces: taken
    t0 = now_ms()
    job = run(acme, package(emulator, acme, "suffix", [taken, free, cased]))
    t1 = now_ms()
    prod = artifacts_by_id(emulator, ACME, "prod")
    titles = {src: prod[new]["title"] for src, (_, new) in outcomes(job).items() if new}
    assert suffixed("Taken", titles[taken], t0, t1), titles
    assert titles[free] == "Free"
    assert suffixed("Cased", titles[cased], t0, t1), titles


# -- where created objects land --------------------------------------------------------------
@pytest.mark.parametrize(
    ("type_", "state"),
    [
        ("JOURNEY", {"status": "DRAFT"}),
        ("FLOW", {"status": "DRAFT", "sourceCredentials": "NOT_COPIED"}),
        ("DULE_CONSENT_POLICY", {"status": "DISABLED"}),
        ("CATALOG_DATASET", {"unifiedProfile": "DISABLED"}),
        ("REGISTRY_SCHEMA", {"unifiedProfile": "DISABLED"}),
        ("CUSTOM_ACTION", {"secrets": "REPLACED"}),
        ("CAMPAIGN", {"status": "DRAFT"}),
        ("REGISTRY_CLASS", {}),
        ("ID_NAMESPACE", {}),
        ("PROFILE_SEGMENT", {}),
        ("MAPPING_SET", {}),
    ],
)
def test_created_objects_land_in_their_state(
    emulator: EmulatorProcess, acme: httpx.Client, type_: str, state: dict[str, str]
) -> None:
    source = add(emulator, "dev", type_, f"Landing {type_}")
    job = run(acme, package(emulator, acme, f"land-{type_}", [source]))
    new_id = created(job, source)
    copy = artifacts_by_id(emulator, ACME, "prod")[new_id]
    assert {k: copy[k] for k in STATE_FIELDS if k in copy} == state
    # The source keeps its own (none).
    assert not set(STATE_FIELDS) & set(artifacts_by_id(emulator, ACME, "dev")[source])


def test_a_reused_object_keeps_its_state(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    # A schema reused by title stays enabled for profile (only created ones land disabled).
    twin = add(emulator, "prod", "REGISTRY_SCHEMA", "Loyalty Profile Schema")
    ok(
        emulator.http.patch(
            f"/_emulator/orgs/{ACME}/sandboxes/prod/artifacts/{twin}", json={"status": "ENABLED"}
        )
    )
    pid = package(emulator, acme, "kept", ["https://ns.adobe.com/acme/schemas/loyalty-profile"])
    job = run(acme, pid)
    assert outcomes(job)["https://ns.adobe.com/acme/schemas/loyalty-profile"] == (
        "OBJECT_REUSED",
        twin,
    )
    kept = artifacts_by_id(emulator, ACME, "prod")[twin]
    assert kept["status"] == "ENABLED" and "unifiedProfile" not in kept


# -- whole-sandbox packages ------------------------------------------------------------------
NOT_IN_FULL = [
    "JOURNEY",
    "CAMPAIGN",
    "CUSTOM_ACTION",
    "CONTENT_TEMPLATE",
    "FRAGMENT",
    "EVENT",
    "CHANNEL_CONFIGURATION",
    "DECISION_RULE",
    "RANKING_FORMULA",
]


def test_a_full_package_carries_no_journeys(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    # acme/dev holds two journeys; add one object of every other AJO type.
    for type_ in NOT_IN_FULL[1:]:
        add(emulator, "dev", type_, f"AJO {type_}")
    cdp = {aid for aid, (typ, _, _) in ACME_DEV.items() if typ not in NOT_IN_FULL}
    draft = ok(acme.post("/packages", json={"name": "whole", "packageType": "FULL"}))
    # Preflight and children answer for what the package carries, draft or published.
    pre = ok(acme.get(f"/packages/preflight/{draft['id']}?targetSandbox=prod"))
    assert {e["artifactID"] for e in pre["permissionResponse"]} == cdp
    publish(emulator, acme, draft["id"])
    pre = ok(acme.get(f"/packages/preflight/{draft['id']}?targetSandbox=prod"))
    assert {e["artifactID"] for e in pre["permissionResponse"]} == cdp
    kids = ok(acme.post(f"/packages/{draft['id']}/children"))
    assert {e["id"] for e in kids} == cdp
    # Imported into a sandbox of its own (with a merge policy to use: none is ever created).
    ok(emulator.http.post(f"/_emulator/orgs/{ACME}/sandboxes", json={"name": "qa"}), 201)
    policy = add(emulator, "qa", "PROFILE_MERGE", "QA default")
    job = run(acme, draft["id"], sandbox="qa")
    assert job["jobStatus"] == "SUCCESS", job
    got = outcomes(job)
    assert set(got) == cdp
    assert got["acme-mp-default"] == ("OBJECT_REUSED", policy)
    qa = artifacts_by_id(emulator, ACME, "qa")
    assert not {a["type"] for a in qa.values()} & set(NOT_IN_FULL)
    assert len(qa) == len(cdp)  # the policy, and every other CDP object created


def test_a_partial_package_carries_journeys(emulator: EmulatorProcess, acme: httpx.Client) -> None:
    # The same journey in a PARTIAL package is imported (the FULL rule only).
    p = published_package(emulator, acme, "partial-journey", ["acme-jr-cart-recovery"])
    job = run(acme, p["id"])
    assert outcomes(job)["acme-jr-cart-recovery"][0] == "CREATED"
