"""The lookups' reads over plain values: one function per lookup, given a client and the
lookup's inputs once they are known, answering the plain results of `results`.

Two callers, one behaviour: the Python `get_*` functions (`lookups`, in the program's
process, with the program's `aep:*` settings) and the plugin's invokes (`plugin/invoke.py`,
in the provider's process, with the provider's configuration). `run` is the entry both use:
it picks the client of the `org` profile and words a failure as the resources do
(`errors.api_errors`). The signatures are the lookups' inputs; the plugin's schema reads them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ProviderError, api_errors
from .results import (
    ArtifactDependencies,
    ImportConflict,
    ImportJobInfo,
    PackageInfo,
    Preflight,
    job_info,
    package_info,
    ref,
)

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient

__all__ = [
    "LOOKUPS",
    "Lookup",
    "arguments",
    "read_artifact_dependencies",
    "read_import_conflicts",
    "read_import_jobs",
    "read_package",
    "read_packages",
    "read_preflight",
    "run",
]

#: The fix when a package id leads nowhere.
PACKAGE_ID_FIX = (
    "check `package_id`: it must be the id of a package of the org acting (`org=`), such as "
    "a Package's `package_id` output or one `get_packages()` lists"
)


def _text(function: str, name: str, value: Any) -> str:
    """A required string input, checked once it is known."""
    if not isinstance(value, str) or not value.strip():
        raise ProviderError(f"{function} failed: `{name}` must be a non-empty string")
    return value


def _names(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _one_of_name_and_package_id(given: Mapping[str, Any]) -> None:
    if (given.get("name") is None) == (given.get("package_id") is None):
        raise ProviderError("get_package: give exactly one of `name` and `package_id`")


# -- the reads ---------------------------------------------------------------------------------
def read_package(
    client: ExImClient, *, name: str | None = None, package_id: str | None = None
) -> PackageInfo:
    """One package of the org, by its exact `name` or its `package_id` (give exactly one).
    Fails when there is none."""
    _one_of_name_and_package_id({"name": name, "package_id": package_id})
    if package_id is not None:
        return package_info(client.get_package(_text("get_package", "package_id", package_id)))
    wanted = _text("get_package", "name", name)
    found = client.find_package_by_name(wanted)
    if found is None:
        raise ProviderError(
            f"get_package failed: the org has no package named {wanted!r}: check `name` "
            "(names are exact, case included), or list the packages with get_packages()"
        )
    return package_info(found)


def read_packages(
    client: ExImClient,
    *,
    name: str | None = None,
    status: list[str] | None = None,
    package_type: list[str] | None = None,
    visibility: list[str] | None = None,
    created_after: int | None = None,
    created_before: int | None = None,
) -> list[PackageInfo]:
    """The org's packages matching every filter given, newest first: `status` (`DRAFT`,
    `PUBLISHED`, ...), `package_type` (`PARTIAL`, `FULL`), `visibility` (`PRIVATE`,
    `PUBLIC`), each any of a list; `name`, exact; `created_after` / `created_before`, epoch
    milliseconds, inclusive."""
    from sandbox_provider.client import prop

    filters: list[Any] = []
    for given, field in (
        (status, "status"),
        (package_type, "packageType"),
        (visibility, "packageVisibility"),
    ):
        if given:
            filters.append(prop(field).eq(*_names(given)))
    if name is not None and "," not in name:
        filters.append(prop("name").eq(name))
    if created_after is not None:
        filters.append(prop("createdDate").ge(created_after))
    if created_before is not None:
        filters.append(prop("createdDate").le(created_before))
    found = client.list_packages(*filters, order_by="-createdDate")
    # A name holding a comma can't be a server filter (it is the API's "any of").
    return [package_info(p) for p in found if name in (None, p.name)]


def read_import_conflicts(
    client: ExImClient, *, package_id: str, target_sandbox: str
) -> list[ImportConflict]:
    """The artifacts of a published package that have look-alikes in `target_sandbox`, each
    with the platform's suggestions, best first: what an ImportJob's `alternatives` decides."""
    found = client.import_conflicts(
        _text("get_import_conflicts", "package_id", package_id),
        _text("get_import_conflicts", "target_sandbox", target_sandbox),
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


def read_preflight(client: ExImClient, *, package_id: str, target_sandbox: str) -> Preflight:
    """Whether the acting credential may create every artifact of the package in
    `target_sandbox`, and what each one lacks."""
    pid = _text("get_preflight", "package_id", package_id)
    target = _text("get_preflight", "target_sandbox", target_sandbox)
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


def read_artifact_dependencies(
    client: ExImClient, *, package_id: str
) -> list[ArtifactDependencies]:
    """Each artifact of the package with its direct dependencies (a read, though a POST)."""
    pid = _text("get_artifact_dependencies", "package_id", package_id)
    return [
        {"id": a.id, "type": a.type, "title": a.title, "children": [ref(c) for c in a.children]}
        for a in client.package_children(pid)
    ]


def read_import_jobs(
    client: ExImClient,
    *,
    package_id: str | None = None,
    target_sandbox: str | None = None,
    name: str | None = None,
    status: list[str] | None = None,
    request_type: str | None = "IMPORT",
) -> list[ImportJobInfo]:
    """The org's jobs matching every filter given, newest first: `status` (`SUCCESS`,
    `FAILED`, `IN_PROGRESS`, ...; any of a list), `name`, `package_id`, `target_sandbox`.
    `request_type` is `IMPORT` unless given (`EXPORT`; empty for both)."""
    from sandbox_provider.client import job_package, prop

    filters: list[Any] = []
    if status:
        filters.append(prop("jobStatus").eq(*_names(status)))
    if request_type:
        filters.append(prop("requestType").eq(request_type))
    if name and "," not in name:
        filters.append(prop("name").eq(name))
    if target_sandbox:
        filters.append(prop("targetSandbox").eq(target_sandbox))
    jobs = [
        j
        for j in client.list_jobs(*filters, order_by="-created")
        if (not name or j.name == name)
        and (not target_sandbox or j.target_sandbox == target_sandbox)
    ]
    packages = list(client.list_packages()) if jobs else []
    out: list[ImportJobInfo] = []
    for job in jobs:
        ended = job.job_status in ("SUCCESS", "FAILED") and job.id
        details = client.get_job(job.id) if ended and job.id else None
        pkg = job_package(job, packages, details)
        if package_id and (pkg is None or pkg.id != package_id):
            continue
        out.append(
            job_info(
                job,
                request_type=request_type or (details.request_type if details else None),
                package_id=pkg.id if pkg else None,
                details=details,
            )
        )
    return out


# -- the table both callers go through ---------------------------------------------------------
@dataclass(frozen=True)
class Lookup:
    """One lookup: its Python name (`get_package`), its read, the fix for a package id that
    leads nowhere, `listed`: for a read answering a list, the name the plugin's invoke
    answers it under (an invoke answers an object); None for a read answering one object,
    and `check`: what the arguments must satisfy before any of them is known."""

    function: str
    read: Callable[..., Any]
    missing: str | None = None
    listed: str | None = None
    check: Callable[[Mapping[str, Any]], None] | None = None

    def params(self) -> dict[str, inspect.Parameter]:
        """The read's inputs (`org` aside): name -> parameter, in order."""
        found = inspect.signature(self.read).parameters
        return {k: v for k, v in found.items() if v.kind is inspect.Parameter.KEYWORD_ONLY}


