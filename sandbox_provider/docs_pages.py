"""The generated parts of the hand-written pages in docs/: each part sits between
`<!-- generated: NAME -->` and `<!-- end: NAME -->` in its page and is rebuilt from its one
source, so the prose around it stays hand-written and the facts can't drift.

`python -m sandbox_provider.docs_pages` rewrites every part (`make docs`; `make sdk` runs it
too); `--check` changes nothing and exits 1 naming each page that is out of date
(tests/docs/test_docs_pages.py runs it). The wholly generated plugin reference
(docs/plugin-reference.md) has its own generator, `sandbox_provider.plugin.reference`.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
import types
import typing
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from sandbox_provider.client.config import KEYS, Key
from sandbox_provider.plugin.archive import EXECUTABLE, archive_name, checksums_name, semver
from sandbox_provider.plugin.schema import (
    LANGUAGE,
    PACKAGE,
    PLUGIN_DOWNLOAD_URL,
    RESOURCES,
    ResourceSpec,
    default_text,
)
from sandbox_provider.resources.declare import taken_types

__all__ = [
    "PARTS",
    "configuration_table",
    "install_commands",
    "main",
    "render",
    "resource_tables",
    "stale",
]

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _default_cell(key: Key) -> str:
    if key.default_text is not None:
        return f"`{key.default_text}`"
    return "required" if key.required else "none"


def configuration_table() -> str:
    """Every setting of `config.KEYS`: its stack config key, environment variable, default
    and description."""
    rows = [
        "| key | environment variable | default | description |",
        "|---|---|---|---|",
    ]
    for key in KEYS:
        secret = " (secret)" if key.secret else ""
        rows.append(
            f"| `{key.config_key}`{secret} | `{key.env}` | {_default_cell(key)} | {key.doc} |"
        )
    return "\n".join(rows)


def _type_code(annotation: Any) -> str:
    """A type as Python programs write it, a model as the keys it takes (`?`: optional)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        takes = taken_types(annotation)
        return " | ".join(map(_type_code, takes)) if takes else _type_code(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return " | ".join(_type_code(a) for a in args)
    if origin is Literal:
        return " | ".join(json.dumps(v) for v in get_args(annotation))
    if origin in (list, dict):
        return f"{origin.__name__}[{', '.join(_type_code(a) for a in get_args(annotation))}]"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = [
            f'"{name}"' + ("" if info.is_required() else "?")
            for name, info in annotation.model_fields.items()
        ]
        return "{" + ", ".join(fields) + "}"
    return getattr(annotation, "__name__", str(annotation))


def _type_text(annotation: Any) -> str:
    # A table cell: `|` inside code would still split the cell.
    return f"`{_type_code(annotation)}`".replace("|", "\\|")


def _input_default(model: type[BaseModel], name: str) -> str:
    if name in getattr(model, "REQUIRED", ()):
        return "required"
    text = default_text(model, name)
    return "none" if text is None else f"`{text}`"


def resource_tables(spec: ResourceSpec) -> str:
    """One resource's description, inputs and outputs, from its declaration (its input and
    output models)."""

    inputs = spec.inputs_model
    rows = [getattr(inputs, "DESCRIPTION", ""), "", *_input_rows(inputs, set(spec.input_names()))]
    rows += ["", "| output | type | description |", "|---|---|---|"]
    for field, annotation in spec.outputs().items():
        if field not in inputs.model_fields:
            rows.append(f"| `{field}` | {_type_text(annotation)} | {spec.describe(field) or ''} |")
    rows += ["", "Every input is an output too, with the value last applied."]
    return "\n".join(rows)


def _input_rows(inputs: type[BaseModel], shown: set[str]) -> list[str]:
    """The input table of a model: each field of `shown` with its type, default, what a
    change of it does and its description."""
    from sandbox_provider.resources import declare

    changes = {"replace": "replaces", "update": "in place"}
    rows = ["| input | type | default | a change | description |", "|---|---|---|---|---|"]
    for field, doc in declare.docs(inputs):
        if field not in shown:
            continue
        annotation = inputs.model_fields[field].annotation
        change = changes.get(doc.change or "", "see below")
        rows.append(
            f"| `{field}` | {_type_text(annotation)} | {_input_default(inputs, field)} | "
            f"{change} | {doc.text} |"
        )
    return rows


def promotion_tables() -> str:
    """The Promotion component's inputs, a target's keys and its output, from its
    declaration (`sandbox_provider.resources.promotion`)."""
    from sandbox_provider.resources import declare
    from sandbox_provider.resources import promotion as core

    def shown(model: type[BaseModel]) -> set[str]:
        return set(model.model_fields) - set(getattr(model, "HIDDEN", ()))

    rows = [core.PromotionInputs.DESCRIPTION, ""]
    rows += _input_rows(core.PromotionInputs, shown(core.PromotionInputs))
    rows += ["", "Each entry of `targets` (a change of one is a change of its ImportJob):", ""]
    rows += _input_rows(core.PromotionTarget, shown(core.PromotionTarget))
    rows += ["", "| output | type | description |", "|---|---|---|"]
    for field, annotation in declare.public_outputs(core.PromotionOutputs).items():
        text = declare.doc_text(core.PromotionOutputs, field=field) or ""
        rows.append(f"| `{field}` | {_type_text(annotation)} | {text} |")
    return "\n".join(rows)


def install_commands(version: str | None = None) -> str:
    """How each language gets the SDK and the engine gets the plugin, at `version` (default:
    the installed package's): the schema's package names, its `pluginDownloadURL`, and the
    release archives' names the engine asks that location for."""
    from sandbox_provider import _version

    version = version or _version()
    npm = LANGUAGE["nodejs"]["packageName"]
    pypi = LANGUAGE["python"]["packageName"]
    go = LANGUAGE["go"]["importBasePath"]
    plugin, plugin_version = EXECUTABLE, semver(version)
    archive = archive_name(plugin_version, "<os>-<arch>")
    rows = [
        "| language | package | install |",
        "|---|---|---|",
        f"| TypeScript, JavaScript | `{npm}` (npm) | `npm install {npm}@{version}` |",
        f"| Python | `{pypi}` (PyPI) | `pip install {pypi}=={version}` |",
        f"| Go | `{go}` | `go get {go}@v{version}` |",
        f"| YAML | none: types come from the plugin's schema | `pulumi package add {PACKAGE}` "
        "(see [YAML](#yaml)) |",
        f"| Python, the dynamic resources | `sandbox_provider` (PyPI) | "
        f"`pip install sandbox_provider=={version}` |",
    ]
    plugin_text = (
        f"The plugin, `{plugin}`: the engine fetches it by itself when a program first needs "
        f"it, from the `pluginDownloadURL` the SDKs carry, `{PLUGIN_DOWNLOAD_URL}`: the "
        f"assets of the GitHub release `v{version}`, `{archive}` (`<os>`: `linux`, "
        "`darwin` or `windows`; `<arch>`: `amd64` or `arm64`), each with its SHA-256 in "
        f"`{checksums_name(plugin_version)}`. Or install it ahead of time:"
    )
    return "\n".join(
        [
            *rows,
            "",
            # Wrapped like the hand-written prose; only at spaces, so no code span is cut.
            textwrap.fill(plugin_text, 95, break_long_words=False, break_on_hyphens=False),
            "",
            "```bash",
            "# from the release",
            f"pulumi plugin install resource {PACKAGE} {plugin_version} "
            f"--server {PLUGIN_DOWNLOAD_URL}",
            "# from an archive you have (`make plugin-dist` writes this machine's to dist/)",
            f"pulumi plugin install resource {PACKAGE} {plugin_version} "
            f"--file {archive_name(plugin_version, 'linux-amd64')}",
            "```",
        ]
    )


#: page (relative to docs/) -> part name -> what builds it.
PARTS: dict[str, dict[str, Callable[[], str]]] = {
    "installation-configuration.md": {
        "install": install_commands,
        "configuration": configuration_table,
    },
    "resources.md": {
        **{spec.module: partial(resource_tables, spec) for spec in RESOURCES},
        "promotion": promotion_tables,
    },
}


def render(text: str, parts: dict[str, Callable[[], str]], page: str = "page") -> str:
    """`text` with each part's block rebuilt; a page missing a part's markers is an error."""
    for name, build in parts.items():
        pattern = re.compile(
            rf"(<!-- generated: {re.escape(name)} -->\n).*?(<!-- end: {re.escape(name)} -->)",
            re.DOTALL,
        )
        found = pattern.search(text)
        if found is None:
            raise ValueError(f"{page} has no `<!-- generated: {name} -->` block")
        start, end = found.span()
        text = f"{text[:start]}{found[1]}{build()}\n{found[2]}{text[end:]}"
    return text


def stale(docs: Path = DOCS) -> list[str]:
    """The pages whose generated parts differ from what their sources build."""
    pages = {page: (docs / page).read_text(encoding="utf-8") for page in PARTS}
    return [page for page, text in pages.items() if render(text, PARTS[page], page) != text]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--check"]:
        old = stale()
        for page in old:
            print(f"docs/{page} is out of date: run `make docs`", file=sys.stderr)
        return 1 if old else 0
    if args:
        print("usage: python -m sandbox_provider.docs_pages [--check]", file=sys.stderr)
        return 2
    for page, parts in PARTS.items():
        path = DOCS / page
        text = path.read_text(encoding="utf-8")
        new = render(text, parts, page)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"wrote docs/{page}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
