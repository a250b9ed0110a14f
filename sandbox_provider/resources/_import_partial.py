"""What an ImportJob records of an import that was submitted but not seen to finish (the
plugin's partial state), and what an update reads back from it to finish that import."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._common import JobStatus, Partial, StatusReporter, wait_for, wait_seconds
from ._import_attention import outputs_of
from ._import_planning import conflicts_output

if TYPE_CHECKING:
    from sandbox_provider.client import Conflict, ExImClient, JobDetails, OperationFailedError


def recorded(
    job_id: str,
    job_name: str,
    correlation_id: str | None,
    alternatives: Mapping[str, Mapping[str, str]],
    conflicts: list[Conflict] | None,
) -> dict[str, Any]:
    """What this run knows of a submitted job beyond the job itself: its id and name as
    submitted, the correlation id of the submit answer, the alternatives sent and the
    conflicts seen before submitting (None: waiting for an earlier run's job, none seen)."""
    extra: dict[str, Any] = {
        "job_id": job_id,
        "job_name": job_name,
        "correlation_id": correlation_id,
        "alternatives_used": dict(alternatives),
    }
    if conflicts is not None:
        extra["conflicts"] = conflicts_output(conflicts)
    return extra


def partial_of(inputs: Mapping[str, Any], extra: Mapping[str, Any]) -> Partial:
    """`(id, outputs)` of the job as the last poll saw it (before the first poll: as
    submitted, with status PENDING): what a wait cut short records (the plugin's partial
    state), so that the next update finishes this job by its id."""

    def partial(seen: JobDetails | None) -> tuple[str | None, dict[str, Any]]:
        outs = outputs_of(seen, inputs, extra)
        outs.setdefault("job_status", JobStatus.PENDING)
        return outs.get("job_id"), outs

    return partial


def keeping_id(id_: str, partial: Partial) -> Partial:
    """`partial` with the id the engine has recorded: an update can't change it."""

    def kept(seen: Any) -> tuple[str | None, Mapping[str, Any]]:
        return id_, partial(seen)[1]

    return kept


def conflicts_from(recorded: Sequence[Mapping[str, Any]] | None) -> list[Conflict] | None:
    """The `conflicts` output back as the conflicts it was made of (`conflicts_output`)."""
    from sandbox_provider.client import Artifact, Conflict  # loaded with the client

    if recorded is None:
        return None
    return [
        Conflict(
            artifact=Artifact(id=c["artifact_id"], type=c["type"]),
            suggestion_list=[Artifact(**s) for s in c.get("suggestions", [])],
        )
        for c in recorded
    ]


def wait_for_import(
    client: ExImClient,
    job_id: str,
    job_name: str,
    inputs: Mapping[str, Any],
    what: str,
    partial: Partial | None = None,
    finishing: bool = False,
) -> JobDetails:
    """Wait for the job (by its id) until SUCCESS. `partial`: the job exists, and a wait cut
    short records it (`wait_for`); `finishing`: an update finishing what a create
    submitted."""
    report: StatusReporter[JobDetails | None] = StatusReporter(
        lambda job: job.job_status if job is not None else "NOT_LISTED_YET",
        lambda _job, status: f"import job {job_name!r} ({job_id}): {status}",
    )
    timeout = wait_seconds(inputs)

    def wait(progress: StatusReporter[JobDetails | None]) -> JobDetails:
        return client.wait_for_job(job_id, timeout=timeout, progress=progress, label=job_name)

    def failed(exc: OperationFailedError) -> str:
        reason = f"the job ended {exc.last_status}: {exc.reason or 'no reason given'}"
        if finishing:
            # The job the create submitted: only a new import can do what it didn't.
            return (
                f"{what} failed: {reason}: fix the cause, then run `pulumi up` again, "
                "which replaces this import with a new one"
            )
        return f"{what} failed: {reason}: fix the cause, then run `pulumi up` again"

    job = wait_for(
        wait,
        report,
        what=what,
        org=inputs.get("org"),
        timeout=timeout,
        still=f"the job {job_name!r} ({job_id}) may still finish on the platform",
        failed=failed,
        partial=partial,
        record_failure=finishing,
    )
    assert job is not None
    return job
