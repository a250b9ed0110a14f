"""Injected faults: the rules `PUT /_emulator/faults` sets, how a request matches them, and
the answer a failing rule gives.

The middleware asks `inject` before any state changes, so a faulted request leaves no trace
but its line in the request log (with `fault: true`) — unless its rule says `"after": true`:
then the request is handled first and its answer replaced by the fault's (a lost answer: the
server acted, the client sees a 5xx).
"""

from __future__ import annotations

import asyncio
import random
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from fastapi.responses import JSONResponse

from .errors import bad_request, service_body


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
    after: bool = False
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
            "after": self.after,
            "remaining": self.remaining,
        }


def parse_fault_rules(body: Any) -> list[FaultRule]:
    """The rules of a `PUT /_emulator/faults` body; a 400 naming the first bad field."""
    if not isinstance(body, dict) or not isinstance(body.get("rules"), list):
        raise bad_request('the faults body must be {"rules": [...]}')
    return [_parse_rule(raw, f"rules[{i}]") for i, raw in enumerate(body["rules"])]


def _parse_rule(raw: Any, where: str) -> FaultRule:
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
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 0):
        raise bad_request(f"{where}.times must be null or a non-negative integer")
    seed = raw.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise bad_request(f"{where}.seed must be null or an integer")
    after = raw.get("after", False)
    if not isinstance(after, bool):
        raise bad_request(f"{where}.after must be true or false")
    return FaultRule(
        path=path,
        method=method.upper() if method else None,
        status=status or None,
        probability=float(prob),
        retryAfter=retry,
        latencyMs=float(latency),
        times=times,
        seed=seed,
        after=after,
        remaining=times,
        rng=random.Random(seed),
        regex=regex,
    )


class FaultRules:
    """The active rules; requests match them from several threads, hence the lock."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {"rules": [r.to_json() for r in self._rules]}

    def replace(self, rules: list[FaultRule]) -> dict[str, Any]:
        with self._lock:
            self._rules = rules
            return {"rules": [r.to_json() for r in self._rules]}

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def match(self, method: str, path: str) -> tuple[float, FaultRule | None]:
        """Latency to add and the failing rule (if any) for this request."""
        latency = 0.0
        with self._lock:
            for rule in self._rules:
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


async def inject(faults: FaultRules, method: str, path: str) -> tuple[JSONResponse | None, bool]:
    """Sleep the matching rules' latency; (the failing rule's answer or None to go on,
    whether that answer replaces the handled request's own: `after`)."""
    latency, rule = faults.match(method, path)
    if latency:
        await asyncio.sleep(latency)
    if rule is None or not rule.status:
        return None, False
    return _answer(rule, method, path), rule.after


def _answer(rule: FaultRule, method: str, path: str) -> JSONResponse:
    assert rule.status
    status = int(rule.status)
    headers = {}
    if rule.retryAfter is not None:
        ra = rule.retryAfter
        headers["Retry-After"] = str(int(ra) if float(ra).is_integer() else ra)
    detail = f"injected fault: {status} for {method} {path}"
    if rule.after:
        detail += " (after the request was handled)"
    return JSONResponse(service_body(status, detail), status_code=status, headers=headers)
