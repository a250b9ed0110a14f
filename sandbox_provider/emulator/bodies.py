"""Request-body checks that answer 400 naming the field and the fix."""

from __future__ import annotations

import json
from typing import Any

from .errors import bad_request


def parse_json(raw: bytes, *, required: bool = True) -> Any:
    """The JSON body; None when empty and not required; 400 when malformed."""
    if not raw.strip():
        if required:
            raise bad_request("a JSON request body is required")
        return None
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
        # Lone surrogates (from \ud800-style escapes) cannot be stored or answered.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeError as exc:
        raise bad_request(f"the request body is not valid UTF-8 JSON: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise bad_request(f"the request body is not valid JSON: {exc}") from None
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


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
