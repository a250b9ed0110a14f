"""Timestamps in epoch milliseconds: now, and dates as requests send them."""

from __future__ import annotations

import math
import re
import time
from datetime import UTC, datetime
from typing import Any

from .errors import bad_request


def now_ms() -> int:
    return int(time.time() * 1000)


def parse_date_ms(value: Any, field: str) -> int:
    """ISO-8601 string or epoch milliseconds → epoch ms; a 400 naming `field` otherwise."""
    if isinstance(value, bool):
        raise bad_request(f"'{field}' must be an ISO-8601 timestamp or epoch milliseconds")
    if isinstance(value, int | float):
        if not math.isfinite(value) or abs(value) > 1e15:
            raise bad_request(f"'{field}' is not a usable epoch-millisecond value: {value!r}")
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d{1,15}", text):
            return int(text)
        # A '+' offset arrives as a space after query-string decoding.
        text = text.replace(" ", "+")
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except (ValueError, OverflowError):
            pass
        else:
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=UTC)
            try:
                return int(dt.timestamp() * 1000)
            except (OverflowError, OSError, ValueError):
                pass
    raise bad_request(
        f"'{field}' must be an ISO-8601 timestamp (e.g. 2030-05-20T20:05:10Z) or epoch "
        f"milliseconds, got {value!r}"
    )
