"""The guardrails' rules as plain functions over plain values, for both spellings of the
resources: the Python dynamic resources (`pulumi-python:dynamic/aep:Package`, inputs in
snake_case) and the `aep` plugin's (`aep:index:Package`, inputs in the schema's camelCase).

Nothing here imports `pulumi_policy`: `__main__.py` turns the SDK's arguments into `Resource`s
(a value not known before the update becomes `UNKNOWN`) and the results into violations, so
the rules can be tested without the policy pack's own environment.

A value that is `UNKNOWN` at preview is handled by where the rule runs:
- a rule on one resource's inputs (`expiry_violation`, `conflicts_violation`) answers `Pending`:
  the engine runs it again at `pulumi up` on the known inputs, before the resource is created or
  updated, so waiting is sound;
- a rule over the whole stack (`public_violations`, `full_package_violations`) runs at `up`
  only after the changes were made, so the preview is its last chance: it refuses what it
  can't decide.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DYNAMIC_PREFIX = "pulumi-python:dynamic/aep:"
PLUGIN_PREFIX = "aep:index:"

#: The platform's defaults, as the resources apply them when an input is left out.
PLATFORM_EXPIRY_DAYS = 90
DEFAULT_CONFLICT_POLICY = "fail"
DEFAULT_VISIBILITY = "PRIVATE"
DEFAULT_PACKAGE_TYPE = "PARTIAL"

#: The pack's defaults (README.md says why).
DEFAULT_MAX_EXPIRY_DAYS = PLATFORM_EXPIRY_DAYS
DEFAULT_PROTECTED_SANDBOXES: tuple[str, ...] = ("prod",)

#: The other names the dynamic resources accept for an input (their SYNONYMS): the engine's
#: check normally rewrites them, but a rule must never miss a value spelled another way.
ALIASES: dict[str, tuple[str, ...]] = {
    "target_sandbox": ("sandbox", "target"),
    "conflict_policy": ("policy", "on_conflict"),
    "package_type": ("type",),
    "expiry_period_days": ("expiry_days",),
}


class _Unknown:
    """A value the engine doesn't know yet (an output of a resource not yet made)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class Pending:
    """A resource rule that can't decide before the update: `spelled` is the unknown input."""

    spelled: str


@dataclass
class Resource:
    """One resource of the stack as a stack rule sees it."""

    urn: str
    type: str
    props: Mapping[str, Any]
    #: Property name -> the URNs its value came from.
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)
    parent: str | None = None

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


@dataclass(frozen=True)
class Violation:
    urn: str
    message: str


# -- names -----------------------------------------------------------------------------------------
def kind_of(resource_type: str) -> str | None:
    """`Package`, `ImportJob`, ... for a resource of either path; None for anything else."""
    for prefix in (DYNAMIC_PREFIX, PLUGIN_PREFIX):
        if resource_type.startswith(prefix):
            return resource_type[len(prefix) :]
    return None


def is_plugin(resource_type: str) -> bool:
    return resource_type.startswith(PLUGIN_PREFIX)


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def spelled(resource_type: str, snake: str) -> str:
    """An input as the resource's users write it: `package_id` on the dynamic resources,
    `packageId` on the plugin's (what YAML, TypeScript and Go programs write)."""
    return camel(snake) if is_plugin(resource_type) else snake


def get(props: Mapping[str, Any], snake: str) -> Any:
    """The value of an input under any of its spellings; None when it is left out."""
    for key in (snake, camel(snake), *ALIASES.get(snake, ())):
        if key in props and props[key] is not None:
            return props[key]
    return None


# -- config ----------------------------------------------------------------------------------------
def names(config: Mapping[str, Any], key: str, default: Iterable[str] = ()) -> frozenset[str]:
    """A list of names from a policy's config (the engine checks it against the schema)."""
    value = config.get(key)
    return frozenset(str(v) for v in (default if value is None else value))


def sandboxes(config: Mapping[str, Any]) -> frozenset[str]:
    # Sandbox names are lowercase on the platform; a config written `Prod` still means prod.
    return frozenset(
        s.lower() for s in names(config, "protectedSandboxes", DEFAULT_PROTECTED_SANDBOXES)
    )


