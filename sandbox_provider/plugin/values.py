"""PropertyValue <-> the plain values the resource core works on, and the property names.

The core (`sandbox_provider.resources`) speaks snake_case dicts of plain Python values, as the
dynamic providers receive them; the schema speaks camelCase. Only the top-level names are
translated: nested keys are data the platform chose (artifact ids keying `alternatives`,
`imported_artifacts`), and renaming them would change what they mean.

The engine sends an unknown value (a preview) as the SDK's unknown sentinel string, because
this provider does not accept output values; it passes through as that string, which the
core's `is_unknown` recognises. Secrets are unwrapped on the way in; on the way out an output
is marked secret when its input was (the engine does so for inputs it knows were secret).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime import rpc

__all__ = [
    "UNKNOWN",
    "camel",
    "from_plain",
    "from_plain_map",
    "secret_keys",
    "snake",
    "to_plain",
    "to_plain_map",
]

#: What an unknown value (a preview) looks like to the core.
UNKNOWN: str = rpc.UNKNOWN

_UPPER = re.compile(r"(?<!^)([A-Z])")


def camel(name: str) -> str:
    """`package_id` -> `packageId` (the schema's name of a core property)."""
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    """`packageId` -> `package_id` (the core's name of a schema property)."""
    return _UPPER.sub(r"_\1", name).lower()


def to_plain(value: PropertyValue) -> Any:
    """A PropertyValue as a plain value: dicts, lists, str, bool, int where the number is
    whole (epoch milliseconds, versions, counts), float otherwise."""
    inner = value.value
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, bool) or inner is None or isinstance(inner, str):
        return inner
    if isinstance(inner, float):
        return int(inner) if inner.is_integer() else inner
    if isinstance(inner, Mapping):
        return {k: to_plain(v) for k, v in inner.items()}
    if isinstance(inner, Iterable):
        return [to_plain(v) for v in inner]
    # Assets, archives and resource references are not in this provider's schema.
    raise TypeError(f"unsupported property value {type(inner).__name__}")


def from_plain(value: Any, secret: bool = False) -> PropertyValue:
    """A plain value as a PropertyValue (ints as the protocol's numbers)."""
    if value is None or isinstance(value, bool | str):
        out = PropertyValue(value)
    elif isinstance(value, int | float):
        out = PropertyValue(float(value))
    elif isinstance(value, Mapping):
        out = PropertyValue({str(k): from_plain(v) for k, v in value.items()})
    elif isinstance(value, Iterable):
        out = PropertyValue([from_plain(v) for v in value])
    else:
        raise TypeError(f"unsupported plain value {type(value).__name__}")
    return out.with_secret(True) if secret else out


def to_plain_map(values: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """Schema properties (camelCase) -> core inputs or outputs (snake_case)."""
    return {snake(k): to_plain(v) for k, v in values.items()}


def from_plain_map(
    values: Mapping[str, Any], secret: Iterable[str] = ()
) -> dict[str, PropertyValue]:
    """Core values (snake_case) -> schema properties (camelCase); `secret` names the core
    keys to mark secret. None values are left out, as a missing property."""
    hidden = set(secret)
    return {
        camel(k): from_plain(v, k in hidden)
        for k, v in values.items()
        if v is not None and not k.startswith("__")
    }


def secret_keys(values: Mapping[str, PropertyValue]) -> set[str]:
    """The core names of the properties that hold a secret."""
    return {snake(k) for k, v in values.items() if v.contains_secret()}
