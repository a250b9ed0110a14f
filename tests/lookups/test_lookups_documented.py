"""The "Lookup functions" table of docs/resources.md is the code's: each function with its
exact signature (names, keyword-only marker, defaults), and every exported lookup documented."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import sandbox_provider
from sandbox_provider.dynamic import lookups

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "resources.md"
FUNCTIONS = [name for name in lookups.__all__ if name.startswith("get_")]


def documented_signature(name: str) -> str:
    """`get_x(a, *, b=None)`: the signature as the reference writes it (no annotations)."""
    parts: list[str] = []
    star = False
    for p in inspect.signature(getattr(lookups, name)).parameters.values():
        if p.kind is inspect.Parameter.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        default = "" if p.default is inspect.Parameter.empty else f"={p.default!r}"
        parts.append(p.name + default.replace("'", '"'))
    return f"`{name}({', '.join(parts)})`"


def test_there_are_the_six_lookups() -> None:
    assert sorted(FUNCTIONS) == [
        "get_artifact_dependencies",
        "get_import_conflicts",
        "get_import_jobs",
        "get_package",
        "get_packages",
        "get_preflight",
    ]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_lookup_is_documented_with_its_signature_and_exported(name: str) -> None:
    section = REFERENCE.read_text(encoding="utf-8").split("## Lookup functions", 1)[1]
    assert documented_signature(name) in section.split("\n## ", 1)[0]
    assert name in sandbox_provider.__all__
    assert getattr(sandbox_provider, name) is getattr(lookups, name)


def test_get_package_wants_exactly_one_of_name_and_package_id() -> None:
    import pulumi

    with pytest.raises(pulumi.RunError, match="exactly one of `name` and `package_id`"):
        lookups.get_package()
    with pytest.raises(pulumi.RunError, match="exactly one of `name` and `package_id`"):
        lookups.get_package(name="a", package_id="b")