def max_expiry_days(config: Mapping[str, Any]) -> int:
    value = config.get("maxExpiryDays")
    return DEFAULT_MAX_EXPIRY_DAYS if value is None else int(value)


# -- rules on one resource's inputs ----------------------------------------------------------------
def expiry_violation(
    resource_type: str, props: Mapping[str, Any], max_days: int
) -> str | Pending | None:
    """A PublishedPackage lives at most `max_days` days (`expiry_period_days`; left out, the
    platform's 90)."""
    if kind_of(resource_type) != "PublishedPackage":
        return None
    key = spelled(resource_type, "expiry_period_days")
    days = get(props, "expiry_period_days")
    if days is UNKNOWN:
        return Pending(key)
    if days is None:
        if max_days >= PLATFORM_EXPIRY_DAYS:
            return None
        return (
            f"{key} is left out, so the platform's {PLATFORM_EXPIRY_DAYS} days apply, more than "
            f"this pack's maxExpiryDays ({max_days}): set {key} to {max_days} or fewer"
        )
    # The engine's values are protobuf numbers: 365 arrives as 365.0.
    shown = int(days) if float(days).is_integer() else days
    if float(days) <= max_days:
        return None
    return (
        f"{key}={shown} is more than this pack's maxExpiryDays ({max_days}): set {key} to "
        f"{max_days} or fewer"
    )


def conflicts_violation(
    resource_type: str, props: Mapping[str, Any], protected: Collection[str]
) -> str | Pending | None:
    """An ImportJob into a protected sandbox stops at conflicts (`conflict_policy="fail"`, the
    default) or names what to use (`alternatives`): `use_existing` and `create_new` would let
    the import decide what prod's objects become."""
    if kind_of(resource_type) != "ImportJob":
        return None
    target_key = spelled(resource_type, "target_sandbox")
    policy_key = spelled(resource_type, "conflict_policy")
    alt_key = spelled(resource_type, "alternatives")
    target = get(props, "target_sandbox")
    policy = get(props, "conflict_policy")
    alternatives = get(props, "alternatives")
    if target is not UNKNOWN and str(target).lower() not in protected:
        return None
    if policy is not UNKNOWN and (policy or DEFAULT_CONFLICT_POLICY) == "fail":
        return None
    if alternatives is not UNKNOWN and alternatives:
        return None
    for key, value in ((target_key, target), (policy_key, policy), (alt_key, alternatives)):
        if value is UNKNOWN:
            return Pending(key)
    return (
        f"{target_key}={target!r} is a protected sandbox (protectedSandboxes) and "
        f"{policy_key}={policy!r} with no {alt_key} lets the import settle conflicts by itself: "
        f"set {policy_key}='fail', or map each conflicting artifact in {alt_key}"
    )


# -- rules over the stack --------------------------------------------------------------------------
def packages_of(
    resource: Resource, by_urn: Mapping[str, Resource], seen: set[str] | None = None
) -> list[Resource]:
    """The Packages of the stack that `resource`'s package id comes from: its `package_id`
    property dependencies, followed through what sits between (a PublishedPackage, a
    Transfer, a Promotion). A Promotion's ImportJob made by the plugin may carry no property
    dependencies of its own: then its parent Promotion's are followed."""
    seen = set() if seen is None else seen
    if resource.urn in seen:
        return []
    seen.add(resource.urn)
    if kind_of(resource.type) == "Package":
        return [resource]
    deps = [
        urn
        for key in ("package_id", "packageId")
        for urn in resource.property_dependencies.get(key, ())
    ]
    parent = by_urn.get(resource.parent or "")
    if not deps and parent is not None and kind_of(parent.type) == "Promotion":
        deps = [parent.urn]
    found: list[Resource] = []
    for urn in deps:
        if urn in by_urn:
            found.extend(p for p in packages_of(by_urn[urn], by_urn, seen) if p not in found)
    return found


def _index(resources: Iterable[Resource]) -> dict[str, Resource]:
    return {r.urn: r for r in resources}


