"""The package-version endpoints of `ExImClient` (packages.md "Migrate object configuration
updates"): a package's capabilities, comparing its version with its source or a target,
saving the next version, its history, and the UPDATE import that applies the version to the
objects earlier imports made, keeping their ids.

Each call uses the method of its API format line, PATCH: the page's prose and curl examples
disagree with it and with each other (docs/emulator.md, "Package versions").

Safety: `compare_version` answers the job already computed for the version unless
`trigger_new`, so it is retried like a read. `save_version` and `submit_update` start jobs and
are not retried after an ambiguous failure: a save made twice only adds an identical version,
but an update is its own job; the caller follows each job by the id its answer gives.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .models import ArtifactLike, Package, PackageVersion, ToolsAnswer, VersionJob
from .packages import PackagesApi, artifact_wire
from .retry import within
from .timing import JOB_POLL_MAX_SECONDS, JOB_WAIT_SECONDS, POLL_INTERVAL_SECONDS
from .transport import as_model, as_models, segment
from .waiters import poll_until

__all__ = ["VersionsApi"]

T = TypeVar("T")


def _compare_answer(raw: Any) -> VersionJob:
    return ToolsAnswer[VersionJob].model_validate(raw).object


class VersionsApi(PackagesApi):
    """Package versions and update imports."""

    def _patch(
        self, package_id: str, tail: str, parse: Callable[[Any], T], what: str, **kw: Any
    ) -> T:
        """PATCH `/packages/{id}{tail}`: every call here takes its format line's method."""
        path = f"/packages/{segment(package_id)}{tail}"
        return self._call("PATCH", path, parse, context=f"{what} of package {package_id}", **kw)

    def package_capabilities(self, package_id: str, *, sandbox: str | None = None) -> Package:
        """The package with `latest_package_version` and `package_capabilities`
        (`VERSIONABLE` when it has versions)."""
        query = {"getCapabilities": "true"}
        return self._patch(
            package_id, "", as_model(Package), "capabilities", params=query, sandbox=sandbox
        )

    def compare_version(
        self,
        package_id: str,
        *,
        target_sandbox: str | None = None,
        trigger_new: bool = False,
        sandbox: str | None = None,
    ) -> VersionJob:
        """The compare job of the package's current version against its source sandbox (or
        `target_sandbox`, where it was imported): its `delta_package_version` once SUCCESS.
        An earlier job for the same version and sandbox is answered unless `trigger_new`."""
        body: dict[str, Any] = {"triggerNew": trigger_new}
        if target_sandbox is not None:
            body["targetSandbox"] = target_sandbox
        what = f"comparison with {target_sandbox or 'its source'}"
        return self._patch(
            package_id,
            "/version/compare",
            _compare_answer,
            what,
            body=body,
            sandbox=sandbox,
            idempotent=not trigger_new,
        )

    def wait_for_compare(
        self,
        package_id: str,
        job_id: str,
        *,
        target_sandbox: str | None = None,
        timeout: float = JOB_WAIT_SECONDS,
        poll_interval: float = POLL_INTERVAL_SECONDS,
        max_poll_interval: float = JOB_POLL_MAX_SECONDS,
        sandbox: str | None = None,
    ) -> VersionJob:
        """Ask for the compare again until job `job_id` is SUCCESS (FAILED/CANCELLED →
        OperationFailedError; deadline → ExImTimeoutError). The answer is the newest compare
        of the version: once another caller triggers one after `job_id`, that one is
        followed instead (it compares the source as it is at or after `job_id`'s start)."""
        with within(timeout) as deadline:
            return poll_until(
                kind="compare job",
                ident=job_id,
                display=None,
                fetch=lambda: self.compare_version(
                    package_id, target_sandbox=target_sandbox, sandbox=sandbox
                ),
                status_of=lambda j: j.job_status,
                done={"SUCCESS"},
                failed={"FAILED", "CANCELLED"},
                reason_of=lambda j: None,
                label_of=lambda j: None,
                deadline=deadline,
                timeout=timeout,
                progress=None,
                poll_interval=poll_interval,
                max_poll_interval=max_poll_interval,
            )

    def save_version(self, package_id: str, *, sandbox: str | None = None) -> VersionJob:
        """Start the job that makes the package's next version from its source as it is now
        (follow it with `wait_for_job(job.id)`)."""
        save = as_model(VersionJob)
        return self._patch(
            package_id, "/version/save", save, "a new version", sandbox=sandbox, idempotent=False
        )

    def package_history(
        self, package_id: str, *, sandbox: str | None = None
    ) -> list[PackageVersion]:
        """The package's saved versions, newest first."""
        return self._patch(
            package_id, "/history", as_models(PackageVersion), "history", sandbox=sandbox
        )

    def submit_update(
        self,
        package_id: str,
        target_sandbox: str,
        overwrite_mappings: Mapping[str, ArtifactLike],
        *,
        name: str | None = None,
        description: str | None = None,
        target_org_id: str | None = None,
        sandbox: str | None = None,
    ) -> VersionJob:
        """Start an UPDATE import: each target object `overwrite_mappings` names (by source
        artifact id) takes the package's current version, keeping its id (follow it with
        `wait_for_job(job.id)`)."""
        body: dict[str, Any] = {
            "destinationSandbox": {
                "name": target_sandbox,
                "imsOrgId": target_org_id or self._settings.org_id,
            },
            "overwriteMappings": {k: artifact_wire(v) for k, v in overwrite_mappings.items()},
        }
        if name is not None:
            body["name"] = name
        if description is not None:
            body["description"] = description
        what = f"an update of {target_sandbox!r}"
        job = as_model(VersionJob)
        return self._patch(
            package_id, "/import", job, what, body=body, sandbox=sandbox, idempotent=False
        )
