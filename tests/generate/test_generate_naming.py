"""The names and the source text `generate` writes: names a person would keep, each one a
valid Python variable and Pulumi name, unique in the program; values laid out exactly as
`ruff format` lays them out, and reading back as the same values."""

from __future__ import annotations

import ast
import keyword
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox_provider.generate.naming import MAX_SLUG, Names, org_label, slug
from sandbox_provider.generate.pyformat import LINE_LENGTH, Call, Ref, literal, render, width

RUFF = Path(sys.executable).parent / "ruff"
PULUMI_NAME = re.compile(r"[a-z][a-z0-9-]*")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dev Audiences", "dev-audiences"),
        ("  gold__members (2024) ", "gold-members-2024"),
        ("Équipe Été", "equipe-ete"),
        ("dev-audiences", "dev-audiences"),
        ("!!!", "package"),
        ("", "package"),
        ("日本語", "package"),
    ],
)
def test_slug_keeps_the_words(text: str, expected: str) -> None:
    assert slug(text, "package") == expected


def test_a_long_slug_is_cut_at_a_word() -> None:
    text = " ".join(["audience"] * 20)
    got = slug(text, "package")
    assert len(got) <= MAX_SLUG
    assert got.split("-") == ["audience"] * len(got.split("-"))
    assert slug("x" * 100, "package") == "x" * MAX_SLUG


def test_names_are_unique_and_valid_variables() -> None:
    names = Names()
    assert names.take("Dev Audiences", kind="package") == ("dev-audiences", "dev_audiences")
    assert names.take("dev audiences", kind="package") == ("dev-audiences-2", "dev_audiences_2")
    assert names.take("DEV_AUDIENCES", kind="package") == ("dev-audiences-3", "dev_audiences_3")
    # A digit can't start a variable; keywords and the program's own imports can't be one.
    assert names.take("2024 kit", kind="package") == ("package-2024-kit", "package_2024_kit")
    assert names.take("class", kind="package") == ("class-package", "class_package")
    assert names.take("pulumi", kind="link") == ("pulumi-link", "pulumi_link")
    assert names.take("list", kind="package") == ("list-package", "list_package")


@settings(max_examples=200)
@given(
    st.lists(st.text(max_size=40), min_size=1, max_size=12), st.sampled_from(["package", "link"])
)
def test_any_text_gives_a_unique_identifier(texts: list[str], kind: str) -> None:
    names = Names()
    taken = [names.take(t, kind=kind) for t in texts]
    assert len({n for n, _ in taken}) == len(taken)
    for name, var in taken:
        assert PULUMI_NAME.fullmatch(name), name
        assert var.isidentifier() and not keyword.iskeyword(var), var
        assert var == name.replace("-", "_")


def test_org_label_prefers_the_name() -> None:
    assert org_label("PRTN0000000000000000B002@AdobeOrg", "Partner Inc.") == "partner-inc"
    assert org_label("PRTN0000000000000000B002@AdobeOrg") == "prtn0000"
    assert org_label(None) == "org"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", '"plain"'),
        ("it's", '"it\'s"'),
        ('say "hi"', "'say \"hi\"'"),
        ("both ' and \"", '"both \' and \\""'),
        ("line\nnext\ttab", '"line\\nnext\\ttab"'),
        ("back\\slash", '"back\\\\slash"'),
        ("é ✓", '"é ✓"'),
    ],
)
def test_literal_quotes_as_ruff_does(text: str, expected: str) -> None:
    assert literal(text) == expected
    assert ast.literal_eval(expected) == text


def test_a_value_that_fits_stays_on_one_line_else_one_element_per_line() -> None:
    short = render(Call("f", kwargs=[("a", [1, 2])]))
    assert short == "f(a=[1, 2])"
    wide = ["x" * 30, "y" * 30, "z" * 30]
    assert (
        render(wide)
        == '[\n    "' + "x" * 30 + '",\n    "' + "y" * 30 + '",\n    "' + ("z" * 30) + '",\n]'
    )
    # A declaration is always one argument per line, whatever it holds.
    decl = render(Call("Package", ["p"], [("name", "p")], explode=True))
    assert decl == 'Package(\n    "p",\n    name="p",\n)'
    assert render(Ref("pkg.package_id")) == "pkg.package_id"


# -- the layout is ruff's: a property test through the real formatter -----------------------
SCALARS = st.one_of(
    st.text(max_size=60),
    st.integers(min_value=0, max_value=10**12),
    st.booleans(),
    st.none(),
    st.builds(Ref, st.sampled_from(["pkg.package_id", "link_partner"])),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.text(min_size=1, max_size=12), inner, max_size=4),
    ),
    max_leaves=12,
)
KWARGS = st.lists(
    st.tuples(st.sampled_from(["name", "artifacts", "description", "opts", "x"]), VALUES),
    max_size=5,
    unique_by=lambda kv: kv[0],
)


def _ruff_format(source: str, tmp: Path) -> str:
    path = tmp / "program.py"
    path.write_text(source, encoding="utf-8")
    result = subprocess.run(
        [str(RUFF), "format", "--isolated", "--diff", path.name],
        cwd=tmp,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout + result.stderr if result.returncode else ""


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(KWARGS, min_size=1, max_size=4), st.booleans())
def test_rendered_declarations_are_what_ruff_format_writes(
    tmp_path: Path, calls: list[list[tuple[str, object]]], explode: bool
) -> None:
    statements = [
        f"v{i} = {render(Call('Resource', [f'r{i}'], kwargs, explode=explode), 0, 5)}\n"
        for i, kwargs in enumerate(calls)
    ]
    source = "pkg = link_partner = Resource = None\n\n" + "\n".join(statements)
    assert _ruff_format(source, tmp_path) == "", source
    # And it reads back as the same values.
    tree = ast.parse(source)
    for stmt, kwargs in zip(tree.body[1:], calls, strict=True):
        assert isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call)
        for keyword_node, (name, value) in zip(stmt.value.keywords, kwargs, strict=True):
            assert keyword_node.arg == name
            assert _value(keyword_node.value) == _plain(value)


def _plain(value: object) -> object:
    if isinstance(value, Ref):
        return ("ref", value.code)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _value(node: ast.expr) -> object:
    if isinstance(node, ast.Attribute | ast.Name):
        return ("ref", ast.unparse(node))
    if isinstance(node, ast.List):
        return [_value(e) for e in node.elts]
    if isinstance(node, ast.Dict):
        return {
            ast.literal_eval(k): _value(v) for k, v in zip(node.keys, node.values, strict=True) if k
        }
    return ast.literal_eval(node)


def test_line_length_is_the_narrowest_default() -> None:
    assert LINE_LENGTH == 88


def test_wide_characters_count_twice_as_ruff_counts_them() -> None:
    # 40 CJK characters are 80 columns: with `x = f(` and `)` around them, the line is over 88.
    text = "日" * 40
    assert width(text) == 80 and width("e\u0301") == 1
    assert render(Call("f", kwargs=[("a", text)]), 0, 4) == f'f(\n    a="{text}",\n)'
