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
import json
import math
import re
import types
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal, TypedDict, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from sandbox_provider.client.models import ArtifactType

KNOWN_ARTIFACT_TYPES = tuple(t.value for t in ArtifactType)

NAME_MAX = 256
DESCRIPTION_MAX = 4096
ARTIFACT_ID_MAX = 1024
SANDBOX_MAX = 256
DAYS_MAX = 3650
SECONDS_MAX = 86400.0

#: Used with fullmatch() (`$` would let a trailing newline through).
_PACKAGE_ID = re.compile(r"[0-9a-fA-F]{32}(@\d+)?")
_ORG_ID = re.compile(r"[A-Za-z0-9]+@AdobeOrg")
_SANDBOX = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_TYPE = re.compile(r"[A-Z][A-Z0-9_]*")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")

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


# -- how values are shown in messages ------------------------------------------------------------
def short(value: Any, limit: int = 60) -> str:
    """repr() of a value, cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "…" + text[-4:]


def kind_of(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a dict"
    return f"a {type(value).__name__}"


def got(value: Any) -> str:
    """`5 (a number)`, `'yes' (a string)`, `None`."""
    return "None" if value is None else f"{short(value)} ({kind_of(value)})"


def prop_path(loc: tuple[int | str, ...]) -> str:
    """`artifacts[0].type`, `alternatives.acme-seg-gold.id`, `alternatives["a.b"].id`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not out:
            out = part
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}"
        else:
            out += f"[{json.dumps(part)}]"
    return out


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


def _printable(text: str) -> str:
    """The text with every refused character and run of whitespace made one space."""
    cleaned = "".join(" " if _refused(c) else c for c in text)
    return " ".join(cleaned.split())


def _name_rule(what: str) -> Any:
    def check(value: str) -> str:
        if not value.strip():
            raise ValueError(f"the {what} is empty: give a {what} of 1 to {NAME_MAX} characters")
        bad = _refused_char(value)
        if bad is not None:
            i, ch = bad
            raise ValueError(
                f"the {what} contains {_char_name(ch)} (U+{ord(ch):04X}) at character {i + 1}: "
                f"use one line of printable text, e.g. {short(_printable(value)[:NAME_MAX])}"
            )
        if value != value.strip():
            where = "starts" if value[0].isspace() else "ends"
            raise ValueError(
                f"the {what} {where} with whitespace ({short(value)}): use {short(value.strip())}"
            )
        if len(value) > NAME_MAX:
            raise ValueError(
                f"the {what} is {len(value)} characters long, over the limit of {NAME_MAX}: "
                "shorten it"
            )
        return value

    return AfterValidator(check)


def _description(value: str) -> str:
    bad = _refused_char(value, allowed="\n\t")
    if bad is not None:
        i, ch = bad
        raise ValueError(
            f"the description contains {_char_name(ch)} (U+{ord(ch):04X}) at character "
            f"{i + 1}: remove it (newlines and tabs are the only control characters allowed)"
        )
    if len(value) > DESCRIPTION_MAX:
        raise ValueError(
            f"the description is {len(value)} characters long, over the limit of "
            f"{DESCRIPTION_MAX}: shorten it"
        )
    return value


def _artifact_id(value: str) -> str:
    if not value.strip():
        raise ValueError(
            "the artifact id is empty: give the artifact's id as the platform shows it"
        )
    bad = _refused_char(value)
    if bad is not None:
        i, ch = bad
        raise ValueError(
            f"the artifact id contains {_char_name(ch)} (U+{ord(ch):04X}) at character {i + 1}: "
            "copy the id exactly as the platform shows it"
        )
    if value != value.strip():
        raise ValueError(
            f"the artifact id {short(value)} has whitespace around it: use {short(value.strip())}"
        )
    if any(c.isspace() for c in value):
        raise ValueError(
            f"{short(value)} contains whitespace, which no artifact id has: give the artifact's "
            "id (not its title), as the platform shows it"
        )
    if len(value) > ARTIFACT_ID_MAX:
        raise ValueError(
            f"the artifact id is {len(value)} characters long, over the limit of "
            f"{ARTIFACT_ID_MAX}: give the artifact's id, as the platform shows it"
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
    except _config.ConfigError:
        return None
    org_id = body.get("orgId") if body else None
    return org_id if isinstance(org_id, str) else None


def acting_org_id(org: str | None) -> str | None:
    """The org id profile `org` acts as (None: the configuration can't say; check reports it)."""
    from . import _config

    try:
        return _config.resolve(org).org_id
    except _config.ConfigError:
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
    if len(value) > SANDBOX_MAX:
        raise ValueError(
            f"the sandbox name is {len(value)} characters long, over the limit of "
            f"{SANDBOX_MAX}: give the sandbox's name, e.g. 'prod'"
        )
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


class ArtifactInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: How the model is named in messages, and common misspellings of its keys.
    WHAT: ClassVar[str] = "an artifact"
    SYNONYMS: ClassVar[dict[str, str]] = {
        "kind": "type",
        "artifact_type": "type",
        "artifactType": "type",
        "artifact_id": "id",
        "artifactId": "id",
        "name": "title",
    }
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
        "kind": "type",
        "artifact_type": "type",
        "artifactType": "type",
        "artifact_id": "id",
        "artifactId": "id",
        "target_id": "id",
        "targetId": "id",
    }
    HINTS: ClassVar[dict[str, str]] = {
        "id": "give the id of the existing artifact in the target sandbox",
        "type": "give the artifact's type, e.g. 'REGISTRY_SCHEMA'",
    }

    id: ArtifactId
    type: ArtifactTypeName


