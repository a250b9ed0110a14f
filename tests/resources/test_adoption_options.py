"""`import_` on each of the five resources becomes the hidden `adopt_id` input: the engine's
own import path can't reach a dynamic provider (pulumi/pulumi#16175)."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from sandbox_provider import Handshake, ImportJob, Package, PublishedPackage, Transfer

PKG_ID = "0123456789abcdef0123456789abcdef"
ORG_ID = "0123456789ABCDEF01234567@AdobeOrg"

DECLARATIONS: list[tuple[type, dict[str, Any]]] = [
    (Package, {"name": "p", "artifacts": [{"id": "a", "type": "JOURNEY"}]}),
    (PublishedPackage, {"package_id": PKG_ID}),
    (ImportJob, {"package_id": PKG_ID, "target_sandbox": "prod"}),
    (Handshake, {"target_org_id": ORG_ID}),
    (Transfer, {"package_id": PKG_ID, "target_org_id": ORG_ID}),
]


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict[str, Any], Any]]:
    seen: list[tuple[dict[str, Any], Any]] = []

    def capture(self: Any, provider: Any, name: str, props: Any, opts: Any = None) -> None:
        seen.append((dict(props), opts))

    monkeypatch.setattr(pulumi.dynamic.Resource, "__init__", capture)
    return seen


@pytest.mark.parametrize(("cls", "inputs"), DECLARATIONS, ids=lambda v: getattr(v, "__name__", ""))
def test_import_option_becomes_adopt_id(
    registered: list[tuple[dict[str, Any], Any]], cls: type, inputs: dict[str, Any]
) -> None:
    given = pulumi.ResourceOptions(import_="the-id", protect=True)
    cls("r", **inputs, opts=given)
    cls("plain", **inputs)
    ((props, opts), (plain, plain_opts)) = registered
    assert props["adopt_id"] == "the-id"
    # The engine never sees import_; the other options stay; the caller's object is as it was.
    assert opts.import_ is None and opts.protect is True
    assert given.import_ == "the-id"
    assert plain["adopt_id"] is None
    if cls is Package:
        # A Package deletes first on replacement (its name is unique per org) unless the
        # program says otherwise: `pulumi up --replace` honours only the option.
        assert plain_opts.delete_before_replace is True and opts.delete_before_replace is True
        kept = cls("chosen", **inputs, opts=pulumi.ResourceOptions(delete_before_replace=False))
        assert kept is not None and registered[-1][1].delete_before_replace is False
    else:
        assert plain_opts is None
