"""What a Package holds: artifact keys, the platform's list, dependencies, outputs, how an
existing package compares with a declaration (for taking it over or adopting it), and when a
published package expires.

Kept apart from `package.py` so that the resource module reads as its lifecycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sandbox_provider.client import ExImError, PackageStatus, PackageType
from sandbox_provider.client.timing import DAY_MS, now_ms

from ._base import is_unknown
from ._common import difference
from ._fields import artifact_key

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient
    from sandbox_provider.client import Package as ApiPackage

Key = tuple[str, str]


def keys_of(items: Iterable[Mapping[str, Any]] | None) -> list[Key]:
    """(id, type) of each artifact, in order, without repeats."""
    out: list[Key] = []
    for item in items or []:
        key = artifact_key(item)
        if key not in out:
            out.append(key)
    return out


def refs(keys: Iterable[Key]) -> list[dict[str, str]]:
    return [{"id": i, "type": t} for i, t in keys]


def platform_artifacts(pkg: ApiPackage) -> list[dict[str, Any]]:
    out = []
    for a in pkg.artifacts_list:
        item: dict[str, Any] = {"id": a.id, "type": a.type}
        if a.title:
            item["title"] = a.title
        item["found"] = bool(a.found)
        item["count"] = int(a.count or 0)
        out.append(item)
    return out


def sandbox_of(pkg: ApiPackage) -> str | None:
    return pkg.source_sandbox.name if pkg.source_sandbox else None


def outputs_of(
    pkg: ApiPackage, inputs: Mapping[str, Any], dependencies: Sequence[Key]
) -> dict[str, Any]:
    """Full outputs: the program's inputs as recorded, plus what the platform says."""
    outs: dict[str, Any] = {
        "package_id": pkg.id,
        "name": pkg.name,
        "package_type": pkg.package_type or inputs.get("package_type", PackageType.PARTIAL),
        "source_sandbox": sandbox_of(pkg) or inputs.get("source_sandbox"),
        "include_dependencies": bool(inputs.get("include_dependencies", False)),
        "declared_artifacts": [dict(a) for a in inputs.get("artifacts") or []],
        "dependency_artifacts": refs(dependencies),
        "artifacts": platform_artifacts(pkg),
        "status": pkg.status,
        "version": pkg.version,
        "expiry": pkg.expiry,
        "created_date": pkg.created_date,
        "modified_date": pkg.modified_date,
        "ims_org_id": pkg.ims_org_id,
    }
    if pkg.description:
        outs["description"] = pkg.description
    if inputs.get("org"):
        outs["org"] = inputs["org"]
    if inputs.get("expiry") is not None:
        outs["declared_expiry"] = inputs["expiry"]
    if inputs.get("adopt_id"):
        outs["adopt_id"] = inputs["adopt_id"]
    return {k: v for k, v in outs.items() if v is not None}


def dependencies_of(client: ExImClient, package_id: str, declared: Sequence[Key]) -> list[Key]:
    """Every transitive dependency of `declared` that isn't declared itself, in BFS order."""
    found: list[Key] = []
    known = set(declared)
    frontier = list(declared)
    while frontier:
        answer = client.package_children(package_id, refs(frontier))
        frontier = []
        for entry in answer:
            for child in entry.children:
                key = (child.id, child.type)
                if key not in known:
                    known.add(key)
                    found.append(key)
                    frontier.append(key)
    return found


def not_found_lines(pkg: ApiPackage, inputs: Mapping[str, Any], keys: Iterable[Key]) -> list[str]:
    """One line per artifact of `keys` the platform answered `found: false` for, named by its
    place in the `artifacts` input when it is declared."""
    wanted = set(keys)
    declared = keys_of(inputs.get("artifacts"))
    lines = []
    for a in pkg.artifacts_list:
        key = (a.id, a.type)
        if key in wanted and a.found is False:
            where = f"artifacts[{declared.index(key)}]" if key in declared else "a dependency"
            lines.append(f"{where}: {a.id!r} ({a.type})")
    return lines


@dataclass
class Comparison:
    """How an existing package stands against a declaration."""

    differences: list[str] = field(default_factory=list)
    #: The dependencies of the declared artifacts (include_dependencies only).
    dependencies: list[Key] = field(default_factory=list)
    #: Dependencies the package still lacks: an earlier create stopped before adding them.
    missing_dependencies: list[Key] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.differences


def compare(client: ExImClient, pkg: ApiPackage, inputs: Mapping[str, Any]) -> Comparison:
    """Compare `pkg` with what the program declares.

    A package that holds the declared artifacts but not yet all their dependencies is what a
    create interrupted between its two writes leaves: it matches, and `missing_dependencies`
    says what is left to add (only possible while it is a DRAFT).
    """
    out = Comparison()
    diffs = out.differences
    if (pkg.name or "") != (inputs.get("name") or ""):
        diffs.append(difference("name", pkg.name, inputs.get("name")))
    if (pkg.description or None) != (inputs.get("description") or None):
        diffs.append(difference("description", pkg.description, inputs.get("description")))
    declared_type = inputs.get("package_type", PackageType.PARTIAL)
    if (pkg.package_type or PackageType.PARTIAL) != declared_type:
        diffs.append(difference("package_type", str(pkg.package_type), str(declared_type)))
    sandbox = sandbox_of(pkg)
    if inputs.get("source_sandbox") and sandbox and sandbox != inputs["source_sandbox"]:
        diffs.append(difference("source_sandbox", sandbox, inputs["source_sandbox"]))
    if pkg.package_type == PackageType.FULL:
        return out
    declared = keys_of(inputs.get("artifacts"))
    if inputs.get("include_dependencies"):
        out.dependencies = dependencies_of(client, pkg.id, declared)
    wanted = set(declared) | set(out.dependencies)
    holding = set(keys_of(platform_artifacts(pkg)))
    missing = sorted(i for i, _ in set(declared) - holding)
    extra = sorted(i for i, _ in holding - wanted)
    if missing:
        diffs.append(f"artifacts {missing} are in the program but not in the package")
    if extra:
        diffs.append(f"artifacts {extra} are in the package but not in the program")
    out.missing_dependencies = [d for d in out.dependencies if d not in holding]
    if out.missing_dependencies and pkg.status != PackageStatus.DRAFT and not diffs:
        diffs.append(
            f"it is {pkg.status} without the dependencies "
            f"{sorted(i for i, _ in out.missing_dependencies)} that include_dependencies adds"
        )
    return out


