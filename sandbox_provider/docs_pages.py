"""The generated parts of the hand-written pages in docs/: each part sits between
`<!-- generated: NAME -->` and `<!-- end: NAME -->` in its page and is rebuilt from its one
source, so the prose around it stays hand-written and the facts can't drift.

`python -m sandbox_provider.docs_pages` rewrites every part (`make docs`; `make sdk` runs it
too); `--check` changes nothing and exits 1 naming each page that is out of date
(tests/unit/test_docs_pages.py runs it). The wholly generated plugin reference
(docs/plugin-reference.md) has its own generator, `sandbox_provider.plugin.reference`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sandbox_provider.client.config import KEYS, Key

__all__ = ["PARTS", "configuration_table", "main", "render", "stale"]

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


#: page (relative to docs/) -> part name -> what builds it.
PARTS: dict[str, dict[str, Callable[[], str]]] = {
    "installation-configuration.md": {"configuration": configuration_table},
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
    return [
        page
        for page, parts in PARTS.items()
        if render((docs / page).read_text(encoding="utf-8"), parts, page)
        != (docs / page).read_text(encoding="utf-8")
    ]


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
