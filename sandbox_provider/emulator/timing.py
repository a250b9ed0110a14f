"""Asynchronous operations (publish, import jobs, transfers) and the clock that moves them.

Each operation is an `op` document with the number of state changes it has left and the
time its next change is due. In `auto` mode a ticker thread (and every request, before it
reads state) applies the changes that are due, so an operation finishes after the configured
seconds with no further call. In `manual` mode only `advance` moves them.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

from .errors import bad_request
from .storage import Doc

if TYPE_CHECKING:
    from .state import Emulator

# Applies one state change to an op; True when the op is finished. The app factory builds
# the kind → stepper table (`Emulator.steppers`), one entry per kind in OP_KINDS.
Stepper = Callable[["Emulator", Doc], bool]

_SECONDS_FIELD = {
    "publish": "publishSeconds",
    "import": "jobSeconds",
    "transfer": "transferSeconds",
    # Package versions' jobs (versions.py) take a job's time.
    "compare": "jobSeconds",
    "save": "jobSeconds",
    "update": "jobSeconds",
}
OP_KINDS = tuple(_SECONDS_FIELD)


@dataclass
class TimingSettings:
    mode: str = "auto"
    publishSeconds: float = 1.0
    jobSeconds: float = 1.0
    transferSeconds: float = 1.0
    tokenTtlSeconds: int = 86399

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, body: Any) -> TimingSettings:
        """A copy with the fields of a PUT body applied (400 on unknown or bad values)."""
        if not isinstance(body, dict):
            raise bad_request("the timing body must be a JSON object")
        known = {f.name for f in fields(self)}
        new = TimingSettings(**asdict(self))
        for key, value in body.items():
            if key not in known:
                raise bad_request(f"unknown timing field '{key}'; known: {sorted(known)}")
            if key == "mode":
                if not isinstance(value, str) or value.lower() not in ("auto", "manual"):
                    raise bad_request("'mode' must be 'auto' or 'manual'")
                new.mode = value.lower()
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not 0 <= value <= 1e9
            ):
                raise bad_request(f"'{key}' must be a number of seconds between 0 and 1e9")
            setattr(new, key, int(value) if key == "tokenTtlSeconds" else float(value))
        return new

    def step_seconds(self, op: Doc) -> float:
        total = float(getattr(self, _SECONDS_FIELD[op["kind"]]))
        return total / max(1, int(op["stepsTotal"]))


def new_op(emu: Emulator, kind: str, steps: int, **payload: Any) -> Doc:
    """Record an operation with `steps` state changes still to make."""
    op: Doc = {"kind": kind, "stepsTotal": steps, "stepsLeft": steps, **payload}
    op["id"] = f"{kind}-{time.time_ns()}-{len(payload)}-{id(op)}"
    op["due"] = time.time() + emu.timing.step_seconds(op)
    emu.store.put("op", op["id"], op)
    return op


def step_op(emu: Emulator, op: Doc) -> None:
    """Apply one state change to `op` and save or drop it."""
    finished = emu.steppers[op["kind"]](emu, op)
    op["stepsLeft"] = int(op["stepsLeft"]) - 1
    if finished or op["stepsLeft"] <= 0:
        emu.store.delete("op", op["id"])
    else:
        op["due"] = time.time() + emu.timing.step_seconds(op)
        emu.store.put("op", op["id"], op)


def _safe_step(emu: Emulator, op: Doc) -> None:
    """`step_op` in its own transaction; an op whose step raises is dropped, so one bug
    cannot make every later request fail."""
    try:
        with emu.store.tx():
            step_op(emu, op)
    except Exception:  # noqa: BLE001 - reported, then the op is discarded
        traceback.print_exc()
        with emu.store.tx():
            emu.store.delete("op", op["id"])


def tick(emu: Emulator) -> int:
    """Apply every due state change (auto mode only); returns how many were applied."""
    if emu.timing.mode != "auto":
        return 0
    with emu.store.lock:
        now = time.time()
        if not any(float(op.get("due", 0)) <= now for op in emu.store.find("op")):
            return 0
    changes = 0
    # The lock (not one transaction) spans the loop: each op commits or rolls back alone.
    with emu.store.lock:
        for _ in range(1000):
            now = time.time()
            due = [op for op in emu.store.find("op") if float(op.get("due", 0)) <= now]
            if not due:
                break
            for op in due:
                _safe_step(emu, op)
                changes += 1
    return changes


def advance(emu: Emulator, steps: int | None) -> int:
    """Manual clock: move every unfinished op one state `steps` times (None: to the end)."""
    changes = 0
    rounds = 0
    with emu.store.lock:
        while steps is None or rounds < steps:
            ops = emu.store.find("op")
            if not ops or rounds > 10000:
                break
            for op in ops:
                _safe_step(emu, op)
                changes += 1
            rounds += 1
    return changes


class Ticker(threading.Thread):
    """Background thread applying due state changes in auto mode."""

    def __init__(self, emu: Emulator, interval: float = 0.02) -> None:
        super().__init__(daemon=True, name="emulator-ticker")
        self.emu = emu
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                tick(self.emu)
            except Exception:  # noqa: BLE001 - the ticker must outlive one bad op
                traceback.print_exc()

    def stop(self) -> None:
        self.stopped.set()
