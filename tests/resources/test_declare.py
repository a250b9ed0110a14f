"""One declaration per resource: the input and output models say everything once, and the
check's hints, the diff's lists, the schema and the dynamic Resource class follow them."""

from __future__ import annotations

from typing import Annotated, Any

import pulumi
import pytest

from sandbox_provider.plugin.schema import RESOURCES, schema
from sandbox_provider.plugin.values import camel
from sandbox_provider.resources import declare
from sandbox_provider.resources._base import Inputs
from sandbox_provider.resources.declare import REPLACE, UPDATE, Doc, Outputs

SCHEMA = schema("0.0.0")


@pytest.mark.parametrize("spec", RESOURCES, ids=lambda s: s.name)
def test_every_input_has_a_description_a_hint_and_a_change_rule(spec: Any) -> None:
    model = spec.inputs_model
    documented = dict(declare.docs(model))
    for name in spec.input_names():
        assert name in documented, f"{spec.name}.{name} has no Doc"
        assert documented[name].text, f"{spec.name}.{name} has no description"
        assert documented[name].hint, f"{spec.name}.{name} has no hint"
    # The check's hints are the declared ones, nothing else.
    assert declare.hints(model) == model.HINTS
    assert set(declare.replaced_by(model)) | set(declare.updated_by(model)) <= set(
        model.model_fields
    )


@pytest.mark.parametrize("spec", RESOURCES, ids=lambda s: s.name)
def test_the_schema_is_built_from_the_declaration(spec: Any) -> None:
    entry = SCHEMA["resources"][spec.token]
    assert entry["description"] == spec.inputs_model.DESCRIPTION != ""
    for name, annotation in declare.public_outputs(spec.outputs_model).items():
        prop = entry["properties"][camel(name)]
        assert prop["description"].startswith(spec.describe(name)), name
        assert annotation is not None
    required = {camel(k) for k in declare.always(spec.outputs_model)}
    assert required <= set(entry["required"])
    # Outputs kept for the provider alone stay out of the schema.
    for name in declare.internal(spec.outputs_model):
        assert camel(name) not in entry["properties"]


def test_a_change_rule_drives_the_diff_lists() -> None:
    class ThingInputs(Inputs):
        size: Annotated[int | None, Doc("Its size.", hint="give a number", change=REPLACE)] = None
        note: Annotated[str | None, Doc("A note.", hint="give text", change=UPDATE)] = None

    assert declare.replaced_by(ThingInputs) == ("size", "org")
    assert declare.updated_by(ThingInputs) == ("note",)
    assert ThingInputs.HINTS["size"] == "give a number" and "org" in ThingInputs.HINTS


class _ThingInputs(Inputs):
    size: Annotated[int | None, Doc("Its size.", hint="give a number", change=REPLACE)] = None


class _ThingOutputs(Outputs):
    size: int | None
    status: Annotated[str, Doc("Its status.", always=True)]


def test_a_resource_class_that_drifts_from_its_outputs_fails_at_creation() -> None:
    with pytest.raises(
        TypeError, match=r"output annotations differ from _ThingOutputs in \['status'\]"
    ):

        @declare.resource_class(_ThingInputs, _ThingOutputs)
        class Thing(pulumi.dynamic.Resource):
            size: pulumi.Output[int | None]
            status: pulumi.Output[int]  # the model says str

            def __init__(
                self, resource_name: str, *, size: int | None = None, org: str | None = None
            ) -> None:
                pass

    with pytest.raises(TypeError, match=r"takes \['org'\] differently"):

        @declare.resource_class(_ThingInputs, _ThingOutputs)
        class Other(pulumi.dynamic.Resource):
            size: pulumi.Output[int | None]
            status: pulumi.Output[str]

            def __init__(self, resource_name: str, *, size: int | None = None) -> None:
                pass


def test_initial_props_hold_every_input_and_each_output_only_property() -> None:
    props = declare.initial_props(_ThingInputs, _ThingOutputs, {"size": 3, "self": object()})
    assert props == {"org": None, "size": 3, "status": None}


def test_an_input_taking_more_than_it_stores_says_so_everywhere() -> None:
    # `expiry` is stored as epoch ms but takes ISO text too: the schema, the reference and the
    # dynamic class's keyword all come from its type's `Takes`.
    import inspect

    from sandbox_provider.docs_pages import _type_code
    from sandbox_provider.dynamic.resources import Package

    annotation = RESOURCES[0].inputs_model.model_fields["expiry"].annotation
    takes = declare.taken_types(annotation)
    assert takes == (str, int)
    token = RESOURCES[0].token
    assert SCHEMA["resources"][token]["inputProperties"]["expiry"]["oneOf"] == [
        {"type": "string"},
        {"type": "integer"},
    ]
    assert _type_code(annotation) == "str | int"
    keyword = inspect.signature(Package.__init__).parameters["expiry"].annotation
    assert "str | int" in str(keyword)
    # The output is what the platform answers: an int only.
    assert SCHEMA["resources"][token]["properties"]["expiry"] == {
        "type": "integer",
        "description": SCHEMA["resources"][token]["properties"]["expiry"]["description"],
    }
