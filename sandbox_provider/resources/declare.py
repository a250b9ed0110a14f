"""One declaration per resource: each field of a resource's input model (`<Name>Inputs`) and
output model (`<Name>Outputs`) carries, in its annotation, a `Doc`: its description, the fix a
failed check prints, what a change of it does, whether every object has it. The rest derives
from these two models and nothing repeats them:

- the check's hints (`Inputs.HINTS`, filled from the fields' `hint`),
- the diff's lists of inputs that replace and that update in place (`replaced_by`,
  `updated_by`),
- the plugin's schema: inputs, outputs, descriptions, defaults and the outputs every object has
  (`always`), and so the generated SDKs and docs/plugin-reference.md,
- the plugin's preview of a create (`platform_valued`: inputs whose recorded value is the
  platform's),
- the dynamic `Resource` class, whose output annotations `resource_class` checks against the
  output model when the class is created (a class that drifts fails at import).

The two models' bases are here too: `Inputs` (with the `org` every resource takes, and the
hidden `adopt_id` that `import_` becomes) and `Outputs`.

Every key a resource writes to state is a field of one of the two models: outputs kept for the
provider's own use only are declared `internal` (not in the schema nor the docs).

Descriptions are worded for any language: property names in camelCase, no Python syntax.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Literal,
    TypeVar,
    get_args,
    get_type_hints,
)

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticUndefined

if TYPE_CHECKING:
    from pulumi.dynamic import CheckFailure

__all__ = [
    "ADOPT_ID",
    "ORG_DOC",
    "ORG_HINT",
    "REPLACE",
    "UPDATE",
    "Doc",
    "adopt_doc",
    "Inputs",
    "Outputs",
    "Takes",
    "always",
    "resource_class",
    "declared",
    "defaults",
    "doc_text",
    "docs",
    "hints",
    "initial_props",
    "internal",
    "platform_valued",
    "public_outputs",
    "replaced_by",
    "taken_types",
    "updated_by",
]

Change = Literal["replace", "update"]
#: A change of this input makes a new object (the old one goes).
REPLACE: Change = "replace"
#: A change of this input is applied to the same object (or only recorded).
UPDATE: Change = "update"


@dataclass(frozen=True)
class Doc:
    """What one field of a resource is, for people and for the code that derives from it."""

    #: The description (schema, SDKs, reference docs); empty for an output that is also an
    #: input, which shares the input's.
    text: str = ""
    #: How to fix a value the check refused, when the rule that refused it doesn't say.
    hint: str | None = None
    #: Inputs: what a change of it does. None: an input the diff treats by its own rule
    #: (the resource's module says which).
    change: Change | None = None
    #: Outputs: set on every object once created (the schema's `required`).
    always: bool = False
    #: Inputs: the recorded output is the platform's value (unknown until created).
    platform: bool = False
    #: Outputs: kept in state for the provider's own use; not in the schema nor the docs.
    internal: bool = False


@dataclass(frozen=True)
class Takes:
    """Metadata of an input type whose validator converts more than the type it stores: what
    a program may write (the schema's `oneOf`, the reference's type), e.g. a date as ISO
    text or epoch milliseconds stored as an int."""

    types: tuple[type, ...]


def taken_types(annotation: Any) -> tuple[type, ...] | None:
    """The types an `Annotated[..., Takes(...)]` input (optional or not) takes; None for any
    other annotation."""
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, Takes):
            return meta.types
    optional = [a for a in get_args(annotation) if a is not type(None)]
    if len(optional) == 1 and not hasattr(annotation, "__metadata__"):
        return taken_types(optional[0])
    return None


def adopt_doc(what: str, kind: str) -> Doc:
    """The `Doc` of a resource's hidden `adopt_id` input (what `import_` becomes)."""
    return Doc(
        f"The {what} `import_` adopts (set from the resource options, not by the program).",
        hint=f"adopt with opts=pulumi.ResourceOptions(import_=<{kind}>)",
    )


#: The input `import_` becomes. Never diffed: dropping import_ once adopted changes nothing.
ADOPT_ID = "adopt_id"
ORG_DOC = (
    "The name of an `aep:orgs` profile to act as; left out, the provider's own org. Changing "
    "it replaces the resource."
)
ORG_HINT = "give the name of a profile in aep:orgs, or leave it out to act as the default org"


