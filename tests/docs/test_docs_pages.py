"""The generated parts of docs/ are current (`make docs` rebuilds them), and a rebuild really
replaces what is between the markers."""

from __future__ import annotations

import pytest

from sandbox_provider import docs_pages
from sandbox_provider.client.config import KEYS


def test_every_generated_part_of_docs_is_current() -> None:
    assert docs_pages.stale() == [], "run `make docs`"


def test_a_rebuild_replaces_the_block_and_keeps_the_prose() -> None:
    page = (
        "intro\n<!-- generated: configuration -->\nstale row\n<!-- end: configuration -->\nafter\n"
    )
    out = docs_pages.render(page, {"configuration": docs_pages.configuration_table})
    assert "stale row" not in out
    assert out.startswith("intro\n") and out.endswith("<!-- end: configuration -->\nafter\n")
    assert all(f"`{k.config_key}`" in out and f"`{k.env}`" in out for k in KEYS)


def test_a_page_without_its_markers_is_an_error() -> None:
    with pytest.raises(ValueError, match="has no `<!-- generated: configuration -->` block"):
        docs_pages.render("no markers\n", {"configuration": docs_pages.configuration_table})
