"""The Promotion component (see `sandbox_provider.resources.promotion`): one ImportJob per
target, in waves. `build` declares the children for either adapter: the dynamic ImportJob
here, the plugin's `aep:index:ImportJob` in the plugin's Construct."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi
from pulumi.runtime import rpc

from sandbox_provider.resources import promotion as core
from sandbox_provider.resources.errors import ProviderError

__all__ = ["Promotion", "build"]

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
    inputs: core.PromotionInputs,
    make: MakeImportJob,
    depends_on: Sequence[pulumi.Resource] = (),
) -> pulumi.Output[dict[str, dict[str, Any]]]:
    """Declare the children of Promotion `name` (each wave's jobs depend on the wave
    before's) and answer its `statuses` output, which settles once every target has: a
    failed target is `FAILED` there and the targets of later waves `NOT_STARTED`, so the
    component records which (the failed ImportJob reports its own error)."""
    previous: list[Any] = list(depends_on)
    planned: list[list[tuple[core.PromotionTarget, Any]]] = []
    for wave in core.waves(inputs):
        current = []
        for target in wave:
            job = make(
                core.child_name(name, target),
                {"package_id": package_id, **core.import_job_inputs(target, inputs.org)},
                pulumi.ResourceOptions(parent=parent, depends_on=previous),
            )
            current.append((target, job))
        planned.append(current)
        previous = [job for _, job in current]
    if pulumi.runtime.is_dry_run():
        # A plan: what the jobs will say is unknown until they run, and shows as such.
        statuses = {
            core.target_key(target): pulumi.Output.all(
                job.job_id, job.job_status, job.package_version
            ).apply(functools.partial(_status, target))
            for wave in planned
            for target, job in wave
        }
        return pulumi.Output.all(**statuses)
    return pulumi.Output.from_input(asyncio.ensure_future(_settle(planned)))


async def _settle(planned: list[list[tuple[core.PromotionTarget, Any]]]) -> dict[str, Any]:
    """Every target's entry of `statuses`, wave after wave."""
    out: dict[str, Any] = {}
    failed = False
    for wave in planned:
        if failed:
            for target, _job in wave:
                out[core.target_key(target)] = _status(target, [None, NOT_STARTED, None])
            continue
        seen = await asyncio.gather(*(_outcome(job) for _, job in wave))
        for (target, _job), outcome in zip(wave, seen, strict=True):
            out[core.target_key(target)] = _status(target, outcome)
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


def _status(target: core.PromotionTarget, seen: list[Any]) -> dict[str, Any]:
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


class Promotion(pulumi.ComponentResource):
    """A published package imported into several sandboxes, in waves.

        Promotion("release", package_id=pub.package_id, targets=[
            {"sandbox": "staging"},
            {"sandbox": "prod", "wave": 1, "conflict_policy": "use_existing"},
        ])

    Each target is one ImportJob (`<name>-<sandbox>`), a child of this component; the targets
    of wave n+1 wait for every target of wave n. A target that fails stops the waves after it,
    and the next `pulumi up` makes only what is missing. `statuses`: per target its `sandbox`,
    `wave`, `job_id`, `job_status` and `package_version`."""

    statuses: pulumi.Output[dict[str, dict[str, Any]]]

    def __init__(
        self,
        resource_name: str,
        *,
        package_id: pulumi.Input[str],
        targets: Sequence[Mapping[str, Any]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(core.TOKEN, resource_name, None, opts)
        try:
            # The id is known only once the package is published: checked by the ImportJobs.
            known = package_id if isinstance(package_id, str) else rpc.UNKNOWN
            inputs = core.checked({"package_id": known, "targets": list(targets)})
        except ProviderError as exc:
            # The engine prints a RunError's text alone: one line, no traceback.
            raise pulumi.RunError(str(exc)) from None
        from .resources import ImportJob

        def make(name: str, given: dict[str, Any], options: pulumi.ResourceOptions) -> Any:
            return ImportJob(name, **given, opts=options)

        self.statuses = build(self, resource_name, package_id, inputs, make)
        self.register_outputs({"statuses": self.statuses})
