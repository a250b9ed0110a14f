"""The `aep` package schema, built from what the core already declares.

One table (`RESOURCES`) names each resource's token and the core module that declares it
once (`sandbox_provider.resources.declare`): its input model (the inputs: every field but the
model's `HIDDEN` ones, required as the model's `REQUIRED`; their descriptions and defaults)
and its output model (the outputs, their descriptions, and the ones every object has).
Nothing is listed twice: a new input of a core model appears in the schema by itself.
Provider configuration comes from `sandbox_provider.client.config.KEYS`, the one source of
settings. The lookup functions' and object types' descriptions come from `docs.py`.
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
from pydantic_core import PydanticUndefined

from sandbox_provider.client.config import KEYS, NAMESPACE
from sandbox_provider.resources import declare

from .docs import describe
from .values import camel

__all__ = [
    "GITHUB_REPOSITORY",
    "GO_MODULE",
    "KEYWORDS",
    "LANGUAGE",
    "LICENSE",
    "LOGO_URL",
    "METADATA",
    "PACKAGE",
    "PLUGIN_DOWNLOAD_URL",
    "REPOSITORY",
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
    def outputs_model(self) -> type[BaseModel]:
        return getattr(self._module(), f"{self.name}Outputs")

    @property
    def resource_class(self) -> type:
        """The dynamic adapter's class of the same resource (its docstring is the SDK's)."""
        return getattr(import_module("sandbox_provider.dynamic.resources"), self.name)

    def input_names(self) -> list[str]:
        """The core names of the inputs a program sets."""
        model = self.inputs_model
        hidden = set(getattr(model, "HIDDEN", ()))
        return [k for k in model.model_fields if k not in hidden]

    def outputs(self) -> dict[str, Any]:
        """Core output name -> annotation: the output model's public fields (the resource
        class's annotations are checked to be the same when it is created)."""
        return declare.public_outputs(self.outputs_model)

    def describe(self, field: str) -> str | None:
        """The description of an input or output (an output that is also an input shares
        the input's)."""
        return declare.doc_text(self.outputs_model, self.inputs_model, field=field)


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


def _spec(annotation: Any) -> dict[str, Any]:
    """The schema type of a Python annotation (Annotated, Optional and Output unwrapped)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        takes = declare.taken_types(annotation)
        if takes:
            return {"oneOf": [_spec(t) for t in takes]}
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


def default_text(model: type[BaseModel], field: str) -> str | None:
    """The input model's default of `field` as the reference shows it (`PARTIAL`, `false`),
    None when the field has none worth saying (unset, or an empty list or map)."""
    info = model.model_fields[field]
    value = info.default
    if value is PydanticUndefined or value is None:
        return None
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _input_doc(spec: ResourceSpec, field: str) -> str | None:
    doc = declare.doc_text(spec.inputs_model, field=field)
    default = default_text(spec.inputs_model, field)
    if doc and default is not None:
        doc = f"{doc} Default: `{default}`."
    return doc


def _resource(spec: ResourceSpec) -> dict[str, Any]:
    model = spec.inputs_model
    names = spec.input_names()
    inputs = {
        camel(k): _with_doc(_spec(model.model_fields[k].annotation), _input_doc(spec, k))
        for k in names
    }
    outputs = dict(inputs)
    outputs.update(
        {camel(k): _with_doc(_spec(a), spec.describe(k)) for k, a in spec.outputs().items()}
    )
    required_in = [camel(k) for k in getattr(model, "REQUIRED", ()) if k in names]
    # Outputs every object has (typed SDKs don't type them optional); a required input is
    # always in the outputs too.
    always = [camel(k) for k in declare.always(spec.outputs_model)]
    return {
        "description": getattr(model, "DESCRIPTION", ""),
        "inputProperties": inputs,
        "requiredInputs": required_in,
        "properties": outputs,
        "required": list(dict.fromkeys(required_in + always)),
    }


def _properties(model: type[BaseModel]) -> dict[str, Any]:
    """A model's fields as schema properties (camelCase), with their docs and defaults."""
    hidden = set(getattr(model, "HIDDEN", ()))
    out = {}
    for name, info in model.model_fields.items():
        if name in hidden:
            continue
        doc = declare.doc_text(model, field=name)
        default = default_text(model, name)
        if doc and default is not None:
            doc = f"{doc} Default: `{default}`."
        out[camel(name)] = _with_doc(_spec(info.annotation), doc)
    return out


