"""Promotion: one published package brought to several sandboxes, in waves.

A component, not a resource of its own: it declares one ImportJob per target, named
`<promotion>-<sandbox>` (`<promotion>-<org>-<sandbox>` for a target of another profile), and
makes every ImportJob of wave n+1 depend on every ImportJob of wave n. So the engine starts a
wave once the one before succeeded; a target that fails stops its wave's successors and is the
only resource of its wave the stack doesn't record; the next `pulumi up` makes what is missing
(the failed target and the waves after it) and leaves the rest as they are. A target's job
follows the package's versions as every ImportJob does (`_versions`).

This module is the declaration both adapters build from: the inputs (checked here, each
mistake one line naming the input and the fix), the waves, the children's names, the
outputs (`statuses`: per target its status, job and the version it holds), and `build`,
which declares the children with the adapter's ImportJob (the dynamic one in a Python
program, the plugin's `aep:index:ImportJob` in the plugin's Construct).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, ClassVar

import pulumi
from pulumi.dynamic import CheckFailure
from pydantic import Field

from ._fields import PackageId, SandboxName
from .declare import REPLACE, UPDATE, Doc, Inputs, Outputs
from .errors import ProviderError
from .import_job import (
    Alternatives,
    CheckPermissions,
    ConflictPolicy,
    ImportTimeout,
    JobName,
)

__all__ = [
    "PromotionInputs",
    "PromotionOutputs",
    "PromotionTarget",
    "child_name",
    "checked",
    "import_job_inputs",
    "target_key",
    "waves",
    "build",
]

TOKEN = "aep:index:Promotion"


class PromotionTarget(Inputs):
    """One sandbox a Promotion imports the package into."""

    DESCRIPTION: ClassVar[str] = "A sandbox to promote the package to, and how."
    REQUIRED: ClassVar[tuple[str, ...]] = ("sandbox",)
    SYNONYMS: ClassVar[dict[str, str]] = {
        "target_sandbox": "sandbox",
        "target": "sandbox",
        "policy": "conflict_policy",
    }

    sandbox: Annotated[
        SandboxName | None,
        Doc("The sandbox to import into.", hint="give a sandbox name, e.g. 'prod'", change=REPLACE),
    ] = None
    wave: Annotated[
        int,
        Field(ge=0),
        Doc(
            "The wave of this target: every target of wave n+1 waits until every target of "
            "wave n has imported the package.",
            hint="give a whole number, 0 or more",
            change=UPDATE,
        ),
    ] = 0
    # The rest is an ImportJob's, declared once there.
    name: JobName = None
    alternatives: Alternatives = Field(default_factory=dict)
    conflict_policy: ConflictPolicy = "fail"
    check_permissions: CheckPermissions = True
    timeout_seconds: ImportTimeout = None


class PromotionInputs(Inputs):
    DESCRIPTION: ClassVar[str] = (
        "A published package imported into several sandboxes, in waves: one ImportJob per "
        "target, each wave starting once the one before succeeded. A target that fails stops "
        "the waves after it; the next `pulumi up` retries only what is missing."
    )
    REQUIRED: ClassVar[tuple[str, ...]] = ("package_id", "targets")
    SYNONYMS: ClassVar[dict[str, str]] = {"sandboxes": "targets"}

    package_id: Annotated[
        PackageId | None,
        Doc(
            "The published package to promote.",
            hint="pass a PublishedPackage's package_id output (package_id=pub.package_id)",
            change=REPLACE,
        ),
    ] = None
    targets: Annotated[
        list[PromotionTarget],
        Field(min_length=1),
        Doc(
            "The sandboxes to import into: `{sandbox, wave, org, name, alternatives, "
            "conflictPolicy, checkPermissions, timeoutSeconds}` each.",
            hint='give a list of targets, e.g. [{"sandbox": "staging"}, {"sandbox": "prod", '
            '"wave": 1}]',
            change=UPDATE,
        ),
    ] = Field(default_factory=list)

    def cross_check(self, unknown: set[str]) -> list[CheckFailure]:
        failures = []
        seen: dict[str, int] = {}
        for i, target in enumerate(self.targets):
            key = target_key(target)
            if key in seen:
                failures.append(
                    CheckFailure(
                        f"targets[{i}].sandbox",
                        f"{target.sandbox!r} is listed twice (also targets[{seen[key]}]): "
                        "remove one",
                    )
                )
            seen.setdefault(key, i)
        return failures


class PromotionOutputs(Outputs):
    statuses: Annotated[
        dict[str, dict[str, Any]],
        Doc(
            "Per target (`<sandbox>`, or `<org>/<sandbox>` for another profile's): `{sandbox, "
            "wave, jobId, jobStatus, packageVersion}`, `packageVersion` being the version of "
            "the package the sandbox holds (in a Python program's Promotion the keys are "
            "`job_id`, `job_status`, `package_version`).",
            always=True,
        ),
    ]


def target_key(target: PromotionTarget) -> str:
    """How `statuses` names a target: its sandbox, under its profile if it has one."""
    return f"{target.org}/{target.sandbox}" if target.org else str(target.sandbox)


def child_name(promotion: str, target: PromotionTarget) -> str:
    """The ImportJob's resource name: stable, so a target keeps its import across runs."""
    return f"{promotion}-{target_key(target).replace('/', '-')}"


