"""Small helpers for the emulator's black-box tests: constants of the demo seed (docs/emulator.md),
error-shape assertions, package/publish/job helpers and bounded polling.

Everything here speaks raw HTTP to the running process; nothing imports the emulator's code.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx

from sandbox_provider.testing import TEST_DELAY as TEST_DELAY  # re-exported to the tests
from sandbox_provider.testing import EmulatorProcess

T = TypeVar("T")

# -- the demo seed (docs/emulator.md, "The demo seed") --------------------------------------
ACME = "acme"
PARTNER = "partner"
ACME_ID = "ACME0000000000000000A001@AdobeOrg"
PARTNER_ID = "PRTN0000000000000000B002@AdobeOrg"
ACME_CLIENT = ("acme-client-id", "acme-client-secret")
PARTNER_CLIENT = ("partner-client-id", "partner-client-secret")

NS = "https://ns.adobe.com/acme"
SCHEMA_LOYALTY = f"{NS}/schemas/loyalty-profile"
SCHEMA_WEB = f"{NS}/schemas/web-events"
CLASS_LOYALTY = f"{NS}/classes/loyalty-member"
CLASS_WEB = f"{NS}/classes/web-event"
MIXIN_LOYALTY = f"{NS}/mixins/loyalty-details"
MIXIN_CONSENT = f"{NS}/mixins/consent-prefs"
MIXIN_COMMERCE = f"{NS}/mixins/commerce"
DT_ADDRESS = f"{NS}/datatypes/address"
DT_MONEY = f"{NS}/datatypes/money"

# acme/dev: id -> (type, title, dependsOn)
ACME_DEV: dict[str, tuple[str, str, list[str]]] = {
    "acme-ns-loyalty": ("ID_NAMESPACE", "Loyalty ID", []),
    "acme-ns-crm": ("ID_NAMESPACE", "CRM ID", []),
    DT_ADDRESS: ("REGISTRY_DATATYPE", "Postal Address", []),
    DT_MONEY: ("REGISTRY_DATATYPE", "Money Amount", []),
    CLASS_LOYALTY: ("REGISTRY_CLASS", "Loyalty Member", []),
    CLASS_WEB: ("REGISTRY_CLASS", "Web Event", []),
    MIXIN_LOYALTY: ("REGISTRY_MIXIN", "Loyalty Details", [DT_ADDRESS, DT_MONEY]),
    MIXIN_CONSENT: ("REGISTRY_MIXIN", "Consent Preferences", []),
    MIXIN_COMMERCE: ("REGISTRY_MIXIN", "Commerce Details", [DT_MONEY]),
    SCHEMA_LOYALTY: (
        "REGISTRY_SCHEMA",
        "Loyalty Profile Schema",
        [CLASS_LOYALTY, MIXIN_LOYALTY, MIXIN_CONSENT, "acme-ns-loyalty"],
    ),
    SCHEMA_WEB: ("REGISTRY_SCHEMA", "Web Events Schema", [CLASS_WEB, MIXIN_COMMERCE]),
    "acme-ds-loyalty": ("CATALOG_DATASET", "Loyalty Profiles Dataset", [SCHEMA_LOYALTY]),
    "acme-ds-web": ("CATALOG_DATASET", "Web Events Dataset", [SCHEMA_WEB]),
    "acme-ms-crm": ("MAPPING_SET", "CRM to Loyalty Mapping", [SCHEMA_LOYALTY]),
    "acme-flow-crm": ("FLOW", "CRM Loyalty Dataflow", ["acme-ds-loyalty", "acme-ms-crm"]),
    "acme-mp-default": ("PROFILE_MERGE", "Default Time-based Merge Policy", []),
    "acme-seg-gold": (
        "PROFILE_SEGMENT",
        "Gold Loyalty Members",
        [SCHEMA_LOYALTY, "acme-mp-default"],
    ),
    "acme-seg-cart": ("PROFILE_SEGMENT", "Cart Abandoners", [SCHEMA_WEB, "acme-mp-default"]),
    "acme-seg-highvalue": (
        "PROFILE_SEGMENT",
        "High Value Customers",
        [SCHEMA_LOYALTY, "acme-mp-default"],
    ),
    "acme-jr-gold-welcome": ("JOURNEY", "Gold Member Welcome", ["acme-seg-gold"]),
    "acme-jr-cart-recovery": ("JOURNEY", "Cart Recovery", ["acme-seg-cart"]),
    "acme-policy-email": ("DULE_CONSENT_POLICY", "Email Marketing Consent", []),
}

ACME_PROD: dict[str, tuple[str, str]] = {
    "acme-prod-class-loyalty": ("REGISTRY_CLASS", "Loyalty Member"),
    "acme-prod-schema-loyalty": ("REGISTRY_SCHEMA", "Loyalty Profile Schema v2"),
    "acme-prod-schema-loyalty-old": ("REGISTRY_SCHEMA", "Loyalty Profile (old)"),
    "acme-prod-seg-gold": ("PROFILE_SEGMENT", "Gold Loyalty Members 2024"),
    "acme-prod-mp": ("PROFILE_MERGE", "Default Time-based Merge Policy"),
}

PARTNER_PROD: dict[str, tuple[str, str]] = {
    "prtn-prod-mp": ("PROFILE_MERGE", "Default Time-based Merge Policy"),
}
PARTNER_DEV: dict[str, tuple[str, str, list[str]]] = {
    "prtn-class-customer": ("REGISTRY_CLASS", "Customer", []),
    "prtn-schema-customer": ("REGISTRY_SCHEMA", "Customer Schema", ["prtn-class-customer"]),
    "prtn-seg-vip": ("PROFILE_SEGMENT", "VIP Customers", ["prtn-schema-customer"]),
}

# Permissions each artifact type requires (docs/emulator.md, "Permissions model").
REQUIRED: dict[str, dict[str, list[str]]] = {
    "PROFILE_SEGMENT": {
        "Sandbox": ["view"],
        "Schema": ["read"],
        "ProfileConfig": ["read"],
        "Segment": ["read", "write", "delete"],
    },
    "PROFILE_MERGE": {
        "Sandbox": ["view"],
        "ProfileConfig": ["read", "write", "delete"],
        "Dataset": ["read"],
    },
    "REGISTRY_SCHEMA": {"Sandbox": ["view"], "Schema": ["read", "write"]},
    "REGISTRY_CLASS": {"Sandbox": ["view"], "Schema": ["read", "write"]},
    "REGISTRY_MIXIN": {"Sandbox": ["view"], "Schema": ["read", "write"]},
    "REGISTRY_DATATYPE": {"Sandbox": ["view"], "Schema": ["read", "write"]},
    "CATALOG_DATASET": {"Sandbox": ["view"], "Dataset": ["read", "write"], "Schema": ["read"]},
    "ID_NAMESPACE": {"Sandbox": ["view"], "Identity": ["read", "write"]},
    "DULE_CONSENT_POLICY": {"Sandbox": ["view"], "Policy": ["read", "write"]},
    "FLOW": {"Sandbox": ["view"], "Sources": ["read", "write"], "Dataset": ["read"]},
    "MAPPING_SET": {"Sandbox": ["view"], "Sources": ["read", "write"]},
    "JOURNEY": {"Sandbox": ["view"], "Journey": ["read", "write", "publish"]},
}


def all_permissions() -> dict[str, list[str]]:
    """The union of every permission the contract's table mentions: enough for every type."""
    out: dict[str, set[str]] = {}
    for perms in REQUIRED.values():
        for resource, actions in perms.items():
            out.setdefault(resource, set()).update(actions)
    return {k: sorted(v) for k, v in out.items()}


