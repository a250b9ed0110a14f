"""The `aep` schema: built from the core's input models, outputs and KEYS, so it can't drift
from what the provider accepts."""

from __future__ import annotations

import json
from typing import Any

from sandbox_provider.client.config import KEYS
from sandbox_provider.plugin.schema import RESOURCES, schema, schema_json
from sandbox_provider.plugin.values import camel

SCHEMA = schema("0.1.0")


def test_the_package_its_five_resource_tokens_and_its_component() -> None:
    assert SCHEMA["name"] == "aep"
    assert sorted(SCHEMA["resources"]) == [
        "aep:index:Handshake",
        "aep:index:ImportJob",
        "aep:index:Package",
        "aep:index:Promotion",
        "aep:index:PublishedPackage",
        "aep:index:Transfer",
    ]
    promotion = SCHEMA["resources"]["aep:index:Promotion"]
    assert promotion["isComponent"] is True
    assert promotion["requiredInputs"] == ["packageId", "targets"]
    assert promotion["inputProperties"]["targets"]["items"] == {
        "$ref": "#/types/aep:index:PromotionTarget"
    }
    target = SCHEMA["types"]["aep:index:PromotionTarget"]
    assert target["required"] == ["sandbox"]
    assert {"sandbox", "wave", "conflictPolicy", "alternatives", "org"} <= set(target["properties"])
    assert json.loads(schema_json("0.1.0")) == SCHEMA


def test_inputs_are_the_core_models_fields_in_camel_case_without_hidden_ones() -> None:
    for spec in RESOURCES:
        entry = SCHEMA["resources"][spec.token]
        model = spec.inputs_model
        hidden = set(getattr(model, "HIDDEN", ()))
        expected = {camel(k) for k in model.model_fields if k not in hidden}
        assert set(entry["inputProperties"]) == expected, spec.token
        assert "adoptId" not in entry["inputProperties"]
        assert entry["requiredInputs"] == [camel(k) for k in getattr(model, "REQUIRED", ())]
        outputs = {camel(k) for k in spec.outputs()}
        assert outputs <= set(entry["properties"]), spec.token


def test_the_types_of_a_package() -> None:
    props = SCHEMA["resources"]["aep:index:Package"]["inputProperties"]
    assert props["name"]["type"] == "string"
    assert props["includeDependencies"]["type"] == "boolean"
    assert props["artifacts"] == {
        "type": "array",
        "items": {"$ref": "#/types/aep:index:Artifact"},
        "description": props["artifacts"]["description"],
    }
    assert props["expiry"]["oneOf"] == [{"type": "string"}, {"type": "integer"}]
    outs = SCHEMA["resources"]["aep:index:Package"]["properties"]
    assert outs["version"]["type"] == "integer"
    assert outs["packageId"]["type"] == "string"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if "$ref" in node else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_every_reference_resolves() -> None:
    for ref in _refs(SCHEMA):
        if ref.startswith("pulumi.json#/"):
            assert ref == "pulumi.json#/Any"
        else:
            assert ref.removeprefix("#/types/") in SCHEMA["types"], ref


def test_provider_config_is_every_key_with_secrets_and_environment_defaults() -> None:
    variables = SCHEMA["config"]["variables"]
    assert set(variables) == {k.key for k in KEYS}
    for key in KEYS:
        var = variables[key.key]
        assert var.get("secret", False) is key.secret, key.key
        assert var["defaultInfo"] == {"environment": [key.env]}
    assert variables["clientSecret"]["secret"] is True
    assert variables["platformUrl"]["defaultInfo"]["environment"] == ["AEP_PLATFORM_URL"]
    assert SCHEMA["provider"]["inputProperties"] == variables