def _components() -> tuple[dict[str, Any], dict[str, Any]]:
    """(the components as schema resources, the object types they use): Promotion, declared
    in `sandbox_provider.resources.promotion`."""
    from sandbox_provider.resources import promotion as core

    target = f"{PACKAGE}:index:PromotionTarget"
    types_ = {
        target: {
            "type": "object",
            "description": core.PromotionTarget.DESCRIPTION,
            "properties": _properties(core.PromotionTarget),
            "required": [camel(k) for k in core.PromotionTarget.REQUIRED],
        }
    }
    inputs = _properties(core.PromotionInputs)
    inputs["targets"] = {
        **inputs["targets"],
        "type": "array",
        "items": {"$ref": f"#/types/{target}"},
    }
    outputs = {
        camel(k): _with_doc(_spec(a), declare.doc_text(core.PromotionOutputs, field=k))
        for k, a in declare.public_outputs(core.PromotionOutputs).items()
    }
    resource = {
        "isComponent": True,
        "description": core.PromotionInputs.DESCRIPTION,
        "inputProperties": inputs,
        "requiredInputs": [camel(k) for k in core.PromotionInputs.REQUIRED],
        "properties": outputs,
        "required": [camel(k) for k in declare.always(core.PromotionOutputs)],
    }
    return {core.TOKEN: resource}, types_


def _config() -> dict[str, Any]:
    variables: dict[str, Any] = {}
    for key in KEYS:
        var: dict[str, Any] = {"type": "string"}
        if key.secret:
            var["secret"] = True
        doc = key.doc
        if key.default_text is not None:
            doc = f"{doc} Default: `{key.default_text}`.".strip()
        doc = f"{doc} Environment: `{key.env}`.".strip()
        var["description"] = doc
        var["defaultInfo"] = {"environment": [key.env]}
        variables[key.key] = var
    return variables


# -- the lookup functions (invoke.py) -------------------------------------------------------------
#: The lookups' `ArtifactRef` ({id, type, title}) is the schema's Artifact already.
_SAME_TYPES = {"ArtifactRef": "Artifact"}


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
            "description": describe(name) or inspect.cleandoc(annotation.__doc__ or ""),
            **_object_of(get_type_hints(annotation), found, name),
        }
    return {"$ref": f"#/types/{tok}"}


def _object_of(fields: dict[str, Any], found: dict[str, Any], owner: str) -> dict[str, Any]:
    """`properties` (camelCase, described as `owner.<name>`) and `required` (the fields that
    are never None)."""
    required = [
        camel(k)
        for k, a in fields.items()
        if not (get_origin(a) in (Union, types.UnionType) and type(None) in get_args(a))
    ]
    props = {
        camel(k): _with_doc(_result_spec(a, found), describe(f"{owner}.{camel(k)}"))
        for k, a in fields.items()
    }
    return {"properties": props, "required": required}


def _arg_doc(function: str, arg: str, default: Any) -> str | None:
    """A function argument's description: its own, or the one every function shares."""
    doc = describe(f"{function}.{camel(arg)}", f"*.{camel(arg)}")
    if doc and isinstance(default, str):
        doc = f"{doc} Default: `{default}`."
    return doc


