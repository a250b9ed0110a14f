"""What a create or an update would give, planned without a call (`preview=True`).

Configure answers `supports_preview`, so the engine asks the provider for the outputs of a
previewed Create or Update instead of taking the new inputs for them. Without that, an output
that is not an input (a Package's `packageId`) reads as unknown in the preview, and everything
built on it (the PublishedPackage on `packageId`, the ImportJob on that) is planned as
replaced, while `up` replaces nothing.

A plan is plain core values (snake_case) in which `UNKNOWN` marks what only the call can tell.
An update in place keeps the object, so what the update doesn't touch is the state's value,
known; the inputs are the new ones; an output the platform computes from a changed input (or
bumps on every write) is unknown. A create knows only its inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue

from sandbox_provider.resources import declare

from .schema import ResourceSpec
from .values import UNKNOWN, from_plain_map

__all__ = ["planned_create", "planned_update", "to_properties"]

Plan = dict[str, Any]


def planned_create(spec: ResourceSpec, news: Mapping[str, Any]) -> Plan:
    """A create's outputs: the inputs as given, every other output unknown (a create may
    also take over an object that exists, whose values only the platform knows)."""
    platform = declare.platform_valued(spec.inputs_model)
    plan: Plan = {k: UNKNOWN for k in spec.outputs()}
    plan.update({k: v for k, v in news.items() if v is not None and k not in platform})
    for key in platform:
        plan[key] = UNKNOWN
    return plan


def _kept(spec: ResourceSpec, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Plan:
    """The state with the new inputs in it (an input left out is gone from the outputs)."""
    platform = declare.platform_valued(spec.inputs_model)
    plan: Plan = {k: v for k, v in olds.items() if not k.startswith("__")}
    for key in spec.input_names():
        if key in platform:
            continue
        if news.get(key) is None:
            plan.pop(key, None)
        else:
            plan[key] = news[key]
    return plan


def _package(plan: Plan, olds: Mapping[str, Any], news: Mapping[str, Any]) -> None:
    from sandbox_provider.resources import artifacts_changed

    plan["declared_artifacts"] = [dict(a) for a in news.get("artifacts") or []]
    if news.get("expiry") is None:
        plan.pop("declared_expiry", None)
    else:
        plan["declared_expiry"] = news["expiry"]
    if artifacts_changed(olds, news):
        # The platform's list (titles, counts) and the dependencies the update finds.
        plan["artifacts"] = UNKNOWN
        plan["dependency_artifacts"] = UNKNOWN if news.get("include_dependencies") else []
    # Every update in place writes, and every write bumps the version and date. The status
    # and expiry are the live package's, which a publication changes behind the state (a
    # Package's state says DRAFT while its PublishedPackage has published it).
    for key in ("version", "modified_date", "status", "expiry"):
        plan[key] = UNKNOWN


def _published_package(plan: Plan, olds: Mapping[str, Any], news: Mapping[str, Any]) -> None:
    plan["visibility"] = news.get("visibility") or "PRIVATE"
    if olds.get("status") != "PUBLISHED":
        # The update finishes a publication a create left unfinished.
        for key in ("status", "publish_date", "expiry", "correlation_id", "job_id"):
            plan[key] = UNKNOWN


def _handshake(plan: Plan, olds: Mapping[str, Any], news: Mapping[str, Any]) -> None:
    # An update reads the link again: a pending one may be approved now (approve_as), or
    # by the target in the meantime. A decided one stays as it is.
    if olds.get("status") == "APPROVAL_PENDING":
        plan["status"] = UNKNOWN


#: Resource name -> what an update changes beside its inputs. ImportJob and Transfer change
#: only inputs in place (`timeout_seconds`, `check_permissions`), recorded as given.
_UPDATES: dict[str, Callable[[Plan, Mapping[str, Any], Mapping[str, Any]], None]] = {
    "Package": _package,
    "PublishedPackage": _published_package,
    "Handshake": _handshake,
}


def planned_update(spec: ResourceSpec, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Plan:
    """An update's outputs: the state's, the new inputs, and unknown what the call decides."""
    plan = _kept(spec, olds, news)
    rule = _UPDATES.get(spec.name)
    if rule is not None:
        rule(plan, olds, news)
    return plan


def to_properties(plan: Plan, secret: Iterable[str] = ()) -> dict[str, PropertyValue]:
    """A plan as the response's properties (camelCase). `UNKNOWN` goes as the protocol's
    unknown sentinel text, which the engine reads as unknown in a preview's answer: the SDK's
    marshal (3.259.0) refuses a `Computed` value."""
    return from_plain_map(plan, secret)
