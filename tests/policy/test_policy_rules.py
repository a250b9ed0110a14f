"""The policy pack's rules (policy/aep_rules.py) as plain functions: each rule on both
spellings of the resources, its config, and what it does with a value not known at preview.

The pack itself needs pulumi-policy, which lives in the pack's own environment, not in this
one; the rules import nothing of it, so these cases run in the fast tier, and
test_policy_pack.py shows the pack refusing previews through the engine."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

_PATH = Path(__file__).resolve().parents[2] / "policy" / "aep_rules.py"
_spec = importlib.util.spec_from_file_location("aep_rules", _PATH)
assert _spec is not None and _spec.loader is not None
rules: Any = importlib.util.module_from_spec(_spec)
sys.modules["aep_rules"] = rules  # dataclasses look their module up by name
_spec.loader.exec_module(rules)

UNKNOWN = rules.UNKNOWN
PATHS = {"dynamic": "pulumi-python:dynamic/aep:", "plugin": "aep:index:"}


@pytest.fixture(params=list(PATHS))
def path(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def t(path: str, kind: str) -> str:
    return PATHS[path] + kind


def k(path: str, snake: str) -> str:
    """An input as the path's resources spell it."""
    return str(rules.camel(snake)) if path == "plugin" else snake


def props(path: str, **values: Any) -> dict[str, Any]:
    return {k(path, name): value for name, value in values.items()}


def res(
    path: str,
    kind: str,
    label: str,
    deps: Mapping[str, Sequence[str]] | None = None,
    /,
    parent: str | None = None,
    **values: Any,
) -> Any:
    """A resource of the stack named `label`; `values` its properties (`name` among them)."""
    type_ = t(path, kind)
    return rules.Resource(
        urn=f"urn:pulumi:s::p::{type_}::{label}",
        type=type_,
        props=props(path, **values),
        property_dependencies={k(path, key): v for key, v in (deps or {}).items()},
        parent=parent,
    )


# -- expiry ----------------------------------------------------------------------------------------
def test_expiry_within_the_maximum_passes_and_beyond_names_the_input(path: str) -> None:
    pub = t(path, "PublishedPackage")
    assert rules.expiry_violation(pub, props(path, expiry_period_days=90), 90) is None
    message = rules.expiry_violation(pub, props(path, expiry_period_days=365.0), 90)
    key = k(path, "expiry_period_days")
    assert message == (
        f"{key}=365 is more than this pack's maxExpiryDays (90): set {key} to 90 or fewer"
    )


def test_expiry_left_out_is_the_platforms_90_days(path: str) -> None:
    pub = t(path, "PublishedPackage")
    assert rules.expiry_violation(pub, {}, rules.DEFAULT_MAX_EXPIRY_DAYS) is None
    message = rules.expiry_violation(pub, {}, 30)
    assert "left out, so the platform's 90 days apply" in message


def test_expiry_unknown_at_preview_waits_for_up(path: str) -> None:
    pub = t(path, "PublishedPackage")
    pending = rules.expiry_violation(pub, props(path, expiry_period_days=UNKNOWN), 90)
    assert pending == rules.Pending(k(path, "expiry_period_days"))


def test_expiry_of_other_resources_is_not_checked(path: str) -> None:
    assert rules.expiry_violation(t(path, "Package"), {"expiry": 10**13}, 1) is None
    assert rules.expiry_violation("aws:s3/bucket:Bucket", {"expiry_period_days": 999}, 1) is None


# -- conflicts in protected sandboxes --------------------------------------------------------------
PROTECTED = frozenset({"prod"})


def test_protected_import_needs_fail_or_alternatives(path: str) -> None:
    job = t(path, "ImportJob")

    def check(**values: Any) -> Any:
        return rules.conflicts_violation(job, props(path, **values), PROTECTED)

    assert check(target_sandbox="prod") is None  # the default conflict_policy is "fail"
    assert check(target_sandbox="prod", conflict_policy="fail") is None
    alternatives = {"a": {"id": "b", "type": "PROFILE_SEGMENT"}}
    assert (
        check(target_sandbox="prod", conflict_policy="create_new", alternatives=alternatives)
        is None
    )
    assert check(target_sandbox="staging", conflict_policy="use_existing") is None
    message = check(target_sandbox="Prod", conflict_policy="use_existing", alternatives={})
    tk, pk, ak = (k(path, n) for n in ("target_sandbox", "conflict_policy", "alternatives"))
    assert message.startswith(f"{tk}='Prod' is a protected sandbox")
    assert f"set {pk}='fail', or map each conflicting artifact in {ak}" in message


def test_protected_import_decides_without_what_it_does_not_need(path: str) -> None:
    job = t(path, "ImportJob")

    def check(**values: Any) -> Any:
        return rules.conflicts_violation(job, props(path, **values), PROTECTED)

    assert check(target_sandbox=UNKNOWN, conflict_policy="fail") is None
    assert check(target_sandbox="dev", conflict_policy=UNKNOWN) is None
    pending = check(target_sandbox=UNKNOWN, conflict_policy="use_existing")
    assert pending == rules.Pending(k(path, "target_sandbox"))


def test_protected_import_reads_the_synonyms_of_the_dynamic_inputs() -> None:
    job = t("dynamic", "ImportJob")
    message = rules.conflicts_violation(job, {"sandbox": "prod", "policy": "create_new"}, PROTECTED)
    assert message and "protected sandbox" in message


