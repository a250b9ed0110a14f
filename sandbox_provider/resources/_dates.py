"""Dates and numbers as resources take them: `expiry` (ISO-8601 or epoch ms, in the future),
`expiry_period_days` (whole days), `timeout_seconds` (a bounded positive number)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from sandbox_provider.client.timing import EXPIRY_DAYS_MAX, WAIT_SECONDS, WAIT_SECONDS_MAX, now_ms

from ._wording import got, short
from .declare import UPDATE, Doc, Takes

_WAIT = f"{WAIT_SECONDS:g}"
#: The check hint of every `timeout_seconds` input.
WAIT_HINT = f"give a number of seconds up to {WAIT_SECONDS_MAX:g}, e.g. {_WAIT}"


def wait_doc(what: str, end: str, done: str) -> Doc:
    """The `Doc` of a `timeout_seconds` input: how long `what` waits for `end`; a change
    updates in place (it only steers the wait)."""
    return Doc(
        f"How long {what} waits for {end}, in seconds (more than 0, at most "
        f"{WAIT_SECONDS_MAX:g}); recorded only once {done}. Left out: {_WAIT}.",
        hint=WAIT_HINT,
        change=UPDATE,
    )


_DATE_FIX = "use ISO-8601 like '2030-01-31T00:00:00Z' or epoch milliseconds"
#: 9999-12-31T23:59:59Z: later dates can't be shown (and are surely a unit mistake).
_MAX_MS = 253402300799000


def _epoch_ms(value: Any) -> Any:
    """ISO-8601 text or epoch milliseconds -> epoch milliseconds (what the API answers)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"must be a date, got {got(value)}: {_DATE_FIX}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"must be a date, got {value!r}: {_DATE_FIX}")
        return int(value)
    if isinstance(value, int):
        return value
    text = value.strip()
    if text.isdigit():
        return int(text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{short(value)} is not a date: {_DATE_FIX}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


def _future(value: int) -> int:
    now = now_ms()
    if value > _MAX_MS:
        raise ValueError(
            f"{value} is after the year 9999 as epoch milliseconds: give a date in "
            "milliseconds (not micro- or nanoseconds), or ISO-8601 like '2030-01-31T00:00:00Z'"
        )
    if value <= now:
        if now < value * 1000 <= _MAX_MS:
            raise ValueError(
                f"{value} is in 1970 as epoch milliseconds, it looks like seconds: "
                f"use {value * 1000} (milliseconds)"
            )
        when = datetime.fromtimestamp(max(value, 0) / 1000, tz=UTC).isoformat()
        raise ValueError(f"{when} is in the past: give a future date")
    return value


def _whole_days(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        fix = "write the number without quotes" if isinstance(value, str) else "give e.g. 30"
        raise ValueError(f"must be a whole number of days, got {got(value)}: {fix}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"must be a whole number of days, got {value!r}: give e.g. 30")
        if not value.is_integer():
            raise ValueError(
                f"must be a whole number of days, got {value!r}: give e.g. {max(1, round(value))}"
            )
        value = int(value)
    if value < 1:
        raise ValueError(
            f"must be at least 1 day, got {value} (a package that expires at once can't be "
            "imported): give the days it stays importable, or leave it out for the platform's 90"
        )
    if value > EXPIRY_DAYS_MAX:
        raise ValueError(
            f"is over the limit of {EXPIRY_DAYS_MAX} days (10 years), got {value}: lower it"
        )
    return value


def _seconds(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        fix = "write the number without quotes" if isinstance(value, str) else f"give e.g. {_WAIT}"
        raise ValueError(f"must be a number of seconds, got {got(value)}: {fix}")
    if not math.isfinite(value):
        raise ValueError(
            f"must be a finite number of seconds, got {value!r}: give at most "
            f"{WAIT_SECONDS_MAX:g}, or leave it out for the default {_WAIT}"
        )
    if value <= 0:
        raise ValueError(
            f"must be more than 0 seconds, got {value!r}: give e.g. {_WAIT}, or leave it out "
            f"for the default {_WAIT}"
        )
    if value > WAIT_SECONDS_MAX:
        raise ValueError(
            f"is over the limit of {WAIT_SECONDS_MAX:g} seconds (24 hours), got {value!r}: "
            "lower it (a wait that timed out is picked up by the next `pulumi up`)"
        )
    return float(value)


EpochMs = Annotated[int, Takes((str, int)), BeforeValidator(_epoch_ms), AfterValidator(_future)]
Days = Annotated[int, BeforeValidator(_whole_days)]
Seconds = Annotated[float, BeforeValidator(_seconds)]
