"""`ExImClient`: the typed client of the AEP sandbox tooling (exim) API.

One pooled `httpx.Client` underneath, safe to share between threads (the Pulumi provider calls
one client from four). Every method takes `sandbox=` to override the client's sandbox for that
call (the `x-sandbox-name` header).

Safety of the calls that are not idempotent (see also `retry.py`):

* `create_package` (POST /packages): after an ambiguous failure (timeout, dropped connection,
  502/503/504) the package is looked up by name before anything is sent again; found → it is
  returned, never created twice. Names are unique per org, so a 409 after an ambiguous attempt
  is resolved the same way.
* `submit_import` (POST /packages/import): before sending, the client notes the correlation ids
  of the jobs already listed under the job's name; after an ambiguous failure it looks for a
  new IMPORT job of that package under that name and, if there is one, reports it instead of
  submitting again. The server would accept a second submit, and a timed-out request may
  still be in flight, so the client keeps looking for `RetryPolicy.reconcile_grace` seconds
  (default 3) before it re-sends. (No idempotency key exists in this API: a request delayed
  longer than that could still land twice; that residual risk is accepted and documented.)
* `create_transfer` (POST /transfer) and `pull_public_package` (POST /transfer/pullRequest): the
  same, with the transfers of the package: a new transfer to the same target after an
  ambiguous failure means the first request landed.
* `create_handshakes` (POST /handshake/bulkCreate) is idempotent on the server (an existing
  pending/approved pair is answered again), so it simply retries.
* `act_on_handshake` (POST /handshake/action): after an ambiguous failure the handshake is
  looked up; already in the requested status → done.
* `publish_package` (a GET that changes state): after an ambiguous failure the package is
  fetched; already PUBLISH_IN_PROGRESS/PUBLISHED → done (the answer then has no
  correlationId).
* PUT ADD/DELETE/UPDATE and DELETE are idempotent and retry on their own; a 409/404 that only
  a successful earlier attempt explains is checked and turned into success.

Connect errors and 429 are retried for every call: the request did not reach the handler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from .errors import ConflictError, ExImError, NotFoundError
from .models import (
    Artifact,
    ArtifactChildren,
    ArtifactLike,
    Conflict,
    DeleteResult,
    Handshake,
    HandshakeBulkResult,
    ImportSubmission,
    Job,
    JobRequestType,
    Package,
    PackagePayload,
    PackageStatus,
    PreflightResult,
    PublishResult,
    SandboxRef,
    Transfer,
    TransferRequestType,
)
from .paging import FilterLike, prop
from .transport import DEFAULT_PAGE_SIZE, EXIM_PREFIX, Transport, segment
from .waiters import Waiters

__all__ = ["EXIM_PREFIX", "ExImClient"]


def _artifact_wire(item: ArtifactLike) -> dict[str, Any]:
    """`{"id", "type", "title"?}` from a model or a dict; anything else is refused early."""
    art = item if isinstance(item, Artifact) else Artifact.model_validate(item)
    out: dict[str, Any] = {"id": art.id, "type": str(art.type)}
    if art.title is not None:
        out["title"] = art.title
    return out


def _expiry_wire(expiry: datetime | int | str | None) -> int | str | None:
    if expiry is None or isinstance(expiry, (int, str)):
        return expiry
    aware = expiry if expiry.tzinfo else expiry.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ExImClient(Transport, Waiters):
    """Typed client of the exim API (packages, jobs, handshakes, transfers).

    Build it with keyword settings, `ExImClient.from_env()` (the `AEP_*` variables) or
    `ExImClient.from_settings(ClientSettings(...))`. Close it (or use `with`) to release the
    connection pool.
    """

    def _sandbox_ref(
        self, value: str | SandboxRef | Mapping[str, Any] | None
    ) -> dict[str, Any] | None:
        if value is None:
            return None
        if isinstance(value, str):
            return {"name": value, "imsOrgId": self._settings.org_id}
        ref = value if isinstance(value, SandboxRef) else SandboxRef.model_validate(value)
        if ref.ims_org_id is None:
            ref = ref.model_copy(update={"ims_org_id": self._settings.org_id})
        return ref.to_wire()

    # -- packages ----------------------------------------------------------------------------
    def create_package(
        self,
        name: str,
        *,
        description: str | None = None,
        package_type: str = "PARTIAL",
        source_sandbox: str | SandboxRef | None = None,
        artifacts: Iterable[ArtifactLike] = (),
        expiry: datetime | int | str | None = None,
        sandbox: str | None = None,
    ) -> Package:
        """Create a package (DRAFT). Never creates two: see the module docstring.

        `artifacts`: `Artifact` models or `{"id", "type", "title"?}` dicts. `source_sandbox`:
        a sandbox name of the client's org (or a `SandboxRef`); default: the request's sandbox.
        `expiry`: a datetime, epoch ms or an ISO-8601 string; default 90 days (server side).
        """
        body: dict[str, Any] = {"name": name, "packageType": str(package_type)}
        if description is not None:
            body["description"] = description
        src = self._sandbox_ref(source_sandbox)
        if src is not None:
            body["sourceSandbox"] = src
        arts = [_artifact_wire(a) for a in artifacts]
        if arts:
            body["artifacts"] = arts
        if expiry is not None:
            body["expiry"] = _expiry_wire(expiry)

        def lookup() -> Package | None:
            return self.find_package_by_name(name, sandbox=sandbox)

        def after_conflict(exc: ExImError) -> Package | None:
            # Duplicate name after an ambiguous attempt: the first attempt created it.
            return lookup() if isinstance(exc, ConflictError) else None

        raw = self._call(
            "POST",
            "/packages",
            body=body,
            sandbox=sandbox,
            context=f"create package {name!r}",
            idempotent=False,
            reconcile=lookup,
            on_error_after_ambiguous=after_conflict,
        )
        return raw if isinstance(raw, Package) else Package.model_validate(raw)

    def _put_package(
        self,
        body: dict[str, Any],
        *,
        sandbox: str | None,
        context: str,
        settled: Callable[[Package], bool] | None = None,
    ) -> Package:
        package_id = str(body["id"])

        def after(exc: ExImError) -> Package | None:
            if settled is None or not isinstance(exc, ConflictError):
                return None
            current = self.get_package(package_id, sandbox=sandbox)
            return current if settled(current) else None

        raw = self._call(
            "PUT",
            "/packages",
            body=body,
            sandbox=sandbox,
            context=context,
            on_error_after_ambiguous=after,
        )
        return raw if isinstance(raw, Package) else Package.model_validate(raw)

    def add_artifacts(
        self,
        package_id: str,
        artifacts: Iterable[ArtifactLike],
        *,
        expiry: datetime | int | str | None = None,
        sandbox: str | None = None,
    ) -> Package:
        """Add artifacts to a DRAFT PARTIAL package (PUT action ADD; the API de-duplicates)."""
        body: dict[str, Any] = {
            "id": package_id,
            "action": "ADD",
            "artifacts": [_artifact_wire(a) for a in artifacts],
        }
        if expiry is not None:
            body["expiry"] = _expiry_wire(expiry)
        return self._put_package(
            body, sandbox=sandbox, context=f"add artifacts to package {package_id}"
        )

    def remove_artifacts(
        self,
        package_id: str,
        artifacts: Iterable[ArtifactLike],
        *,
        expiry: datetime | int | str | None = None,
        sandbox: str | None = None,
    ) -> Package:
        """Remove artifacts from a DRAFT PARTIAL package (PUT action DELETE).

        Every PUT without `expiry` moves a draft's expiry to now + 90 days: pass the expiry
        to keep.
        """
        body: dict[str, Any] = {
            "id": package_id,
            "action": "DELETE",
            "artifacts": [_artifact_wire(a) for a in artifacts],
        }
        if expiry is not None:
            body["expiry"] = _expiry_wire(expiry)
        return self._put_package(
            body, sandbox=sandbox, context=f"remove artifacts from package {package_id}"
        )

    def update_package(
        self,
        package_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        source_sandbox: str | SandboxRef | None = None,
        expiry: datetime | int | str | None = None,
        sandbox: str | None = None,
    ) -> Package:
        """Change name/description/source sandbox (PUT action UPDATE); unset ones are kept.

        Every PUT without `expiry` moves a draft's expiry to now + 90 days: pass the expiry
        to keep.
        """
        body: dict[str, Any] = {"id": package_id, "action": "UPDATE"}
        if expiry is not None:
            body["expiry"] = _expiry_wire(expiry)
        if name is not None:
            body["name"] = name
        if description is not None:
            body["description"] = description
        src = self._sandbox_ref(source_sandbox)
        if src is not None:
            body["sourceSandbox"] = src

        def settled(p: Package) -> bool:
            return (name is None or p.name == name) and (
                description is None or p.description == description
            )

        return self._put_package(
            body, sandbox=sandbox, context=f"update package {package_id}", settled=settled
        )

    def set_visibility(
        self, package_id: str, visibility: str, *, sandbox: str | None = None
    ) -> Package:
        """Set `packageVisibility` (PRIVATE → PUBLIC; the API refuses PUBLIC → PRIVATE)."""
        value = str(visibility)
        body = {"id": package_id, "action": "UPDATE", "packageVisibility": value}
        return self._put_package(
            body,
            sandbox=sandbox,
            context=f"set visibility of package {package_id} to {value}",
            settled=lambda p: p.package_visibility == value,
        )

    def delete_package(
        self, package_id: str, *, missing_ok: bool = False, sandbox: str | None = None
    ) -> DeleteResult | None:
        """Delete a package. `missing_ok=True`: an unknown id answers None instead of raising.
        A 404 after an ambiguous attempt means that attempt deleted it: also not an error."""

        def after(exc: ExImError) -> DeleteResult | None:
            if isinstance(exc, NotFoundError):
                return DeleteResult(reason=f"Package {package_id} deleted")
            return None

        try:
            raw = self._call(
                "DELETE",
                f"/packages/{segment(package_id)}",
                sandbox=sandbox,
                context=f"delete package {package_id}",
                on_error_after_ambiguous=after,
            )
        except NotFoundError:
            if missing_ok:
                return None
            raise
        if isinstance(raw, DeleteResult):
            return raw
        return DeleteResult.model_validate(raw) if isinstance(raw, dict) else DeleteResult()

    def get_package(self, package_id: str, *, sandbox: str | None = None) -> Package:
        """One package by id (NotFoundError when unknown or another org's)."""
        raw = self._call(
            "GET",
            f"/packages/{segment(package_id)}",
            sandbox=sandbox,
            context=f"get package {package_id}",
        )
        return Package.model_validate(raw)

    def find_package_by_name(self, name: str, *, sandbox: str | None = None) -> Package | None:
        """The package named exactly `name`, or None (names are unique within an org)."""
        filters: list[FilterLike] = [] if "," in name else [prop("name").eq(name)]
        for pkg in self.list_packages(*filters, sandbox=sandbox):
            if pkg.name == name:
                return pkg
        return None

    def list_packages(
        self,
        *filters: FilterLike,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        sandbox: str | None = None,
    ) -> Iterator[Package]:
        """Every package matching all `filters` (`prop("status").eq("DRAFT")`, or the raw
        `"status==DRAFT"` form), fetched page by page as the iterator advances."""
        return self._pages(
            "/packages", Package, filters, order_by=order_by, page_size=page_size, sandbox=sandbox
        )

    def publish_package(
        self,
        package_id: str,
        *,
        expiry_period_days: int | None = None,
        sandbox: str | None = None,
    ) -> PublishResult:
        """Start publishing (`GET /packages/{id}/export`); wait with `wait_for_package`.
        `expiry_period_days`: expiry counted from publication (default 90, server side)."""
        if expiry_period_days is not None and expiry_period_days < 0:
            raise ValueError("expiry_period_days must not be negative")
        params = (
            {"expiryPeriod": str(expiry_period_days)} if expiry_period_days is not None else None
        )

        def landed() -> PublishResult | None:
            pkg = self.get_package(package_id, sandbox=sandbox)
            if pkg.status in (PackageStatus.PUBLISH_IN_PROGRESS, PackageStatus.PUBLISHED):
                return PublishResult(
                    name=pkg.name,
                    description=pkg.description,
                    source_sandbox=pkg.source_sandbox,
                    type=pkg.package_type,
                )
            return None

        raw = self._call(
            "GET",
            f"/packages/{segment(package_id)}/export",
            params=params,
            sandbox=sandbox,
            context=f"publish package {package_id}",
            reconcile=landed,
            on_error_after_ambiguous=lambda e: landed() if isinstance(e, ConflictError) else None,
        )
        return raw if isinstance(raw, PublishResult) else PublishResult.model_validate(raw or {})

    def import_conflicts(
        self, package_id: str, target_sandbox: str, *, sandbox: str | None = None
    ) -> list[Conflict]:
        """Artifacts of the package with look-alikes in `target_sandbox`, with suggestions
        (`GET /packages/{id}/import?targetSandbox=`)."""
        raw = self._call(
            "GET",
            f"/packages/{segment(package_id)}/import",
            params={"targetSandbox": target_sandbox},
            sandbox=sandbox,
            context=f"import conflicts of package {package_id} in {target_sandbox!r}",
        )
        return [Conflict.model_validate(c) for c in (raw or [])]

    def submit_import(
        self,
        package_id: str,
        target_sandbox: str,
        *,
        name: str | None = None,
        description: str | None = None,
        alternatives: Mapping[str, ArtifactLike] | None = None,
        target_org_id: str | None = None,
        sandbox: str | None = None,
    ) -> ImportSubmission:
        """Submit an import of a PUBLISHED package into `target_sandbox`.

        `alternatives` maps a source artifact id to an existing target artifact to use instead.
        The job is listed under `name` (default: the package's name); the answer's `job_name`
        and `correlation_id` feed `wait_for_job`. Never submits twice: see module docstring.
        """
        job_name = name
        if job_name is None:
            job_name = self.get_package(package_id, sandbox=sandbox).name
        body: dict[str, Any] = {
            "id": package_id,
            "destinationSandbox": {
                "name": target_sandbox,
                "imsOrgId": target_org_id or self._settings.org_id,
            },
        }
        if name is not None:
            body["name"] = name
        if description is not None:
            body["description"] = description
        if alternatives:
            body["alternatives"] = {k: _artifact_wire(v) for k, v in alternatives.items()}

        before = {
            j.correlation_id
            for j in self._jobs_named(job_name, package_id=package_id, sandbox=sandbox)
        }

        def landed() -> ImportSubmission | None:
            for job in self._jobs_named(job_name, package_id=package_id, sandbox=sandbox):
                if job.correlation_id not in before and (
                    job.target_sandbox in (None, target_sandbox)
                ):
                    return ImportSubmission(
                        name=job.name,
                        description=job.description,
                        correlation_id=job.correlation_id,
                        destination_sandbox=SandboxRef.model_validate(body["destinationSandbox"]),
                    )
            return None

        raw = self._call(
            "POST",
            "/packages/import",
            body=body,
            sandbox=sandbox,
            context=f"submit import of package {package_id} into {target_sandbox!r}",
            idempotent=False,
            reconcile_grace=True,
            reconcile=landed,
        )
        result = (
            raw if isinstance(raw, ImportSubmission) else ImportSubmission.model_validate(raw or {})
        )
        result.job_name = job_name
        return result

    def package_children(
        self,
        package_id: str,
        artifacts: Iterable[ArtifactLike] | None = None,
        *,
        sandbox: str | None = None,
    ) -> list[ArtifactChildren]:
        """Direct dependencies of `artifacts` (default: every artifact of the package).
        A POST that reads only: retried like a read."""
        body = [_artifact_wire(a) for a in artifacts] if artifacts is not None else None
        raw = self._call(
            "POST",
            f"/packages/{segment(package_id)}/children",
            body=body,
            sandbox=sandbox,
            context=f"children of package {package_id}",
        )
        return [ArtifactChildren.model_validate(c) for c in (raw or [])]

    def preflight(
        self, package_id: str, target_sandbox: str, *, sandbox: str | None = None
    ) -> PreflightResult:
        """Whether the caller's permissions allow importing every artifact into the target."""
        raw = self._call(
            "GET",
            f"/packages/preflight/{segment(package_id)}",
            params={"targetSandbox": target_sandbox},
            sandbox=sandbox,
            context=f"preflight of package {package_id} into {target_sandbox!r}",
        )
        return PreflightResult.model_validate(raw or {})

    def package_payload(self, package_id: str, *, sandbox: str | None = None) -> PackagePayload:
        """`GET /packages/payload/{id}`: the org and id to pull a (public) package by."""
        raw = self._call(
            "GET",
            f"/packages/payload/{segment(package_id)}",
            sandbox=sandbox,
            context=f"payload of package {package_id}",
        )
        return PackagePayload.model_validate(raw or {})

    # -- jobs --------------------------------------------------------------------------------
    def list_jobs(
        self,
        *filters: FilterLike,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        sandbox: str | None = None,
    ) -> Iterator[Job]:
        """Export/import jobs (`GET /packages/jobs`), e.g. `prop("requestType").eq("IMPORT")`."""
        return self._pages(
            "/packages/jobs", Job, filters, order_by=order_by, page_size=page_size, sandbox=sandbox
        )

    def _jobs_named(
        self,
        name: str,
        *,
        package_id: str | None = None,
        request_type: str | None = JobRequestType.IMPORT,
        sandbox: str | None = None,
    ) -> list[Job]:
        filters: list[FilterLike] = [] if "," in name else [prop("name").eq(name)]
        if request_type:
            filters.append(prop("requestType").eq(request_type))
        return [
            j
            for j in self.list_jobs(*filters, sandbox=sandbox)
            if j.name == name
            and (package_id is None or j.package_id in (None, package_id))
            and (request_type is None or j.request_type in (None, str(request_type)))
        ]

    def find_job(
        self,
        name: str,
        *,
        correlation_id: str | None = None,
        request_type: str | None = None,
        package_id: str | None = None,
        sandbox: str | None = None,
    ) -> Job | None:
        """The job listed under `name` (the one with `correlation_id` when given, else the
        newest), or None."""
        jobs = self._jobs_named(
            name, package_id=package_id, request_type=request_type, sandbox=sandbox
        )
        if correlation_id is not None:
            jobs = [j for j in jobs if j.correlation_id == correlation_id]
        if not jobs:
            return None
        return max(jobs, key=lambda j: (j.created or 0, j.updated or 0))

    # -- handshakes --------------------------------------------------------------------------
    def create_handshakes(
        self,
        target_org_ids: Sequence[str],
        *,
        source_org_name: str,
        sandbox: str | None = None,
    ) -> HandshakeBulkResult:
        """Ask target orgs to approve sharing (`POST /handshake/bulkCreate`). Idempotent on the
        server (an existing pending/approved pair is answered again), so retried freely."""
        body = {
            "targetIMSOrgIds": list(target_org_ids),
            "sourceIMSDetails": {"id": self._settings.org_id, "name": source_org_name},
        }
        raw = self._call(
            "POST",
            "/handshake/bulkCreate",
            body=body,
            sandbox=sandbox,
            context="create handshakes",
        )
        return HandshakeBulkResult.model_validate(raw or {})

    def act_on_handshake(
        self,
        linking_id: str,
        status: str,
        *,
        reason: str,
        target_org_name: str,
        target_region: str,
        sandbox: str | None = None,
    ) -> Handshake:
        """Approve or reject an incoming handshake (`status` APPROVED or REJECTED), as the
        target org (`target_org_name`/`target_region` describe the caller's org)."""
        wanted = str(status)
        body = {
            "linkingID": linking_id,
            "status": wanted,
            "reason": reason,
            "targetIMSOrgDetails": {
                "id": self._settings.org_id,
                "name": target_org_name,
                "region": target_region,
            },
        }

        def landed() -> Handshake | None:
            for hs in self.list_handshakes(sandbox=sandbox):
                if hs.linking_id == linking_id and hs.status == wanted:
                    return hs
            return None

        raw = self._call(
            "POST",
            "/handshake/action",
            body=body,
            sandbox=sandbox,
            context=f"{wanted.lower()} handshake {linking_id}",
            idempotent=False,
            reconcile=landed,
            on_error_after_ambiguous=lambda e: landed() if isinstance(e, ConflictError) else None,
        )
        return raw if isinstance(raw, Handshake) else Handshake.model_validate(raw or {})

    def list_handshakes(
        self,
        request_type: str | None = None,
        status: str | Sequence[str] | None = None,
        *,
        filters: Iterable[FilterLike] = (),
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        sandbox: str | None = None,
    ) -> Iterator[Handshake]:
        """Handshakes of the org: `request_type` INCOMING/OUTGOING, `status` one or several."""
        all_filters = list(filters)
        if status is not None:
            all_filters.append(prop("status").eq(status))
        extra = [("requestType", str(request_type))] if request_type else []
        return self._pages(
            "/handshake/list",
            Handshake,
            all_filters,
            order_by=order_by,
            page_size=page_size,
            sandbox=sandbox,
            extra=extra,
        )

    # -- transfers ---------------------------------------------------------------------------
    def _transfers_of(
        self, package_id: str, request_type: str, sandbox: str | None
    ) -> list[Transfer]:
        return [
            t
            for t in self.list_transfers(request_type=request_type, sandbox=sandbox)
            if t.package_id == package_id
        ]

    def create_transfer(
        self,
        package_id: str,
        target_org_ids: Sequence[str],
        *,
        sandbox: str | None = None,
    ) -> list[Transfer]:
        """Share a PUBLISHED private package with orgs that approved a handshake
        (`POST /transfer`): one transfer per target; wait with `wait_for_transfer`."""
        targets = list(target_org_ids)
        body = {"packageId": package_id, "targets": [{"imsOrgId": t} for t in targets]}
        before = {
            t.id for t in self._transfers_of(package_id, TransferRequestType.PRIVATE, sandbox)
        }

        def landed() -> list[Transfer] | None:
            new = [
                t
                for t in self._transfers_of(package_id, TransferRequestType.PRIVATE, sandbox)
                if t.id not in before and t.target_ims_org_id in targets
            ]
            return new or None

        raw = self._call(
            "POST",
            "/transfer",
            body=body,
            sandbox=sandbox,
            context=f"transfer package {package_id}",
            idempotent=False,
            reconcile_grace=True,
            reconcile=landed,
        )
        if isinstance(raw, list) and all(isinstance(t, Transfer) for t in raw):
            return cast(list[Transfer], raw)
        items = raw if isinstance(raw, list) else [raw]
        return [Transfer.model_validate(t) for t in items if t]

    def get_transfer(self, transfer_id: str, *, sandbox: str | None = None) -> Transfer:
        raw = self._call(
            "GET",
            f"/transfer/{segment(transfer_id)}",
            sandbox=sandbox,
            context=f"get transfer {transfer_id}",
        )
        return Transfer.model_validate(raw or {})

    def list_transfers(
        self,
        *filters: FilterLike,
        request_type: str | None = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        sandbox: str | None = None,
    ) -> Iterator[Transfer]:
        """Transfers of the org (`GET /transfer/list`), `request_type` PRIVATE or PUBLIC."""
        extra = [("requestType", str(request_type))] if request_type else []
        return self._pages(
            "/transfer/list",
            Transfer,
            filters,
            order_by=order_by,
            page_size=page_size,
            sandbox=sandbox,
            extra=extra,
        )

    def pull_public_package(
        self, package_id: str, source_org_id: str, *, sandbox: str | None = None
    ) -> Transfer:
        """Pull a PUBLIC published package of another org (`POST /transfer/pullRequest`)."""
        body = {"imsOrgId": source_org_id, "packageId": package_id}
        before = {t.id for t in self._transfers_of(package_id, TransferRequestType.PUBLIC, sandbox)}

        def landed() -> Transfer | None:
            for t in self._transfers_of(package_id, TransferRequestType.PUBLIC, sandbox):
                if t.id not in before and t.target_ims_org_id in (None, self._settings.org_id):
                    return t
            return None

        raw = self._call(
            "POST",
            "/transfer/pullRequest",
            body=body,
            sandbox=sandbox,
            context=f"pull public package {package_id} from {source_org_id}",
            idempotent=False,
            reconcile_grace=True,
            reconcile=landed,
        )
        return raw if isinstance(raw, Transfer) else Transfer.model_validate(raw or {})
