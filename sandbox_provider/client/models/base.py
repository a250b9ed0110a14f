"""The base of every wire model, and the shapes every area shares: a sandbox and an artifact
reference, the list envelope (`Page`) and the `/tools` envelope (`ToolsAnswer`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


def epoch_ms_to_datetime(value: int | None) -> datetime | None:
    """The API answers timestamps as epoch milliseconds (UTC)."""
    if value is None:
        return None
    return datetime.fromtimestamp(value / 1000, tz=UTC)


T = TypeVar("T")


def base_id(artifact_id: str) -> str:
    """An artifact id without an `@<version>` suffix (`x@1647559351683` -> `x`)."""
    head, sep, tail = artifact_id.rpartition("@")
    return head if sep and tail.isdigit() else artifact_id


class ApiModel(BaseModel):
    """Base of every wire model: camelCase aliases, snake_case names, unknown fields kept."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        # Enumerations are plain strings; a StrEnum passed in is stored as its value.
        use_enum_values=True,
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON body the API expects: wire names, unset optional fields left out."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class SandboxRef(ApiModel):
    name: str
    ims_org_id: str | None = Field(default=None, alias="imsOrgId")


class Artifact(ApiModel):
    """An artifact reference: what a package lists, what children/conflicts answer with.

    `type` is a `str` (compare with `ArtifactType.X`): types the product adds later are kept.
    `found`/`count` are filled in by the API inside packages.
    """

    id: str
    type: str
    title: str | None = None
    found: bool | None = None
    count: int | None = None
    messages: list[dict[str, Any]] | None = None

    @property
    def base_id(self) -> str:
        """The id without an `@<version>` suffix."""
        return base_id(self.id)


#: What methods accept where artifacts are expected: a model or `{"id", "type", "title"?}`.
ArtifactLike = Artifact | dict[str, Any]


class ToolsAnswer(ApiModel, Generic[T]):
    """The envelope of the `/tools` answers: `{"status", "type", "message", "object"}`."""

    status: str | None = None
    type: str | None = None
    message: str | None = None
    object: T


class Page(ApiModel, Generic[T]):
    """The list envelope. Iterating a list method follows it page after page."""

    data: list[T] = Field(default_factory=list)
    total_elements: int | None = None
    current_page: int | None = None
    total_pages: int | None = None
    has_previous_page: bool | None = None
    has_next_page: bool | None = None
    next_page: Any = None
    page_size: int | None = None
