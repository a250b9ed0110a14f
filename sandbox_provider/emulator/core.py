"""The emulator's process-wide state: the store, timing, faults, request log, start-up setup."""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from . import seed as seed_mod
from .errors import bad_request
from .storage import Store
from .timing import Ticker, TimingSettings, tick


@dataclass
class FaultRule:
    path: str
    method: str | None = None
    status: int | None = 503
    probability: float = 1.0
    retryAfter: float | None = None
    latencyMs: float = 0
    times: int | None = None
    seed: int | None = None
    remaining: int | None = None
    rng: random.Random = field(default_factory=random.Random)
    regex: re.Pattern[str] = field(default_factory=lambda: re.compile(""))

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "method": self.method,
            "status": self.status,
            "probability": self.probability,
            "retryAfter": self.retryAfter,
            "latencyMs": self.latencyMs,
            "times": self.times,
            "seed": self.seed,
            "remaining": self.remaining,
        }


def parse_fault_rules(body: Any) -> list[FaultRule]:
    if not isinstance(body, dict) or not isinstance(body.get("rules"), list):
        raise bad_request('the faults body must be {"rules": [...]}')
    rules: list[FaultRule] = []
    for i, raw in enumerate(body["rules"]):
        where = f"rules[{i}]"
        if not isinstance(raw, dict):
            raise bad_request(f"{where} must be an object")
        path = raw.get("path")
        if not isinstance(path, str):
            raise bad_request(f"{where}.path must be a regular expression string")
        try:
            regex = re.compile(path)
        except (re.error, RecursionError, OverflowError) as exc:
            # Nesting past the recursion limit and huge repeat counts raise outside re.error.
            raise bad_request(
                f"{where}.path is not a valid regular expression: {type(exc).__name__}: {exc}"
            ) from None
        method = raw.get("method")
        if method is not None and not isinstance(method, str):
            raise bad_request(f"{where}.method must be a string such as 'POST'")
        status = raw.get("status", 503)
        if status is not None and (
            not isinstance(status, int)
            or isinstance(status, bool)
            or not (status == 0 or 100 <= status <= 599)
        ):
            raise bad_request(f"{where}.status must be 0/null or an HTTP status code")
        prob = raw.get("probability", 1.0)
        if prob is None:
            prob = 1.0
        if isinstance(prob, bool) or not isinstance(prob, int | float) or not 0 <= prob <= 1:
            raise bad_request(f"{where}.probability must be a number between 0 and 1")
        retry = raw.get("retryAfter")
        if retry is not None and (
            isinstance(retry, bool) or not isinstance(retry, int | float) or retry < 0
        ):
            raise bad_request(f"{where}.retryAfter must be null or a non-negative number")
        latency = raw.get("latencyMs", 0) or 0
        if isinstance(latency, bool) or not isinstance(latency, int | float) or latency < 0:
            raise bad_request(f"{where}.latencyMs must be a non-negative number")
        times = raw.get("times")
        if times is not None and (
            isinstance(times, bool) or not isinstance(times, int) or times < 0
        ):
            raise bad_request(f"{where}.times must be null or a non-negative integer")
        seed = raw.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise bad_request(f"{where}.seed must be null or an integer")
        rules.append(
            FaultRule(
                path=path,
                method=method.upper() if method else None,
                status=status or None,
                probability=float(prob),
                retryAfter=retry,
                latencyMs=float(latency),
                times=times,
                seed=seed,
                remaining=times,
                rng=random.Random(seed),
                regex=regex,
            )
        )
    return rules


class Emulator:
    """Everything one emulator process holds; the FastAPI app keeps it in `app.state.emu`."""

    def __init__(
        self,
        db_path: str,
        seed: str = "demo",
        timing: TimingSettings | None = None,
        ticker: bool = True,
    ) -> None:
        self.store = Store(db_path)
        self.startup_seed = seed
        self.startup_timing = timing or TimingSettings()
        self.timing = TimingSettings(**self.startup_timing.to_json())
        self.faults: list[FaultRule] = []
        self.fault_lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self.request_seq = 0
        self.log_lock = threading.Lock()
        with self.store.tx():
            if not self.store.get_meta("seeded"):
                seed_mod.apply(self, seed)
                self.store.set_meta("seeded", seed)
        self.ticker = Ticker(self) if ticker else None
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
        with self.store.tx():
            self.store.clear()
            seed_mod.apply(self, seed)
            self.store.set_meta("seeded", seed)
        self.timing = TimingSettings(**self.startup_timing.to_json())
        with self.fault_lock:
            self.faults = []
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

    # -- faults ----------------------------------------------------------------------------
    def match_faults(self, method: str, path: str) -> tuple[float, FaultRule | None]:
        """Latency to add and the failing rule (if any) for this request."""
        latency = 0.0
        with self.fault_lock:
            for rule in self.faults:
                if rule.method and rule.method != method.upper():
                    continue
                if not rule.regex.search(path):
                    continue
                if rule.remaining is not None and rule.remaining <= 0:
                    continue
                if rule.probability < 1.0 and rule.rng.random() >= rule.probability:
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                latency += rule.latencyMs / 1000.0
                if rule.status:
                    return latency, rule
        return latency, None
