"""The five resource classes carry their output annotations evaluated (not as PEP 563 strings),
and the SDK still reads from them what it needs (ints cast back from the engine's floats)."""

from __future__ import annotations

import pytest
from pulumi import _types

import sandbox_provider.resources as resources

CLASSES = ["Package", "PublishedPackage", "ImportJob", "Handshake", "Transfer"]


@pytest.mark.parametrize("name", CLASSES)
def test_output_annotations_are_evaluated_once(name: str) -> None:
    cls = getattr(resources, name)
    own = cls.__dict__["__annotations__"]
    assert own, f"{name} declares its outputs"
    assert not [k for k, v in own.items() if isinstance(v, str)]


def test_the_sdk_still_sees_the_declared_types() -> None:
    types = _types.resource_types(resources.Package)
    assert types["version"] is int
    assert types["expiry"] is int
    assert types["package_id"] is str
    # Optional[...] is unwrapped by the SDK, as for a string annotation.
    assert types["description"] is str
