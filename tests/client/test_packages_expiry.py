"""Every PUT without `expiry` moves a draft's expiry to now + 90 days; each write can keep it."""

from __future__ import annotations

import time

from .conftest import MakeClient

DAY_MS = 86_400_000


def test_update_and_remove_keep_a_given_expiry(make_client: MakeClient) -> None:
    expiry = int(time.time() * 1000) + 10 * DAY_MS
    with make_client() as client:
        pkg = client.create_package(
            "expiry-kept",
            artifacts=[
                {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"},
                {"id": "acme-seg-cart", "type": "PROFILE_SEGMENT"},
            ],
            expiry=expiry,
        )
        assert pkg.expiry == expiry
        pkg = client.update_package(pkg.id, description="changed", expiry=expiry)
        assert pkg.description == "changed" and pkg.expiry == expiry
        pkg = client.remove_artifacts(
            pkg.id, [{"id": "acme-seg-cart", "type": "PROFILE_SEGMENT"}], expiry=expiry
        )
        assert pkg.expiry == expiry and len(pkg.artifacts_list) == 1
        # Without it, the platform's rule applies: now + 90 days.
        pkg = client.update_package(pkg.id, description="again")
        assert pkg.expiry is not None and pkg.expiry > expiry + 70 * DAY_MS
