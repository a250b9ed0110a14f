"""Retry policy (tenacity), the classification of failures it relies on, and `retry_call`:
one call run under both, within the deadlines that bound it (`within`).

What is retried, and why it is safe:

* "not sent" — connect errors, pool timeouts: the request never reached the server. Every call
  retries these.
* "refused" — 429: the gateway throttled the call before it was handled. Every call retries,
  after `Retry-After` when given.
* "ambiguous" — 502/503/504, read/write timeouts, a connection dropped mid-exchange: the
  request may or may not have been handled. Reads and idempotent writes (PUT ADD/DELETE/UPDATE,
  DELETE, the state-changing GET of publish) just retry; the client turns the follow-up
  answers that an already-applied first attempt causes (a 409 on publish, a 404 on delete)
  into success after checking the object. Non-idempotent POSTs run a reconciliation step
  before the next attempt (see `ExImClient`): look the package up by name before re-creating
  it, look for a new import job / transfer before re-submitting (for up to `reconcile_grace`
  seconds, since the first request may still be in flight).
* a 401 is not retried here: the client re-sends once with a new token (decided at the
  gateway, so safe for every call). Other 4xx are final.

The budget is a deadline, not a count: a call keeps retrying until `RetryPolicy.deadline`
seconds (default 300, `aep:retryTimeoutSeconds` in the provider) have passed since its first
attempt, so a long run of throttling (429) or unavailability (503) is outlasted instead of
failing after a fixed number of refusals. Backoff is capped exponential with full jitter;
`Retry-After` is honoured (capped); nothing sleeps past the deadline, and no attempt starts
after it (a wait that would end past it stops the retries at once). `max_attempts` is an
optional extra cap, off by default. A failure that already went through its own retries (the
IMS token fetch inside an exim call) is not retried again, and a call made inside another
call's retries (a reconciliation look-up, the token fetch) never outlives the outer deadline.
"""

from __future__ import annotations

import contextvars
import logging
import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar, cast

import httpx
import tenacity
from tenacity import RetryCallState

from .errors import ApiError, ExImError, ExImTimeoutError, ThrottledError, TransportError
from .timing import (
    MAX_RETRY_AFTER_SECONDS,
    RECONCILE_GRACE_SECONDS,
    RECONCILE_INTERVAL_SECONDS,
    RETRY_INITIAL_BACKOFF_SECONDS,
    RETRY_MAX_BACKOFF_SECONDS,
    RETRY_TIMEOUT_SECONDS,
)

__all__ = [
    "AMBIGUOUS",
    "await_effect",
    "NOT_SENT",
    "REFUSED",
    "RetryPolicy",
    "classify",
    "exchange_timeout",
    "is_retryable",
    "retry_call",
    "within",
]

log = logging.getLogger("sandbox_provider.client")

T = TypeVar("T")

NOT_SENT = "not_sent"
REFUSED = "refused"
AMBIGUOUS = "ambiguous"

_RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Defaults suit a real platform; tests shrink the waits."""

    #: Optional cap on attempts per call, the first one included; None (the default): as many
    #: as fit before `deadline`.
    max_attempts: int | None = None
    #: Seconds from the first attempt after which no new attempt starts: the retry budget.
    deadline: float = RETRY_TIMEOUT_SECONDS
    #: First backoff (seconds); doubles per attempt up to `max_backoff`, with full jitter.
    initial_backoff: float = RETRY_INITIAL_BACKOFF_SECONDS
    max_backoff: float = RETRY_MAX_BACKOFF_SECONDS
    #: Retry-After above this is capped (a runaway header must not stall a deployment).
    max_retry_after: float = MAX_RETRY_AFTER_SECONDS
    #: After an ambiguous failure of a POST that the server would happily repeat (import,
    #: transfer, pull), keep looking this long for its effect before sending it again: the
    #: first request may still be in flight behind a timed-out connection.
    reconcile_grace: float = RECONCILE_GRACE_SECONDS

    def __post_init__(self) -> None:
        if self.max_attempts is not None and self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1 (or None: no cap)")
        if not (0 < self.deadline < math.inf):
            raise ValueError("deadline must be a positive, finite number of seconds")
        if min(self.initial_backoff, self.max_backoff, self.max_retry_after) < 0:
            raise ValueError("backoffs must be non-negative")

    def with_deadline(self, deadline: float | None) -> RetryPolicy:
        """This policy with another retry budget (None: unchanged)."""
        return self if deadline is None else replace(self, deadline=deadline)

    def backoff(self, attempt: int) -> float:
        """Full-jitter backoff before attempt `attempt + 1` (attempt counts from 1)."""
        # min() first: 2 ** attempt overflows a float after ~1000 attempts.
        exponent = min(attempt - 1, 64)
        ceiling = min(self.max_backoff, self.initial_backoff * (2**exponent))
        return random.uniform(0, ceiling)

    def delay(self, attempt: int, exc: BaseException | None) -> float:
        """The wait after failed attempt `attempt`: the backoff, or `Retry-After` if longer."""
        delay = self.backoff(attempt)
        if isinstance(exc, ThrottledError) and exc.retry_after is not None:
            delay = max(delay, min(exc.retry_after, self.max_retry_after))
        return delay

    def retrying(
        self,
        *,
        retry_on: Callable[[BaseException], bool],
        before_sleep: Callable[[RetryCallState], None] | None = None,
        started: float | None = None,
    ) -> tenacity.Retrying:
        """A tenacity `Retrying` for one call (fresh per call: it holds per-call state).

        `started`: the `time.monotonic()` the deadline counts from (default: now).
        """
        start = time.monotonic() if started is None else started
        end = start + self.deadline

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            # Never past the deadline; `stop` below gives up when the wait reaches it.
            return max(0.0, min(self.delay(state.attempt_number, exc), end - time.monotonic()))

        def stop(state: RetryCallState) -> bool:
            if self.max_attempts is not None and state.attempt_number >= self.max_attempts:
                return True
            # The next attempt would start at or after the deadline: don't sleep for nothing.
            return time.monotonic() + state.upcoming_sleep >= end - 1e-9

        return tenacity.Retrying(
            retry=tenacity.retry_if_exception(retry_on),
            wait=wait,
            stop=stop,
            before_sleep=before_sleep,
            reraise=True,
        )


def await_effect(
    look: Callable[[], T | None],
    *,
    grace: float,
    until: float,
    interval: float = RECONCILE_INTERVAL_SECONDS,
) -> T | None:
    """Call `look` until it finds something, for at most `grace` seconds (never past `until`,
    a `time.monotonic()` value). One look when `grace` is 0."""
    end = min(time.monotonic() + max(grace, 0.0), until)

    def wait(state: RetryCallState) -> float:
        return max(0.0, min(interval, end - time.monotonic()))

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_result(lambda found: found is None),
        wait=wait,
        stop=lambda state: time.monotonic() >= end,
        retry_error_callback=lambda state: None,
    )
    return cast("T | None", retrying(look))


def classify(exc: BaseException) -> str | None:
    """NOT_SENT, REFUSED, AMBIGUOUS, or None for a failure that must not be retried."""
    if getattr(exc, "retries_exhausted", False):
        return None
    if isinstance(exc, (TransportError, ExImTimeoutError)) and isinstance(
        exc.__cause__, httpx.HTTPError
    ):
        # The client wraps httpx's errors; the original says whether the request left.
        exc = exc.__cause__
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return NOT_SENT
    if isinstance(exc, (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)):
        return AMBIGUOUS
    if isinstance(exc, ApiError):
        if exc.status == 429:
            return REFUSED
        if exc.status in _RETRY_STATUSES:
            return AMBIGUOUS
    return None


def is_retryable(exc: BaseException) -> bool:
    return classify(exc) is not None


def describe_wait(state: RetryCallState) -> dict[str, Any]:
    """Fields for a log line about a retry (never headers or bodies)."""
    exc = state.outcome.exception() if state.outcome else None
    return {
        "attempt": state.attempt_number,
        "sleep": round(state.next_action.sleep, 3) if state.next_action else 0.0,
        "error": type(exc).__name__ if exc else None,
        "status": getattr(exc, "status", None),
    }


# -- deadlines and the retried call --------------------------------------------------------
# A waiter's deadline, seen by every HTTP call it makes (per thread: contextvars).
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "exim_deadline", default=None
)
# The retry deadline of the call being retried: a call made inside it (a reconciliation
# look-up, the token fetch) retries no longer than the call that needs it.
_retry_until: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "exim_retry_until", default=None
)


@contextmanager
def within(timeout: float) -> Iterator[float]:
    """Every call made inside gives up by `timeout` seconds from now (or an outer, earlier
    deadline); yields that deadline (a `time.monotonic()` value)."""
    deadline = time.monotonic() + timeout
    outer = _deadline.get()
    if outer is not None:
        deadline = min(deadline, outer)
    token = _deadline.set(deadline)
    try:
        yield deadline
    finally:
        _deadline.reset(token)


def exchange_timeout(timeout: float) -> float:
    """The timeout of one HTTP exchange: `timeout`, cut to what is left of a waiter's
    deadline (never under 50 ms, so a last exchange still gets its answer in)."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    return max(0.05, min(timeout, deadline - time.monotonic()))


