"""Moving the emulator's clock forward, so tests reach expiry in milliseconds.

The emulator keeps the wall clock as "now" and moves every stored date back instead: a
package published 91 days "ago" has its publication, creation and expiry dates 91 days in the
past. Every rule that compares a date with now (package expiry at import and transfer, token
expiry, when an operation's next step is due) then sees the time as moved, and so does a
client that compares a date the API answers with its own clock, as it would on the platform.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import bad_request

if TYPE_CHECKING:
    from .state import Emulator

#: Epoch-millisecond fields per document kind. A handshake's `statusHistory` (a JSON string)
#: keeps its timestamps: no rule reads them.
MS_FIELDS: dict[str, tuple[str, ...]] = {
    "package": ("expiry", "publishDate", "createdDate", "modifiedDate"),
    "job": ("created", "updated"),
    "handshake": ("createdDate", "modifiedDate"),
    "transfer": ("createdDate", "modifiedDate"),
    "artifact": ("createdDate",),
}
#: Epoch-second fields per kind.
SECOND_FIELDS: dict[str, tuple[str, ...]] = {"token": ("expiresAt",), "op": ("due",)}

#: 100 years: dates stay well inside what a double (and the API's dates) can hold.
MAX_ADVANCE_SECONDS = 100 * 365 * 86400

_META_KEY = "clockAdvancedSeconds"


def advanced_seconds(emu: Emulator) -> float:
    return float(emu.store.get_meta(_META_KEY) or 0)


def parse_advance(body: Any) -> float:
    """The `advanceSeconds` of a POST body (400 when missing, negative or too large)."""
    if not isinstance(body, dict) or set(body) != {"advanceSeconds"}:
        raise bad_request('the clock body must be {"advanceSeconds": N}')
    value = body["advanceSeconds"]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 <= value <= MAX_ADVANCE_SECONDS
    ):
        raise bad_request(
            f"'advanceSeconds' must be a number of seconds from 0 to {MAX_ADVANCE_SECONDS}, "
            f"got {value!r}"
        )
    return float(value)


def advance_clock(emu: Emulator, seconds: float) -> float:
    """Move the clock `seconds` forward; returns the total moved since the last reset."""
    with emu.store.tx():
        for kind, names in MS_FIELDS.items():
            emu.store.shift_dates(kind, names, round(seconds * 1000))
        for kind, names in SECOND_FIELDS.items():
            emu.store.shift_dates(kind, names, seconds)
        total = advanced_seconds(emu) + seconds
        emu.store.set_meta(_META_KEY, total)
    return total
