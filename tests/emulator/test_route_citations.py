"""docs/emulator.md cites a page and section for every exim and IMS route the emulator serves
(issue 16): the table under "## Paths" lists exactly the routes the app serves, each with at
least one `file#anchor` citation; each cited page and anchor exists in the shared reference;
and the page of each copied example answer (pages/answers.json) is cited for its endpoint.

The pages are outside the repo (`../shared/reference/`, absent on CI): the anchor check skips
without them, the others don't need them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sandbox_provider.testing import EmulatorProcess

from ._pages import examples, route_key

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "emulator.md"
ANCHORS = Path(__file__).parent / "pages" / "anchors.json"
EXIM = "/data/foundation/exim"

ROW = re.compile(r"^\| `([A-Z]+)` \| `(/[^`]*)` \|(.*)\|\s*$")
CITATION = re.compile(r"`([\w./-]+\.md)#([\w-]+)`")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def cited(doc: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The rows of the table under "## Paths": (method, full path, [(page, anchor)])."""
    section = doc.split("\n## Paths\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        m = ROW.match(line)
        if m:
            method, path, cell = m.groups()
            # IMS paths are written whole; exim paths relative to the exim base.
            full = path if path.startswith("/ims/") else EXIM + path
            rows.append((method, full, CITATION.findall(cell)))
    return rows


def anchors(page: str) -> set[str]:
    """A page's section anchors: the `{#a}` or `(#a)` closing a heading, else the heading's
    words as GitHub makes an id of them."""
    out = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", FENCE.sub("", page), re.M):
        explicit = re.search(r"[{(]#([\w-]+)[})]$", heading)
        if explicit:
            out.add(explicit.group(1))
        else:
            out.add(re.sub(r"[^\w\- ]", "", heading.lower()).strip().replace(" ", "-"))
    return out


def rows() -> list[tuple[str, str, list[tuple[str, str]]]]:
    return cited(DOC.read_text(encoding="utf-8"))


def endpoint(method: str, path: str) -> str:
    """As pages/answers.json names an endpoint: exim paths relative to the exim base."""
    return route_key(f"{method} {path.removeprefix(EXIM)}")


def test_the_table_lists_exactly_the_served_routes(emulator: EmulatorProcess) -> None:
    served = {
        endpoint(m, r["path"])
        for r in emulator.http.get("/_emulator/routes").json()["routes"]
        if r["path"].startswith((EXIM + "/", "/ims/"))
        for m in r["methods"]
        if m not in ("HEAD", "OPTIONS")
    }
    listed = [endpoint(m, p) for m, p, _ in rows()]
    assert len(listed) == len(set(listed)), "a route is listed twice"
    assert served - set(listed) == set(), "served, no row in docs/emulator.md ## Paths"
    assert set(listed) - served == set(), "a row in docs/emulator.md ## Paths, not served"


def test_every_row_cites_a_page_section() -> None:
    assert rows(), "no route table under ## Paths in docs/emulator.md"
    bare = [f"{m} {p}" for m, p, refs in rows() if not refs]
    assert bare == [], "rows without a `page.md#anchor`"


def test_each_cited_page_and_anchor_exists() -> None:
    known: dict[str, list[str]] = json.loads(ANCHORS.read_text(encoding="utf-8"))
    broken = []
    for method, path, refs in rows():
        for page, anchor in refs:
            if page not in known:
                broken.append(f"{method} {path}: no page {page} in pages/anchors.json")
            elif anchor not in known[page]:
                broken.append(f"{method} {path}: no #{anchor} in {page}")
    assert broken == []


def test_the_page_of_each_example_answer_is_cited_for_its_endpoint() -> None:
    refs = {endpoint(m, p): {f"{page}#{a}" for page, a in r} for m, p, r in rows()}
    missing = sorted(
        e.label for e in examples() if e.page not in refs.get(route_key(e.endpoint), set())
    )
    assert missing == []


def test_anchors() -> None:
    page = (
        "# Title\n## Create a package {#create}\n### Payload (#package-payload)\n"
        "## Where the page is wrong, or silent \n```shell\n# not a heading\n```\n"
    )
    assert anchors(page) == {
        "title",
        "create",
        "package-payload",
        "where-the-page-is-wrong-or-silent",
    }
