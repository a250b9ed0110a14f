"""One answer compared with its model, generically: the declared fields, their wire names and
the nested models, lists and maps of models (see the package docstring)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .documented import ALSO_SHOWN, DOCUMENTED, MODELS

__all__ = ["FieldFinding", "Shape", "check_answer", "shape_of"]


@dataclass
class Shape:
    """One answer compared with its model: counts by wire path (see `DOCUMENTED`)."""

    #: Objects (model instances) met under each prefix: "" the answer, "data[]" its items.
    objects: Counter[str] = field(default_factory=Counter)
    #: Declared fields the answer gives.
    present: Counter[str] = field(default_factory=Counter)
    #: Declared fields the answer lacks.
    absent: Counter[str] = field(default_factory=Counter)
    #: Keys no model declares (the models keep them in `model_extra`).
    unknown: Counter[str] = field(default_factory=Counter)

    @property
    def shown(self) -> set[str]:
        """Every path the answer shows, known or not."""
        return set(self.present) | set(self.unknown)

    def of(self, path: str) -> int:
        """How many objects the path's field could have been on."""
        return self.objects[path.rpartition(".")[0]]


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _wire_name(name: str, info: Any) -> str:
    return str(info.serialization_alias or info.alias or name)


def _walk(obj: BaseModel, prefix: str, shape: Shape) -> None:
    shape.objects[prefix] += 1
    given = obj.model_fields_set
    for name, info in type(obj).model_fields.items():
        path = _join(prefix, _wire_name(name, info))
        if name in given:
            shape.present[path] += 1
            _descend(getattr(obj, name), path, shape)
        else:
            shape.absent[path] += 1
    for key in obj.model_extra or {}:
        shape.unknown[_join(prefix, key)] += 1


def _descend(value: Any, path: str, shape: Shape) -> None:
    if isinstance(value, BaseModel):
        _walk(value, path, shape)
    elif isinstance(value, list | tuple):
        for item in value:
            _descend(item, path + "[]", shape)
    elif isinstance(value, dict):
        for item in value.values():
            if isinstance(item, BaseModel):
                _walk(item, path + "{}", shape)


def _inspect(raw: Any, model: type[BaseModel]) -> tuple[BaseModel, Shape]:
    parsed = model.model_validate(raw)
    shape = Shape()
    _walk(parsed, "", shape)
    return parsed, shape


def shape_of(raw: Any, model: type[BaseModel]) -> Shape:
    """`raw` parsed with `model` and compared with it. Raises pydantic's ValidationError
    when the answer doesn't parse."""
    return _inspect(raw, model)[1]


@dataclass(frozen=True)
class FieldFinding:
    """A field missing from, or unknown in, an answer."""

    path: str
    #: "unknown" (the model doesn't declare it) or "missing" (declared and documented, absent).
    kind: str
    #: In how many of the objects it could be on (`of`).
    count: int
    of: int
    #: The pages' example answer shows it.
    documented: bool

    @property
    def news(self) -> bool:
        """Something the pages don't tell us: an unknown key no example shows, or a
        documented field that is absent (`--strict` fails on these)."""
        return self.kind == "missing" or not self.documented

    def __str__(self) -> str:
        return self.path if self.of <= 1 else f"{self.path} ({self.count} of {self.of})"


def check_answer(kind: str, raw: Any) -> tuple[BaseModel, list[FieldFinding]]:
    """`raw`, an answer of `kind` (a key of `MODELS`), parsed with its model: the parsed
    answer and the fields missing or unknown to us. Raises pydantic's ValidationError when
    it doesn't parse."""
    parsed, shape = _inspect(raw, MODELS[kind])
    documented = DOCUMENTED[kind]
    shown = documented | ALSO_SHOWN.get(kind, frozenset())
    found = [
        FieldFinding(path, "unknown", n, shape.of(path), path in shown)
        for path, n in sorted(shape.unknown.items())
    ]
    found += [
        FieldFinding(path, "missing", n, shape.of(path), True)
        for path, n in sorted(shape.absent.items())
        if path in documented
    ]
    return parsed, found
