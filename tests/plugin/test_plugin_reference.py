"""docs/plugin-reference.md is a fresh render of the schema, and the schema documents every
resource, property, function, argument, result, type and config key (docs.py), with the
outputs every object has marked required."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox_provider.plugin import reference
from sandbox_provider.plugin.schema import RESOURCES, schema
from sandbox_provider.plugin.values import camel
from sandbox_provider.resources.declare import always as always_of

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = schema("0.1.0")


def test_the_committed_reference_is_a_fresh_render() -> None:
    committed = (ROOT / reference.DEFAULT_PATH).read_text()
    fix = "docs/plugin-reference.md is stale: run `python -m sandbox_provider.plugin.reference`"
    assert committed == reference.render(), fix


def test_the_reference_names_every_token_input_output_function_and_key() -> None:
    page = reference.render(SCHEMA)
    for token, res in SCHEMA["resources"].items():
        assert f"`{token}`" in page
        for name in res["properties"]:
            assert f"| `{name}` |" in page, (token, name)
    for token in SCHEMA["functions"]:
        assert f"`{token}`" in page
    for key in SCHEMA["config"]["variables"]:
        assert f"| `aep:{key}` |" in page


def _undescribed(where: str, props: dict[str, Any]) -> list[str]:
    return [f"{where}.{k}" for k, v in props.items() if not v.get("description")]


def test_everything_in_the_schema_has_a_description() -> None:
    missing: list[str] = []
    for token, res in SCHEMA["resources"].items():
        missing += [token] if not res["description"] else []
        missing += _undescribed(token, res["inputProperties"])
        missing += _undescribed(token, res["properties"])
    for token, kind in SCHEMA["types"].items():
        missing += [token] if not kind.get("description") else []
        missing += _undescribed(token, kind["properties"])
    for token, fn in SCHEMA["functions"].items():
        missing += [token] if not fn["description"] else []
        missing += _undescribed(f"{token}(args)", fn["inputs"]["properties"])
        missing += _undescribed(f"{token}(results)", fn["outputs"]["properties"])
    missing += _undescribed("config", SCHEMA["config"]["variables"])
    assert missing == []


def test_descriptions_are_worded_for_every_language_not_the_check_hints() -> None:
    package = SCHEMA["resources"]["aep:index:Package"]["inputProperties"]
    # The check's hint says "write True or False (without quotes)": Python's words.
    assert "True" not in package["includeDependencies"]["description"]
    assert package["includeDependencies"]["description"].endswith("Default: `false`.")
    assert package["packageType"]["description"].endswith("Default: `PARTIAL`.")
    for spec in RESOURCES:
        hints = getattr(spec.inputs_model, "HINTS", {})
        props = SCHEMA["resources"][spec.token]["inputProperties"]
        for key, hint in hints.items():
            if camel(key) in props:
                assert hint not in props[camel(key)]["description"], (spec.token, key)
    assert "snake" not in reference.render(SCHEMA).split("## Resources")[1]


def test_config_descriptions_carry_the_keys_default_and_variable() -> None:
    variables = SCHEMA["config"]["variables"]
    assert "Default: `https://platform.adobe.io`." in variables["platformUrl"]["description"]
    assert "`AEP_CLIENT_SECRET`" in variables["clientSecret"]["description"]


def test_the_outputs_every_object_has_are_required() -> None:
    for spec in RESOURCES:
        entry = SCHEMA["resources"][spec.token]
        always = {camel(k) for k in always_of(spec.outputs_model)}
        assert always <= set(entry["required"]), spec.token
        assert set(entry["required"]) <= set(entry["properties"]), spec.token
        # An optional output stays optional: a Package's version may be absent.
    assert "version" not in SCHEMA["resources"]["aep:index:Package"]["required"]
    assert "packageId" in SCHEMA["resources"]["aep:index:Package"]["required"]