TRANSFER_MESSAGES = [
    "Fetched Package",
    "Fetched Manifest",
    "Tenant Identified",
    "Fetched Sandbox Id",
    "Fetched Blob Files",
    "Message Published to Kafka",
    "Completed Transfer",
    "Finished with status: COMPLETED",
]

TITLES = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    409: "ConflictError",
    429: "TooManyRequestsError",
    500: "InternalServerError",
    503: "ServiceUnavailableError",
}

DAY_MS = 86_400_000


# -- time ------------------------------------------------------------------------------------
def now_ms() -> int:
    return int(time.time() * 1000)


def iso_in(days: float) -> str:
    """An ISO-8601 UTC timestamp `days` from now (second precision, `Z` suffix)."""
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_to_ms(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def is_epoch_ms(value: Any, *, near: int | None = None, slack_ms: int = 120_000) -> bool:
    """An int that looks like epoch ms (after 2020), optionally within `slack_ms` of `near`."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1_577_836_800_000:
        return False
    return near is None or abs(value - near) <= slack_ms


def wait_until(
    fn: Callable[[], T], ok: Callable[[T], bool], *, timeout: float = 10.0, interval: float = 0.02
) -> T:
    """Call `fn` until `ok(result)`; bounded by `timeout` seconds. Returns the last result."""
    deadline = time.monotonic() + timeout
    value = fn()
    while not ok(value):
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached within {timeout}s; last value: {value!r}")
        time.sleep(interval)
        value = fn()
    return value


# -- error shapes ----------------------------------------------------------------------------
def body(r: httpx.Response) -> Any:
    try:
        return r.json()
    except (json.JSONDecodeError, ValueError) as exc:
        raise AssertionError(
            f"{r.request.method} {r.request.url} -> {r.status_code}, not JSON: {r.text[:300]!r}"
        ) from exc


def ok(r: httpx.Response, status: int = 200) -> Any:
    """Assert `status` and return the JSON body, with a helpful message otherwise."""
    assert r.status_code == status, (
        f"{r.request.method} {r.request.url} -> {r.status_code} (wanted {status}): {r.text[:600]}"
    )
    return body(r) if r.content else None


def assert_service_error(r: httpx.Response, status: int, *mentions: str) -> dict[str, Any]:
    """The service error shape of docs/emulator.md, with `detail` naming each of `mentions`."""
    assert r.status_code == status, (
        f"{r.request.method} {r.request.url} -> {r.status_code} (wanted {status}): {r.text[:600]}"
    )
    err = body(r)
    assert isinstance(err, dict), err
    assert err.get("type") == f"https://ns.adobe.com/aep/errors/EXIM-{status}", err
    assert err.get("status") == status, err
    assert err.get("title") == TITLES[status], err
    detail = err.get("detail")
    assert isinstance(detail, str) and detail, err
    for m in mentions:
        assert m.lower() in detail.lower(), f"detail should name {m!r}: {detail!r}"
    return err


def assert_service_shape_4xx(r: httpx.Response) -> None:
    """Any 4xx in the service error shape (title consistent with the status)."""
    assert 400 <= r.status_code < 500, (
        f"{r.request.method} {r.request.url} -> {r.status_code} (wanted a 4xx): {r.text[:600]}"
    )
    err = body(r)
    assert isinstance(err, dict) and err.get("status") == r.status_code, err
    assert err.get("type") == f"https://ns.adobe.com/aep/errors/EXIM-{r.status_code}", err
    assert isinstance(err.get("detail"), str) and err["detail"], err
    if r.status_code in TITLES:
        assert err.get("title") == TITLES[r.status_code], err


def assert_gateway_error(r: httpx.Response, status: int, code: str, message: str) -> None:
    assert r.status_code == status, f"-> {r.status_code} (wanted {status}): {r.text[:400]}"
    assert body(r) == {"error_code": code, "message": message}


# -- API helpers -----------------------------------------------------------------------------
def create_package(
    c: httpx.Client,
    name: str,
    artifacts: list[str] | None = None,
    *,
    package_type: str = "PARTIAL",
    **extra: Any,
) -> dict[str, Any]:
    """Create a package from artifact ids of the seed (types looked up in ACME_DEV/PARTNER_DEV).
    Returns the package as its look-up shows it: the answer without `CREATE_ONLY`."""
    payload: dict[str, Any] = {"name": name, "packageType": package_type, **extra}
    if artifacts is not None:
        payload["artifacts"] = [{"id": a, "type": artifact_type(a)} for a in artifacts]
    return as_stored(ok(c.post("/packages", json=payload)))


#: Fields only the create answer shows (packages.md "Create a package"): the request's.
CREATE_ONLY = ("requestId", "userId")


def as_stored(created: dict[str, Any]) -> dict[str, Any]:
    """A create answer as the package's look-up shows it (without `CREATE_ONLY`)."""
    return {k: v for k, v in created.items() if k not in CREATE_ONLY}


def artifact_type(artifact_id: str) -> str:
    base = (
        artifact_id.split("@")[0]
        if "@" in artifact_id and artifact_id.rsplit("@", 1)[1].isdigit()
        else artifact_id
    )
    for table in (ACME_DEV, PARTNER_DEV):
        if base in table:
            return table[base][0]
    raise KeyError(artifact_id)


def get_package(c: httpx.Client, pid: str) -> dict[str, Any]:
    return dict(ok(c.get(f"/packages/{pid}")))


def is_manual(emu: EmulatorProcess) -> bool:
    return emu.timing().get("mode") == "manual"


def settle(emu: EmulatorProcess) -> None:
    """In manual mode, run everything to completion; in auto mode, nothing to do."""
    if is_manual(emu):
        emu.advance()


def publish(
    emu: EmulatorProcess,
    c: httpx.Client,
    pid: str,
    *,
    expiry_period: int | None = None,
    expect: str = "PUBLISHED",
) -> dict[str, Any]:
    """Publish and wait for the end state (PUBLISHED or PUBLISH_FAILED); returns the package."""
    return publish_with_job(emu, c, pid, expiry_period=expiry_period, expect=expect)[0]


def publish_with_job(
    emu: EmulatorProcess,
    c: httpx.Client,
    pid: str,
    *,
    expiry_period: int | None = None,
    expect: str = "PUBLISHED",
) -> tuple[dict[str, Any], dict[str, Any]]:
    """As `publish`; also the EXPORT job's details (`GET /tools/job/{jobId}`) once it ended."""
    params = {"expiryPeriod": expiry_period} if expiry_period is not None else None
    job_id = ok(c.get(f"/packages/{pid}/export", params=params))["jobId"]
    settle(emu)
    pkg = wait_until(
        lambda: get_package(c, pid), lambda p: p["status"] in ("PUBLISHED", "PUBLISH_FAILED")
    )
    assert pkg["status"] == expect, pkg
    return pkg, wait_job(c, job_id)


def published_package(
    emu: EmulatorProcess, c: httpx.Client, name: str, artifacts: list[str]
) -> dict[str, Any]:
    pkg = create_package(c, name, artifacts)
    return publish(emu, c, pkg["id"])


def jobs(c: httpx.Client, *props: str, **params: Any) -> list[dict[str, Any]]:
    q: list[tuple[str, Any]] = [("property", p) for p in props]
    q += [("limit", 100)] + list(params.items())
    return list(ok(c.get("/packages/jobs", params=q))["data"])


def job_details(c: httpx.Client, job_id: str) -> dict[str, Any]:
    """`GET /tools/job/{id}` (tools.md "Job details"): the job's `object`, envelope checked."""
    res = ok(c.get(f"/tools/job/{job_id}"))
    assert res["status"] == "OK" and res["type"] == "SUCCESS", res
    assert res["message"] == f"Job with ID: {job_id} found", res
    obj = res["object"]
    assert obj["id"] == job_id, obj
    return dict(obj)


def listed_job(c: httpx.Client, job_id: str) -> dict[str, Any]:
    """The `GET /packages/jobs` item of job `job_id` (exactly one)."""
    found = [j for j in jobs(c) if j["id"] == job_id]
    assert len(found) == 1, f"one job {job_id} in /packages/jobs: {found}"
    return found[0]


def wait_job(c: httpx.Client, job_id: str, *, timeout: float = 10.0) -> dict[str, Any]:
    """The job's details (`GET /tools/job/{id}`) once it ended (SUCCESS, FAILED, CANCELLED)."""
    return wait_until(
        lambda: job_details(c, job_id),
        lambda j: j["jobStatus"] in ("SUCCESS", "FAILED", "CANCELLED"),
        timeout=timeout,
    )


def task_status(task: dict[str, Any]) -> str:
    """The status of a task's (single) message: CREATED, OBJECT_REUSED, OBJECT_EXISTS..."""
    [message] = task["artifact"]["messages"]
    return str(message["status"])


def outcomes(job: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """{source artifact id: (message status, newId)} of a job's completed tasks."""
    out: dict[str, tuple[str, str | None]] = {}
    for t in job["completedTasks"]:
        assert t["taskType"] == "POST" and t["taskStatus"] == "SUCCESS", t
        out[t["artifact"]["id"]] = (task_status(t), t["artifact"].get("newId"))
    return out


def failures(job: dict[str, Any]) -> dict[str, str]:
    """{artifact id: message} of a job's failed tasks (each FAILED, with one FAILED message)."""
    out: dict[str, str] = {}
    for t in job["failedTasks"]:
        assert t["taskType"] == "POST" and t["taskStatus"] == "FAILED", t
        [message] = t["artifact"]["messages"]
        assert message["status"] == "FAILED", t
        out[t["artifact"]["id"]] = str(message["message"])
    return out


def failure_text(job: dict[str, Any]) -> str:
    """Every failed task's message, joined: what a test greps for a reason."""
    return " | ".join(failures(job).values())


def handshake(
    c_source: httpx.Client,
    c_target: httpx.Client,
    source_id: str,
    target_id: str,
    *,
    approve: bool = True,
) -> dict[str, Any]:
    """bulkCreate from source, then (optionally) approve as the target; returns the handshake."""
    res = ok(
        c_source.post(
            "/handshake/bulkCreate",
            json={
                "targetIMSOrgIds": [target_id],
                "sourceIMSDetails": {"id": source_id, "name": "src"},
            },
        )
    )
    hs = res["successfulRequests"][target_id]
    if approve:
        hs = ok(
            c_target.post(
                "/handshake/action",
                json={
                    "linkingID": hs["linkingId"],
                    "status": "APPROVED",
                    "reason": "Done",
                    "targetIMSOrgDetails": {"id": target_id, "name": "tgt", "region": "va6"},
                },
            )
        )
    return dict(hs)


def transfer_by_id(c: httpx.Client, tid: str) -> dict[str, Any]:
    return dict(ok(c.get(f"/transfer/{tid}")))


def wait_transfer(emu: EmulatorProcess, c: httpx.Client, tid: str) -> dict[str, Any]:
    settle(emu)
    return wait_until(
        lambda: transfer_by_id(c, tid), lambda t: t["status"] in ("COMPLETED", "FAILED")
    )


def artifacts_by_id(emu: EmulatorProcess, org: str, sandbox: str) -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in emu.artifacts(org, sandbox)}


def client_with(emu: EmulatorProcess, headers: dict[str, str | None]) -> httpx.Client:
    """A client for acme/dev with some headers replaced (None removes the header)."""
    c = emu.api(ACME)
    for k, v in headers.items():
        if v is None:
            c.headers.pop(k, None)
        else:
            c.headers[k] = v
    return c