# -- dates and numbers ---------------------------------------------------------------------------
_DATE_FIX = "use ISO-8601 like '2030-01-31T00:00:00Z' or epoch milliseconds"
#: 9999-12-31T23:59:59Z: later dates can't be shown (and are surely a unit mistake).
_MAX_MS = 253402300799000


def _now_ms() -> int:
    return int(datetime.now(tz=UTC).timestamp() * 1000)


def _epoch_ms(value: Any) -> Any:
    """ISO-8601 text or epoch milliseconds -> epoch milliseconds (what the API answers)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"must be a date, got {got(value)}: {_DATE_FIX}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"must be a date, got {value!r}: {_DATE_FIX}")
        return int(value)
    if isinstance(value, int):
        return value
    text = value.strip()
    if text.isdigit():
        return int(text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{short(value)} is not a date: {_DATE_FIX}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


def _future(value: int) -> int:
    now = _now_ms()
    if value > _MAX_MS:
        raise ValueError(
            f"{value} is after the year 9999 as epoch milliseconds: give a date in "
            "milliseconds (not micro- or nanoseconds), or ISO-8601 like '2030-01-31T00:00:00Z'"
        )
    if value <= now:
        if now < value * 1000 <= _MAX_MS:
            raise ValueError(
                f"{value} is in 1970 as epoch milliseconds, it looks like seconds: "
                f"use {value * 1000} (milliseconds)"
            )
        when = datetime.fromtimestamp(max(value, 0) / 1000, tz=UTC).isoformat()
        raise ValueError(f"{when} is in the past: give a future date")
    return value


def _whole_days(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        fix = "write the number without quotes" if isinstance(value, str) else "give e.g. 30"
        raise ValueError(f"must be a whole number of days, got {got(value)}: {fix}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"must be a whole number of days, got {value!r}: give e.g. 30")
        if not value.is_integer():
            raise ValueError(
                f"must be a whole number of days, got {value!r}: give e.g. {max(1, round(value))}"
            )
        value = int(value)
    if value < 1:
        raise ValueError(
            f"must be at least 1 day, got {value} (a package that expires at once can't be "
            "imported): give the days it stays importable, or leave it out for the platform's 90"
        )
    if value > DAYS_MAX:
        raise ValueError(f"is over the limit of {DAYS_MAX} days (10 years), got {value}: lower it")
    return value


def _seconds(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        fix = "write the number without quotes" if isinstance(value, str) else "give e.g. 900"
        raise ValueError(f"must be a number of seconds, got {got(value)}: {fix}")
    if not math.isfinite(value):
        raise ValueError(
            f"must be a finite number of seconds, got {value!r}: give at most {SECONDS_MAX:g}, "
            "or leave it out for the default 900"
        )
    if value <= 0:
        raise ValueError(
            f"must be more than 0 seconds, got {value!r}: give e.g. 900, or leave it out for "
            "the default 900"
        )
    if value > SECONDS_MAX:
        raise ValueError(
            f"is over the limit of {SECONDS_MAX:g} seconds (24 hours), got {value!r}: lower it "
            "(a wait that timed out is picked up by the next `pulumi up`)"
        )
    return float(value)


EpochMs = Annotated[int, BeforeValidator(_epoch_ms), AfterValidator(_future)]
Days = Annotated[int, BeforeValidator(_whole_days)]
Seconds = Annotated[float, BeforeValidator(_seconds)]


def artifact_key(item: Any) -> tuple[str, str]:
    """(id, type) of an artifact dict as found in inputs or outputs."""
    return (str(item.get("id")), str(item.get("type")))


# -- failures ------------------------------------------------------------------------------------
@dataclass
class Problem:
    """One failed rule, before it is worded: where, what kind (pydantic's error types plus
    ours), the offending value."""

    loc: tuple[int | str, ...]
    type: str
    msg: str = ""
    input: Any = None
    rename_to: str | None = None


def unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def walk(root: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[type[BaseModel], str, Any]:
    """The model holding the last field named in `loc`, that field, and the type at `loc`."""
    owner: type[BaseModel] = root
    field = ""
    tp: Any = root
    for part in loc:
        tp = unwrap(tp)
        if _is_model(tp) and isinstance(part, str):
            owner, field = tp, part
            info = tp.model_fields.get(part)
            tp = info.annotation if info is not None else None
        elif get_origin(tp) is list:
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            tp = None
    return owner, field, unwrap(tp)


def hint(owner: type[BaseModel], field: str) -> str | None:
    for cls in owner.__mro__:
        hints = cls.__dict__.get("HINTS")
        if isinstance(hints, dict) and field in hints:
            return str(hints[field])
    return None


def _resource_name(model: type[BaseModel]) -> str:
    return model.__name__.removesuffix("Inputs")


def _visible_fields(model: type[BaseModel]) -> list[str]:
    """The fields a program sets, the resource's own first (`org` last)."""
    hidden = getattr(model, "HIDDEN", ())
    fields = [f for f in model.model_fields if f not in hidden]
    return sorted(fields, key=lambda f: f == "org")


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def suggest(model: type[BaseModel], key: str) -> str | None:
    """The field of `model` that `key` most likely meant."""
    fields = _visible_fields(model)
    synonyms: dict[str, str] = getattr(model, "SYNONYMS", {})
    if key in synonyms:
        return synonyms[key]
    snake = _snake(key)
    if snake in fields:
        return snake
    close = difflib.get_close_matches(snake, fields, n=1, cutoff=0.7)
    return close[0] if close else None