def artifacts_changed(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether the artifacts need an update: the declared list or the flag changed, or the
    platform no longer holds exactly declared + dependencies (drift)."""
    if is_unknown(news.get("artifacts")) or is_unknown(news.get("include_dependencies")):
        return True
    if olds.get("package_type") == news.get("package_type") == PackageType.FULL:
        # The platform decides what a whole-sandbox package lists; the program lists none.
        return False
    declared_old = set(keys_of(olds.get("declared_artifacts")))
    declared_new = set(keys_of(news.get("artifacts")))
    incl_old = bool(olds.get("include_dependencies", False))
    incl_new = bool(news.get("include_dependencies", False))
    if declared_old != declared_new or incl_old != incl_new:
        return True
    expected = declared_old | (
        set(keys_of(olds.get("dependency_artifacts"))) if incl_old else set()
    )
    return set(keys_of(olds.get("artifacts"))) != expected


#: A 404 on create: the source sandbox (or the org) the package points at.
SANDBOX_MISSING = (
    "check source_sandbox (or aep:sandbox): it must be a sandbox of the org `org` acts as"
)


def roll_back(client: ExImClient, package_id: str) -> str:
    """Delete a package this create made and couldn't finish; say what happened."""
    try:
        client.delete_package(package_id, missing_ok=True)
    except ExImError as exc:
        return (
            f"package {package_id} was left on the platform (deleting it failed: "
            f"{exc.message}): the next `pulumi up` takes it over and finishes it"
        )
    return f"rolled back: package {package_id}, made by this create, was deleted again"


def inputs_from_platform(pkg: ApiPackage, olds: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs a program would pass to describe the package as the platform holds it.

    Declared artifacts still present keep their place (and titles); artifacts the platform
    holds that were neither declared nor added as dependencies show up as declared, so a
    refresh records them and the next update removes them.
    """
    holding = [] if pkg.package_type == PackageType.FULL else keys_of(platform_artifacts(pkg))
    declared = list(olds.get("declared_artifacts") or [])
    deps = set(keys_of(olds.get("dependency_artifacts")))
    declared_keys = set(keys_of(declared))
    artifacts = [dict(a) for a in declared if artifact_key(a) in holding]
    artifacts += [
        {"id": i, "type": t}
        for i, t in holding
        if (i, t) not in declared_keys and (i, t) not in deps
    ]
    inputs: dict[str, Any] = {
        "name": pkg.name,
        "package_type": pkg.package_type or olds.get("package_type", PackageType.PARTIAL),
        "artifacts": artifacts,
        "include_dependencies": bool(olds.get("include_dependencies", False)),
    }
    sandbox = sandbox_of(pkg) or olds.get("source_sandbox")
    if sandbox:
        inputs["source_sandbox"] = sandbox
    if pkg.description:
        inputs["description"] = pkg.description
    if olds.get("org"):
        inputs["org"] = olds["org"]
    if olds.get("declared_expiry") is not None and pkg.expiry is not None:
        inputs["expiry"] = pkg.expiry
    if olds.get("adopt_id"):
        inputs["adopt_id"] = olds["adopt_id"]
    return inputs


# -- expiry --------------------------------------------------------------------------------------
# The platform keeps an expired package as it was (same status, its expiry past) but can
# neither import nor share it, and nothing makes it valid again: `expiryPeriod` only applies
# when publishing, and a publication can't be repeated (docs/emulator.md, "Expired packages").
def expiry_ms(outs: Mapping[str, Any]) -> int | None:
    """The recorded expiry (epoch ms) of a published package, None for any other status."""
    expiry = outs.get("expiry")
    if outs.get("status") != PackageStatus.PUBLISHED or is_unknown(expiry):
        return None
    if isinstance(expiry, bool) or not isinstance(expiry, int | float):
        return None
    return int(expiry)


def has_expired(outs: Mapping[str, Any]) -> bool:
    """A published package whose expiry (as last read) has passed."""
    expiry = expiry_ms(outs)
    return expiry is not None and expiry <= now_ms()


def _date(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def expiry_warning(what: str, outs: Mapping[str, Any], days: int) -> str | None:
    """The warning for a published package that expires within `days` days (or has expired),
    None when there is nothing to say."""
    expiry = expiry_ms(outs)
    if expiry is None:
        return None
    left = expiry - now_ms()
    if left <= 0:
        return (
            f"{what} expired on {_date(expiry)}: it can be neither imported nor shared; "
            "`pulumi up --refresh` replaces the Package (a new one is created and published) "
            "and what depends on it"
        )
    if days <= 0 or left > days * DAY_MS:
        return None
    whole = left // DAY_MS
    when = f"in {whole} day{'s' if whole != 1 else ''}" if whole else "within a day"
    return (
        f"{what} expires {when} (on {_date(expiry)}), after which it can be neither imported "
        "nor shared: import or share it before then, or replace the Package to publish a new one "
        f"(this warning starts aep:expiryWarningDays = {days} days ahead)"
    )