LOOKUPS: dict[str, Lookup] = {
    lookup.function: lookup
    for lookup in (
        Lookup("get_package", read_package, PACKAGE_ID_FIX, check=_one_of_name_and_package_id),
        Lookup("get_packages", read_packages, listed="packages"),
        Lookup("get_import_conflicts", read_import_conflicts, PACKAGE_ID_FIX, "conflicts"),
        Lookup("get_preflight", read_preflight, PACKAGE_ID_FIX),
        Lookup(
            "get_artifact_dependencies", read_artifact_dependencies, PACKAGE_ID_FIX, "artifacts"
        ),
        Lookup("get_import_jobs", read_import_jobs, listed="jobs"),
    )
}


def arguments(function: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of the `get_*` function `function` (Python's or the plugin SDK's, `org`
    among them) as its read's inputs: one value of a list input as a list of one. Fails (a
    ProviderError) when they break the lookup's `check`."""
    lookup = LOOKUPS[function]
    if lookup.check is not None:
        lookup.check(given)
    params = lookup.params()
    # A list input is annotated `list[str] | None` (a string here, under `from __future__
    # import annotations`; the type itself prints the same).
    lists = {k for k, p in params.items() if str(p.annotation).startswith("list[")}
    return {k: _names(v) if k in lists and v is not None else v for k, v in given.items()}


def run(
    function: str, values: Mapping[str, Any], client_for: Callable[[str | None], ExImClient]
) -> Any:
    """The lookup `function` over `values` (its inputs, `org` among them: the profile to act
    as), with the client `client_for(org)` gives; a failure is a one-line ProviderError."""
    lookup = LOOKUPS[function]
    org = values.get("org") or None
    kwargs = {k: v for k, v in values.items() if k != "org"}
    params = lookup.params()
    unknown = sorted(set(kwargs) - set(params))
    if unknown:
        raise ProviderError(
            f"{function} failed: it takes no input {', '.join(map(repr, unknown))}: its inputs "
            f"are {', '.join(['org', *params])}"
        )
    for name, param in params.items():
        # An invoke sends only what the program gave: a required input left out.
        if param.default is inspect.Parameter.empty and name not in kwargs:
            raise ProviderError(f"{function} failed: `{name}` must be a non-empty string")
    with api_errors(function, org=org, missing=lookup.missing):
        return lookup.read(client_for(org), **kwargs)