def public_violations(resources: Sequence[Resource], allowed: Collection[str]) -> list[Violation]:
    """No PublishedPackage is PUBLIC (any org may pull it, and it can't go back to PRIVATE)
    unless its package, by name (or by id, for a package this program doesn't declare), is
    in `allowed`."""
    by_urn = _index(resources)
    out: list[Violation] = []
    for res in resources:
        if kind_of(res.type) != "PublishedPackage":
            continue
        key = spelled(res.type, "visibility")
        visibility = get(res.props, "visibility")
        if visibility is not UNKNOWN and (visibility or DEFAULT_VISIBILITY) != "PUBLIC":
            continue
        packages = packages_of(res, by_urn)
        labels = [get(p.props, "name") for p in packages]
        if not packages:
            labels = [get(res.props, "package_id")]
        if labels and all(isinstance(x, str) and x in allowed for x in labels):
            continue
        what = ", ".join(repr(x) for x in labels if isinstance(x, str)) or "(not known yet)"
        if visibility is UNKNOWN:
            message = (
                f"PublishedPackage {res.name!r} (package {what}): {key} is not known before "
                f"the update, so this pack can't check that it isn't PUBLIC: give {key} as a "
                "literal, e.g. 'PRIVATE'"
            )
        else:
            message = (
                f"PublishedPackage {res.name!r} publishes package {what} with {key}='PUBLIC', "
                "which this pack allows only for the packages in its publicPackages config: "
                f"set {key}='PRIVATE', or have the platform team add the package's name to "
                "publicPackages"
            )
        out.append(Violation(res.urn, message))
    return out


def _package_type(package: Resource) -> Any:
    value = get(package.props, "package_type")
    return DEFAULT_PACKAGE_TYPE if value is None else value


def full_package_violations(
    resources: Sequence[Resource], protected: Collection[str], external: Collection[str]
) -> list[Violation]:
    """No FULL package (a whole sandbox) is imported into a protected sandbox. The type is the
    Package's (`package_type`), found by following the ImportJob's `package_id` back to the
    Package of this stack it came from; an id from elsewhere (a literal, a lookup) can't be
    typed by a policy, so it is refused unless the platform team listed it in `external`."""
    by_urn = _index(resources)
    out: list[Violation] = []
    for res in resources:
        if kind_of(res.type) != "ImportJob":
            continue
        target_key = spelled(res.type, "target_sandbox")
        target = get(res.props, "target_sandbox")
        if target is not UNKNOWN and str(target).lower() not in protected:
            continue
        into = (
            f"into a sandbox not known before the update ({target_key})"
            if target is UNKNOWN
            else f"into protected sandbox {target!r} ({target_key})"
        )
        packages = packages_of(res, by_urn)
        if not packages:
            package_id = get(res.props, "package_id")
            if isinstance(package_id, str) and package_id in external:
                continue
            shown = repr(package_id) if isinstance(package_id, str) else "(not known yet)"
            message = (
                f"ImportJob {res.name!r} imports package {shown}, which no Package of this stack "
                f"declares, {into}: this pack can't tell whether it is FULL; import a Package "
                "this program declares, or have the platform team add its id to "
                "externalPackages once it is known to be PARTIAL"
            )
            out.append(Violation(res.urn, message))
            continue
        for package in packages:
            type_key = spelled(package.type, "package_type")
            kind = _package_type(package)
            if kind is not UNKNOWN and kind != "FULL":
                continue
            if kind is UNKNOWN:
                message = (
                    f"ImportJob {res.name!r} imports Package {package.name!r} {into}, and its "
                    f"{type_key} is not known before the update, so this pack can't tell whether "
                    f"it is FULL: give {type_key} as a literal"
                )
            elif target is UNKNOWN:
                message = (
                    f"ImportJob {res.name!r} imports Package {package.name!r}, a {type_key}="
                    f"'FULL' package (the whole sandbox), {into}, so this pack can't tell that "
                    f"it isn't protected: give {target_key} as a literal"
                )
            else:
                message = (
                    f"ImportJob {res.name!r} imports Package {package.name!r}, a {type_key}="
                    f"'FULL' package (the whole sandbox), {into}: import a PARTIAL package of "
                    "the artifacts it needs, or a sandbox not in protectedSandboxes"
                )
            out.append(Violation(res.urn, message))
    return out