def retry_call(
    policy: RetryPolicy,
    fn: Callable[[], T],
    *,
    retry_on: tuple[str, ...],
    reconcile: Callable[[], T | None] | None = None,
    on_error_after_ambiguous: Callable[[ExImError], T | None] | None = None,
    reconcile_grace: bool = False,
) -> T:
    """Run `fn` under `policy`, never past a waiter's deadline (`within`) or the retries of
    a call it is nested in.

    `retry_on`: which failure kinds may be retried at all (see `classify`).
    `reconcile`: runs before a new attempt that follows an ambiguous failure; a non-None
    result means the earlier attempt took effect, and it is returned instead of re-sending.
    `on_error_after_ambiguous`: gets a non-retryable error raised after an ambiguous
    attempt (a 409 or 404 that a landed first attempt explains) and may turn it into a
    result.
    `reconcile_grace`: keep reconciling for `policy.reconcile_grace` seconds before
    re-sending (for POSTs the server would accept twice).
    """
    started = time.monotonic()
    deadline = _deadline.get()
    if deadline is not None:
        remaining = deadline - started
        if remaining <= 0:
            raise ExImTimeoutError("deadline passed before the call was made")
        if remaining < policy.deadline:
            policy = replace(policy, deadline=remaining)
    outer = _retry_until.get()
    if outer is not None and outer - started < policy.deadline:
        # Nested in another call's retries: one attempt at least, never past its deadline.
        policy = replace(policy, deadline=max(outer - started, 1e-3))
    until = started + policy.deadline
    grace = policy.reconcile_grace if reconcile_grace else 0.0
    ambiguous = False
    attempts = 0

    def attempt() -> T:
        nonlocal ambiguous, attempts
        attempts += 1
        if ambiguous and reconcile is not None:
            found = await_effect(reconcile, grace=grace, until=until)
            if found is not None:
                log.info("an earlier attempt had taken effect; not sending again")
                return found
        try:
            return fn()
        except ExImError as exc:
            kind = classify(exc)
            if kind == AMBIGUOUS:
                ambiguous = True
            elif kind is None and ambiguous and on_error_after_ambiguous is not None:
                result = on_error_after_ambiguous(exc)
                if result is not None:
                    return result
            raise

    def before_sleep(state: tenacity.RetryCallState) -> None:
        log.info("retrying exim call: %s", describe_wait(state))

    retrying = policy.retrying(
        retry_on=lambda exc: classify(exc) in retry_on,
        before_sleep=before_sleep,
        started=started,
    )
    token = _retry_until.set(until)
    try:
        return cast(T, retrying(attempt))
    except ExImError as exc:
        if attempts > 1 and not exc.retries_exhausted and classify(exc) in retry_on:
            # Retried as long as the policy allows: say so, and let no outer loop retry it.
            exc.retries_exhausted = True
            exc.message += (
                f" (still failing after {attempts} attempts in {time.monotonic() - started:.0f} s)"
            )
        raise
    finally:
        _retry_until.reset(token)