def _lookup_functions() -> tuple[dict[str, Any], dict[str, Any]]:
    """The functions, from the core's reads (`resources.reads`: inputs from their
    signatures, outputs from their TypedDict results), and the object types they use."""
    import inspect

    from . import invoke

    found: dict[str, Any] = {}
    functions: dict[str, Any] = {}
    for tok, lookup in invoke.lookups().items():
        hints = invoke.hints(lookup.read)
        params = lookup.params()
        name = tok.rsplit(":", 1)[-1]
        inputs = {
            camel(k): _with_doc(_spec(hints[k]), _arg_doc(name, k, v.default))
            for k, v in params.items()
        }
        inputs["org"] = _with_doc({"type": "string"}, _arg_doc(name, "org", None))
        required = [camel(k) for k, v in params.items() if v.default is inspect.Parameter.empty]
        if lookup.listed:
            result = _with_doc(
                _result_spec(hints["return"], found), describe(f"{name}.{lookup.listed}")
            )
            outputs = {"properties": {lookup.listed: result}, "required": [lookup.listed]}
        else:  # the TypedDict is the invoke's answer itself
            kind = hints["return"]
            outputs = _object_of(typing.get_type_hints(kind), found, kind.__name__)
        functions[tok] = {
            "description": describe(name) or inspect.getdoc(lookup.read) or "",
            "inputs": {"properties": inputs, "required": required},
            "outputs": outputs,
        }
    return functions, found


def _functions() -> dict[str, Any]:
    return _lookup_functions()[0]


def _function_types() -> dict[str, Any]:
    """The object types the functions' results use (`aep:index:PackageInfo`, ...)."""
    return _lookup_functions()[1]


#: Where the project lives and is released: the one source of the schema's Registry metadata
#: (`publisher`, `repository`, `homepage`, `logoUrl`, `pluginDownloadURL`), of the Go module's
#: path and of the install commands in docs/ (`sandbox_provider.docs_pages`). pyproject.toml
#: states no URLs; its `license` is the one below (tests/docs/test_registry_docs.py checks it).
GITHUB_REPOSITORY = "sandbox-provider/sandbox-provider"
REPOSITORY = f"https://github.com/{GITHUB_REPOSITORY}"
LICENSE = "Apache-2.0"
#: GitHub release assets: the engine fetches `pulumi-resource-aep-v<version>-<os>-<arch>.tar.gz`
#: from the release tagged `v<version>` when a program needs a plugin it doesn't have.
PLUGIN_DOWNLOAD_URL = f"github://api.github.com/{GITHUB_REPOSITORY}"
#: The Registry's sort keys: `category/*` places the package, `kind/native` says it is a provider
#: plugin of its own (not a bridged Terraform provider nor a component package).
KEYWORDS = ("pulumi", "aep", "adobe", "category/cloud", "kind/native")
#: The default branch's copy of docs/logo.svg.
LOGO_URL = f"https://raw.githubusercontent.com/{GITHUB_REPOSITORY}/main/docs/logo.svg"
METADATA: dict[str, Any] = {
    "publisher": GITHUB_REPOSITORY.split("/")[0],
    "repository": REPOSITORY,
    "homepage": REPOSITORY,
    "license": LICENSE,
    "keywords": list(KEYWORDS),
    "logoUrl": LOGO_URL,
    "pluginDownloadURL": PLUGIN_DOWNLOAD_URL,
}

#: The generated SDKs' names (scripts/gen-sdk.sh writes them to sdk/). Each takes the schema's
#: version, so an SDK generated for another version of the plugin shows as drift.
GO_MODULE = f"github.com/{GITHUB_REPOSITORY}/sdk/go"
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
        f"{PACKAGE}:index:{name}": {
            "type": "object",
            "description": describe(name),
            "properties": {
                k: {"type": "string", "description": describe(f"{name}.{k}")} for k in fields
            },
            "required": ["id", "type"],
        }
        for name, fields in (("Artifact", ("id", "type", "title")), ("ArtifactRef", ("id", "type")))
    }
    types_.update(_function_types())
    components, component_types = _components()
    types_.update(component_types)
    return {
        "name": PACKAGE,
        "displayName": "Adobe Experience Platform sandbox tooling",
        "version": version,
        "description": "Packages, publications, imports, handshakes and transfers of AEP "
        "sandbox tooling (exim).",
        **METADATA,
        "config": {"variables": config},
        "provider": {
            "description": describe("provider"),
            "inputProperties": config,
        },
        "types": types_,
        "resources": {**{r.token: _resource(r) for r in RESOURCES}, **components},
        "functions": _functions(),
        "language": LANGUAGE,
    }


def schema_json(version: str) -> str:
    return json.dumps(schema(version), sort_keys=True)
