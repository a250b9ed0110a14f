"""Package: a set of artifacts of one sandbox, the unit that is published, imported, shared.

Lifecycle
---------
- **create**: POST the package with the declared `artifacts`. With
  `include_dependencies=True` the dependencies of those artifacts (the children endpoint,
  followed transitively) are then added in one ADD, so an import can't fail on a forgotten
  schema, class or merge policy. The create finishes or leaves nothing:
  - an artifact the platform answers `found: false` for (not in the source sandbox) fails it,
    naming the artifact; so does any failure after the POST, and in both cases the package
    this create made is deleted again (rolled back). Should that DELETE fail too, the error
    names the package, and the next create takes it over.
  - the name taken (409): a package exactly as declared, or holding the declared artifacts
    but not yet their dependencies (a create stopped between its two writes), is this
    program's own result from an interrupted or failed run: it is taken over and finished.
    Anything else is someone else's: the create fails with its id, each difference and the
    fix, and leaves it untouched.
- **update in place** (the package keeps its id):
  `name` / `description` -> one UPDATE; `artifacts` / `include_dependencies`, or artifacts
  changed behind the program's back -> one ADD and one DELETE computed from the difference
  between what the platform holds and what is wanted; `expiry` of a draft -> re-sent.
- **replace** (the old package is deleted, then the new one made: names are unique per org;
  the dynamic Package defaults `delete_before_replace=True` because `pulumi up --replace`
  never asks the diff): `package_type`, `source_sandbox`, `org`; a change of artifacts once
  the package is no longer a DRAFT (a published package's contents are frozen: the diff asks
  the live status of a recorded draft whose contents change, so a plain preview knows);
  `name` / `description` of a FULL package (UPDATE only exists for PARTIAL packages). Before
  anything is deleted the diff checks what the new package needs ("package preflight" below).
- **a create finding the name taken by the package this resource's own record holds** (the
  plugin's `--replace`, which runs create first and shows the create no record): with the
  check's view of the record (`_claims`), the old package is deleted first; without it, it is
  taken over and the engine's delete of the "old" one then keeps it (`_claims.taken_over`).
- **expired** (a PUBLISHED package past its `expiry`, seen at refresh): replaced, as nothing
  makes it importable or shareable again; what takes its `package_id` is replaced with it.
- **delete**: DELETE. A package that is already gone counts as deleted.
- **read** (refresh): one GET. The recorded inputs are rewritten to what the platform holds
  (name, description, artifacts), so `pulumi refresh` shows drift and the next `pulumi up`
  puts the program's values back. A package that no longer exists is dropped from the stack.
  A published package with versions is also compared with its source (`_versions`): what
  changed since its current version is `source_changes`; a change the platform can't carry to
  the imports (a field removed or redefined, another kind of object changed) fails the read,
  naming the artifact.
- **a new version** (an update of a package whose last refresh recorded `source_changes`):
  compared again, and saved (`…/version/save`) if the source still differs; each ImportJob of
  it then brings the version to its target. Never a replacement.
- **adoption**: `opts=pulumi.ResourceOptions(import_=package_id)`. The engine's import path
  can't call a Python dynamic provider (it sends no serialized provider: pulumi/pulumi#16175),
  so `Package` turns `import_` into the `adopt_id` input: create then looks the package up
  and takes it over without writing, provided the program's inputs match it; otherwise it
  fails naming each difference, like the engine's own import does.

How `include_dependencies` is diffed without API calls
------------------------------------------------------
The outputs keep three lists: `declared_artifacts` (the program's list), `dependency_artifacts`
(what include_dependencies added at the last create/update) and `artifacts` (the platform's
list, refreshed by read). `diff` reports a change when the declared list or the flag changed,
or when the platform's list is no longer exactly declared + dependencies (drift). The
dependencies of a new list are only computed in `update`, which may call the API.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pulumi.dynamic import (
    CheckFailure,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)
from pydantic import Field, StrictBool

from sandbox_provider.client import (
    ConflictError,
    ExImError,
    PackageStatus,
    PackageType,
)
from sandbox_provider.client.timing import DAY_MS, now_ms

from . import _claims, _config, _versions
from ._base import BaseProvider, Inputs, is_unknown, progress, same, warn, warn_once
from ._common import (
    adoption_missing,
    changed,
    declared_changes,
    difference,
    gone,
    not_adoptable,
    sandbox_exists,
)
from ._fields import (
    DESCRIPTION_MAX,
    NAME_RULE,
    SANDBOX_MAX,
    ArtifactInput,
    Description,
    EpochMs,
    Name,
    PackageId,
    SandboxName,
    artifact_key,
)
from .declare import REPLACE, UPDATE, Doc, Outputs, adopt_doc
from .errors import GONE, ConfigError, ProviderError, api_errors

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient
    from sandbox_provider.client import Package as ApiPackage

# == package contents =========================================================================
# What a Package holds: artifact keys, the platform's list, dependencies, outputs, how an
# existing package compares with a declaration (for taking it over or adopting it), and when a
# published package expires.


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
    if outs["package_type"] == PackageType.PARTIAL:
        # No version saved yet; a refresh of the published package says more (follow_source).
        outs.update(package_version=0, version_history=[], source_changes=[])
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


def not_in_source(
    what: str, sandbox: str | None, missing: list[str], *, taken_out: bool = False
) -> ProviderError:
    """The error of artifacts the platform answered `found: false` for, one per line
    (`not_found_lines`); `taken_out`: the update took them out of the package again."""
    again = "; they were taken out again" if taken_out else ""
    return ProviderError(
        f"{what} failed: {len(missing)} artifact(s) are not in sandbox {sandbox!r} (the "
        f"platform answered found: false{again}): fix the id and type, or create the "
        "artifact in the source sandbox first" + "".join(f"\n  - {line}" for line in missing)
    )


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


# -- versions ----------------------------------------------------------------------------------
#: The outputs of a package's versions (`_versions`): set by a refresh of a published package
#: and by the update that saves a version; any other update keeps them as recorded.
VERSION_OUTPUTS = ("package_version", "version_history", "source_changes")


def follow_source(
    client: ExImClient, pkg: ApiPackage, what: str, *, save: bool = False
) -> dict[str, Any]:
    """The version outputs of a published package as its source stands now ({}: it has no
    versions); a change the platform can't carry to the imports fails, naming the artifact.
    `save` (an update): the next version is saved when the source still differs from the
    current one, so a plan made from an older refresh, or a run stopped after its save, saves
    nothing twice."""
    found = _versions.source_state(client, pkg.id, what, sandbox_of(pkg), strict=True)
    if found is None:
        return {}
    version, changes = found
    if save and changes:
        version = _versions.save(client, pkg.id, pkg.name or pkg.id)
        progress(
            f"package {pkg.name!r} ({pkg.id}): version {version} saved"
            + _versions.changes_text(changes)
        )
        changes = []
    saved = _versions.history(client, pkg.id) if version else []
    return {"package_version": version, "version_history": saved, "source_changes": changes}


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


# == package preflight ========================================================================
# What a Package replacement checks before the old package is deleted.
#
# A package's name is unique per org, so a replacement that keeps the name deletes the old
# package first (delete before replace). Whatever can be checked is checked before that delete,
# in the diff (which the engine runs before any step of the update, and again at `up`): a new
# source sandbox exists, and every artifact the old package didn't hold is in it; a replacement
# changing neither makes no call. A failed check is the diff's error:
# nothing is deleted, published or imported.
#
# The artifacts are looked up with `GET /tools/artifacts/{TYPE}`, shown only by an earlier
# version of the tools page (`current/tools-older-with-artifact-endpoints.md`). Nothing depends
# on it: a type the route doesn't answer for is left to the create, whose POST answers
# `found: false` for an artifact the sandbox lacks (after the delete, the one case left), and
# a warning at the plan names those artifacts, so that a person can look before `up`.


__all__ = ["check_replacement"]


def _missing(client: ExImClient, sandbox: str, keys: Iterable[Key]) -> tuple[list[Key], list[Key]]:
    """(the artifacts of `keys` the sandbox's listing of their type doesn't hold, those of a
    type the listing doesn't answer for: not judged)."""
    by_type: dict[str, list[Key]] = {}
    for key in keys:
        by_type.setdefault(key[1], []).append(key)
    missing: list[Key] = []
    unchecked: list[Key] = []
    for artifact_type, wanted in by_type.items():
        try:
            listed = {a.id for a in client.list_artifacts(artifact_type, sandbox=sandbox)}
        except ExImError:
            unchecked += wanted
            continue
        missing += [k for k in wanted if k[0] not in listed]
    return missing, unchecked


def check_replacement(
    client_of: Callable[[], ExImClient | None],
    name: str,
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
) -> None:
    """Raise, naming the input and the fix, when the package that replaces `olds` with
    `news` can't be made: before the old one is deleted. `client_of()` is called only when
    there is something to look up; None (no configuration yet, which check reports) skips
    the lookups."""
    sandbox = news.get("source_sandbox")
    if not isinstance(sandbox, str) or not sandbox:
        return
    what = f"replacing package {name!r}"
    same_sandbox = olds.get("source_sandbox") == sandbox
    client = client_of() if not same_sandbox else None
    if client is not None and sandbox_exists(client, sandbox) is False:
        raise ProviderError(
            f"{what}: source_sandbox {sandbox!r} is not a sandbox of this org (nothing was "
            "deleted): fix source_sandbox"
        )
    if news.get("package_type", "PARTIAL") != "PARTIAL":
        return
    declared = keys_of(news.get("artifacts"))
    # What the old package holds was found there; only what's new can be missing.
    recorded = set(keys_of(olds.get("artifacts"))) if same_sandbox else set()
    new = [k for k in declared if k not in recorded]
    client = client_of() if new else None
    missing, unchecked = _missing(client, sandbox, new) if client is not None else ([], [])
    if unchecked:
        warn_once(
            f"{what}: the platform didn't list the artifacts of sandbox {sandbox!r}, so "
            f"{', '.join(f'{k[0]!r} ({k[1]})' for k in unchecked)} can be checked only when "
            "the new package is made, after the old one is deleted: make sure each is in "
            f"sandbox {sandbox!r} before `pulumi up`"
        )
    if missing:
        lines = [f"artifacts[{declared.index(k)}]: {k[0]!r} ({k[1]})" for k in missing]
        raise ProviderError(
            f"{what}: {len(missing)} artifact(s) are not in sandbox {sandbox!r} (nothing was "
            "deleted): fix the id and type, or create the artifact in the source sandbox "
            "first; " + "; ".join(lines)
        )


# == package finish ===========================================================================
# How a Package create finishes: after its POST, on a package whose name was taken by an
# earlier run of the same declaration, and on adoption (`import_`)..
# The module docstring's lifecycle says when each runs.


def complete(
    client: ExImClient,
    pkg: ApiPackage,
    inputs: Mapping[str, Any],
    comparison: Comparison | None = None,
) -> tuple[ApiPackage, list[Key]]:
    """After the POST (or on a package taken over): refuse artifacts the sandbox lacks,
    then add the dependencies `include_dependencies` asks for."""
    org, name = inputs.get("org"), inputs["name"]
    missing = not_found_lines(pkg, inputs, keys_of(inputs.get("artifacts")))
    if missing:
        sandbox = sandbox_of(pkg) or inputs.get("source_sandbox")
        raise not_in_source(f"creating package {name!r}", sandbox, missing)
    deps: list[Key] = []
    if inputs.get("include_dependencies"):
        with api_errors(f"adding the dependencies of package {name!r} ({pkg.id})", org=org):
            if comparison is None:
                deps = dependencies_of(client, pkg.id, keys_of(inputs.get("artifacts")))
                to_add = deps
            else:
                deps, to_add = comparison.dependencies, comparison.missing_dependencies
            if to_add:
                pkg = client.add_artifacts(pkg.id, refs(to_add), expiry=inputs.get("expiry"))
                progress(f"package {name!r}: added {len(to_add)} dependencies")
    return pkg, deps


def taken_over_notice(name: str, package_id: str) -> str:
    """What a take-over of a published package says: no interrupted create leaves one, so it
    is most likely `pulumi up --replace` on the plugin, whose create runs first and isn't
    told it replaces (the engine sends it no recorded inputs)."""
    return (
        f"package {name!r} exists already ({package_id}), published, as the program declares "
        "it, so the create takes it over as it is and what takes its package_id stays. With "
        "`pulumi up --replace` on the aep plugin, that is all a replacement does (the engine "
        "doesn't tell the provider it replaces): to make the package anew, give the Package "
        "the deleteBeforeReplace resource option, which the engine honours"
    )


def take_over(
    client: ExImClient, pkg: ApiPackage, inputs: Mapping[str, Any], what: str
) -> CreateResult:
    """The name is taken. A package exactly as declared (or as an interrupted create of
    this declaration leaves it) is this program's own result: finish it. Anything else
    is someone else's: refuse, name it, and leave it alone."""
    with api_errors(what, org=inputs.get("org")):
        comparison = compare(client, pkg, inputs)
    if not comparison.matches:
        raise ProviderError(
            f"{what} failed: a package with this name already exists ({pkg.id}) and it "
            "differs from the program: "
            + "; ".join(comparison.differences)
            + ". Names are unique per org: rename this Package, or adopt that package "
            f"with opts=pulumi.ResourceOptions(import_={pkg.id!r}) once the program "
            "matches it"
        )
    progress(
        f"package {pkg.name!r} already exists ({pkg.id}) as the program declares it "
        "(left by an interrupted or failed run): taking it over"
    )
    if pkg.status != PackageStatus.DRAFT:
        warn_once(taken_over_notice(str(pkg.name), pkg.id))
    pkg, deps = complete(client, pkg, inputs, comparison)
    return CreateResult(pkg.id, outputs_of(pkg, inputs, deps))


def adopt(client: ExImClient, inputs: Mapping[str, Any]) -> CreateResult:
    """`import_=package_id`: take the package over without writing when it matches."""
    package_id = inputs["adopt_id"]
    what = f"adopting package {package_id}"
    with api_errors(what, org=inputs.get("org"), missing=adoption_missing("package")):
        pkg = client.get_package(package_id)
        comparison = compare(client, pkg, inputs)
    if not comparison.matches:
        raise not_adoptable(what, comparison.differences)
    if comparison.missing_dependencies:
        # What a create interrupted before its dependencies leaves: finish it.
        pkg, deps = complete(client, pkg, inputs, comparison)
        progress(f"package {pkg.name!r} ({pkg.id}) adopted; its dependencies were added")
    else:
        deps = comparison.dependencies
        progress(f"package {pkg.name!r} ({pkg.id}) adopted without changes")
    return CreateResult(pkg.id, outputs_of(pkg, inputs, deps))


# == the resource ===========================================================================
class PackageInputs(Inputs):
    DESCRIPTION: ClassVar[str] = (
        "A set of artifacts of one sandbox: the unit that is published, imported and shared. "
        "Its name, description and (while a draft) its artifacts update in place; its type, "
        "source sandbox and org replace it."
    )
    REQUIRED: ClassVar[tuple[str, ...]] = ("name",)
    SYNONYMS: ClassVar[dict[str, str]] = {"sandbox": "source_sandbox", "type": "package_type"}

    # A FULL package can't be updated: its name and description replace it (see `diff`).
    name: Annotated[
        Name | None,
        Doc(
            f"The package's name, unique in the org; {NAME_RULE}.",
            hint="give the package's name, e.g. 'dev-audiences' (unique per org)",
            change=UPDATE,
        ),
    ] = None
    description: Annotated[
        Description | None,
        Doc(
            f"What the package holds, up to {DESCRIPTION_MAX} characters (newlines and tabs "
            "allowed).",
            hint="give the description as text, or leave it out",
            change=UPDATE,
        ),
    ] = None
    package_type: Annotated[
        Literal["PARTIAL", "FULL"],
        Doc(
            "`PARTIAL` (the artifacts listed) or `FULL` (the whole sandbox: no artifacts). "
            "Changing it replaces the package.",
            hint="use 'PARTIAL' (chosen artifacts) or 'FULL' (the whole sandbox)",
            change=REPLACE,
        ),
    ] = "PARTIAL"
    source_sandbox: Annotated[
        SandboxName | None,
        Doc(
            f"The sandbox the artifacts come from, a sandbox name of up to {SANDBOX_MAX} "
            "characters; left out, `aep:sandbox` (recorded as such). Changing it replaces the "
            "package.",
            hint="give the sandbox's name, e.g. 'dev', or leave it out for aep:sandbox",
            change=REPLACE,
        ),
    ] = None
    # Updated in place while a draft, replaced once published (see `diff`).
    artifacts: Annotated[
        list[ArtifactInput],
        Doc(
            "As an input, the artifacts to package (a PARTIAL package needs one); they change "
            "in place while the package is a draft, and replace it once published. As an "
            "output, the platform's list, with each one's title, `found` and `count`.",
            hint='give a list of {"id": ..., "type": ...} dicts',
            platform=True,
        ),
    ] = Field(default_factory=list)
    # Updated in place while a draft; a published package's expiry is its publication's.
    expiry: Annotated[
        EpochMs | None,
        Doc(
            "As an input, when a draft expires: ISO-8601 text or epoch milliseconds, in the "
            "future; left out, the platform's 90 days. As an output, the platform's expiry in "
            "epoch milliseconds.",
            hint="use ISO-8601 like '2030-01-31T00:00:00Z' or epoch milliseconds",
            platform=True,
        ),
    ] = None
    # Its effect shows in the artifacts (see `artifacts_changed`).
    include_dependencies: Annotated[
        StrictBool,
        Doc(
            "Add every dependency of the artifacts (schemas, classes, merge policies, ..., "
            "found transitively), so an import can't fail on a forgotten one.",
            hint="write True or False (without quotes)",
        ),
    ] = False
    adopt_id: Annotated[PackageId | None, adopt_doc("package", "package id")] = None

    def cross_check(self, unknown: set[str]) -> list[CheckFailure]:
        failures: list[CheckFailure] = []
        if "package_type" not in unknown and "artifacts" not in unknown:
            if self.package_type == PackageType.FULL and self.artifacts:
                failures.append(
                    CheckFailure(
                        "artifacts",
                        "a FULL package takes the whole sandbox and no artifacts: "
                        "remove `artifacts` or use package_type='PARTIAL'",
                    )
                )
            if self.package_type == PackageType.PARTIAL and not self.artifacts:
                failures.append(
                    CheckFailure(
                        "artifacts",
                        "a PARTIAL package needs at least one artifact: "
                        'add {"id": ..., "type": ...} entries or use package_type=\'FULL\'',
                    )
                )
        if "artifacts" not in unknown:
            seen: dict[Key, int] = {}
            for i, art in enumerate(self.artifacts):
                if art.key in seen:
                    failures.append(
                        CheckFailure(
                            f"artifacts[{i}]",
                            f"{art.id!r} ({art.type}) is listed twice (also artifacts"
                            f"[{seen[art.key]}]): remove one",
                        )
                    )
                seen.setdefault(art.key, i)
        if self.include_dependencies and self.package_type == PackageType.FULL:
            failures.append(
                CheckFailure(
                    "include_dependencies",
                    "a FULL package already holds everything: drop include_dependencies",
                )
            )
        return failures

    def to_inputs(self) -> dict[str, Any]:
        inputs = super().to_inputs()
        if "source_sandbox" not in inputs:
            # The default sandbox is part of what the package is: record it so that changing
            # aep:sandbox later shows as the replacement it is.
            with contextlib.suppress(ConfigError):  # the check reports it
                inputs["source_sandbox"] = _config.resolve(self.org).sandbox
        return inputs


_STATUS = "`DRAFT`, `PUBLISH_IN_PROGRESS`, `PUBLISHED` or `PUBLISH_FAILED`"


class PackageOutputs(Outputs):
    package_id: Annotated[str, Doc("The package's id (also the resource's id).", always=True)]
    name: Annotated[str, Doc(always=True)]
    description: str | None
    package_type: Annotated[str, Doc(always=True)]
    source_sandbox: str
    include_dependencies: Annotated[bool, Doc(always=True)]
    org: str | None
    artifacts: Annotated[list[dict[str, Any]], Doc(always=True)]
    declared_artifacts: Annotated[
        list[dict[str, Any]], Doc("The `artifacts` input as last applied.", always=True)
    ]
    dependency_artifacts: Annotated[
        list[dict[str, str]], Doc("The artifacts `includeDependencies` added.", always=True)
    ]
    status: Annotated[str, Doc(f"The package's status: {_STATUS}.", always=True)]
    version: Annotated[
        int, Doc("The platform's version of the package; it changes on every write.")
    ]
    expiry: int
    created_date: Annotated[int, Doc("When the package was created, in epoch milliseconds.")]
    modified_date: Annotated[int, Doc("When the package last changed, in epoch milliseconds.")]
    ims_org_id: Annotated[str, Doc("The org that owns the package (`...@AdobeOrg`).")]
    package_version: Annotated[
        int,
        Doc(
            "The package's current version (packages.md \"Migrate object configuration "
            'updates"): 0 as published, one more for each version saved since; known once a '
            "refresh has seen the package published."
        ),
    ]
    version_history: Annotated[
        list[dict[str, Any]],
        Doc("The versions saved, newest first: `{package_version, created_date, created_by}`."),
    ]
    source_changes: Annotated[
        list[dict[str, Any]],
        Doc(
            "What changed in the source sandbox since the current version, as the last "
            "refresh saw it: `{artifact_id, type, title, changes}` per artifact. The next "
            "`pulumi up` saves them as a new version, and each ImportJob of the package "
            "brings it to its target."
        ),
    ]
    declared_expiry: Annotated[
        int | None,
        Doc(
            "The `expiry` input as last applied (epoch ms): a refresh tells the program's "
            "expiry from the platform's default by it.",
            internal=True,
        ),
    ]


class PackageProvider(BaseProvider):
    INPUTS = PackageInputs

    # -- check (BaseProvider's) / diff: no API calls ---------------------------------------------
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        _claims.record(_claims.PACKAGE, _id)
        full = (news.get("package_type") or olds.get("package_type")) == PackageType.FULL

        replaces, texts = declared_changes(PackageInputs, olds, news)
        # UPDATE only exists for PARTIAL packages.
        replaces, updates = (replaces + texts, []) if full else (replaces, texts)
        artifacts = artifacts_changed(olds, news)
        # The state's status is the one of the last create or refresh: a PublishedPackage
        # publishes the package behind it. Only a change that needs a draft asks the platform.
        expiry = changed(olds, news, ("expiry",)) if "expiry" in news else []
        draft = olds.get("status") == PackageStatus.DRAFT and (
            not (artifacts or expiry) or bool(replaces) or self._still_draft(_id, olds)
        )
        if artifacts:
            # Only a draft's contents can change; otherwise a new package is the only way.
            (updates if draft else replaces).append("artifacts")
        if draft:  # a published package's expiry is its publication's
            updates += expiry
        if has_expired(olds):  # nothing revives it; what takes its package_id follows
            replaces.append("expiry")
            warn(f"package {olds.get('name')!r} ({_id}) has expired: planning its replacement")
        if olds.get("source_changes") and not replaces:
            # Seen by the last refresh: a new version, and an update of each import.
            updates.append("source_changes")
            version = _versions.version_of(olds.get("package_version"), 0)
            warn_once(
                f"package {olds.get('name')!r} ({_id}): its artifacts changed in sandbox "
                f"{olds.get('source_sandbox')!r} since version {version}"
                ": planning a new version, and an update of each ImportJob of it"
                + _versions.changes_text(olds["source_changes"])
            )
        # Names are unique per org: a replacement keeping its name in the same org can only
        # be created once the old package is gone.
        first_delete = (
            bool(replaces)
            and same(olds.get("name"), news.get("name"))
            and same(olds.get("org"), news.get("org"))
        )
        if replaces and not is_unknown([news.get("artifacts"), news.get("source_sandbox")]):
            # Checked before the engine deletes anything (see "package preflight" above): every
            # replacement of a dynamic Package deletes first (`delete_first`).
            org = news.get("org")

            def client_of() -> ExImClient | None:
                try:
                    return self.client(org)
                except ConfigError:  # check() names it
                    return None

            with api_errors(f"checking the replacement of package {_id}", org=org):
                check_replacement(client_of, str(news.get("name")), olds, news)
        _claims.plan(_claims.PACKAGE, _id, kept=not replaces)
        return DiffResult(
            changes=bool(replaces or updates),
            replaces=replaces,
            delete_before_replace=first_delete,
        )

    def _still_draft(self, id_: str, olds: dict[str, Any]) -> bool:
        """The live status (one GET): a package gone or published since the state was
        written is not a draft."""
        pkg = self.live(f"package {id_}", olds, lambda client: client.get_package(id_))
        return pkg is not None and pkg.status == PackageStatus.DRAFT

    # -- create ----------------------------------------------------------------------------------
    def _adopt(self, inputs: dict[str, Any]) -> CreateResult:
        return adopt(self.client(inputs.get("org")), inputs)

    def _create(self, inputs: dict[str, Any]) -> CreateResult:
        org = inputs.get("org")
        client = self.client(org)
        name = inputs["name"]
        what = f"creating package {name!r}"

        def post() -> ApiPackage:
            return client.create_package(
                name=name,
                description=inputs.get("description"),
                package_type=inputs.get("package_type", PackageType.PARTIAL),
                source_sandbox=inputs.get("source_sandbox"),
                artifacts=[dict(a) for a in inputs.get("artifacts") or []],
                expiry=inputs.get("expiry"),
            )

        with api_errors(what, org=org, missing=SANDBOX_MISSING):
            try:
                pkg = post()
            except ConflictError:
                existing = client.find_package_by_name(name)
                if existing is None:
                    raise
                if not self._replaced_first(client, existing.id, inputs):
                    taken = take_over(client, existing, inputs, what)
                    _claims.taken_over(_claims.PACKAGE, existing.id)
                    return taken
                pkg = post()
        progress(f"package {name!r} created: {pkg.id}")
        try:
            pkg, deps = complete(client, pkg, inputs)
        except ProviderError as exc:
            # This create made the package: remove it again rather than strand it.
            raise ProviderError(f"{exc}\n  {roll_back(client, pkg.id)}") from None
        return CreateResult(pkg.id, outputs_of(pkg, inputs, deps))

    @staticmethod
    def _replaced_first(client: ExImClient, existing_id: str, inputs: dict[str, Any]) -> bool:
        """The name is taken by `existing_id`. When that is the package this very resource's
        state records (a replacement the engine runs create-first, as `pulumi up --replace`
        does), delete it first, after the checks a delete-first replacement makes: True.
        Taking it over instead would end with the engine deleting it as the "old" one.
        False: not this resource's (taken over when it matches, refused otherwise)."""
        previous = _claims.previous_inputs()
        name, org = inputs["name"], inputs.get("org")
        if (
            not previous
            or not same(previous.get("name"), name)
            or not same(previous.get("org"), org)
        ):
            if _claims.recorded_elsewhere(_claims.PACKAGE, existing_id):
                raise ProviderError(
                    f"creating package {name!r} failed: the name is taken by package "
                    f"{existing_id}, which this stack records under another resource: give "
                    "this Package another name, or remove one of the two declarations"
                )
            return False
        check_replacement(lambda: client, name, previous, inputs)
        progress(
            f"package {name!r} ({existing_id}) is the one this replacement replaces and a "
            "name is unique per org: deleting it first"
        )
        client.delete_package(existing_id, missing_ok=True)
        return True

    # -- read --------------------------------------------------------------------------------------
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        _claims.record(_claims.PACKAGE, id_)
        olds = self.strip(props)
        pkg = self.live(f"package {id_}", olds, lambda client: client.get_package(id_))
        if pkg is None:
            return gone()
        inputs = inputs_from_platform(pkg, olds)
        deps = keys_of(olds.get("dependency_artifacts"))
        outs = outputs_of(pkg, inputs, deps)
        if pkg.status == PackageStatus.PUBLISHED and pkg.package_type != PackageType.FULL:
            org = olds.get("org")
            what = f"reading package {pkg.name!r} ({id_})"
            with api_errors(what, org=org):
                outs.update(follow_source(self.client(org), pkg, what))
        return ReadResult(pkg.id, outs, inputs=inputs)

    # -- update ------------------------------------------------------------------------------------
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        _claims.record(_claims.PACKAGE, id_)
        inputs = self.strip(news)
        org = inputs.get("org")
        client = self.client(org)
        name = inputs["name"]
        expiry = inputs.get("expiry")
        what = f"updating package {name!r} ({id_})"
        with api_errors(what, org=org, missing=GONE):
            # The live package, not the recorded outputs: the difference must be computed
            # against what the platform holds now.
            pkg = client.get_package(id_)
            if not same(pkg.name, name) or not same(pkg.description, inputs.get("description")):
                pkg = client.update_package(
                    id_, name=name, description=inputs.get("description") or "", expiry=expiry
                )
            declared = keys_of(inputs.get("artifacts"))
            deps = (
                dependencies_of(client, id_, declared) if inputs.get("include_dependencies") else []
            )
            wanted = declared + [d for d in deps if d not in declared]
            holding = keys_of(platform_artifacts(pkg))
            to_add = [k for k in wanted if k not in holding]
            to_remove = [k for k in holding if k not in wanted]
            if (to_add or to_remove) and pkg.status != PackageStatus.DRAFT:
                # The diff found it a draft; it was published since (between the plan and
                # this step). The next plan sees the live status and replaces it.
                raise ProviderError(
                    f"{what} failed: the package was {pkg.status} before its artifacts could "
                    "change: run `pulumi up` again, whose plan replaces it"
                )
            if to_remove:
                pkg = client.remove_artifacts(id_, refs(to_remove), expiry=expiry)
            titles = {artifact_key(a): a for a in inputs.get("artifacts") or []}
            if to_add:
                # Every write carries the declared expiry: a PUT without one moves a draft's
                # expiry to now + 90 days.
                pkg = client.add_artifacts(
                    id_,
                    [dict(titles.get(k) or {"id": k[0], "type": k[1]}) for k in to_add],
                    expiry=expiry,
                )
                missing = not_found_lines(pkg, inputs, to_add)
                if missing:
                    # Take back what the sandbox lacks: a draft holding it could never publish.
                    lacking = [(a.id, a.type) for a in pkg.artifacts_list if a.found is False]
                    client.remove_artifacts(
                        id_, refs(k for k in to_add if k in lacking), expiry=expiry
                    )
                    raise not_in_source(what, sandbox_of(pkg), missing, taken_out=True)
            if expiry is not None and pkg.status == PackageStatus.DRAFT and pkg.expiry != expiry:
                pkg = client.update_package(id_, expiry=expiry)
            versions = {k: v for k, v in self.strip(olds).items() if k in VERSION_OUTPUTS}
            if versions.get("source_changes"):
                versions = follow_source(client, pkg, what, save=True) or {"source_changes": []}
        if to_add or to_remove:
            progress(f"package {name!r}: +{len(to_add)} -{len(to_remove)} artifacts")
        return UpdateResult({**outputs_of(pkg, inputs, deps), **versions})

    # -- delete ------------------------------------------------------------------------------------
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        olds = self.strip(props)
        if _claims.taken_over_in_this_run(_claims.PACKAGE, id_):
            progress(
                f"package {olds.get('name', '')!r} ({id_}) is the one this update's create "
                "took over (a replacement keeping its name): kept, and dropped from the old "
                "record only"
            )
            return
        client = self.client(olds.get("org"))
        with api_errors(f"deleting package {olds.get('name', '')!r} ({id_})", org=olds.get("org")):
            # Already gone is what delete wants.
            client.delete_package(id_, missing_ok=True)
