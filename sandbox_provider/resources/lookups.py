"""Lookup functions: read the platform from a program, at preview and at up, never writing.

In the convention of the `get_*` functions of Pulumi's providers, each takes Inputs (plain
values or Outputs of other resources) and returns an Output of a plain result: TypedDicts with
snake_case keys, so a result can be exported as is, indexed (`pkg["status"]`), or turned into
another resource's input with `.apply(...)`.

A dynamic provider has no invoke, so the functions run in the program's process: they build
their client from the same `aep:*` settings (and `AEP_*` variables, and `aep:orgs` profiles for
`org=`) the resources use (`_program_config`). When an input is not known yet (an output of a
resource a preview has not created), the result stays unknown and nothing is called. The calls
run in a worker thread, so the program goes on registering resources meanwhile.

A failure is one line naming the input and the fix, as the resources' (`_errors.api_errors`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import pulumi

from ._errors import ProviderError, api_errors
from ._lookup_results import (
    ArtifactDependencies,
    ArtifactPermissions,
    ArtifactRef,
    ImportConflict,
    ImportJobInfo,
    PackageInfo,
    Preflight,
    job_info,
    package_info,
    ref,
)
from ._program_config import program_client

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient

__all__ = [
    "ArtifactDependencies",
    "ArtifactPermissions",
    "ArtifactRef",
    "ImportConflict",
    "ImportJobInfo",
    "PackageInfo",
    "Preflight",
    "get_artifact_dependencies",
    "get_import_conflicts",
    "get_import_jobs",
    "get_package",
    "get_packages",
    "get_preflight",
]


# -- the machinery -----------------------------------------------------------------------------
R = TypeVar("R")

#: The fix when a package id leads nowhere.
_PACKAGE_ID_FIX = (
    "check `package_id`: it must be the id of a package of the org acting (`org=`), such as "
    "a Package's `package_id` output or one `get_packages()` lists"
)


def _lookup(
    function: str,
    inputs: dict[str, Any],
    call: Callable[[ExImClient, dict[str, Any]], R],
    *,
    missing: str | None = None,
) -> pulumi.Output[R]:
    """`call(client, resolved inputs)` once every input is known, in a worker thread, inside
    `api_errors` (so a failure names the function, the input and the fix)."""

    def run(values: dict[str, Any]) -> Any:
        def work() -> R:
            org = values.get("org") or None
            try:
                with api_errors(function, org=org, missing=missing):
                    return call(program_client(org), values)
            except ProviderError as exc:
                # RunError: the CLI prints the message alone, not a traceback into the SDK.
                raise pulumi.RunError(str(exc)) from None

        return asyncio.to_thread(work)

    return pulumi.Output.from_input(inputs).apply(run)


def _text(function: str, name: str, value: Any) -> str:
    """A required string input, checked once it is known."""
    if not isinstance(value, str) or not value.strip():
        raise ProviderError(f"{function} failed: `{name}` must be a non-empty string")
    return value


def _names(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


# -- the functions -----------------------------------------------------------------------------
def get_package(
    *,
    name: pulumi.Input[str] | None = None,
    package_id: pulumi.Input[str] | None = None,
    org: pulumi.Input[str] | None = None,
) -> pulumi.Output[PackageInfo]:
    """One package of the org, by its exact `name` or its `package_id` (give exactly one).
    Fails when there is none."""
    if (name is None) == (package_id is None):
        raise pulumi.RunError("get_package: give exactly one of `name` and `package_id`")

    def call(client: ExImClient, v: dict[str, Any]) -> PackageInfo:
        if v.get("package_id") is not None:
            return package_info(
                client.get_package(_text("get_package", "package_id", v["package_id"]))
            )
        wanted = _text("get_package", "name", v["name"])
        found = client.find_package_by_name(wanted)
        if found is None:
            raise ProviderError(
                f"get_package failed: the org has no package named {wanted!r}: check `name` "
                "(names are exact, case included), or list the packages with get_packages()"
            )
        return package_info(found)

    return _lookup(
        "get_package",
        {"name": name, "package_id": package_id, "org": org},
        call,
        missing=_PACKAGE_ID_FIX,
    )


def get_packages(
    *,
    name: pulumi.Input[str] | None = None,
    status: str | Sequence[str] | None = None,
    package_type: str | Sequence[str] | None = None,
    visibility: str | Sequence[str] | None = None,
    created_after: pulumi.Input[int] | None = None,
    created_before: pulumi.Input[int] | None = None,
    org: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[PackageInfo]]:
    """The org's packages matching every filter given, newest first: `status` (`DRAFT`,
    `PUBLISHED`, ...), `package_type` (`PARTIAL`, `FULL`), `visibility` (`PRIVATE`,
    `PUBLIC`), each one value or a list of any; `name`, exact; `created_after` /
    `created_before`, epoch milliseconds, inclusive."""
    from sandbox_provider.client import prop

    def call(client: ExImClient, v: dict[str, Any]) -> list[PackageInfo]:
        filters: list[Any] = []
        for key, field in (
            ("status", "status"),
            ("package_type", "packageType"),
            ("visibility", "packageVisibility"),
        ):
            if v.get(key):
                filters.append(prop(field).eq(*_names(v[key])))
        if v.get("name") is not None and "," not in v["name"]:
            filters.append(prop("name").eq(v["name"]))
        if v.get("created_after") is not None:
            filters.append(prop("createdDate").ge(v["created_after"]))
        if v.get("created_before") is not None:
            filters.append(prop("createdDate").le(v["created_before"]))
        found = client.list_packages(*filters, order_by="-createdDate")
        # A name holding a comma can't be a server filter (it is the API's "any of").
        return [package_info(p) for p in found if v.get("name") in (None, p.name)]

    inputs = {
        "name": name,
        "status": status,
        "package_type": package_type,
        "visibility": visibility,
        "created_after": created_after,
        "created_before": created_before,
        "org": org,
    }
    return _lookup("get_packages", inputs, call)


def get_import_conflicts(
    package_id: pulumi.Input[str],
    target_sandbox: pulumi.Input[str],
    *,
    org: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[ImportConflict]]:
    """The artifacts of a published package that have look-alikes in `target_sandbox`, each
    with the platform's suggestions, best first: what an ImportJob's `alternatives` decides."""

    def call(client: ExImClient, v: dict[str, Any]) -> list[ImportConflict]:
        found = client.import_conflicts(
            _text("get_import_conflicts", "package_id", v["package_id"]),
            _text("get_import_conflicts", "target_sandbox", v["target_sandbox"]),
        )
        return [
            {
                "artifact_id": c.artifact.id,
                "artifact_type": c.artifact.type,
                "title": c.artifact.title,
                "suggestions": [ref(s) for s in c.suggestion_list],
            }
            for c in found
        ]

    inputs = {"package_id": package_id, "target_sandbox": target_sandbox, "org": org}
    return _lookup("get_import_conflicts", inputs, call, missing=_PACKAGE_ID_FIX)


def get_preflight(
    package_id: pulumi.Input[str],
    target_sandbox: pulumi.Input[str],
    *,
    org: pulumi.Input[str] | None = None,
) -> pulumi.Output[Preflight]:
    """Whether the acting credential may create every artifact of the package in
    `target_sandbox`, and what each one lacks."""

    def call(client: ExImClient, v: dict[str, Any]) -> Preflight:
        pid = _text("get_preflight", "package_id", v["package_id"])
        target = _text("get_preflight", "target_sandbox", v["target_sandbox"])
        result = client.preflight(pid, target)
        return {
            "package_id": result.package_id or pid,
            "target_sandbox": result.target_sandbox_name or target,
            "allowed": result.allowed,
            "artifacts": [
                {
                    "artifact_id": p.artifact_id,
                    "artifact_type": p.artifact_type,
                    "creation_allowed": p.creation_allowed,
                    "missing_permissions": {
                        r.palm_resource_type: list(r.resource_permissions)
                        for r in p.missing_permissions.resources
                    },
                }
                for p in result.permission_response
            ],
        }

    inputs = {"package_id": package_id, "target_sandbox": target_sandbox, "org": org}
    return _lookup("get_preflight", inputs, call, missing=_PACKAGE_ID_FIX)


def get_artifact_dependencies(
    package_id: pulumi.Input[str],
    *,
    org: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[ArtifactDependencies]]:
    """Each artifact of the package with its direct dependencies (a read, though a POST)."""

    def call(client: ExImClient, v: dict[str, Any]) -> list[ArtifactDependencies]:
        pid = _text("get_artifact_dependencies", "package_id", v["package_id"])
        return [
            {
                "id": a.id,
                "type": a.type,
                "title": a.title,
                "children": [ref(c) for c in a.children],
            }
            for a in client.package_children(pid)
        ]

    inputs = {"package_id": package_id, "org": org}
    return _lookup("get_artifact_dependencies", inputs, call, missing=_PACKAGE_ID_FIX)


def get_import_jobs(
    *,
    package_id: pulumi.Input[str] | None = None,
    target_sandbox: pulumi.Input[str] | None = None,
    name: pulumi.Input[str] | None = None,
    status: str | Sequence[str] | None = None,
    request_type: str | None = "IMPORT",
    org: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[ImportJobInfo]]:
    """The org's jobs matching every filter given, newest first: `status` (`SUCCESS`,
    `FAILED`, `IN_PROGRESS`, ...; one or a list), `name`, `package_id`, `target_sandbox`.
    `request_type` is `IMPORT` unless given (`EXPORT`, or None for both)."""
    from sandbox_provider.client import prop

    def call(client: ExImClient, v: dict[str, Any]) -> list[ImportJobInfo]:
        filters: list[Any] = []
        if v.get("status"):
            filters.append(prop("jobStatus").eq(*_names(v["status"])))
        if v.get("request_type"):
            filters.append(prop("requestType").eq(v["request_type"]))
        # The documented filters are the status and the request type; the rest is matched
        # here, the same on the platform and on the emulator.
        wanted = {k: v[k] for k in ("package_id", "target_sandbox", "name") if v.get(k)}
        jobs = [job_info(j) for j in client.list_jobs(*filters, order_by="-created")]
        return [j for j in jobs if all(j[k] == want for k, want in wanted.items())]  # type: ignore[literal-required]

    inputs = {
        "package_id": package_id,
        "target_sandbox": target_sandbox,
        "name": name,
        "status": status,
        "request_type": request_type,
        "org": org,
    }
    return _lookup("get_import_jobs", inputs, call)
