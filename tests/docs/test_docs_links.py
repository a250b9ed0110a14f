"""The documentation's links hold: every relative link in README.md, docs/*.md and the
examples' READMEs names a file that exists (and, for a `#section` of a Markdown page, a
heading of that page), and README.md stays a short entry point: at most 150 lines, linking
every page of docs/."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"
PAGES = [
    README,
    *sorted(DOCS.glob("*.md")),
    EXAMPLES / "README.md",
    *sorted(EXAMPLES.glob("*/README.md")),
]

FENCE = re.compile(r"^```.*?^```", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)[^`].*?\1", re.S)
LINK = re.compile(r"\]\(([^)\s]+)\)")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # https:, mailto:, ...


def prose(page: Path) -> str:
    """The page without its code blocks and code spans, where `](` and `#` mean nothing."""
    return CODE_SPAN.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))


def anchors(page: Path) -> set[str]:
    """GitHub's ids of the page's headings: lowercase, punctuation dropped, spaces to `-`,
    a repeated one numbered (`-1`, `-2`, ...)."""
    seen: Counter[str] = Counter()
    out: set[str] = set()
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    for heading in re.findall(r"^#{1,6} +(.+?) *#* *$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        out.add(slug if not seen[slug] else f"{slug}-{seen[slug]}")
        seen[slug] += 1
    return out


def relative_links(page: Path) -> list[str]:
    return [t for t in LINK.findall(prose(page)) if not EXTERNAL.match(t)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_names_an_existing_file_and_section(page: Path) -> None:
    broken: list[str] = []
    for link in relative_links(page):
        path, _, section = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            broken.append(f"{link}: no such file")
        elif section and target.suffix == ".md" and section not in anchors(target):
            broken.append(f"{link}: no heading '#{section}' in {target.relative_to(ROOT)}")
    assert not broken, broken


def test_the_readme_is_short_and_links_every_docs_page() -> None:
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= 150, f"README.md has {lines} lines: move the detail into docs/"
    linked = {link.partition("#")[0] for link in relative_links(README)}
    pages = {f"docs/{p.name}" for p in DOCS.glob("*.md")}
    assert pages - linked == set(), "docs pages the README doesn't link"
