"""Names a person would keep: a slug per object (`dev-audiences`, `dev-audiences-published`),
the same text as the Pulumi resource name and, with `_` for `-`, as the Python variable.

`Names` hands out each name once: a second object that would get the same one gets `-2`,
`-3`, ... so that every Pulumi name and every variable of a program is unique.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata

__all__ = ["MAX_SLUG", "Names", "org_label", "slug"]

#: Longer names are cut at a word boundary: they are read in `pulumi preview` lines.
MAX_SLUG = 48
_NOT_WORD = re.compile(r"[^a-z0-9]+")
#: What a variable of the generated program must not shadow: the names it imports, and
#: Python's own.
RESERVED = frozenset(
    {"pulumi", "Package", "PublishedPackage", "ImportJob", "Handshake", "Transfer"}
) | frozenset(dir(builtins))


def slug(text: str | None, fallback: str) -> str:
    """`text` as lowercase words joined by `-` (accents dropped, other characters as
    separators), at most MAX_SLUG characters; `fallback` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    words = [w for w in _NOT_WORD.split(ascii_text.lower()) if w]
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > MAX_SLUG:
            if not out:
                out = word[:MAX_SLUG]
            break
        out = candidate
    return out or fallback


def org_label(org_id: str | None, name: str | None = None) -> str:
    """A short word for another org: its name when the platform gives one, else the start
    of its id (`PRTN0000...@AdobeOrg` -> `prtn0000`)."""
    if name and slug(name, ""):
        return slug(name, "org")
    local = (org_id or "").split("@", 1)[0]
    return slug(local[:8], "org")


class Names:
    """Unique names for one program. `take("dev-audiences", kind="package")` returns the
    Pulumi name and the variable for it."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, wanted: str, *, kind: str) -> tuple[str, str]:
        base = slug(wanted, kind)
        if base[0].isdigit():
            # A variable can't start with a digit; the resource name follows the variable.
            base = f"{kind}-{base}"
        variable = base.replace("-", "_")
        if keyword.iskeyword(variable) or keyword.issoftkeyword(variable) or variable in RESERVED:
            base = f"{base}-{kind}"
        name, n = base, 1
        while name in self._taken:
            n += 1
            name = f"{base}-{n}"
        self._taken.add(name)
        return name, name.replace("-", "_")
