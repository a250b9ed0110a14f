"""What this provider process has learnt about the stack's state during one engine run.

The engine never shows a provider its whole state; it shows each resource's own record as it
goes (a diff, a read, an update or a delete carries the recorded id; a plugin's check carries
the recorded inputs with the resource's URN). One provider process serves every resource of
one `pulumi preview` / `up` (the dynamic provider and the plugin alike), so what earlier calls
showed is kept here, process-wide, for two decisions the calls alone can't make:

- **claims**: a create that finds its object already there (a name taken, a job already run)
  takes it over only when no other resource of the stack records it. Taking over what the state
  records elsewhere gives two resources one object, and deleting either loses the other's.
- **plans**: a dynamic provider can't answer a previewed update (the engine then takes the new
  inputs as its outputs, so a Package's `package_id` reads unknown), and a resource built on
  that id would be planned as replaced. A Package's diff notes whether its id is kept (an
  update in place) or replaced; the diff of what takes that `package_id` asks.

Both only ever narrow: an id this process hasn't seen is treated as before (taken over when it
matches; an unknown `package_id` plans a replacement).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from ._base import current_urn

__all__ = [
    "IMPORT_JOB",
    "PACKAGE",
    "forget",
    "kept",
    "taken_over",
    "taken_over_in_this_run",
    "plan",
    "previous_inputs",
    "record",
    "recorded_elsewhere",
    "remember_inputs",
]

PACKAGE = "package"
IMPORT_JOB = "import job"

_LOCK = threading.Lock()
#: (kind, id) -> the URN of the resource whose record showed it ("" when the call carried no
#: URN: a dynamic provider's).
_RECORDED: dict[tuple[str, str], str] = {}
#: (kind, id) -> True: kept by an update in place (or no change); False: replaced.
_PLANNED: dict[tuple[str, str], bool] = {}
#: URN -> the inputs its record holds, as a check showed them (the plugin's calls carry URNs).
_PREVIOUS: dict[str, dict[str, Any]] = {}
#: (kind, id) a create of this run took over (found made, by an earlier run or the old record).
_TAKEN: set[tuple[str, str]] = set()


def record(kind: str, id_: str | None) -> None:
    """The stack's state records `id_` under the resource of the call in progress."""
    if id_:
        with _LOCK:
            _RECORDED[(kind, id_)] = current_urn()


def taken_over(kind: str, id_: str | None) -> None:
    """A create of this run took `id_` over: it is that resource's now."""
    if id_:
        with _LOCK:
            _TAKEN.add((kind, id_))


def taken_over_in_this_run(kind: str, id_: str | None) -> bool:
    """Whether a create of this run took `id_` over. A delete of such an id is the "old" side
    of a replacement whose create took the very object over (`pulumi up --replace` on the
    plugin, which neither asks the diff nor shows the create its record): deleting it would
    leave the new record pointing at nothing."""
    with _LOCK:
        return bool(id_) and (kind, id_) in _TAKEN


def recorded_elsewhere(kind: str, id_: str | None) -> bool:
    """Whether the state records `id_` under a resource other than the one whose call is in
    progress. Without URNs (a dynamic provider) any record counts: the call in progress is a
    create, and a resource being created has no record of its own yet."""
    if not id_:
        return False
    with _LOCK:
        owner = _RECORDED.get((kind, id_))
    if owner is None:
        return False
    urn = current_urn()
    return not urn or not owner or owner != urn


def plan(kind: str, id_: str | None, *, kept: bool) -> None:
    if id_:
        with _LOCK:
            _PLANNED[(kind, id_)] = kept


def kept(kind: str, id_: Any) -> bool:
    """True when this run's diff of the resource holding `id_` keeps it (no replacement)."""
    if not isinstance(id_, str) or not id_:
        return False
    with _LOCK:
        return _PLANNED.get((kind, id_), False)


def remember_inputs(urn: str, olds: Mapping[str, Any]) -> None:
    """A check's view of the record of `urn` (its recorded inputs; none for a new resource)."""
    if urn and olds:
        with _LOCK:
            _PREVIOUS[urn] = {k: v for k, v in olds.items() if not k.startswith("__")}


def previous_inputs() -> dict[str, Any]:
    """The recorded inputs of the resource whose call is in progress, when a check of this
    run showed them: a create with them is a replacement. Empty without URNs (dynamic)."""
    urn = current_urn()
    with _LOCK:
        return dict(_PREVIOUS.get(urn, {})) if urn else {}


def forget() -> None:
    """Drop everything (tests run many engine runs in one process)."""
    with _LOCK:
        _RECORDED.clear()
        _PLANNED.clear()
        _PREVIOUS.clear()
        _TAKEN.clear()
