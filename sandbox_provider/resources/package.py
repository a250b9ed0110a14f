"""Package: a set of artifacts of one sandbox, the unit that is published, imported, shared.

Lifecycle
---------
- **create**: POST the package with the declared `artifacts`. With
  `include_dependencies=True` the dependencies of those artifacts (the children endpoint,
  followed transitively) are then added in one ADD, so an import can't fail on a forgotten
  schema, class or merge policy.
- **update in place** (the package keeps its id):
  `name` / `description` -> one UPDATE; `artifacts` / `include_dependencies`, or artifacts
  changed behind the program's back -> one ADD and one DELETE computed from the difference
  between what the platform holds and what is wanted; `expiry` of a draft -> re-sent.
- **replace** (a new package, then the old one is deleted): `package_type`,
  `source_sandbox`, `org`; a change of artifacts once the package is no longer a DRAFT
  (a published package's contents are frozen); `name` / `description` of a FULL package
  (UPDATE only exists for PARTIAL packages).
- **delete**: DELETE. A package that is already gone counts as deleted.
- **read** (refresh): one GET. The recorded inputs are rewritten to what the platform holds
  (name, description, artifacts), so `pulumi refresh` shows drift and the next `pulumi up`
  puts the program's values back. A package that no longer exists is dropped from the stack.
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
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Literal

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)
from pydantic import Field

from sandbox_provider.client import ExImClient
from sandbox_provider.client.errors import NotFoundError
from sandbox_provider.client.models import Package as ApiPackage

from . import _config
from ._base import (
    GONE,
    BaseProvider,
    Inputs,
    ProviderError,
    api_errors,
    is_unknown,
    progress,
    same,
    validate,
)
from ._fields import (
    Artifact,
    ArtifactInput,
    EpochMs,
    NonEmpty,
    PackageId,
    SandboxName,
    artifact_key,
)

DRAFT = "DRAFT"
Key = tuple[str, str]


class PackageInputs(Inputs):
    REQUIRED: ClassVar[tuple[str, ...]] = ("name",)
    HINTS: ClassVar[dict[str, str]] = {
        "package_type": "use 'PARTIAL' (chosen artifacts) or 'FULL' (the whole sandbox)",
        "artifacts": 'give a list of {"id": ..., "type": ...} dicts',
        "expiry": "use ISO-8601 like '2030-01-31T00:00:00Z' or epoch milliseconds",
    }

    name: NonEmpty | None = None
    description: str | None = None
    package_type: Literal["PARTIAL", "FULL"] = "PARTIAL"
    source_sandbox: SandboxName | None = None
    artifacts: list[ArtifactInput] = Field(default_factory=list)
    expiry: EpochMs | None = None
    include_dependencies: bool = False
    adopt_id: PackageId | None = None

    def cross_check(self, unknown: set[str]) -> list[CheckFailure]:
        failures: list[CheckFailure] = []
        if "package_type" not in unknown and "artifacts" not in unknown:
            if self.package_type == "FULL" and self.artifacts:
                failures.append(
                    CheckFailure(
                        "artifacts",
                        "a FULL package takes the whole sandbox and no artifacts: "
                        "remove `artifacts` or use package_type='PARTIAL'",
                    )
                )
            if self.package_type == "PARTIAL" and not self.artifacts:
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
        if self.include_dependencies and self.package_type == "FULL":
            failures.append(
                CheckFailure(
                    "include_dependencies",
                    "a FULL package already holds everything: drop include_dependencies",
                )
            )
        return failures


# -- helpers -------------------------------------------------------------------------------------
def _keys(items: Iterable[Mapping[str, Any]] | None) -> list[Key]:
    out: list[Key] = []
    for item in items or []:
        key = artifact_key(item)
        if key not in out:
            out.append(key)
    return out


def _refs(keys: Iterable[Key]) -> list[dict[str, str]]:
    return [{"id": i, "type": t} for i, t in keys]


def _platform_artifacts(pkg: ApiPackage) -> list[dict[str, Any]]:
    out = []
    for a in pkg.artifacts_list:
        item: dict[str, Any] = {"id": a.id, "type": a.type}
        if a.title:
            item["title"] = a.title
        item["found"] = bool(a.found)
        item["count"] = int(a.count or 0)
        out.append(item)
    return out


def outputs_of(
    pkg: ApiPackage, inputs: Mapping[str, Any], dependencies: Sequence[Key]
) -> dict[str, Any]:
    """Full outputs: the program's inputs as recorded, plus what the platform says."""
    outs: dict[str, Any] = {
        "package_id": pkg.id,
        "name": pkg.name,
        "package_type": pkg.package_type or inputs.get("package_type", "PARTIAL"),
        "source_sandbox": (pkg.source_sandbox.name if pkg.source_sandbox else None)
        or inputs.get("source_sandbox"),
        "include_dependencies": bool(inputs.get("include_dependencies", False)),
        "declared_artifacts": [dict(a) for a in inputs.get("artifacts") or []],
        "dependency_artifacts": _refs(dependencies),
        "artifacts": _platform_artifacts(pkg),
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
        answer = client.package_children(package_id, _refs(frontier))
        frontier = []
        for entry in answer:
            for child in entry.children:
                key = (child.id, child.type)
                if key not in known:
                    known.add(key)
                    found.append(key)
                    frontier.append(key)
    return found


class PackageProvider(BaseProvider):
    # -- check / diff: no API calls --------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        parsed, result = validate(PackageInputs, news)
        if parsed is not None and "source_sandbox" not in result.inputs:
            # The default sandbox is part of what the package is: record it so that changing
            # aep:sandbox later shows as the replacement it is.
            with contextlib.suppress(_config.ConfigError):  # validate() reported it
                result.inputs["source_sandbox"] = _config.resolve(parsed.org).sandbox
        return result

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces: list[str] = []
        changed: list[str] = []
        full = (news.get("package_type") or olds.get("package_type")) == "FULL"
        draft = olds.get("status") == DRAFT

        for key in ("package_type", "source_sandbox", "org"):
            if is_unknown(news.get(key)) or not same(olds.get(key), news.get(key)):
                replaces.append(key)
        for key in ("name", "description"):
            if is_unknown(news.get(key)) or not same(olds.get(key), news.get(key)):
                (replaces if full else changed).append(key)

        if self._artifacts_changed(olds, news):
            # Only a draft's contents can change; otherwise a new package is the only way.
            (changed if draft else replaces).append("artifacts")
        if (
            "expiry" in news
            and draft
            and (is_unknown(news["expiry"]) or olds.get("expiry") != news["expiry"])
        ):
            changed.append("expiry")

        return DiffResult(
            changes=bool(replaces or changed),
            replaces=replaces,
            # Names are unique per org: a replacement keeping its name in the same org can
            # only be created once the old package is gone.
            delete_before_replace=bool(replaces)
            and same(olds.get("name"), news.get("name"))
            and same(olds.get("org"), news.get("org")),
        )

    @staticmethod
    def _artifacts_changed(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        if is_unknown(news.get("artifacts")) or is_unknown(news.get("include_dependencies")):
            return True
        if olds.get("package_type") == "FULL" and news.get("package_type") == "FULL":
            # The platform decides what a whole-sandbox package lists; the program lists none.
            return False
        declared_old = set(_keys(olds.get("declared_artifacts")))
        declared_new = set(_keys(news.get("artifacts")))
        incl_old = bool(olds.get("include_dependencies", False))
        incl_new = bool(news.get("include_dependencies", False))
        if declared_old != declared_new or incl_old != incl_new:
            return True
        expected = declared_old | (
            set(_keys(olds.get("dependency_artifacts"))) if incl_old else set()
        )
        return set(_keys(olds.get("artifacts"))) != expected

    # -- create ----------------------------------------------------------------------------------
    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self.strip(props)
        if inputs.get("adopt_id"):
            return self._adopt(inputs)
        client = self.client(inputs.get("org"))
        declared = _keys(inputs.get("artifacts"))
        name = inputs["name"]
        with api_errors(f"creating package {name!r}"):
            pkg = client.create_package(
                name=name,
                description=inputs.get("description"),
                package_type=inputs.get("package_type", "PARTIAL"),
                source_sandbox=inputs.get("source_sandbox"),
                artifacts=[dict(a) for a in inputs.get("artifacts") or []],
                expiry=inputs.get("expiry"),
            )
        progress(f"package {name!r} created: {pkg.id}")
        deps: list[Key] = []
        if inputs.get("include_dependencies"):
            with api_errors(f"adding the dependencies of package {name!r} ({pkg.id})"):
                deps = dependencies_of(client, pkg.id, declared)
                if deps:
                    pkg = client.add_artifacts(pkg.id, _refs(deps), expiry=inputs.get("expiry"))
                    progress(f"package {name!r}: added {len(deps)} dependencies")
        return CreateResult(pkg.id, outputs_of(pkg, inputs, deps))

    def _adopt(self, inputs: dict[str, Any]) -> CreateResult:
        package_id = inputs["adopt_id"]
        client = self.client(inputs.get("org"))
        with api_errors(f"adopting package {package_id}"):
            try:
                pkg = client.get_package(package_id)
            except NotFoundError:
                raise ProviderError(
                    f"adopting package {package_id} failed: it does not exist in the org: "
                    "check the id given to import_, or remove import_ to create the package"
                ) from None
            declared = _keys(inputs.get("artifacts"))
            deps = (
                dependencies_of(client, pkg.id, declared)
                if inputs.get("include_dependencies")
                else []
            )
        diffs = _adoption_differences(pkg, inputs, set(declared) | set(deps))
        if diffs:
            raise ProviderError(
                f"adopting package {package_id} failed: the program's inputs do not match it: "
                + "; ".join(diffs)
                + ". Change the program to match (or adopt, then change it in a later update)"
            )
        progress(f"package {pkg.name!r} ({pkg.id}) adopted without changes")
        return CreateResult(pkg.id, outputs_of(pkg, inputs, deps))

    # -- read --------------------------------------------------------------------------------------
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        olds = self.strip(props)
        client = self.client(olds.get("org"))
        with api_errors(f"reading package {id_}"):
            try:
                pkg = client.get_package(id_)
            except NotFoundError:
                return ReadResult(id_="", outs={})
        inputs = _inputs_from_platform(pkg, olds)
        deps = _keys(olds.get("dependency_artifacts"))
        return ReadResult(pkg.id, outputs_of(pkg, inputs, deps), inputs=inputs)

    # -- update ------------------------------------------------------------------------------------
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = self.strip(news)
        client = self.client(inputs.get("org"))
        name = inputs["name"]
        expiry = inputs.get("expiry")
        what = f"updating package {name!r} ({id_})"
        with api_errors(what, missing=GONE):
            # The live package, not the recorded outputs: the difference must be computed
            # against what the platform holds now.
            pkg = client.get_package(id_)
            if not same(pkg.name, name) or not same(pkg.description, inputs.get("description")):
                pkg = client.update_package(
                    id_, name=name, description=inputs.get("description") or "", expiry=expiry
                )
            declared = _keys(inputs.get("artifacts"))
            deps = (
                dependencies_of(client, id_, declared) if inputs.get("include_dependencies") else []
            )
            wanted = declared + [d for d in deps if d not in declared]
            holding = _keys(_platform_artifacts(pkg))
            to_add = [k for k in wanted if k not in holding]
            to_remove = [k for k in holding if k not in wanted]
            if (to_add or to_remove) and pkg.status != DRAFT:
                raise ProviderError(
                    f"{what} failed: the package is {pkg.status} and its artifacts can't "
                    "change: revert the artifacts, or run `pulumi up` again to replace it"
                )
            if to_remove:
                pkg = client.remove_artifacts(id_, _refs(to_remove), expiry=expiry)
            titles = {artifact_key(a): a for a in inputs.get("artifacts") or []}
            if to_add:
                # Every write carries the declared expiry: a PUT without one moves a draft's
                # expiry to now + 90 days.
                pkg = client.add_artifacts(
                    id_,
                    [dict(titles.get(k) or {"id": k[0], "type": k[1]}) for k in to_add],
                    expiry=expiry,
                )
            if expiry is not None and pkg.status == DRAFT and pkg.expiry != expiry:
                pkg = client.update_package(id_, expiry=expiry)
        if to_add or to_remove:
            progress(f"package {name!r}: +{len(to_add)} -{len(to_remove)} artifacts")
        return UpdateResult(outputs_of(pkg, inputs, deps))

    # -- delete ------------------------------------------------------------------------------------
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        olds = self.strip(props)
        client = self.client(olds.get("org"))
        with api_errors(f"deleting package {olds.get('name', '')!r} ({id_})"):
            # Already gone is what delete wants.
            client.delete_package(id_, missing_ok=True)


def _inputs_from_platform(pkg: ApiPackage, olds: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs a program would pass to describe the package as the platform holds it.

    Declared artifacts still present keep their place (and titles); artifacts the platform
    holds that were neither declared nor added as dependencies show up as declared, so a
    refresh records them and the next update removes them.
    """
    holding = [] if pkg.package_type == "FULL" else _keys(_platform_artifacts(pkg))
    declared = list(olds.get("declared_artifacts") or [])
    deps = set(_keys(olds.get("dependency_artifacts")))
    declared_keys = set(_keys(declared))
    artifacts = [dict(a) for a in declared if artifact_key(a) in holding]
    artifacts += [
        {"id": i, "type": t}
        for i, t in holding
        if (i, t) not in declared_keys and (i, t) not in deps
    ]
    inputs: dict[str, Any] = {
        "name": pkg.name,
        "package_type": pkg.package_type or olds.get("package_type", "PARTIAL"),
        "artifacts": artifacts,
        "include_dependencies": bool(olds.get("include_dependencies", False)),
    }
    sandbox = pkg.source_sandbox.name if pkg.source_sandbox else olds.get("source_sandbox")
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


def _adoption_differences(
    pkg: ApiPackage, inputs: Mapping[str, Any], wanted: set[Key]
) -> list[str]:
    diffs = []
    if not same(pkg.name, inputs.get("name")):
        diffs.append(f"name is {pkg.name!r} on the platform, {inputs.get('name')!r} in the program")
    if not same(pkg.description, inputs.get("description")):
        diffs.append(
            f"description is {pkg.description!r} on the platform, "
            f"{inputs.get('description')!r} in the program"
        )
    if (pkg.package_type or "PARTIAL") != inputs.get("package_type", "PARTIAL"):
        diffs.append(
            f"package_type is {pkg.package_type} on the platform, "
            f"{inputs.get('package_type')} in the program"
        )
    sandbox = pkg.source_sandbox.name if pkg.source_sandbox else None
    if inputs.get("source_sandbox") and sandbox and sandbox != inputs["source_sandbox"]:
        diffs.append(
            f"source_sandbox is {sandbox!r} on the platform, {inputs['source_sandbox']!r} in "
            "the program"
        )
    holding = set() if pkg.package_type == "FULL" else set(_keys(_platform_artifacts(pkg)))
    missing = sorted(i for i, _ in wanted - holding)
    extra = sorted(i for i, _ in holding - wanted)
    if missing:
        diffs.append(f"artifacts {missing} are in the program but not in the package")
    if extra:
        diffs.append(f"artifacts {extra} are in the package but not in the program")
    return diffs


class Package(pulumi.dynamic.Resource, module="aep", name="Package"):
    """A package of artifacts from one sandbox (see the module docstring for its lifecycle)."""

    package_id: pulumi.Output[str]
    name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    package_type: pulumi.Output[str]
    source_sandbox: pulumi.Output[str]
    include_dependencies: pulumi.Output[bool]
    org: pulumi.Output[str | None]
    #: The platform's list: {"id", "type", "title"?, "found", "count"} per artifact.
    artifacts: pulumi.Output[list[dict[str, Any]]]
    #: The program's list as last applied.
    declared_artifacts: pulumi.Output[list[dict[str, Any]]]
    #: What include_dependencies added on top of the declared artifacts.
    dependency_artifacts: pulumi.Output[list[dict[str, str]]]
    status: pulumi.Output[str]
    version: pulumi.Output[int]
    #: Epoch milliseconds.
    expiry: pulumi.Output[int]
    created_date: pulumi.Output[int]
    modified_date: pulumi.Output[int]
    ims_org_id: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        description: pulumi.Input[str] | None = None,
        package_type: pulumi.Input[str] | None = None,
        source_sandbox: pulumi.Input[str] | None = None,
        artifacts: pulumi.Input[Sequence[pulumi.Input[Artifact]]] | None = None,
        expiry: pulumi.Input[str | int] | None = None,
        include_dependencies: pulumi.Input[bool] | None = None,
        org: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        adopt_id: str | None = None
        if opts is not None and opts.import_:
            # See "adoption" in the module docstring: import_ can't reach a dynamic provider.
            adopt_id = opts.import_
            opts = pulumi.ResourceOptions.merge(opts, None)
            opts.import_ = None
        props: dict[str, Any] = {
            "name": name,
            "description": description,
            "package_type": package_type,
            "source_sandbox": source_sandbox,
            "artifacts": artifacts,
            "expiry": expiry,
            "include_dependencies": include_dependencies,
            "org": org,
            "adopt_id": adopt_id,
            # Outputs only: declared so they exist as attributes.
            "package_id": None,
            "declared_artifacts": None,
            "dependency_artifacts": None,
            "status": None,
            "version": None,
            "created_date": None,
            "modified_date": None,
            "ims_org_id": None,
        }
        super().__init__(PackageProvider(), resource_name, props, opts)
