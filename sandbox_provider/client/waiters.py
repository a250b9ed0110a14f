"""Polling for asynchronous operations (publish, import/export jobs, transfers).

`poll_until` is the loop: built on tenacity like the retries, it polls, backs off (×1.5 per
poll up to a cap) and never sleeps past the deadline. A terminal failure raises
`OperationFailedError`, the deadline `ExImTimeoutError`; both name the object and its last
status. `Waiters` holds the client's `wait_for_*` methods: each is a finder (`get_package`,
`get_job`, `get_transfer` of the endpoint groups), the statuses that end the wait, and that
loop, with every HTTP call inside bound to the wait's deadline. A job is followed by its id
(`GET /tools/job/{JOB_ID}`): one GET a poll, whatever the org's job history.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import Protocol, TypeVar

import tenacity
from tenacity import RetryCallState

from .errors import ExImTimeoutError, NotFoundError, OperationFailedError, RequestInfo
from .models import JobDetails, Package, PackageStatus, Transfer
from .retry import within
from .timing import (
    JOB_POLL_MAX_SECONDS,
    JOB_WAIT_SECONDS,
    NOT_FOUND_GRACE_SECONDS,
    POLL_GROWTH,
    POLL_INTERVAL_SECONDS,
    PUBLISH_POLL_MAX_SECONDS,
    PUBLISH_WAIT_SECONDS,
)

__all__ = ["Progress", "Waiters", "poll_until"]

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)


class Progress(Protocol[T_contra]):
    """Called with the object after every poll (None for a job not listed yet)."""

    def __call__(self, current: T_contra, /) -> None: ...


def _describe(kind: str, ident: str, label: str | None) -> str:
    return f"{kind} {ident}" + (f" {label}" if label else "")


def poll_until(
    *,
    kind: str,
    ident: str,
    display: str | None = None,
    fetch: Callable[[], T],
    status_of: Callable[[T], str | None],
    done: Collection[str],
    failed: Collection[str],
    reason_of: Callable[[T], str | None],
    label_of: Callable[[T], str | None],
    deadline: float,
    timeout: float,
    progress: Progress[T] | None = None,
    poll_interval: float = POLL_INTERVAL_SECONDS,
    max_poll_interval: float = PUBLISH_POLL_MAX_SECONDS,
) -> T:
    """Fetch until `status_of(obj)` is in `done`; see the module docstring."""
    seen: list[T] = []

    def poll() -> T:
        obj = fetch()
        seen[:] = [obj]
        if progress is not None:
            progress(obj)
        status = status_of(obj)
        if status in failed:
            reason = reason_of(obj)
            raise OperationFailedError(
                f"{_describe(kind, display or ident, label_of(obj))} ended {status}"
                + (f": {reason}" if reason else ""),
                object_kind=kind,
                object_id=ident,
                last_status=status,
                reason=reason,
                last_seen=obj,
            )
        return obj

    def not_done(obj: T) -> bool:
        return status_of(obj) not in done

    def wait(state: RetryCallState) -> float:
        delay = min(max_poll_interval, poll_interval * POLL_GROWTH ** (state.attempt_number - 1))
        return max(0.0, min(delay, deadline - time.monotonic()))

    def stop(state: RetryCallState) -> bool:
        return time.monotonic() >= deadline

    def timeout_error(request: RequestInfo | None = None) -> ExImTimeoutError:
        status = status_of(seen[0]) if seen else None
        label = label_of(seen[0]) if seen else None
        return ExImTimeoutError(
            f"{_describe(kind, display or ident, label)} not finished after {timeout:g}s: "
            f"last status {status or 'unknown'}",
            object_kind=kind,
            object_id=ident,
            last_status=status,
            last_seen=seen[0] if seen else None,
            request=request,
        )

    def timed_out(state: RetryCallState) -> T:
        raise timeout_error()

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_result(not_done),
        wait=wait,
        stop=stop,
        retry_error_callback=timed_out,
    )
    try:
        return retrying(poll)
    except ExImTimeoutError as exc:
        if exc.object_kind is not None:
            raise
        # An HTTP call inside the poll ran into the waiter's deadline.
        raise timeout_error(exc.request) from exc


class _Finders(Protocol):
    """What the waiters poll with: the finders of the endpoint groups."""

    def get_package(self, package_id: str, *, sandbox: str | None = None) -> Package: ...

    def get_job(self, job_id: str, *, sandbox: str | None = None) -> JobDetails: ...

    def get_transfer(self, transfer_id: str, *, sandbox: str | None = None) -> Transfer: ...


class Waiters:
    """`wait_for_package`, `wait_for_job`, `wait_for_transfer` of `ExImClient` (a mixin: it
    needs the finders of `_Finders`)."""

    def wait_for_package(
        self: _Finders,
        package_id: str,
        *,
        timeout: float = PUBLISH_WAIT_SECONDS,
        progress: Progress[Package] | None = None,
        poll_interval: float = POLL_INTERVAL_SECONDS,
        max_poll_interval: float = PUBLISH_POLL_MAX_SECONDS,
        sandbox: str | None = None,
    ) -> Package:
        """Poll until the package is PUBLISHED. PUBLISH_FAILED → OperationFailedError;
        deadline → ExImTimeoutError; both name the package and its last status.
        `progress(package)` is called after every poll."""
        with within(timeout) as deadline:
            return poll_until(
                kind="package",
                ident=package_id,
                fetch=lambda: self.get_package(package_id, sandbox=sandbox),
                status_of=lambda p: p.status if p is not None else None,
                done={PackageStatus.PUBLISHED},
                failed={PackageStatus.PUBLISH_FAILED},
                reason_of=lambda p: p.failure_reason if p is not None else None,
                label_of=lambda p: f"{p.name!r}" if p is not None else None,
                deadline=deadline,
                timeout=timeout,
                progress=progress,
                poll_interval=poll_interval,
                max_poll_interval=max_poll_interval,
            )

    def wait_for_job(
        self: _Finders,
        job_id: str,
        *,
        timeout: float = JOB_WAIT_SECONDS,
        progress: Progress[JobDetails | None] | None = None,
        poll_interval: float = POLL_INTERVAL_SECONDS,
        max_poll_interval: float = JOB_POLL_MAX_SECONDS,
        not_found_grace: float = NOT_FOUND_GRACE_SECONDS,
        label: str | None = None,
        sandbox: str | None = None,
    ) -> JobDetails:
        """Poll `GET /tools/job/{job_id}` until the job is SUCCESS. FAILED/CANCELLED →
        OperationFailedError (the failed tasks' messages as the reason); deadline →
        ExImTimeoutError. A job the platform doesn't answer for yet counts as status
        NOT_FOUND for `not_found_grace` seconds (a job may show a moment after its submit
        answered), then the NotFoundError is raised. `label`: how messages name the job."""
        started = time.monotonic()

        def fetch() -> JobDetails | None:
            try:
                return self.get_job(job_id, sandbox=sandbox)
            except NotFoundError:
                if time.monotonic() - started >= not_found_grace:
                    raise
                return None

        with within(timeout) as deadline:
            job = poll_until(
                kind="job",
                ident=job_id,
                display=f"{label!r} ({job_id})" if label else None,
                fetch=fetch,
                status_of=lambda j: j.job_status if j is not None else "NOT_FOUND",
                done={"SUCCESS"},
                failed={"FAILED", "CANCELLED"},
                reason_of=lambda j: j.failure_reason if j is not None else None,
                label_of=lambda j: None,
                deadline=deadline,
                timeout=timeout,
                progress=progress,
                poll_interval=poll_interval,
                max_poll_interval=max_poll_interval,
            )
        assert job is not None
        return job

    def wait_for_transfer(
        self: _Finders,
        transfer_id: str,
        *,
        timeout: float = JOB_WAIT_SECONDS,
        progress: Progress[Transfer] | None = None,
        poll_interval: float = POLL_INTERVAL_SECONDS,
        max_poll_interval: float = JOB_POLL_MAX_SECONDS,
        sandbox: str | None = None,
    ) -> Transfer:
        """Poll until the transfer is COMPLETED. FAILED → OperationFailedError (its last
        message as the reason); deadline → ExImTimeoutError."""
        with within(timeout) as deadline:
            return poll_until(
                kind="transfer",
                ident=transfer_id,
                fetch=lambda: self.get_transfer(transfer_id, sandbox=sandbox),
                status_of=lambda t: t.status if t is not None else None,
                done={"COMPLETED"},
                failed={"FAILED"},
                reason_of=lambda t: t.last_message if t is not None else None,
                label_of=lambda t: f"of package {t.package_id}" if t is not None else None,
                deadline=deadline,
                timeout=timeout,
                progress=progress,
                poll_interval=poll_interval,
                max_poll_interval=max_poll_interval,
            )
