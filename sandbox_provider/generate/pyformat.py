"""Python source for the values a generated program holds, laid out as `ruff format` (and
black) lay them out, so that the written file passes `ruff format --check` as it is.

The rule they follow, for the few shapes used here (calls with keyword arguments, lists,
dicts, strings, numbers, booleans, references to other variables): a bracketed value stays
on one line when the whole line fits in LINE_LENGTH; otherwise each element goes on a line
of its own, one level deeper, with a trailing comma. That trailing comma (the "magic
trailing comma") keeps the formatter from joining the lines again, whatever line length a
project sets, so the output is stable under any configuration from 88 columns up. Calls
marked `explode` are always written one argument per line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["INDENT", "LINE_LENGTH", "Call", "Ref", "literal", "render"]

#: ruff's and black's default, the narrowest a project is likely to use.
LINE_LENGTH = 88
INDENT = "    "


@dataclass(frozen=True)
class Ref:
    """A name in the program (`dev_audiences.package_id`), written as is."""

    code: str


@dataclass(frozen=True)
class Call:
    """`func(positional..., keyword=value, ...)`."""

    func: str
    args: Sequence[object] = ()
    kwargs: Sequence[tuple[str, object]] = ()
    #: Always one argument per line (the resource declarations).
    explode: bool = field(default=False)


def literal(text: str) -> str:
    """A string literal as ruff writes it: double quotes, unless the text holds double
    quotes and no single ones (fewer escapes)."""
    body = repr(text)  # escapes control characters, keeps printable Unicode
    if body.startswith("'"):
        inner = body[1:-1]
        if '"' in text and "'" not in text:
            return body
        # repr chose single quotes because of a ', or by habit: switch to double quotes.
        inner = inner.replace("\\'", "'").replace('"', '\\"')
        return f'"{inner}"'
    return body  # repr already chose double quotes: the text holds a ' and no "


def flat(value: object) -> str:
    """The value on one line."""
    if isinstance(value, Ref):
        return value.code
    if isinstance(value, str):
        return literal(value)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Call):
        parts = [flat(a) for a in value.args] + [f"{k}={flat(v)}" for k, v in value.kwargs]
        return f"{value.func}({', '.join(parts)})"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{flat(k)}: {flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flat(v) for v in value) + "]"
    raise TypeError(f"no source form for {type(value).__name__}")


def width(text: str) -> int:
    """Columns `text` takes, counted as ruff counts them (Unicode widths): East Asian wide
    and fullwidth characters take two, combining marks none."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def _elements(value: object) -> tuple[str, str, list[tuple[str, object]]] | None:
    """(opening, closing, [(prefix, element)]) of a bracketed value; None for an atom."""
    if isinstance(value, Call):
        items: list[tuple[str, object]] = [("", a) for a in value.args]
        items += [(f"{k}=", v) for k, v in value.kwargs]
        return f"{value.func}(", ")", items
    if isinstance(value, Mapping):
        return "{", "}", [(f"{flat(k)}: ", v) for k, v in value.items()]
    if isinstance(value, list | tuple):
        return "[", "]", [("", v) for v in value]
    return None


def render(value: object, depth: int = 0, used: int = 0, trail: int = 0) -> str:
    """`value` written at indentation `depth`, after `used` characters of its line and
    before `trail` characters (a comma, a closing bracket) that end the line."""
    one_line = flat(value)
    forced = isinstance(value, Call) and value.explode
    parts = _elements(value)
    if parts is None or not parts[2]:
        return one_line
    if not forced and len(INDENT) * depth + used + width(one_line) + trail <= LINE_LENGTH:
        return one_line
    opening, closing, items = parts
    inner = INDENT * (depth + 1)
    lines = [opening]
    for prefix, item in items:
        lines.append(f"{inner}{prefix}{render(item, depth + 1, width(prefix), 1)},")
    lines.append(INDENT * depth + closing)
    return "\n".join(lines)
