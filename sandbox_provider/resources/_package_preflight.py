"""What a Package replacement checks before the old package is deleted.

A package's name is unique per org, so a replacement that keeps the name deletes the old
package first (delete before replace). Whatever can be checked is checked before that delete,
in the diff (which the engine runs before any step of the update, and again at `up`): a new
source sandbox exists, and every artifact the old package didn't hold is in it; a replacement
changing neither makes no call. A failed check is the diff's error:
nothing is deleted, published or imported.

The artifacts are looked up with `GET /tools/artifacts/{TYPE}`, shown only by an earlier
version of the tools page (`current/tools-older-with-artifact-endpoints.md`). Nothing depends
on it: a type the route doesn't answer for is left to the create, whose POST answers
`found: false` for an artifact the sandbox lacks (after the delete, the one case left).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sandbox_provider.client import ExImError

from ._common import sandbox_exists
from ._package_contents import Key, keys_of
from .errors import ProviderError

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient

__all__ = ["check_replacement"]


def _missing(client: ExImClient, sandbox: str, keys: Iterable[Key]) -> list[Key]:
    """The artifacts of `keys` the sandbox's listing of their type doesn't hold; a type the
    listing doesn't answer for is not judged."""
    by_type: dict[str, list[Key]] = {}
    for key in keys:
        by_type.setdefault(key[1], []).append(key)
    missing: list[Key] = []
    for artifact_type, wanted in by_type.items():
        try:
            listed = {a.id for a in client.list_artifacts(artifact_type, sandbox=sandbox)}
        except ExImError:
            continue
        missing += [k for k in wanted if k[0] not in listed]
    return missing


def check_replacement(
    client_of: Callable[[], ExImClient | None],
    name: str,
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
) -> None:
    """Raise, naming the input and the fix, when the package that replaces `olds` with
    `news` can't be made: before the old one is deleted. `client_of()` is called only when
    there is something to look up; None (no configuration yet, which check reports) skips
    the lookups."""
    sandbox = news.get("source_sandbox")
    if not isinstance(sandbox, str) or not sandbox:
        return
    what = f"replacing package {name!r}"
    same_sandbox = olds.get("source_sandbox") == sandbox
    client = client_of() if not same_sandbox else None
    if client is not None and sandbox_exists(client, sandbox) is False:
        raise ProviderError(
            f"{what}: source_sandbox {sandbox!r} is not a sandbox of this org (nothing was "
            "deleted): fix source_sandbox"
        )
    if news.get("package_type", "PARTIAL") != "PARTIAL":
        return
    declared = keys_of(news.get("artifacts"))
    # What the old package holds was found there; only what's new can be missing.
    recorded = set(keys_of(olds.get("artifacts"))) if same_sandbox else set()
    new = [k for k in declared if k not in recorded]
    client = client_of() if new else None
    missing = _missing(client, sandbox, new) if client is not None else []
    if missing:
        lines = [f"artifacts[{declared.index(k)}]: {k[0]!r} ({k[1]})" for k in missing]
        raise ProviderError(
            f"{what}: {len(missing)} artifact(s) are not in sandbox {sandbox!r} (nothing was "
            "deleted): fix the id and type, or create the artifact in the source sandbox "
            "first; " + "; ".join(lines)
        )
