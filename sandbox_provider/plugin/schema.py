"""The `aep` package schema, built from what the core already declares.

One table (`RESOURCES`) names each resource's token, its provider class (the core), its
pydantic input model (the inputs: every field but the model's `HIDDEN` ones, required as the
model's `REQUIRED`) and its dynamic resource class (the outputs: its annotations). Nothing is
listed twice: a new input of a core model appears in the schema by itself. Provider
configuration comes from `sandbox_provider.client.config.KEYS`, the one source of settings.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from sandbox_provider.client.config import KEYS, NAMESPACE

from .values import camel

__all__ = [
    "GO_MODULE",
    "LANGUAGE",
    "PACKAGE",
    "RESOURCES",
    "ResourceSpec",
    "by_token",
    "schema",
    "schema_json",
]

PACKAGE = NAMESPACE


@dataclass(frozen=True)
class ResourceSpec:
    """One resource: its token and where the core defines it."""

    name: str
    module: str

    @property
    def token(self) -> str:
        return f"{PACKAGE}:index:{self.name}"

    def _module(self) -> Any:
        return import_module(f"sandbox_provider.resources.{self.module}")

    @property
    def provider_class(self) -> type:
        return getattr(self._module(), f"{self.name}Provider")

    @property
    def inputs_model(self) -> type[BaseModel]:
        return getattr(self._module(), f"{self.name}Inputs")

    @property
    def resource_class(self) -> type:
        return getattr(self._module(), self.name)

    def input_names(self) -> list[str]:
        """The core names of the inputs a program sets."""
        model = self.inputs_model
        hidden = set(getattr(model, "HIDDEN", ()))
        return [k for k in model.model_fields if k not in hidden]

    def outputs(self) -> dict[str, Any]:
        """Core output name -> annotation: the resource class's own, which `typed_outputs`
        has evaluated already (the SDK's base classes hold forward references)."""
        return dict(self.resource_class.__dict__.get("__annotations__", {}))


RESOURCES: tuple[ResourceSpec, ...] = (
    ResourceSpec("Package", "package"),
    ResourceSpec("PublishedPackage", "published_package"),
    ResourceSpec("ImportJob", "import_job"),
    ResourceSpec("Handshake", "handshake"),
    ResourceSpec("Transfer", "transfer"),
)


def by_token(token: str) -> ResourceSpec | None:
    return next((r for r in RESOURCES if r.token == token), None)


# -- Python annotations -> schema types ---------------------------------------------------------
_ARTIFACT = {"$ref": f"#/types/{PACKAGE}:index:Artifact"}
_ARTIFACT_REF = {"$ref": f"#/types/{PACKAGE}:index:ArtifactRef"}
_ANY = {"$ref": "pulumi.json#/Any"}
#: Inputs whose validators take more than their annotation says (a date as ISO text or
#: epoch milliseconds).
_INPUT_OVERRIDES: dict[str, dict[str, Any]] = {
    "expiry": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
}


def _spec(annotation: Any) -> dict[str, Any]:
    """The schema type of a Python annotation (Annotated, Optional and Output unwrapped)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _spec(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _spec(args[0]) if len(args) == 1 else _ANY
    if origin is Literal:
        return {"type": "string"}
    if origin is list:
        return {"type": "array", "items": _spec(get_args(annotation)[0])}
    if origin is dict:
        return {"type": "object", "additionalProperties": _spec(get_args(annotation)[1])}
    if origin is not None and getattr(origin, "__name__", "") == "Output":
        return _spec(get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _ARTIFACT_REF if annotation.__name__ == "ArtifactRef" else _ARTIFACT
    simple = {str: "string", bool: "boolean", int: "integer", float: "number"}
    if annotation in simple:
        return {"type": simple[annotation]}
    return _ANY


def _with_doc(spec: dict[str, Any], doc: str | None) -> dict[str, Any]:
    return {**spec, "description": doc} if doc else spec


def _resource(spec: ResourceSpec) -> dict[str, Any]:
    model = spec.inputs_model
    hints: dict[str, str] = getattr(model, "HINTS", {})
    inputs = {
        camel(k): _with_doc(
            _INPUT_OVERRIDES.get(k) or _spec(model.model_fields[k].annotation), hints.get(k)
        )
        for k in spec.input_names()
    }
    hints_out = spec.outputs()
    outputs = dict(inputs)
    outputs.update({camel(k): _spec(a) for k, a in hints_out.items()})
    required_in = [camel(k) for k in getattr(model, "REQUIRED", ()) if k in spec.input_names()]
    return {
        "description": (spec.resource_class.__doc__ or "").strip(),
        "inputProperties": inputs,
        "requiredInputs": required_in,
        "properties": outputs,
        # A required input is always in the outputs too.
        "required": required_in,
    }


def _config() -> dict[str, Any]:
    variables: dict[str, Any] = {}
    for key in KEYS:
        var: dict[str, Any] = {"type": "string"}
        if key.secret:
            var["secret"] = True
        if key.default_text is not None:
            var["description"] = f"Default: {key.default_text}."
        var["defaultInfo"] = {"environment": [key.env]}
        variables[key.key] = var
    return variables


# -- the lookup functions (invoke.py) -------------------------------------------------------------
#: The lookups' `ArtifactRef` ({id, type, title}) is the schema's Artifact already.
_SAME_TYPES = {"ArtifactRef": "Artifact"}
_ORG = {
    "type": "string",
    "description": "The aep:orgs profile to act as; left out, the provider's own org.",
}


def _result_spec(annotation: Any, found: dict[str, Any]) -> dict[str, Any]:
    """The schema type of a lookup result's annotation; each TypedDict met is an object type
    of the package, added to `found` (token -> type)."""
    import inspect
    from typing import get_type_hints, is_typeddict

    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _result_spec(args[0], found) if len(args) == 1 else _ANY
    if origin is list:
        return {"type": "array", "items": _result_spec(get_args(annotation)[0], found)}
    if origin is dict:
        return {
            "type": "object",
            "additionalProperties": _result_spec(get_args(annotation)[1], found),
        }
    if not is_typeddict(annotation):
        return _spec(annotation)
    name = _SAME_TYPES.get(annotation.__name__, annotation.__name__)
    tok = f"{PACKAGE}:index:{name}"
    if name not in _SAME_TYPES.values() and tok not in found:
        found[tok] = {}  # taken before recursing: a type may refer to itself
        found[tok] = {
            "type": "object",
            "description": inspect.cleandoc(annotation.__doc__ or ""),
            **_object_of(get_type_hints(annotation), found),
        }
    return {"$ref": f"#/types/{tok}"}


def _object_of(fields: dict[str, Any], found: dict[str, Any]) -> dict[str, Any]:
    """`properties` (camelCase) and `required` (the fields that are never None)."""
    required = [
        camel(k)
        for k, a in fields.items()
        if not (get_origin(a) in (Union, types.UnionType) and type(None) in get_args(a))
    ]
    props = {camel(k): _result_spec(a, found) for k, a in fields.items()}
    return {"properties": props, "required": required}


def _lookup_functions() -> tuple[dict[str, Any], dict[str, Any]]:
    """The functions, from the core's reads (`resources._lookup_reads`: inputs from their
    signatures, outputs from their TypedDict results), and the object types they use."""
    import inspect

    from . import invoke

    found: dict[str, Any] = {}
    functions: dict[str, Any] = {}
    for tok, lookup in invoke.lookups().items():
        hints = invoke.hints(lookup.read)
        params = lookup.params()
        inputs = {camel(k): _spec(hints[k]) for k in params}
        inputs["org"] = _ORG
        required = [camel(k) for k, v in params.items() if v.default is inspect.Parameter.empty]
        if lookup.listed:
            result = _result_spec(hints["return"], found)
            outputs = {"properties": {lookup.listed: result}, "required": [lookup.listed]}
        else:  # the TypedDict is the invoke's answer itself
            outputs = _object_of(typing.get_type_hints(hints["return"]), found)
        functions[tok] = {
            "description": inspect.getdoc(lookup.read) or "",
            "inputs": {"properties": inputs, "required": required},
            "outputs": outputs,
        }
    return functions, found


def _functions() -> dict[str, Any]:
    return _lookup_functions()[0]


def _function_types() -> dict[str, Any]:
    """The object types the functions' results use (`aep:index:PackageInfo`, ...)."""
    return _lookup_functions()[1]


