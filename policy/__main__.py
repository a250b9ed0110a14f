"""aep-guardrails: a Pulumi policy pack for programs using sandbox_provider's resources (the
Python dynamic ones and the `aep` plugin's). See README.md.

    pulumi preview --policy-pack policy [--policy-pack-config policy-config.json]

The rules themselves are in aep_rules.py (plain functions); this file wires them to the
policy SDK.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import aep_rules as rules
from aep_rules import UNKNOWN, Pending, Resource
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError


def plain(value: Any) -> Any:
    """The SDK's value with each unknown part replaced by UNKNOWN: its proxies raise on
    reading an unknown, which would skip a whole rule where one value decides nothing."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in value:
            try:
                out[key] = plain(value[key])
            except UnknownValueError:
                out[key] = UNKNOWN
        return out
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        items: list[Any] = []
        for i in range(len(value)):
            try:
                items.append(plain(value[i]))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    return value


def resource_of(res: PolicyResource) -> Resource:
    return Resource(
        urn=res.urn,
        type=res.resource_type,
        props=plain(res.props),
        property_dependencies={
            key: [d.urn for d in deps] for key, deps in res.property_dependencies.items()
        },
        parent=res.parent.urn if res.parent is not None else None,
    )


def resource_policy(
    rule: Callable[[str, Mapping[str, Any], Mapping[str, Any]], str | Pending | None],
) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        result = rule(args.resource_type, plain(args.props), args.get_config())
        if isinstance(result, Pending):
            # The SDK's own wording: "can't run policy ... during preview" (advisory); the
            # engine runs the rule again at `up`, on known inputs, before the change.
            raise UnknownValueError(UNKNOWN_STRING_VALUE, [result.spelled])
        if result:
            report(result, None)

    return validate


def stack_policy(
    rule: Callable[[list[Resource], Mapping[str, Any]], list[rules.Violation]],
) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        resources = [resource_of(r) for r in args.resources if rules.kind_of(r.resource_type)]
        for violation in rule(resources, args.get_config()):
            report(violation.message, violation.urn)

    return validate


def _names_schema(description: str, default: list[str]) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {"type": "string"},
        "default": default,
        "description": description,
    }


PROTECTED = _names_schema(
    "Sandbox names treated as protected.", list(rules.DEFAULT_PROTECTED_SANDBOXES)
)

PolicyPack(
    name="aep-guardrails",
    # Guardrails a platform team relies on: refuse, not warn. Each policy's enforcement level
    # can be lowered in the pack's config (`{"<policy>": {"enforcementLevel": "advisory"}}`).
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        StackValidationPolicy(
            name="aep-no-public-packages",
            description=(
                "No PUBLIC publication (any org may pull it, and it can't go back to PRIVATE) "
                "unless the package is listed in publicPackages."
            ),
            validate=stack_policy(
                lambda res, cfg: rules.public_violations(res, rules.names(cfg, "publicPackages"))
            ),
            config_schema=PolicyConfigSchema(
                properties={
                    "publicPackages": _names_schema(
                        "Names of packages allowed to be PUBLIC (or ids, for packages the "
                        "program doesn't declare).",
                        [],
                    )
                }
            ),
        ),
        ResourceValidationPolicy(
            name="aep-expiry-within-limit",
            description="A published package expires within maxExpiryDays days.",
            validate=resource_policy(
                lambda kind, props, cfg: rules.expiry_violation(
                    kind, props, rules.max_expiry_days(cfg)
                )
            ),
            config_schema=PolicyConfigSchema(
                properties={
                    "maxExpiryDays": {
                        "type": "integer",
                        "minimum": 1,
                        "default": rules.DEFAULT_MAX_EXPIRY_DAYS,
                        "description": "The longest expiry_period_days allowed.",
                    }
                }
            ),
        ),
        ResourceValidationPolicy(
            name="aep-protected-import-conflicts",
            description=(
                "An import into a protected sandbox uses conflict_policy='fail' or explicit "
                "alternatives."
            ),
            validate=resource_policy(
                lambda kind, props, cfg: rules.conflicts_violation(
                    kind, props, rules.sandboxes(cfg)
                )
            ),
            config_schema=PolicyConfigSchema(properties={"protectedSandboxes": PROTECTED}),
        ),
        StackValidationPolicy(
            name="aep-no-full-package-in-protected-sandbox",
            description="No FULL package (a whole sandbox) is imported into a protected sandbox.",
            validate=stack_policy(
                lambda res, cfg: rules.full_package_violations(
                    res, rules.sandboxes(cfg), rules.names(cfg, "externalPackages")
                )
            ),
            config_schema=PolicyConfigSchema(
                properties={
                    "protectedSandboxes": PROTECTED,
                    "externalPackages": _names_schema(
                        "Ids of packages the program doesn't declare (transferred, looked up) "
                        "known to be PARTIAL, allowed into protected sandboxes.",
                        [],
                    ),
                }
            ),
        ),
    ],
)
