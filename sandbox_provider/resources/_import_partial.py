"""What an ImportJob records of an import that was submitted but not seen to finish (the
plugin's partial state), and what an update reads back from it to finish that import."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._common import JobRequestType, Partial, StatusReporter, wait_for, wait_seconds
from ._import_attention import outputs_of
from ._import_planning import conflicts_output

if TYPE_CHECKING:
    from sandbox_provider.client import Conflict, ExImClient, Job, OperationFailedError


def partial_of(
    job_name: str,
    correlation_id: str | None,
    inputs: Mapping[str, Any],
    alternatives: Mapping[str, Mapping[str, str]],
    conflicts: list[Conflict] | None,
) -> Partial:
    """`(id, outputs)` of the job as the last poll saw it (or, before the job is listed, as
    submitted: its name and correlation id, which is then its id). The conflicts are those
    this run saw before submitting; None (waiting for an earlier run's job) records none, so
    that `needs_attention` later counts what can't be told apart as created."""

    def partial(seen: Job | None) -> tuple[str | None, dict[str, Any]]:
        from sandbox_provider.client import Job  # loaded with the client

        job = seen if seen is not None else Job(name=job_name, correlation_id=correlation_id)
        extra: dict[str, Any] = {"alternatives_used": dict(alternatives)}
        if conflicts is not None:
            extra["conflicts"] = conflicts_output(conflicts)
        outs = outputs_of(job, inputs, extra)
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
    job_name: str,
    correlation_id: str | None,
    inputs: Mapping[str, Any],
    what: str,
    partial: Partial | None = None,
    finishing: bool = False,
) -> Job:
    """Wait for the job until SUCCESS. `partial`: the job exists, and a wait cut short
    records it (`wait_for`); `finishing`: an update finishing what a create submitted."""
    report: StatusReporter[Job | None] = StatusReporter(
        lambda job: job.job_status if job is not None else "NOT_LISTED_YET",
        lambda _job, status: f"import job {job_name!r}: {status}",
    )
    timeout = wait_seconds(inputs)

    def wait(progress: StatusReporter[Job | None]) -> Job:
        return client.wait_for_job(
            job_name,
            correlation_id=correlation_id,
            request_type=JobRequestType.IMPORT,
            timeout=timeout,
            progress=progress,
        )

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
        still=f"the job {job_name!r} may still finish on the platform",
        failed=failed,
        partial=partial,
        record_failure=finishing,
    )
    assert job is not None
    return job
