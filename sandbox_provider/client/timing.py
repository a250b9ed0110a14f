"""Every duration, interval and time limit of the client and the resources, each with its
reason, in one place: the rest of the code names these constants rather than repeating a
number. Standard library only (the provider's import path reads it).

The configurable ones (`HTTP_TIMEOUT_SECONDS`, `RETRY_TIMEOUT_SECONDS`,
`TOKEN_REFRESH_MARGIN_SECONDS`) are the defaults of `config.KEYS` and `ClientSettings`;
the others are fixed. Tests shrink them through the objects that take them (`RetryPolicy`,
the waiters' keyword arguments), never by editing these.
"""

from __future__ import annotations

import time

__all__ = [
    "DAY_MS",
    "EXPIRY_DAYS_MAX",
    "HTTP_TIMEOUT_SECONDS",
    "JOB_POLL_MAX_SECONDS",
    "JOB_WAIT_SECONDS",
    "MAX_RETRY_AFTER_SECONDS",
    "NOT_FOUND_GRACE_SECONDS",
    "POLL_GROWTH",
    "POLL_INTERVAL_SECONDS",
    "PUBLISH_POLL_MAX_SECONDS",
    "PUBLISH_WAIT_SECONDS",
    "RECONCILE_GRACE_SECONDS",
    "RECONCILE_INTERVAL_SECONDS",
    "RETRY_INITIAL_BACKOFF_SECONDS",
    "RETRY_MAX_BACKOFF_SECONDS",
    "RETRY_TIMEOUT_SECONDS",
    "TOKEN_LIFETIME_MAX_SECONDS",
    "TOKEN_REFRESH_MARGIN_SECONDS",
    "WAIT_SECONDS",
    "WAIT_SECONDS_MAX",
    "now_ms",
]

DAY_MS = 86_400_000

# -- one HTTP exchange and its retries ---------------------------------------------------------
#: One HTTP exchange (connect, read, write, pool): the platform answers a healthy call in
#: well under a second; 30 s only gives up on a connection that is really stuck.
HTTP_TIMEOUT_SECONDS = 30.0
#: How long one call keeps retrying (`aep:retryTimeoutSeconds`): a few minutes outlast a
#: burst of throttling or a short outage; a real failure still surfaces within one run.
RETRY_TIMEOUT_SECONDS = 300.0
#: First backoff between attempts; it doubles per attempt (with full jitter) up to the max,
#: so a throttled call backs off fast at first and never sleeps for long.
RETRY_INITIAL_BACKOFF_SECONDS = 0.5
RETRY_MAX_BACKOFF_SECONDS = 20.0
#: A Retry-After above this is capped: a runaway header must not stall a deployment.
MAX_RETRY_AFTER_SECONDS = 60.0
#: After an ambiguous failure of a POST the server would happily repeat (import, transfer,
#: pull), look this long for its effect before sending it again: the first request may still
#: be in flight behind a timed-out connection. Looked for every `RECONCILE_INTERVAL_SECONDS`.
RECONCILE_GRACE_SECONDS = 3.0
RECONCILE_INTERVAL_SECONDS = 0.25

# -- tokens -------------------------------------------------------------------------------------
#: Renew a cached IMS token this long before it expires, so no call goes out with a token that
#: lapses in flight (IMS tokens live 24 h).
TOKEN_REFRESH_MARGIN_SECONDS = 300.0
#: An `expires_in` above this is taken as milliseconds (IMS has answered both).
TOKEN_LIFETIME_MAX_SECONDS = 10 * 86_400

# -- waits for asynchronous work (publish, import, transfer) ----------------------------------
#: First poll after this; each next one waits `POLL_GROWTH` times longer, up to the max: a
#: quick job is seen quickly, a slow one costs few calls.
POLL_INTERVAL_SECONDS = 0.2
POLL_GROWTH = 1.5
#: A publication changes status within seconds; jobs run for minutes, so they are polled
#: less often.
PUBLISH_POLL_MAX_SECONDS = 5.0
JOB_POLL_MAX_SECONDS = 10.0
#: The client's own default waits (`wait_for_package`, `wait_for_job`): generous, for scripts
#: that call it directly; the resources pass `timeout_seconds` instead.
PUBLISH_WAIT_SECONDS = 600.0
JOB_WAIT_SECONDS = 1800.0
#: A job just submitted may not be listed yet (the platform lists eventually): "not found"
#: only counts after this long.
NOT_FOUND_GRACE_SECONDS = 30.0
#: A resource's `timeout_seconds` when left out: long enough for a large import on a busy
#: platform; the wait is picked up by the next `pulumi up` when it ends first.
WAIT_SECONDS = 900.0
#: The most `timeout_seconds` may say: a day (more is surely a unit mistake).
WAIT_SECONDS_MAX = 86_400.0

# -- package lifetimes ----------------------------------------------------------------------------
#: The most `expiry_period_days` may say (the provider's limit, 10 years; the platform
#: documents none).
EXPIRY_DAYS_MAX = 3650


def now_ms() -> int:
    """Now, in epoch milliseconds (the unit of every date the platform answers)."""
    return int(time.time() * 1000)