def checked(props: Mapping[str, Any]) -> PromotionInputs:
    """The inputs, or a ProviderError naming each mistake and its fix, one per line."""
    from ._base import config_failures, validate  # every resource's input checks

    parsed, result = validate(PromotionInputs, props)
    # The configuration is the ImportJobs' to check (in the provider, where it is loaded).
    org = props.get("org") if isinstance(props.get("org"), str) else None
    config = {(f.property, f.reason) for f in config_failures(org)}
    failures = [f for f in result.failures if (f.property, f.reason) not in config]
    if failures or parsed is None:
        lines = [f"{f.property}: {f.reason}" if f.property else f.reason for f in failures]
        raise ProviderError("Promotion: " + "; ".join(lines))
    return parsed


def waves(inputs: PromotionInputs) -> list[list[PromotionTarget]]:
    """The targets by wave, in wave order, each wave in the order the program lists them."""
    numbers = sorted({t.wave for t in inputs.targets})
    return [[t for t in inputs.targets if t.wave == n] for n in numbers]


def import_job_inputs(target: PromotionTarget, org: str | None = None) -> dict[str, Any]:
    """The ImportJob inputs of a target (besides `package_id`), snake_case; unset ones left
    out so the ImportJob's defaults hold. `org`: the Promotion's, for a target naming none."""
    # A target's defaults are the ImportJob's (the same declarations): left out, they hold.
    given = target.model_dump(exclude_defaults=True, exclude={"wave", "sandbox"})
    if org and not target.org:
        given["org"] = org
    return {**given, "target_sandbox": target.sandbox}


# == the children ===========================================================================
#: `(resource name, inputs, options)` -> the ImportJob resource, in either adapter.
MakeImportJob = Callable[[str, dict[str, Any], pulumi.ResourceOptions], Any]


#: A target's `job_status` when its import failed, and when a wave before it failed (its
#: import was never submitted). Neither is a platform status: the platform's are SUCCESS etc.
FAILED = "FAILED"
NOT_STARTED = "NOT_STARTED"


def build(
    parent: pulumi.Resource,
    name: str,
    package_id: pulumi.Input[str],
    inputs: PromotionInputs,
    make: MakeImportJob,
    depends_on: Sequence[pulumi.Resource] = (),
) -> pulumi.Output[dict[str, dict[str, Any]]]:
    """Declare the children of Promotion `name` (each wave's jobs depend on the wave
    before's) and answer its `statuses` output, which settles once every target has: a
    failed target is `FAILED` there and the targets of later waves `NOT_STARTED`, so the
    component records which (the failed ImportJob reports its own error)."""
    previous: list[Any] = list(depends_on)
    planned: list[list[tuple[PromotionTarget, Any]]] = []
    for wave in waves(inputs):
        current = []
        for target in wave:
            job = make(
                child_name(name, target),
                {"package_id": package_id, **import_job_inputs(target, inputs.org)},
                pulumi.ResourceOptions(parent=parent, depends_on=previous),
            )
            current.append((target, job))
        planned.append(current)
        previous = [job for _, job in current]
    if pulumi.runtime.is_dry_run():
        # A plan: what the jobs will say is unknown until they run, and shows as such.
        statuses = {
            target_key(target): pulumi.Output.all(
                job.job_id, job.job_status, job.package_version
            ).apply(functools.partial(_status, target))
            for wave in planned
            for target, job in wave
        }
        return pulumi.Output.all(**statuses)
    return pulumi.Output.from_input(asyncio.ensure_future(_settle(planned)))


async def _settle(planned: list[list[tuple[PromotionTarget, Any]]]) -> dict[str, Any]:
    """Every target's entry of `statuses`, wave after wave."""
    out: dict[str, Any] = {}
    failed = False
    for wave in planned:
        if failed:
            for target, _job in wave:
                out[target_key(target)] = _status(target, [None, NOT_STARTED, None])
            continue
        seen = await asyncio.gather(*(_outcome(job) for _, job in wave))
        for (target, _job), outcome in zip(wave, seen, strict=True):
            out[target_key(target)] = _status(target, outcome)
            failed = failed or outcome[1] == FAILED
    return out


async def _outcome(job: Any) -> list[Any]:
    """`[job id, job status, package version]` of a target's ImportJob once it settled
    (unknown ones None, as in a preview); `[None, FAILED, None]` when it failed."""
    try:
        return [
            await job.job_id.future(),
            await job.job_status.future(),
            await job.package_version.future(),
        ]
    except Exception:  # the ImportJob's own error says why; here only that it failed
        return [None, FAILED, None]


def _status(target: PromotionTarget, seen: list[Any]) -> dict[str, Any]:
    """A target's entry of `statuses`: where, which wave, and its job's job id, status and
    package version (left out while unknown)."""
    job_id, job_status, version = seen
    entry = {
        "sandbox": target.sandbox,
        "wave": target.wave,
        "job_id": job_id,
        "job_status": job_status,
        "package_version": version,
    }
    return {k: v for k, v in entry.items() if v is not None}
