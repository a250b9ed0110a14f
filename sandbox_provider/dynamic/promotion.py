"""The Promotion component of Python programs (see `sandbox_provider.resources.promotion`):
one dynamic ImportJob per target, in waves, declared by the core's `build` (which the
plugin's Construct uses with its own ImportJob)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi.runtime import rpc

from sandbox_provider.resources import promotion as core
from sandbox_provider.resources.errors import ProviderError

__all__ = ["Promotion"]


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

        self.statuses = core.build(self, resource_name, package_id, inputs, make)
        self.register_outputs({"statuses": self.statuses})
