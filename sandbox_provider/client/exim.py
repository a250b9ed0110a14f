"""`ExImClient`: the typed client of the AEP sandbox tooling (exim) API.

One class made of one part per job: `transport.Transport` (the pooled HTTP session, auth
headers, retries, parsed calls, paging), the endpoint groups `packages.PackagesApi`,
`imports.ImportsApi`, `versions.VersionsApi` and `sharing.SharingApi` (each module says how
its non-idempotent calls are kept safe to retry), and `waiters.Waiters` (`wait_for_*`). Safe
to share between threads; every method takes `sandbox=` to override the client's sandbox for
that call.
"""

from __future__ import annotations

from .imports import ImportsApi
from .packages import PackagesApi
from .sharing import SharingApi
from .versions import VersionsApi
from .waiters import Waiters

__all__ = ["ExImClient"]


class ExImClient(ImportsApi, VersionsApi, PackagesApi, SharingApi, Waiters):
    """Typed client of the exim API (packages, jobs, handshakes, transfers).

    Build it with keyword settings, `ExImClient.from_env()` (the `AEP_*` variables) or
    `ExImClient.from_settings(ClientSettings(...))`. Close it (or use `with`) to release the
    connection pool.
    """
