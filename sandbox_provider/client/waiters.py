"""Polling for asynchronous operations (publish, import/export jobs, transfers).

Built on tenacity like the retries: poll, back off (×1.5 per poll up to a cap), never sleep past
the deadline. A terminal failure raises `OperationFailedError`, the deadline
`ExImTimeoutError`; both name the object and its last status.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import Protocol, TypeVar

import tenacity
from tenacity import RetryCallState

from .errors import ExImTimeoutError, OperationFailedError, RequestInfo

__all__ = ["Progress", "poll_until"]

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)

POLL_GROWTH = 1.5


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
    poll_interval: float = 0.2,
    max_poll_interval: float = 5.0,
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