#: The generated SDKs' names (scripts/gen-sdk.sh writes them to sdk/). Each takes the schema's
#: version, so an SDK generated for another version of the plugin shows as drift.
GO_MODULE = "github.com/sandbox-provider/sandbox-provider/sdk/go"
LANGUAGE: dict[str, Any] = {
    "python": {"packageName": "pulumi_aep", "respectSchemaVersion": True},
    "nodejs": {
        "packageName": "@sandbox-provider/aep",
        "respectSchemaVersion": True,
        # The SDK version the CLI and the plugin are pinned to (scripts/ensure-pulumi.sh).
        "dependencies": {"@pulumi/pulumi": "^3.259.0"},
        "typescriptVersion": "^5.6.0",
    },
    "go": {
        "importBasePath": f"{GO_MODULE}/aep",
        "respectSchemaVersion": True,
        "generateResourceContainerTypes": False,
    },
}


@cache
def schema(version: str) -> dict[str, Any]:
    config = _config()
    types_: dict[str, Any] = {
        f"{PACKAGE}:index:Artifact": {
            "type": "object",
            "description": "An artifact of a sandbox: its id, its type, and a title.",
            "properties": {
                "id": {"type": "string"},
                "type": {"type": "string"},
                "title": {"type": "string"},
            },
            "required": ["id", "type"],
        },
        f"{PACKAGE}:index:ArtifactRef": {
            "type": "object",
            "description": "An {id, type} pair naming an artifact.",
            "properties": {"id": {"type": "string"}, "type": {"type": "string"}},
            "required": ["id", "type"],
        },
    }
    types_.update(_function_types())
    return {
        "name": PACKAGE,
        "displayName": "Adobe Experience Platform sandbox tooling",
        "version": version,
        "description": "Packages, publications, imports, handshakes and transfers of AEP "
        "sandbox tooling (exim).",
        "config": {"variables": config},
        "provider": {
            "description": "The aep provider: one org's credentials and endpoints.",
            "inputProperties": config,
        },
        "types": types_,
        "resources": {r.token: _resource(r) for r in RESOURCES},
        "functions": _functions(),
        "language": LANGUAGE,
    }


def schema_json(version: str) -> str:
    return json.dumps(schema(version), sort_keys=True)
