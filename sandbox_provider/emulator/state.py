"""The emulator's process-wide state: the store, timing, the stepper table, faults, request log."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from . import seed as seed_mod
from .faults import FaultRules
from .storage import Store
from .timing import OP_KINDS, Stepper, Ticker, TimingSettings, tick


class Emulator:
    """Everything one emulator process holds; the FastAPI app keeps it in `app.state.emu`."""

    def __init__(
        self,
        db_path: str,
        *,
        steppers: Mapping[str, Stepper],
        seed: str = "demo",
        timing: TimingSettings | None = None,
        ticker: bool = True,
    ) -> None:
        if set(steppers) != set(OP_KINDS):
            # An op whose kind has no stepper would stay due forever and fail every tick.
            raise ValueError(
                f"steppers must cover exactly the op kinds {sorted(OP_KINDS)}, "
                f"got {sorted(steppers)}"
            )
        self.steppers = dict(steppers)
        self.store = Store(db_path)
        self.startup_seed = seed
        self.startup_timing = timing or TimingSettings()
        self.timing = TimingSettings(**self.startup_timing.to_json())
        self.faults = FaultRules()
        self.requests: list[dict[str, Any]] = []
        self.request_seq = 0
        self.log_lock = threading.Lock()
        self.ticker = Ticker(self) if ticker else None

    def start(self) -> None:
        """Start the auto-mode clock; the app factory calls it once the store is seeded."""
        if self.ticker:
            self.ticker.start()

    def close(self) -> None:
        if self.ticker:
            self.ticker.stop()
            if self.ticker.is_alive() and self.ticker is not threading.current_thread():
                self.ticker.join(timeout=2)
        self.store.close()

    def tick(self) -> None:
        tick(self)

    def reset(self, seed: str) -> None:
        seed_mod.load(self, seed, replace=True)
        self.timing = TimingSettings(**self.startup_timing.to_json())
        self.faults.clear()
        with self.log_lock:
            self.requests = []

    # -- request log -----------------------------------------------------------------------
    def log_request(
        self, method: str, path: str, query: str, status: int, org: str | None, fault: bool
    ) -> None:
        with self.log_lock:
            self.request_seq += 1
            self.requests.append(
                {
                    "seq": self.request_seq,
                    "time": int(time.time() * 1000),
                    "method": method,
                    "path": path,
                    "query": query,
                    "status": status,
                    "org": org,
                    "fault": fault,
                }
            )
            if len(self.requests) > 100_000:
                del self.requests[: len(self.requests) - 100_000]
