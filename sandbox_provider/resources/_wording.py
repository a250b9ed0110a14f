"""How a failed input check reads: values shown in messages, and pydantic's errors worded as
one failure per mistake, on the exact property path, with one fix.

`_base.validate` collects pydantic's errors as `Problem`s, pairs a misnamed key with the key
it left missing (`pair_misnamed`), and words each (`word`), taking the fix from the model's
`HINTS`, `SYNONYMS` and `WHAT`.
"""

from __future__ import annotations

import difflib
import json
import re
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


# -- how values are shown in messages ------------------------------------------------------------
def short(value: Any, limit: int = 60) -> str:
    """repr() of a value, cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "…" + text[-4:]


def kind_of(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a dict"
    return f"a {type(value).__name__}"


def got(value: Any) -> str:
    """`5 (a number)`, `'yes' (a string)`, `None`."""
    return "None" if value is None else f"{short(value)} ({kind_of(value)})"


def prop_path(loc: tuple[int | str, ...]) -> str:
    """`artifacts[0].type`, `alternatives.acme-seg-gold.id`, `alternatives["a.b"].id`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not out:
            out = part
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}"
        else:
            out += f"[{json.dumps(part)}]"
    return out


# -- failures ------------------------------------------------------------------------------------
@dataclass
class Problem:
    """One failed rule, before it is worded: where, what kind (pydantic's error types plus
    ours), the offending value."""

    loc: tuple[int | str, ...]
    type: str
    msg: str = ""
    input: Any = None
    rename_to: str | None = None


def unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def walk(root: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[type[BaseModel], str, Any]:
    """The model holding the last field named in `loc`, that field, and the type at `loc`."""
    owner: type[BaseModel] = root
    field = ""
    tp: Any = root
    for part in loc:
        tp = unwrap(tp)
        if _is_model(tp) and isinstance(part, str):
            owner, field = tp, part
            info = tp.model_fields.get(part)
            tp = info.annotation if info is not None else None
        elif get_origin(tp) is list:
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            tp = None
    return owner, field, unwrap(tp)


def hint(owner: type[BaseModel], field: str) -> str | None:
    for cls in owner.__mro__:
        hints = cls.__dict__.get("HINTS")
        if isinstance(hints, dict) and field in hints:
            return str(hints[field])
    return None


def _resource_name(model: type[BaseModel]) -> str:
    return model.__name__.removesuffix("Inputs")


def _visible_fields(model: type[BaseModel]) -> list[str]:
    """The fields a program sets, the resource's own first (`org` last)."""
    hidden = getattr(model, "HIDDEN", ())
    fields = [f for f in model.model_fields if f not in hidden]
    return sorted(fields, key=lambda f: f == "org")


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def suggest(model: type[BaseModel], key: str) -> str | None:
    """The field of `model` that `key` most likely meant."""
    fields = _visible_fields(model)
    synonyms: dict[str, str] = getattr(model, "SYNONYMS", {})
    if key in synonyms:
        return synonyms[key]
    snake = _snake(key)
    if snake in fields:
        return snake
    close = difflib.get_close_matches(snake, fields, n=1, cutoff=0.7)
    return close[0] if close else None


def _quoted_list(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def pair_misnamed(problems: list[Problem]) -> list[Problem]:
    """A required key spelt wrong shows as one key missing and one unknown in the same object:
    report it once, on the unknown key, with the name to use."""
    groups: dict[tuple[int | str, ...], list[Problem]] = {}
    for p in problems:
        if p.type in ("missing", "extra_forbidden") and p.loc:
            groups.setdefault(p.loc[:-1], []).append(p)
    dropped: set[int] = set()
    for group in groups.values():
        missing = [p for p in group if p.type == "missing"]
        extra = [p for p in group if p.type == "extra_forbidden"]
        if len(missing) == 1 and len(extra) == 1:
            extra[0].rename_to = str(missing[0].loc[-1])
            dropped.add(id(missing[0]))
    return [p for p in problems if id(p) not in dropped]


def word(root: type[BaseModel], p: Problem) -> tuple[str, str]:
    """(property path, reason) of one problem; the reason ends with one fix."""
    loc = p.loc
    if len(loc) >= 2 and loc[-1] == "[key]":
        # A dict key failed its rule: blame the dict, the message names the key.
        return prop_path(loc[:-2]), f"the key {short(loc[-2])}: " + p.msg.removeprefix(
            "Value error, "
        )
    path = prop_path(loc)
    owner, field, tp = walk(root, loc)
    fix = hint(owner, field)
    if p.type == "value_error":
        return path, p.msg.removeprefix("Value error, ")
    if p.type == "missing":
        return path, f"{path} is required: {fix or 'give it'}"
    if p.type == "extra_forbidden":
        top = owner is root
        owner_what = str(getattr(owner, "WHAT", "this object"))
        what = f"an input of {_resource_name(root)}" if top else f"a key of {owner_what}"
        better = p.rename_to or suggest(owner, field)
        if better:
            return path, f"{field!r} is not {what}: rename it to {better!r}"
        allowed = _quoted_list(_visible_fields(owner))
        if top:
            return path, f"{field!r} is not {what}: remove it (the inputs are {allowed})"
        return path, f"{field!r} is not {what}: remove it ({owner_what} takes {allowed})"
    if p.type == "literal_error":
        choices = [str(c) for c in get_args(tp)] if get_origin(tp) is Literal else []
        if isinstance(p.input, str):
            problem = f"{short(p.input)} is not a valid {field}"
        else:
            problem = f"must be a string, got {got(p.input)}"
        if isinstance(p.input, str):
            close = [c for c in choices if c.lower() == p.input.strip().lower()]
            close = close or difflib.get_close_matches(p.input, choices, n=1, cutoff=0.75)
            if close:
                return path, f"{problem}: use {close[0]!r}"
        return path, f"{problem}: {fix or 'use one of these'}"
    expected = {
        "string_type": "a string",
        "bool_type": "a boolean",
        "bool_parsing": "a boolean",
        "list_type": "a list",
        "dict_type": "a dict",
        "model_type": "a dict",
        "model_attributes_type": "a dict",
        "int_type": "a whole number",
        "int_parsing": "a whole number",
        "int_from_float": "a whole number",
        "float_type": "a number",
        "float_parsing": "a number",
    }.get(p.type)
    problem = f"must be {expected}, got {got(p.input)}" if expected else p.msg
    return path, f"{problem}: {fix or 'see docs/resources.md'}"
