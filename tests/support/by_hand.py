"""Objects made behind the providers' back, through the raw exim API, as a person in the UI
would leave them: the brownfield that adoption with `import_` takes over. Shared by the
provider tests and the e2e tier (whose World holds the same `EmulatorProcess`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sandbox_provider.testing import EmulatorProcess

Doc = dict[str, Any]


def until(fetch: Callable[[], Doc], done: Callable[[Doc], bool], timeout: float = 15) -> Doc:
    """Poll `fetch` until `done` holds (the emulator runs operations in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        doc = fetch()
        if done(doc) or time.monotonic() > deadline:
            return doc
        time.sleep(0.05)


def ok(response: Any) -> Any:
    response.raise_for_status()
    return response.json()


def handshake(emu: EmulatorProcess, *, approve: bool = True, source_name: str = "acme") -> Doc:
    """A link from acme to partner (approved by partner unless `approve=False`), as acme's
    outgoing list shows it."""
    partner = emu.org("partner")
    with emu.api("acme") as acme:
        body = {
            "targetIMSOrgIds": [partner["imsOrgId"]],
            "sourceIMSDetails": {"id": emu.org("acme")["imsOrgId"], "name": source_name},
        }
        hs = ok(acme.post("/handshake/bulkCreate", json=body))["successfulRequests"]
        linking_id = hs[partner["imsOrgId"]]["linkingId"]
    if approve:
        with emu.api("partner") as api:
            action = {
                "linkingID": linking_id,
                "status": "APPROVED",
                "reason": "approved by hand",
                "targetIMSOrgDetails": {
                    "id": partner["imsOrgId"],
                    "name": "partner",
                    "region": partner["region"],
                },
            }
            ok(api.post("/handshake/action", json=action))
    with emu.api("acme") as acme:
        listed = ok(acme.get("/handshake/list", params={"requestType": "OUTGOING"}))["data"]
    return dict(next(h for h in listed if h["linkingId"] == linking_id))


def import_job(
    emu: EmulatorProcess,
    package_id: str,
    *,
    target: str = "prod",
    name: str = "to-prod",
    alternatives: dict[str, dict[str, str]] | None = None,
) -> Doc:
    """An import of a published package of acme, waited for until it ended: the job as
    `GET /tools/job/{jobId}` answers it (its `object`)."""
    body: Doc = {
        "id": package_id,
        "name": name,
        "destinationSandbox": {"name": target, "imsOrgId": emu.org("acme")["imsOrgId"]},
    }
    if alternatives:
        body["alternatives"] = alternatives
    with emu.api("acme") as api:
        job_id = ok(api.post("/packages/import", json=body))["jobId"]

        def job() -> Doc:
            return dict(ok(api.get(f"/tools/job/{job_id}"))["object"])

        return until(job, lambda j: j["jobStatus"] in ("SUCCESS", "FAILED"))


def transfer(emu: EmulatorProcess, package_id: str, *, wait: bool = True) -> Doc:
    """A transfer of a published package of acme to partner, waited for until it ended
    (with `wait=False`: as requested)."""
    body = {"packageId": package_id, "targets": [{"imsOrgId": emu.org("partner")["imsOrgId"]}]}
    with emu.api("acme") as api:
        (made,) = ok(api.post("/transfer", json=body))
        if not wait:
            return dict(made)
        return until(
            lambda: dict(ok(api.get(f"/transfer/{made['id']}"))),
            lambda t: t["status"] in ("COMPLETED", "FAILED"),
        )
