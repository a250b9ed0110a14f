"""Request-body checks that answer 400 naming the field and the fix."""

from __future__ import annotations

import json
import math
from typing import Any

from .errors import bad_request

# Deeper bodies are refused: the API's own bodies are a few levels deep, and a value nested
# near Python's recursion limit would fail later (storing or answering it) instead of here.
MAX_DEPTH = 64


def parse_json(raw: bytes, *, required: bool = True) -> Any:
    """The JSON body; None when empty and not required; 400 when malformed."""
    if not raw.strip():
        if required:
            raise bad_request("a JSON request body is required")
        return None
    try:
        value = json.loads(
            raw.decode("utf-8"), parse_constant=_no_constant, parse_float=_finite_float
        )
    except UnicodeError as exc:
        raise bad_request(f"the request body is not valid UTF-8 JSON: {exc}") from None
    except RecursionError:
        raise _too_deep() from None
    except ValueError as exc:
        raise bad_request(f"the request body is not valid JSON: {exc}") from None
    _check_depth_and_text(value)
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"the number {text[:40]} is too large for a JSON number (a double)")
    return number


def _check_depth_and_text(value: Any) -> None:
    """400 for nesting deeper than MAX_DEPTH or a string (or key) holding a lone surrogate
    (from a \\ud800-style escape: it can be neither stored nor answered). Iterative, so
    depth cannot exhaust the stack here."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth >= MAX_DEPTH:
            raise _too_deep()
        if isinstance(item, dict):
            for key, child in item.items():
                _check_text(key)
                stack.append((child, depth + 1))
        else:
            stack.extend((child, depth + 1) for child in item)


def _too_deep() -> Exception:
    return bad_request(
        f"the request body is nested more than {MAX_DEPTH} levels deep; "
        "send the API's own (flat) body"
    )


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeError:
        raise bad_request(
            "the request body is not valid UTF-8 JSON: it holds a lone surrogate escape "
            "(such as \\ud800) that is no character"
        ) from None


def require_object(body: Any, what: str = "the request body") -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request(f"{what} must be a JSON object")
    return body


def req_str(body: dict[str, Any], field: str, where: str = "") -> str:
    value = body.get(field)
    name = f"{where}{field}"
    if value is None:
        raise bad_request(f"'{name}' is required")
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f"'{name}' must be a non-empty string, got {json.dumps(value)}")
    return value


def opt_str(body: dict[str, Any], field: str, where: str = "") -> str | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"'{where}{field}' must be a string, got {json.dumps(value)}")
    return value


def enum_value(value: Any, field: str, allowed: tuple[str, ...]) -> str:
    """An enumeration value, matched case-insensitively, answered in upper case."""
    if not isinstance(value, str) or value.upper() not in allowed:
        raise bad_request(f"'{field}' must be one of {list(allowed)}, got {json.dumps(value)}")
    return value.upper()


def artifact_refs(value: Any, field: str = "artifacts") -> list[dict[str, Any]]:
    """A list of `{id, type, title?}` artifact references."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request(f"'{field}' must be a list of {{id, type}} objects")
    out: list[dict[str, Any]] = []
    for i, item in enumerate(value):
        where = f"{field}[{i}]."
        if not isinstance(item, dict):
            raise bad_request(f"'{field}[{i}]' must be an object with 'id' and 'type'")
        aid = req_str(item, "id", where)
        type_ = req_str(item, "type", where)
        title = opt_str(item, "title", where)
        ref: dict[str, Any] = {"id": aid, "type": type_.upper()}
        if title is not None:
            ref["title"] = title
        out.append(ref)
    return out


def sandbox_ref(value: Any, field: str) -> dict[str, Any]:
    """A `{name, imsOrgId?}` sandbox reference."""
    if not isinstance(value, dict):
        raise bad_request(f'\'{field}\' must be an object {{"name", "imsOrgId"}}')
    name = req_str(value, "name", f"{field}.")
    org = opt_str(value, "imsOrgId", f"{field}.")
    return {"name": name, "imsOrgId": org}
