"""Validated input types shared by the resources: ids, sandbox names, artifacts, dates."""

from __future__ import annotations

import difflib
import re
from datetime import UTC, datetime
from typing import Annotated, Any, TypedDict

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from sandbox_provider.client.models import ArtifactType

KNOWN_ARTIFACT_TYPES = tuple(t.value for t in ArtifactType)

_PACKAGE_ID = re.compile(r"^[0-9a-fA-F]{32}(@\d+)?$")
_ORG_ID = re.compile(r"^[^@\s]+@AdobeOrg$")
_SANDBOX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_TYPE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _package_id(value: str) -> str:
    if not _PACKAGE_ID.match(value):
        raise ValueError(
            f"{value!r} is not a package id (32 hex characters): pass a Package's package_id"
        )
    return value


def _org_id(value: str) -> str:
    if not _ORG_ID.match(value):
        raise ValueError(f"{value!r} is not an IMS org id (like 'ABC123...@AdobeOrg')")
    return value


def _sandbox(value: str) -> str:
    if not _SANDBOX.match(value):
        raise ValueError(f"{value!r} is not a sandbox name (letters, digits, '-', '_')")
    return value


def _artifact_type(value: str) -> str:
    if value in KNOWN_ARTIFACT_TYPES:
        return value
    close = difflib.get_close_matches(value.upper(), KNOWN_ARTIFACT_TYPES, n=1, cutoff=0.8)
    # A near miss of a known type is a typo; anything else well formed may be a type the
    # product added after this code was written, so it is let through.
    if close and close[0] != value:
        raise ValueError(f"unknown artifact type {value!r}: did you mean {close[0]!r}?")
    if not _TYPE.match(value):
        raise ValueError(
            f"{value!r} is not an artifact type: use one of {', '.join(KNOWN_ARTIFACT_TYPES)}"
        )
    return value


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


PackageId = Annotated[str, AfterValidator(_package_id)]
OrgId = Annotated[str, AfterValidator(_org_id)]
SandboxName = Annotated[str, AfterValidator(_sandbox)]
ArtifactTypeName = Annotated[str, AfterValidator(_artifact_type)]
NonEmpty = Annotated[str, AfterValidator(_non_empty)]


class Artifact(TypedDict, total=False):
    """An artifact as resources take it: `{"id": ..., "type": ..., "title": ...}`."""

    id: str
    type: str
    title: str


class ArtifactInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: NonEmpty
    type: ArtifactTypeName
    title: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.type)


class ArtifactRef(BaseModel):
    """An {id, type} pair (ImportJob alternatives)."""

    model_config = ConfigDict(extra="forbid")

    id: NonEmpty
    type: ArtifactTypeName


def _epoch_ms(value: Any) -> Any:
    """ISO-8601 text or epoch milliseconds -> epoch milliseconds (what the API answers)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return int(text)
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"{value!r} is not a date: use ISO-8601 like '2030-01-31T00:00:00Z' or epoch ms"
            ) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return int(parsed.timestamp() * 1000)
    return value


def _future(value: int) -> int:
    if value <= int(datetime.now(tz=UTC).timestamp() * 1000):
        when = datetime.fromtimestamp(value / 1000, tz=UTC).isoformat()
        raise ValueError(f"{when} is in the past: give a future date")
    return value


EpochMs = Annotated[int, BeforeValidator(_epoch_ms), AfterValidator(_future)]
Days = Annotated[int, Field(ge=0)]
Seconds = Annotated[float, Field(gt=0)]


def artifact_key(item: Any) -> tuple[str, str]:
    """(id, type) of an artifact dict as found in inputs or outputs."""
    return (str(item.get("id")), str(item.get("type")))
