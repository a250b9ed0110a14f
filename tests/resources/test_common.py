"""What holds for all five providers: pickling, statelessness, threads, credentials."""

from __future__ import annotations

import base64
import threading
from typing import Any

import pytest
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from support.providers import GOLD, engine_props

from sandbox_provider.resources import (
    HandshakeProvider,
    ImportJobProvider,
    PackageProvider,
    PublishedPackageProvider,
    TransferProvider,
)
from sandbox_provider.testing import EmulatorProcess

PROVIDERS = [
    PackageProvider,
    PublishedPackageProvider,
    ImportJobProvider,
    HandshakeProvider,
    TransferProvider,
]


@pytest.mark.parametrize("cls", PROVIDERS, ids=lambda c: c.__name__)
def test_pickled_provider_is_under_1kb_by_reference_and_holds_no_secret(
    aep: EmulatorProcess, cls: type[ResourceProvider]
) -> None:
    provider = cls()
    # Used after configure (clients cached, tokens fetched) and still nothing on it.
    PackageProvider().create(
        PackageProvider().check({}, engine_props({"name": "p", "artifacts": [GOLD]})).inputs
    )
    blob = base64.b64decode(serialize_provider(provider))
    assert len(blob) < 1024
    assert cls.__module__.encode() in blob  # by reference: module and class name only
    for secret in (
        aep.org("acme")["clientSecret"],
        aep.org("partner")["clientSecret"],
        "Bearer",
        "access_token",
    ):
        assert secret.encode() not in blob
    assert vars(provider) == {}


def test_four_threads_share_one_provider_instance(aep: EmulatorProcess) -> None:
    provider = PackageProvider()
    results: dict[int, Any] = {}
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            news = {"name": f"p{i}", "artifacts": [GOLD], "include_dependencies": True}
            results[i] = provider.create(provider.check({}, engine_props(news)).inputs)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len({r.id for r in results.values()}) == 4
    assert all(len((r.outs or {})["artifacts"]) == 9 for r in results.values())
