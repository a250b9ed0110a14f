"""The public pages' example answers (tests/emulator/pages/answers.json, and the files of
tests/data/pages_examples/ its entries name) and the key paths they show, per endpoint.

A key path names where a key sits in a JSON answer: object keys joined with `.`, `[]` for the
items of a list (`data[].sourceSandBox`, `object.completedTasks[].artifact.newId`,
`[].artifact.messages[].status` for an answer that is a list). The maps whose keys are ids,
not names (`WILDCARD_MAPS`), have their keys replaced by `*`: `importReplacementMap.*`.

Nothing here imports the emulator's code: the corpus is a copy of the pages (they are outside
the repo and absent on CI), read as data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).parent / "pages" / "answers.json"
#: Where the blocks check-live's offline tests also read live (an entry's `answerFile`), so
#: each is copied once.
ANSWER_FILES = Path(__file__).parents[1] / "data" / "pages_examples"

#: Maps keyed by ids rather than field names, by the name of the key holding the map. Each is
#: an answer's own data (its keys are org ids or artifact ids), so its keys count as `*`,
#: even when the example's map is empty (`"failedRequests": {}`). Keep this list small: a map
#: belongs here only when a page shows it keyed by ids. (`alternatives`, also keyed by
#: artifact ids, is a request field: no answer shows it.)
WILDCARD_MAPS = frozenset(
    {
        "successfulRequests",  # POST /handshake/bulkCreate: target org id -> handshake
        "failedRequests",  # POST /handshake/bulkCreate: target org id -> why
        "importReplacementMap",  # GET /tools/job/{JOB_ID}: source id -> target id
        "sourceParentArtifactMap",  # GET /tools/job/{JOB_ID}: source id -> parent id
    }
)


@dataclass(frozen=True)
class Example:
    """One example answer of a page: `page` is `file#anchor` under the shared reference
    folder, `endpoint` the method and path template as the emulator serves it."""

    endpoint: str
    page: str
    section: str
    answer: Any
    note: str | None = None

    @property
    def label(self) -> str:
        return f"{self.endpoint} <- {self.page}"


@cache
def _corpus() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CORPUS.read_text(encoding="utf-8"))
    return data


def _answer(entry: dict[str, Any]) -> Any:
    if "answerFile" in entry:
        return json.loads((ANSWER_FILES / entry["answerFile"]).read_text(encoding="utf-8"))
    return entry["answer"]


def examples() -> list[Example]:
    return [
        Example(e["endpoint"], e["page"], e["section"], _answer(e), e.get("note"))
        for e in _corpus()["answers"]
    ]


def answer_files() -> list[str]:
    """The `answerFile` of every entry that has one."""
    return [e["answerFile"] for e in _corpus()["answers"] if "answerFile" in e]


def not_served() -> list[dict[str, str]]:
    """What the pages document that the emulator does not serve (the older tools page's
    artifact and snapshot routes): listed in the corpus, not checked."""
    return list(_corpus()["notServed"])


def endpoints() -> list[str]:
    return list(dict.fromkeys(e.endpoint for e in examples()))


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON value (see the module docstring)."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.add(path)
            if key in WILDCARD_MAPS and isinstance(item, dict):
                out.add(f"{path}.*")
                for sub in item.values():
                    out |= key_paths(sub, f"{path}.*")
            else:
                out |= key_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            out |= key_paths(item, f"{prefix}[]")
    return out


def union_paths(values: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for v in values:
        out |= key_paths(v)
    return out


@cache
def documented(endpoint: str) -> frozenset[str]:
    """The key paths the pages show for `endpoint`: the union over its example answers."""
    answers = [e.answer for e in examples() if e.endpoint == endpoint]
    if not answers:
        raise KeyError(f"no example answer for {endpoint!r} in {CORPUS.name}")
    return frozenset(union_paths(answers))


def item_fields(endpoint: str) -> frozenset[str]:
    """The top-level keys of a list answer's items (`data[].<key>`) the pages show."""
    prefix = "data[]."
    return frozenset(
        p[len(prefix) :]
        for p in documented(endpoint)
        if p.startswith(prefix) and not set(p[len(prefix) :]) & {".", "["}
    )


def same_shape(paths: Iterable[str], source: str, target: str) -> set[str]:
    """The paths under `source` re-rooted at `target` (`target` itself included): for a key
    the pages describe as shaped like another one."""
    out = {target}
    for p in paths:
        for sep in (".", "[]"):
            if p.startswith(source + sep):
                out.add(target + p[len(source) :])
    return out


def route_key(endpoint: str) -> str:
    """`GET /packages/{package_id}` and `GET /packages/{PACKAGE_ID}` are the same route."""
    return re.sub(r"\{[^}]*\}", "{}", endpoint)
