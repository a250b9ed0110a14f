"""The lookup functions as the plugin's invokes: `aep:index:getPackage`, `getPackages`,
`getImportConflicts`, `getPreflight`, `getArtifactDependencies`, `getImportJobs`.

Each is the read the Python `get_*` function runs (`resources.reads`), here with the
provider's configuration (`aep:*` keys, `aep:orgs` profiles for `org`) instead of the
program's. An invoke answers an object: a read answering one object (a package, a preflight)
is that object, a read answering a list is under one name (`packages`, `conflicts`,
`artifacts`, `jobs`).

Names: the results are TypedDicts, whose keys are names (`package_id` -> `packageId` on the
wire, at every depth), while a plain `dict[str, ...]` inside one is data (artifact ids keying
`imported_artifacts`, permission types keying `missing_permissions`) and keeps its keys. So
the conversion follows the result's annotations, not only the top level as `values` does.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, get_args, get_origin, is_typeddict

from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental.property_value import PropertyValue

from .values import camel, from_plain, to_plain_map

__all__ = [
    "by_token",
    "from_wire",
    "invoke",
    "lookups",
    "result_type",
    "shaped",
    "to_wire",
    "token",
]

#: The package's module for functions, as for resources.
_MODULE = "aep:index"


def token(function: str) -> str:
    """`get_package` -> `aep:index:getPackage`."""
    return f"{_MODULE}:{camel(function)}"


@functools.cache
def lookups() -> dict[str, Any]:
    """Token -> the core's `Lookup` (`resources.reads.LOOKUPS`)."""
    # Imported on first use: the plugin's import path stays free of the client.
    from sandbox_provider.resources.reads import LOOKUPS

    return {token(name): lookup for name, lookup in LOOKUPS.items()}


def by_token(tok: str) -> Any | None:
    return lookups().get(tok)


def hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """`fn`'s evaluated annotations; the client's type is only a name there."""
    namespace = {**getattr(fn, "__globals__", {}), "ExImClient": object}
    return typing.get_type_hints(fn, globalns=namespace)


def result_type(lookup: Any) -> Any:
    """What the read of `lookup` answers (a TypedDict, or a list of them)."""
    return hints(lookup.read)["return"]


def _optional(annotation: Any) -> Any:
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def shaped(value: Any, annotation: Any, wire: bool) -> Any:
    """`value` with the keys of every TypedDict in it as the wire spells them (`wire`:
    camelCase) or as the core does (snake_case, every field present), following `annotation`;
    the keys of a plain dict are data and stay as they are."""
    annotation = _optional(annotation)
    if value is None:
        return None
    if is_typeddict(annotation) and isinstance(value, Mapping):
        fields = typing.get_type_hints(annotation)
        on_wire = {camel(k): k for k in fields}
        out = {}
        for key, item in value.items():
            field = str(key) if key in fields else on_wire.get(str(key), str(key))
            out[camel(field) if wire else field] = shaped(item, fields.get(field, Any), wire)
        if not wire:
            # The wire leaves None out; the core's dicts have every field.
            out = {k: out.get(k) for k in fields} | out
        return out
    origin = get_origin(annotation)
    if origin is list and isinstance(value, list | tuple):
        (item_type,) = get_args(annotation)
        return [shaped(v, item_type, wire) for v in value]
    if origin is dict and isinstance(value, Mapping):
        item_type = get_args(annotation)[1]
        return {k: shaped(v, item_type, wire) for k, v in value.items()}
    return value


def to_wire(lookup: Any, result: Any) -> dict[str, PropertyValue]:
    """A read's result as the invoke's return value (an object, camelCase names)."""
    kind = result_type(lookup)
    out = shaped(result, kind, wire=True)
    if lookup.listed:
        out = {lookup.listed: out}
    return {k: from_plain(v) for k, v in out.items() if v is not None}


def from_wire(lookup: Any, returned: Mapping[str, Any]) -> Any:
    """An invoke's return value (plain) as the read's result: what the Python `get_*`
    function gives (snake_case TypedDicts, a list for a listing)."""
    kind = result_type(lookup)
    if lookup.listed:
        return shaped(list(returned.get(lookup.listed) or []), kind, wire=False)
    return shaped(dict(returned), kind, wire=False)


def invoke(request: p.InvokeRequest) -> p.InvokeResponse:
    """Answer one invoke (blocking: the provider runs it in its pool)."""
    from sandbox_provider.resources import client_for
    from sandbox_provider.resources.errors import ProviderError
    from sandbox_provider.resources.reads import run

    lookup = by_token(request.tok)
    if lookup is None:
        known = ", ".join(sorted(lookups()))
        raise ProviderError(f"unknown function {request.tok!r}: this provider serves {known}")
    values = to_plain_map(request.args)
    try:
        result = run(lookup.function, values, client_for)
    except ProviderError as exc:
        # A failure of the function's inputs or of the platform, worded as the Python
        # function words it; the engine prints it as the invoke's failure.
        return p.InvokeResponse(failures=[p.CheckFailure("", str(exc))])
    return p.InvokeResponse(return_value=to_wire(lookup, result))
