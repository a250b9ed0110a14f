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

The reads themselves work on plain values (the core's `resources/reads.py`), so the
plugin's invokes answer the same results from the provider's process. A failure is one line
naming the input and the fix, as the resources' (`resources/errors.api_errors`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pulumi

from sandbox_provider.resources import reads
from sandbox_provider.resources.errors import ProviderError
from sandbox_provider.resources.results import (
    ArtifactDependencies,
    ArtifactPermissions,
    ArtifactRef,
    ImportConflict,
    ImportJobInfo,
    PackageInfo,
    Preflight,
)

from ._program_config import program_client

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
def _lookup(function: str, given: dict[str, Any]) -> pulumi.Output[Any]:
    """The read of `function` over its arguments `given` (each function passes its
    `locals()`: its arguments alone) once every input is known, in a worker thread, with the
    program's settings (so a failure names the function, the input and the fix)."""
    try:
        inputs = reads.arguments(function, given)
    except ProviderError as exc:
        raise pulumi.RunError(str(exc)) from None

    def run(values: dict[str, Any]) -> Any:
        def work() -> Any:
            try:
                return reads.run(function, values, program_client)
            except ProviderError as exc:
                # RunError: the CLI prints the message alone, not a traceback into the SDK.
                raise pulumi.RunError(str(exc)) from None

        return asyncio.to_thread(work)

    return pulumi.Output.from_input(inputs).apply(run)


# -- the functions -----------------------------------------------------------------------------
def get_package(
    *,
    name: pulumi.Input[str] | None = None,
    package_id: pulumi.Input[str] | None = None,
    org: pulumi.Input[str] | None = None,
) -> pulumi.Output[PackageInfo]:
    """One package of the org, by its exact `name` or its `package_id` (give exactly one).
    Fails when there is none."""
    return _lookup("get_package", locals())


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
    return _lookup("get_packages", locals())


def get_import_conflicts(
    package_id: pulumi.Input[str],
    target_sandbox: pulumi.Input[str],
    *,
    org: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[ImportConflict]]:
    """The artifacts of a published package that have look-alikes in `target_sandbox`, each
    with the platform's suggestions, best first: what an ImportJob's `alternatives` decides."""
    return _lookup("get_import_conflicts", locals())


def get_preflight(
    package_id: pulumi.Input[str],
    target_sandbox: pulumi.Input[str],
    *,
    org: pulumi.Input[str] | None = None,
) -> pulumi.Output[Preflight]:
    """Whether the acting credential may create every artifact of the package in
    `target_sandbox`, and what each one lacks."""
    return _lookup("get_preflight", locals())


def get_artifact_dependencies(
    package_id: pulumi.Input[str],
    *,
    org: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[ArtifactDependencies]]:
    """Each artifact of the package with its direct dependencies (a read, though a POST)."""
    return _lookup("get_artifact_dependencies", locals())


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
    return _lookup("get_import_jobs", locals())