class Inputs(BaseModel):
    """Base of the per-resource input models used by `check`.

    Every field has a default so that a field whose value is unknown during a preview can be
    left out; `REQUIRED` lists what must be present, known or not. A None value is the same as
    leaving the input out.
    """

    model_config = ConfigDict(extra="forbid")

    REQUIRED: ClassVar[tuple[str, ...]] = ()
    #: How to fix each property, for the failures whose rule doesn't say (types, enumerations,
    #: missing values): one hint per failure, the one of the field that failed. Filled from
    #: each field's `Doc.hint`.
    HINTS: ClassVar[dict[str, str]] = {}
    #: Inputs the program doesn't set itself (not offered in "the inputs are ..." messages):
    #: every resource's `adopt_id`, what `import_` becomes.
    HIDDEN: ClassVar[tuple[str, ...]] = (ADOPT_ID,)
    #: Likely wrong names of inputs -> the input meant.
    SYNONYMS: ClassVar[dict[str, str]] = {}
    #: The resource's description (schema, SDKs, docs).
    DESCRIPTION: ClassVar[str] = ""

    org: Annotated[str | None, Doc(ORG_DOC, hint=ORG_HINT, change=REPLACE)] = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        # The hints are the fields' own (`Doc.hint`): one declaration per field.
        cls.HINTS = hints(cls)

    def cross_check(self, unknown: set[str]) -> list[CheckFailure]:
        """Rules involving several fields; skip any rule that touches an unknown field."""
        return []

    def to_inputs(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class Outputs(BaseModel):
    """Base of the per-resource output models: the outputs of the dynamic Resource class and
    of the plugin's schema, with their types. An output without a `Doc` shares the input of
    the same name's."""

    model_config = ConfigDict(arbitrary_types_allowed=True)


def _doc_of(model: type[BaseModel], field: str) -> Doc | None:
    info = model.model_fields.get(field)
    if info is None:
        return None
    return next((m for m in info.metadata if isinstance(m, Doc)), None)


def docs(model: type[BaseModel]) -> Iterator[tuple[str, Doc]]:
    """Each field of `model` that has a `Doc`, in declaration order (the inherited `org`
    last, as the reference lists it)."""
    for name in sorted(model.model_fields, key=lambda f: f == "org"):
        found = _doc_of(model, name)
        if found is not None:
            yield name, found


def doc_text(*models: type[BaseModel], field: str) -> str | None:
    """The description of `field`, from the first of `models` that documents it."""
    for model in models:
        found = _doc_of(model, field)
        if found is not None and found.text:
            return found.text
    return None


def replaced_by(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(name for name, d in docs(model) if d.change == REPLACE)


def updated_by(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(name for name, d in docs(model) if d.change == UPDATE)


def always(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(name for name, d in docs(model) if d.always)


def platform_valued(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(name for name, d in docs(model) if d.platform)


def internal(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(name for name, d in docs(model) if d.internal)


def hints(model: type[BaseModel]) -> dict[str, str]:
    return {name: d.hint for name, d in docs(model) if d.hint}


def defaults(model: type[BaseModel]) -> dict[str, Any]:
    """Each field's plain default that is not None: what a missing input counts as."""
    found: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if info.default_factory is not None:
            found[name] = info.default_factory()  # type: ignore[call-arg]
        elif info.default is not None and info.default is not PydanticUndefined:
            found[name] = info.default
    return found


def declared(inputs: type[BaseModel], outputs: type[BaseModel]) -> frozenset[str]:
    """Every key a resource may write to state."""
    return frozenset(inputs.model_fields) | frozenset(outputs.model_fields)


def initial_props(
    inputs: type[BaseModel], outputs: type[BaseModel], given: Mapping[str, Any]
) -> dict[str, Any]:
    """What a dynamic Resource registers: each input from `given` (its `__init__`'s
    arguments, and `adopt_id`), and each public output-only property as None, so that it
    exists as an attribute of the resource."""
    props = {name: given.get(name) for name in inputs.model_fields}
    props.update(
        {name: None for name in public_outputs(outputs) if name not in inputs.model_fields}
    )
    return props


def public_outputs(outputs: type[BaseModel]) -> dict[str, Any]:
    """Output name -> annotation, the internal ones left out."""
    hidden = set(internal(outputs))
    return {k: f.annotation for k, f in outputs.model_fields.items() if k not in hidden}


C = TypeVar("C", bound=type)


def resource_class(inputs: type[BaseModel], outputs: type[BaseModel]) -> Callable[[C], C]:
    """Class decorator of a dynamic Resource class: evaluates its output annotations once, and
    checks that they are the output model's public fields with the same types, and that its
    `__init__` takes exactly the input model's inputs (a drift fails at import, naming it).

    Evaluated here, the annotations are a lookup: the SDK reads them for every resource it
    registers (to turn the engine's floats back into the declared ints, among others) and,
    since the modules use `from __future__ import annotations`, would evaluate each string
    again every time (about 0.3 ms a Package, a third of a second for 1,000).
    """

    def decorate(cls: C) -> C:
        own = dict(cls.__dict__.get("__annotations__", {}))
        # The class's own annotations only, in its module's namespace: the SDK's base classes
        # hold forward references of their own.
        holder = type(cls.__name__, (), {"__annotations__": own})
        hints = get_type_hints(holder, globalns=vars(sys.modules[cls.__module__]))
        cls.__annotations__ = hints
        annotated = {name: get_args(hint)[0] for name, hint in hints.items()}
        wanted = public_outputs(outputs)
        if annotated != wanted:
            drift = sorted(
                k for k in set(annotated) | set(wanted) if annotated.get(k) != wanted.get(k)
            )
            raise TypeError(
                f"{cls.__name__}'s output annotations differ from {outputs.__name__} in "
                f"{drift}: declare each output once, in {outputs.__name__}, and annotate the "
                "class the same"
            )
        hidden = set(getattr(inputs, "HIDDEN", ()))
        init = vars(cls)["__init__"]
        takes = set(inspect.signature(init).parameters) - {"self", "resource_name", "opts"}
        visible = {k for k in inputs.model_fields if k not in hidden}
        if takes != visible:
            raise TypeError(
                f"{cls.__name__}.__init__ takes {sorted(takes ^ visible)} differently from "
                f"{inputs.__name__}: its keyword arguments are the model's inputs"
            )
        return cls

    return decorate