def _quoted_list(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def pair_misnamed(problems: list[Problem]) -> list[Problem]:
    """A required key spelt wrong shows as one key missing and one unknown in the same object:
    report it once, on the unknown key, with the name to use."""
    groups: dict[tuple[int | str, ...], list[Problem]] = {}
    for p in problems:
        if p.type in ("missing", "extra_forbidden") and p.loc:
            groups.setdefault(p.loc[:-1], []).append(p)
    dropped: set[int] = set()
    for group in groups.values():
        missing = [p for p in group if p.type == "missing"]
        extra = [p for p in group if p.type == "extra_forbidden"]
        if len(missing) == 1 and len(extra) == 1:
            extra[0].rename_to = str(missing[0].loc[-1])
            dropped.add(id(missing[0]))
    return [p for p in problems if id(p) not in dropped]


def word(root: type[BaseModel], p: Problem) -> tuple[str, str]:
    """(property path, reason) of one problem; the reason ends with one fix."""
    loc = p.loc
    if len(loc) >= 2 and loc[-1] == "[key]":
        # A dict key failed its rule: blame the dict, the message names the key.
        return prop_path(loc[:-2]), f"the key {short(loc[-2])}: " + p.msg.removeprefix(
            "Value error, "
        )
    path = prop_path(loc)
    owner, field, tp = walk(root, loc)
    fix = hint(owner, field)
    if p.type == "value_error":
        return path, p.msg.removeprefix("Value error, ")
    if p.type == "missing":
        return path, f"{path} is required: {fix or 'give it'}"
    if p.type == "extra_forbidden":
        top = owner is root
        owner_what = str(getattr(owner, "WHAT", "this object"))
        what = f"an input of {_resource_name(root)}" if top else f"a key of {owner_what}"
        better = p.rename_to or suggest(owner, field)
        if better:
            return path, f"{field!r} is not {what}: rename it to {better!r}"
        allowed = _quoted_list(_visible_fields(owner))
        if top:
            return path, f"{field!r} is not {what}: remove it (the inputs are {allowed})"
        return path, f"{field!r} is not {what}: remove it ({owner_what} takes {allowed})"
    if p.type == "literal_error":
        choices = [str(c) for c in get_args(tp)] if get_origin(tp) is Literal else []
        if isinstance(p.input, str):
            problem = f"{short(p.input)} is not a valid {field}"
        else:
            problem = f"must be a string, got {got(p.input)}"
        if isinstance(p.input, str):
            close = [c for c in choices if c.lower() == p.input.strip().lower()]
            close = close or difflib.get_close_matches(p.input, choices, n=1, cutoff=0.75)
            if close:
                return path, f"{problem}: use {close[0]!r}"
        return path, f"{problem}: {fix or 'use one of these'}"
    expected = {
        "string_type": "a string",
        "bool_type": "a boolean",
        "bool_parsing": "a boolean",
        "list_type": "a list",
        "dict_type": "a dict",
        "model_type": "a dict",
        "model_attributes_type": "a dict",
        "int_type": "a whole number",
        "int_parsing": "a whole number",
        "int_from_float": "a whole number",
        "float_type": "a number",
        "float_parsing": "a number",
    }.get(p.type)
    problem = f"must be {expected}, got {got(p.input)}" if expected else p.msg
    return path, f"{problem}: {fix or 'see the resource reference in README.md'}"