def test_config_reads_names_and_defaults() -> None:
    assert rules.sandboxes({}) == {"prod"}
    assert rules.sandboxes({"protectedSandboxes": ["Prod", "staging"]}) == {"prod", "staging"}
    assert rules.names({"publicPackages": ["a"]}, "publicPackages") == {"a"}
    assert rules.names({}, "publicPackages") == set()
    assert rules.max_expiry_days({}) == 90 and rules.max_expiry_days({"maxExpiryDays": 7}) == 7


# -- PUBLIC publications ---------------------------------------------------------------------------
def published(path: str, visibility: Any, name: Any = "audiences") -> list[Any]:
    pkg = res(path, "Package", "pkg", name=name, package_type="PARTIAL")
    pub = res(path, "PublishedPackage", "pub", {"package_id": [pkg.urn]}, visibility=visibility)
    return [pkg, pub]


def test_public_is_refused_unless_the_package_is_listed(path: str) -> None:
    stack = published(path, "PUBLIC")
    [violation] = rules.public_violations(stack, frozenset())
    assert violation.urn == stack[1].urn
    key = k(path, "visibility")
    assert f"publishes package 'audiences' with {key}='PUBLIC'" in violation.message
    assert f"set {key}='PRIVATE'" in violation.message
    assert rules.public_violations(stack, frozenset({"audiences"})) == []
    assert rules.public_violations(published(path, "PRIVATE"), frozenset()) == []
    assert rules.public_violations(published(path, None), frozenset()) == []  # default PRIVATE


def test_public_of_a_package_from_elsewhere_is_listed_by_id(path: str) -> None:
    pub = res(path, "PublishedPackage", "pub", package_id="pkg-123", visibility="PUBLIC")
    assert len(rules.public_violations([pub], frozenset())) == 1
    assert rules.public_violations([pub], frozenset({"pkg-123"})) == []


def test_public_unknown_at_preview_is_refused_unless_listed(path: str) -> None:
    [violation] = rules.public_violations(published(path, UNKNOWN), frozenset())
    assert "is not known before the update" in violation.message
    assert rules.public_violations(published(path, UNKNOWN), frozenset({"audiences"})) == []
    [violation] = rules.public_violations(published(path, "PUBLIC", UNKNOWN), frozenset({"x"}))
    assert "(not known yet)" in violation.message


# -- FULL packages in protected sandboxes ----------------------------------------------------------
def imported(path: str, package_type: Any, target: Any = "prod") -> list[Any]:
    pkg = res(path, "Package", "pkg", name="whole-dev", package_type=package_type)
    pub = res(path, "PublishedPackage", "pub", {"package_id": [pkg.urn]})
    job = res(path, "ImportJob", "job", {"package_id": [pub.urn]}, target_sandbox=target)
    return [pkg, pub, job]


def test_full_into_protected_is_refused_through_the_published_package(path: str) -> None:
    stack = imported(path, "FULL")
    [violation] = rules.full_package_violations(stack, PROTECTED, frozenset())
    assert violation.urn == stack[2].urn
    assert f"a {k(path, 'package_type')}='FULL' package" in violation.message
    assert f"into protected sandbox 'prod' ({k(path, 'target_sandbox')})" in violation.message
    assert rules.full_package_violations(imported(path, "PARTIAL"), PROTECTED, set()) == []
    assert rules.full_package_violations(imported(path, None), PROTECTED, set()) == []
    assert rules.full_package_violations(imported(path, "FULL", "dev"), PROTECTED, set()) == []


def test_full_unknowns_at_preview_are_refused_when_they_decide(path: str) -> None:
    [violation] = rules.full_package_violations(imported(path, UNKNOWN), PROTECTED, set())
    assert "is not known before the update" in violation.message
    [violation] = rules.full_package_violations(imported(path, "FULL", UNKNOWN), PROTECTED, set())
    assert "can't tell that it isn't protected" in violation.message
    assert rules.full_package_violations(imported(path, "PARTIAL", UNKNOWN), PROTECTED, set()) == []
    assert rules.full_package_violations(imported(path, UNKNOWN, "dev"), PROTECTED, set()) == []


def test_full_of_a_package_from_elsewhere_needs_listing(path: str) -> None:
    job = res(path, "ImportJob", "job", package_id="pkg-9", target_sandbox="prod")
    [violation] = rules.full_package_violations([job], PROTECTED, frozenset())
    assert "which no Package of this stack declares" in violation.message
    assert rules.full_package_violations([job], PROTECTED, frozenset({"pkg-9"})) == []


def test_full_through_a_promotions_child_without_dependencies_of_its_own(path: str) -> None:
    pkg, pub, _ = imported(path, "FULL")
    promotion = res(path, "Promotion", "promo", {"package_id": [pub.urn]})
    child = res(path, "ImportJob", "promo-prod", parent=promotion.urn, target_sandbox="prod")
    [violation] = rules.full_package_violations([pkg, pub, promotion, child], PROTECTED, set())
    assert violation.urn == child.urn


def test_kinds_of_either_path() -> None:
    assert rules.kind_of("pulumi-python:dynamic/aep:ImportJob") == "ImportJob"
    assert rules.kind_of("aep:index:Promotion") == "Promotion"
    assert rules.kind_of("pulumi:pulumi:Stack") is None
