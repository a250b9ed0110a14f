"""Validated input types shared by the resources, and how their failures read.

Every rule here raises a `ValueError` whose message says what is wrong and then, after the
first `: `, the one fix; `_base.validate` turns pydantic's own errors (types, enumerations,
unknown and missing keys) into the same shape with the field's hint (`HINTS` on the model).

Limits chosen here (the platform documents none):

- names (`Package.name`, `ImportJob.name`, `Handshake.source_org_name`, artifact titles):
  1 to 256 characters, one line, no control or invisible formatting characters, no leading or
  trailing whitespace;
- descriptions: up to 4096 characters; newlines and tabs allowed, other control characters not;
- artifact ids: 1 to 1024 characters, no whitespace or control characters;
- `expiry_period_days`: a whole number from 1 to 3650; `timeout_seconds`: more than 0, at most
  86400 (24 hours); `expiry`: a future date before the year 10000.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Annotated, Any, ClassVar, TypedDict

from pydantic import AfterValidator, BaseModel, ConfigDict

from sandbox_provider.client.enums import ArtifactType
from sandbox_provider.client.rules import ORG_ID_RE as _ORG_ID
from sandbox_provider.client.rules import SANDBOX_MAX
from sandbox_provider.client.rules import SANDBOX_RE as _SANDBOX

from ._dates import Days, EpochMs, Seconds
from ._wording import short
from .errors import ConfigError

__all__ = ["SANDBOX_MAX", "Days", "EpochMs", "Seconds"]

KNOWN_ARTIFACT_TYPES = tuple(t.value for t in ArtifactType)

NAME_MAX = 256
#: The rule of a name, as descriptions state it.
NAME_RULE = f"1–{NAME_MAX} characters on one line, no control characters or edge spaces"
DESCRIPTION_MAX = 4096
ARTIFACT_ID_MAX = 1024

#: Used with fullmatch() (`$` would let a trailing newline through).
_PACKAGE_ID = re.compile(r"[0-9a-fA-F]{32}(@\d+)?")
_TYPE = re.compile(r"[A-Z][A-Z0-9_]*")

#: Unicode categories refused in names: controls, invisible formatting characters (zero-width
#: spaces, bidi overrides), line/paragraph separators, lone surrogates. The zero-width
#: (non-)joiners are letters' business in some scripts (and emoji) and stay allowed.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_JOINERS = "\u200c\u200d"
_CHAR_NAMES = {
    "\n": "a newline",
    "\r": "a carriage return",
    "\t": "a tab",
    "\x00": "a NUL character",
    "\x1b": "an escape character",
    "\x7f": "a DEL character",
}


# -- text ----------------------------------------------------------------------------------------
def _refused(ch: str) -> bool:
    return ch not in _JOINERS and unicodedata.category(ch) in _REFUSED_CATEGORIES


def _refused_char(text: str, allowed: str = "") -> tuple[int, str] | None:
    for i, ch in enumerate(text):
        if ch not in allowed and _refused(ch):
            return i, ch
    return None


def _char_name(ch: str) -> str:
    if ch in _CHAR_NAMES:
        return _CHAR_NAMES[ch]
    category = unicodedata.category(ch)
    if category in ("Zl", "Zp"):
        return "a line separator"
    if category == "Cf":
        return "an invisible formatting character"
    return "a control character"


def _refuse_chars(value: str, what: str, fix: str, allowed: str = "") -> None:
    """Fail on the first refused character of `value` (the `what`), naming it and where."""
    bad = _refused_char(value, allowed)
    if bad is not None:
        i, ch = bad
        raise ValueError(
            f"the {what} contains {_char_name(ch)} (U+{ord(ch):04X}) at character {i + 1}: {fix}"
        )


def _at_most(value: str, what: str, limit: int, fix: str) -> None:
    """Fail when `value` (the `what`) is longer than `limit` characters."""
    if len(value) > limit:
        raise ValueError(
            f"the {what} is {len(value)} characters long, over the limit of {limit}: {fix}"
        )


def _printable(text: str) -> str:
    """The text with every refused character and run of whitespace made one space."""
    cleaned = "".join(" " if _refused(c) else c for c in text)
    return " ".join(cleaned.split())


def _name_rule(what: str) -> Any:
    def check(value: str) -> str:
        if not value.strip():
            raise ValueError(f"the {what} is empty: give a {what} of 1 to {NAME_MAX} characters")
        if _refused_char(value) is not None:
            example = short(_printable(value)[:NAME_MAX])
            _refuse_chars(value, what, f"use one line of printable text, e.g. {example}")
        if value != value.strip():
            where = "starts" if value[0].isspace() else "ends"
            raise ValueError(
                f"the {what} {where} with whitespace ({short(value)}): use {short(value.strip())}"
            )
        _at_most(value, what, NAME_MAX, "shorten it")
        return value

    return AfterValidator(check)


def _description(value: str) -> str:
    _refuse_chars(
        value,
        "description",
        "remove it (newlines and tabs are the only control characters allowed)",
        allowed="\n\t",
    )
    _at_most(value, "description", DESCRIPTION_MAX, "shorten it")
    return value


def _artifact_id(value: str) -> str:
    if not value.strip():
        raise ValueError(
            "the artifact id is empty: give the artifact's id as the platform shows it"
        )
    _refuse_chars(value, "artifact id", "copy the id exactly as the platform shows it")
    if value != value.strip():
        raise ValueError(
            f"the artifact id {short(value)} has whitespace around it: use {short(value.strip())}"
        )
    if any(c.isspace() for c in value):
        raise ValueError(
            f"{short(value)} contains whitespace, which no artifact id has: give the artifact's "
            "id (not its title), as the platform shows it"
        )
    _at_most(
        value, "artifact id", ARTIFACT_ID_MAX, "give the artifact's id, as the platform shows it"
    )
    return value


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty: give a value or leave the input out")
    return value


# -- ids -----------------------------------------------------------------------------------------
def _package_id(value: str) -> str:
    if _PACKAGE_ID.fullmatch(value):
        return value
    text = value.strip()
    if "Output[T]" in value or "Calling __str__ on an Output" in value:
        raise ValueError(
            "this is the text of a pulumi Output, not a package id: pass the Output itself "
            "(package_id=pkg.package_id), not str() or an f-string of it"
        )
    if _PACKAGE_ID.fullmatch(text):
        raise ValueError(f"the package id {short(value)} has whitespace around it: use {text!r}")
    if _PACKAGE_ID.fullmatch(text.replace("-", "")):
        raise ValueError(
            f"{short(value)} is not a package id (32 hex characters, no dashes): "
            f"use {text.replace('-', '')!r}"
        )
    raise ValueError(
        f"{short(value)} is not a package id (32 hex characters): pass a Package's or a "
        "PublishedPackage's package_id output (package_id=pkg.package_id)"
    )


def _profile_org_id(name: str) -> str | None:
    """The orgId of the aep:orgs profile called `name`, if there is one."""
    from . import _config  # late: the configuration module must not depend on this one

    try:
        body = _config.named_profiles().get(name)
    except ConfigError:
        return None
    org_id = body.get("orgId") if body else None
    return org_id if isinstance(org_id, str) else None


def acting_org_id(org: str | None) -> str | None:
    """The org id profile `org` acts as (None: the configuration can't say; check reports it)."""
    from . import _config

    try:
        return _config.resolve(org).org_id
    except ConfigError:
        return None


def _org_id(value: str) -> str:
    if _ORG_ID.fullmatch(value):
        return value
    text = value.strip()
    if _ORG_ID.fullmatch(text):
        raise ValueError(f"the org id {short(value)} has whitespace around it: use {text!r}")
    if text.lower().endswith("@adobeorg") and _ORG_ID.fullmatch(text[:-9] + "@AdobeOrg"):
        raise ValueError(
            f"{short(value)} has the wrong case in its suffix: use {text[:-9] + '@AdobeOrg'!r}"
        )
    profile_org = _profile_org_id(text)
    if profile_org:
        raise ValueError(
            f"{short(value)} is the name of a profile in aep:orgs, not an org id: use its "
            f"orgId {profile_org!r}"
        )
    if re.fullmatch(r"[A-Za-z0-9]{16,}", text):
        raise ValueError(f"{short(value)} lacks the '@AdobeOrg' suffix: use {text + '@AdobeOrg'!r}")
    raise ValueError(
        f"{short(value)} is not an IMS org id: give the org's id, like "
        "'ABC123DEF456ABC123DEF456@AdobeOrg'"
    )


def _sandbox(value: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError("the sandbox name is empty: give the sandbox's name, e.g. 'prod'")
    if _SANDBOX.fullmatch(value) and len(value) <= SANDBOX_MAX:
        return value
    if text != value and _SANDBOX.fullmatch(text):
        raise ValueError(f"the sandbox name {short(value)} has whitespace around it: use {text!r}")
    _at_most(value, "sandbox name", SANDBOX_MAX, "give the sandbox's name, e.g. 'prod'")
    raise ValueError(
        f"{short(value)} is not a sandbox name (letters, digits, '-' and '_', starting with a "
        "letter or digit): give the sandbox's name, not its title, e.g. 'prod'"
    )


def _artifact_type(value: str) -> str:
    if value in KNOWN_ARTIFACT_TYPES:
        return value
    close = difflib.get_close_matches(value.upper(), KNOWN_ARTIFACT_TYPES, n=1, cutoff=0.8)
    # A near miss of a known type is a typo; anything else well formed may be a type the
    # product added after this code was written, so it is let through.
    if close and close[0] != value:
        raise ValueError(f"unknown artifact type {short(value)}: did you mean {close[0]!r}?")
    if not _TYPE.fullmatch(value):
        raise ValueError(
            f"{short(value)} is not an artifact type: use one of "
            f"{', '.join(KNOWN_ARTIFACT_TYPES)} (or a newer UPPER_CASE type)"
        )
    return value


Name = Annotated[str, _name_rule("name")]
Title = Annotated[str, _name_rule("title")]
Description = Annotated[str, AfterValidator(_description)]
ArtifactId = Annotated[str, AfterValidator(_artifact_id)]
PackageId = Annotated[str, AfterValidator(_package_id)]
OrgId = Annotated[str, AfterValidator(_org_id)]
SandboxName = Annotated[str, AfterValidator(_sandbox)]
ArtifactTypeName = Annotated[str, AfterValidator(_artifact_type)]
NonEmpty = Annotated[str, AfterValidator(_non_empty)]


# -- artifacts -----------------------------------------------------------------------------------
class Artifact(TypedDict, total=False):
    """An artifact as resources take it: `{"id": ..., "type": ..., "title": ...}`."""

    id: str
    type: str
    title: str


#: Misspellings of an {id, type} pair's keys, in artifacts and alternatives alike.
_ID_TYPE_SYNONYMS = {
    "kind": "type",
    "artifact_type": "type",
    "artifactType": "type",
    "artifact_id": "id",
    "artifactId": "id",
}


class ArtifactInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: How the model is named in messages, and common misspellings of its keys.
    WHAT: ClassVar[str] = "an artifact"
    SYNONYMS: ClassVar[dict[str, str]] = {**_ID_TYPE_SYNONYMS, "name": "title"}
    HINTS: ClassVar[dict[str, str]] = {
        "id": "give the artifact's id as the source sandbox knows it, e.g. 'acme-seg-gold'",
        "type": "give the artifact's type, e.g. 'PROFILE_SEGMENT'",
        "title": "give the title as text, or leave it out",
    }

    id: ArtifactId
    type: ArtifactTypeName
    title: Title | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.type)


class ArtifactRef(BaseModel):
    """An {id, type} pair (ImportJob alternatives)."""

    model_config = ConfigDict(extra="forbid")

    WHAT: ClassVar[str] = "an alternative"
    SYNONYMS: ClassVar[dict[str, str]] = {
        **_ID_TYPE_SYNONYMS,
        "target_id": "id",
        "targetId": "id",
    }
    HINTS: ClassVar[dict[str, str]] = {
        "id": "give the id of the existing artifact in the target sandbox",
        "type": "give the artifact's type, e.g. 'REGISTRY_SCHEMA'",
    }

    id: ArtifactId
    type: ArtifactTypeName


def artifact_key(item: Any) -> tuple[str, str]:
    """(id, type) of an artifact dict as found in inputs or outputs."""
    return (str(item.get("id")), str(item.get("type")))
