"""What the five resources' lifecycles repeat: diffing inputs, waiting with progress, a read of
an object that is gone, and the platform's statuses (the client's enums, one source).

Kept small and free of API calls, so that each resource module still reads as its lifecycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

from pulumi.dynamic import ReadResult

from sandbox_provider.client import (
    HandshakeRequestType,
    HandshakeStatus,
    JobRequestType,
    JobStatus,
    PackageStatus,
    PackageType,
    PackageVisibility,
    TransferRequestType,
    TransferStatus,
)

from ._base import DEFAULT_WAIT_SECONDS, is_unknown, progress

__all__ = [
    "HandshakeRequestType",
    "HandshakeStatus",
    "JobRequestType",
    "JobStatus",
    "PackageStatus",
    "PackageType",
    "PackageVisibility",
    "TransferRequestType",
    "TransferStatus",
    "StatusReporter",
    "changed",
    "gone",
    "wait_seconds",
]

T = TypeVar("T")


# -- diff --------------------------------------------------------------------------------------
def changed(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    keys: Iterable[str],
    defaults: Mapping[str, Any] | None = None,
    *,
    blank_is_unset: bool = False,
) -> list[str]:
    """The `keys` whose new value is unknown (a preview) or differs from the recorded one, in
    the order given. A missing value counts as its default; with `blank_is_unset`, None and
    "" are the same (an unset optional string)."""
    defaults = defaults or {}
    out = []
    for key in keys:
        new = news.get(key, defaults.get(key))
        if is_unknown(new):
            out.append(key)
            continue
        old = olds.get(key, defaults.get(key))
        differs = ((old or None) != (new or None)) if blank_is_unset else (old != new)
        if differs:
            out.append(key)
    return out


# -- read --------------------------------------------------------------------------------------
def gone() -> ReadResult:
    """What `read` answers for an object that no longer exists: the engine drops it."""
    return ReadResult(id_="", outs={})


# -- waits -------------------------------------------------------------------------------------
def wait_seconds(inputs: Mapping[str, Any]) -> float:
    """A wait's own deadline: `timeout_seconds`, else the default (custom_timeouts never reach
    a dynamic provider)."""
    return float(inputs.get("timeout_seconds") or DEFAULT_WAIT_SECONDS)


class StatusReporter(Generic[T]):
    """The `progress=` callback of the client's waits: one progress line per status change,
    and the last status seen, for the message of a wait that times out."""

    def __init__(self, status: Callable[[T], str | None], line: Callable[[T, str], str]) -> None:
        self._status = status
        self._line = line
        self.last: str | None = None

    def __call__(self, seen: T) -> None:
        status = self._status(seen)
        if status != self.last:
            self.last = status
            progress(self._line(seen, str(status)))
