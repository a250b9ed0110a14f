"""The detailed diff the plugin answers: which inputs change, which force a replace, and for a
Package's artifacts which entries are added or removed (`artifacts[2]` ADD, `artifacts[0]`
DELETE), so that `pulumi preview --diff` shows them one by one; an update for what changed
in the source is `sourceChanges`.

The core's diff decides (changes, replaces); this only describes its decision, property by
property, from the old state and the new inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pulumi.provider.experimental import provider as p

from .values import camel

__all__ = ["detailed_diff"]

K = p.PropertyDiffKind

#: Inputs whose recorded value lives under another name in the state: a Package's
#: `artifacts` output is the platform's list (with titles and counts), what the program
#: declared is `declared_artifacts`.
_RECORDED_AS = {"artifacts": "declared_artifacts"}


def _key(item: Any) -> tuple[str, str] | None:
    if not isinstance(item, Mapping) or not all(
        isinstance(item.get(k), str) for k in ("id", "type")
    ):
        return None  # unknown (a preview) or not an artifact: no entry-by-entry diff
    return (item["id"], item["type"])


def artifact_entries(
    old: Sequence[Any], new: Sequence[Any], replace: bool
) -> dict[str, p.PropertyDiff] | None:
    """`artifacts[i]` -> ADD (index in the new list) or DELETE (index in the old one), the
    _REPLACE kinds when the change replaces the package; an index both added and removed is
    one UPDATE (the display shows the old entry turning into the new). None when an entry
    isn't known yet: the property as a whole is then the change."""
    old_keys, new_keys = [_key(a) for a in old], [_key(a) for a in new]
    if None in old_keys or None in new_keys:
        return None
    add, delete, update = (
        (K.ADD_REPLACE, K.DELETE_REPLACE, K.UPDATE_REPLACE)
        if replace
        else (K.ADD, K.DELETE, K.UPDATE)
    )
    out: dict[str, p.PropertyDiff] = {}
    for j, k in enumerate(old_keys):
        if k not in new_keys:
            out[f"artifacts[{j}]"] = p.PropertyDiff(delete, True)
    for i, k in enumerate(new_keys):
        if k not in old_keys:
            path = f"artifacts[{i}]"
            out[path] = p.PropertyDiff(update if path in out else add, True)
    return out


def detailed_diff(
    inputs: Iterable[str],
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    replaces: Sequence[str],
) -> dict[str, p.PropertyDiff]:
    """The detailed diff of a change the core planned: each input the program sets whose
    value differs from the recorded one (UPDATE, UPDATE_REPLACE when the core replaces for
    it; `replaces` in camelCase), artifacts entry by entry."""
    out: dict[str, p.PropertyDiff] = {}
    for key in inputs:
        name = camel(key)
        replacing = name in replaces
        recorded = olds.get(_RECORDED_AS.get(key, key))
        if key in news and (recorded or None) != (news.get(key) or None):
            entries = None
            if key == "artifacts" and isinstance(news[key], list) and isinstance(recorded, list):
                entries = artifact_entries(recorded, news[key], replacing)
            if entries:
                out.update(entries)
                continue
            out[name] = p.PropertyDiff(K.UPDATE_REPLACE if replacing else K.UPDATE, True)
        elif replacing:
            # The inputs are the same; what the platform holds is not (drift): the old
            # outputs against the new inputs show it.
            out[name] = p.PropertyDiff(K.UPDATE_REPLACE, False)
    for name in replaces:  # a replace for something that isn't an input (an expired package)
        if not any(path == name or path.startswith(f"{name}[") for path in out):
            out[name] = p.PropertyDiff(K.UPDATE_REPLACE, False)
    if not out and olds.get("source_changes"):
        # Not an input either: what the last refresh found changed in the source (a new
        # version of a Package, or of an ImportJob's package), updated in place.
        out["sourceChanges"] = p.PropertyDiff(K.UPDATE, False)
    return out
