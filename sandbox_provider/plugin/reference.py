"""docs/plugin-reference.md, rendered from the schema the plugin serves.

    python -m sandbox_provider.plugin.reference [PATH]    # default: docs/plugin-reference.md

Each resource's token, inputs (camelCase name, type, required, description) and outputs, the
functions with their arguments and results, the object types and the provider
configuration. Everything comes from `schema.schema()` (its descriptions from `docs.py`),
so the page can't say what the plugin doesn't do; a unit test checks the committed page is
a fresh render. The package version is left out: a release doesn't change the page.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .schema import PACKAGE, schema

__all__ = ["DEFAULT_PATH", "main", "render"]

DEFAULT_PATH = Path("docs") / "plugin-reference.md"
_TYPES = f"#/types/{PACKAGE}:index:"


def _anchor(name: str) -> str:
    return name.lower()


def type_text(spec: Mapping[str, Any]) -> str:
    """A property's type in words: `string`, `list of Artifact`, `map of string`."""
    ref = spec.get("$ref", "")
    if ref.startswith(_TYPES):
        name = ref.removeprefix(_TYPES)
        return f"[{name}](#{_anchor(name)})"
    if ref:
        return "any"
    if "oneOf" in spec:
        return " or ".join(type_text(s) for s in spec["oneOf"])
    kind = spec.get("type", "any")
    if kind == "array":
        return f"list of {type_text(spec['items'])}"
    if kind == "object" and "additionalProperties" in spec:
        return f"map of {type_text(spec['additionalProperties'])}"
    return str(kind)


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _table(
    props: Mapping[str, Any], required: list[str], head: str, flag: str = "required"
) -> list[str]:
    lines = [f"| {head} | type | {flag} | description |", "|---|---|---|---|"]
    for name, spec in props.items():
        mark = "yes" if name in required else ""
        lines.append(
            f"| `{name}` | {_cell(type_text(spec))} | {mark} | {_cell(spec.get('description'))} |"
        )
    return lines


def _resource(token: str, res: Mapping[str, Any]) -> list[str]:
    name = token.rsplit(":", 1)[-1]
    inputs = res["inputProperties"]
    outputs = {k: v for k, v in res["properties"].items() if k not in inputs}
    kept = [f"`{k}`" for k in res["required"] if k in inputs]
    return [
        f"### {name}",
        "",
        f"`{token}`: {res['description']}",
        "",
        "Inputs:",
        "",
        *_table(inputs, res["requiredInputs"], "input"),
        "",
        "Outputs, besides the inputs (each set input is an output too, as last applied); "
        "*always*: present on every object, and typed so by the SDKs:",
        "",
        *_table(outputs, res["required"], "output", "always"),
        "",
        f"Inputs always in the outputs: {', '.join(kept)}.",
        "",
    ]


def _function(token: str, fn: Mapping[str, Any]) -> list[str]:
    name = token.rsplit(":", 1)[-1]
    args, results = fn["inputs"], fn["outputs"]
    return [
        f"### {name}",
        "",
        f"`{token}`: {_cell(fn['description'])}",
        "",
        *_table(args["properties"], args.get("required", []), "argument"),
        "",
        *_table(results["properties"], results.get("required", []), "result", "always"),
        "",
    ]


def _object(token: str, kind: Mapping[str, Any]) -> list[str]:
    name = token.rsplit(":", 1)[-1]
    return [
        f"### {name}",
        "",
        _cell(kind.get("description")),
        "",
        *_table(kind["properties"], kind.get("required", []), "field", "always"),
        "",
    ]


def _config(variables: Mapping[str, Any]) -> list[str]:
    lines = ["| key | type | secret | description |", "|---|---|---|---|"]
    for key, var in variables.items():
        secret = "yes" if var.get("secret") else ""
        lines.append(
            f"| `{PACKAGE}:{key}` | {var['type']} | {secret} | {_cell(var.get('description'))} |"
        )
    return lines


def render(doc: Mapping[str, Any] | None = None) -> str:
    """The reference page of `doc` (default: the schema the plugin serves)."""
    if doc is None:
        from sandbox_provider import _version

        doc = schema(_version())
    lines = [
        f"# The `{PACKAGE}` provider plugin: reference",
        "",
        "<!-- Generated from the plugin's schema by `python -m sandbox_provider.plugin.reference`"
        " (scripts/gen-sdk.sh runs it): edit sandbox_provider/plugin/docs.py, not this page. -->",
        "",
        f"{doc['description']} The names are the schema's (camelCase), as YAML, TypeScript "
        "and Go programs write them; the Python SDK (`pulumi_aep`) takes their snake_case.",
        "",
        "## Provider configuration",
        "",
        f"Stack config keys (`pulumi config set {PACKAGE}:<key> ...`), and the inputs of an "
        f"explicit provider (`{PACKAGE}.Provider`). {doc['provider']['description']}",
        "",
        *_config(doc["config"]["variables"]),
        "",
        "## Resources",
        "",
    ]
    for token, res in doc["resources"].items():
        lines += _resource(token, res)
    lines += ["## Functions", "", "Invokes: each reads, none writes.", ""]
    for token, fn in doc["functions"].items():
        lines += _function(token, fn)
    lines += ["## Types", ""]
    for token, kind in doc["types"].items():
        lines += _object(token, kind)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render())
    print(f"reference: wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
