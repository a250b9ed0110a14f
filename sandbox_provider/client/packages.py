"""The package endpoints of `ExImClient`: create, change, delete, list, publish, children.

Safety of the calls that are not idempotent (see also `retry.py`):

* `create_package` (POST /packages): after an ambiguous failure (timeout, dropped connection,
  502/503/504) the package is looked up by name before anything is sent again; found → it is
  returned, never created twice. Names are unique per org, so a 409 after an ambiguous attempt
  is resolved the same way.
* `publish_package` (a GET that changes state): after an ambiguous failure the package is
  fetched; already PUBLISH_IN_PROGRESS/PUBLISHED → done (the answer then has no
  correlationId).
* PUT ADD/DELETE/UPDATE and DELETE are idempotent and retry on their own; a 409/404 that only
  a successful earlier attempt explains is checked and turned into success.

Connect errors and 429 are retried for every call: the request did not reach the handler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from .errors import ConflictError, ExImError, NotFoundError
from .models import (
    Artifact,
    ArtifactChildren,
    ArtifactLike,
    DeleteResult,
    Package,
    PackagePayload,
    PackageStatus,
    PublishResult,
    SandboxRef,
)
from .paging import FilterLike, prop
from .transport import DEFAULT_PAGE_SIZE, Transport, as_model, as_models, segment

__all__ = ["PackagesApi", "artifact_wire", "expiry_wire"]


def artifact_wire(item: ArtifactLike) -> dict[str, Any]:
    """`{"id", "type", "title"?}` from a model or a dict; anything else is refused early."""
    art = item if isinstance(item, Artifact) else Artifact.model_validate(item)
    out: dict[str, Any] = {"id": art.id, "type": str(art.type)}
    if art.title is not None:
        out["title"] = art.title
    return out


def expiry_wire(expiry: datetime | float | str | None) -> int | str | None:
    if expiry is None or isinstance(expiry, (int, str)):
        return expiry
    if isinstance(expiry, float):
        # Epoch milliseconds as a float: what the Pulumi engine hands a dynamic provider for
        # every number (a checked `expiry` of 4073414400000 arrives as 4073414400000.0).
        return int(expiry)
    aware = expiry if expiry.tzinfo else expiry.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _delete_result(raw: Any) -> DeleteResult:
    # The API answers a DELETE with a small object, or with nothing at all.
    return DeleteResult.model_validate(raw) if isinstance(raw, dict) else DeleteResult()


class PackagesApi(Transport):
    """`/packages`: the package's own life cycle, from DRAFT to PUBLISHED to deleted."""

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
        arts = [artifact_wire(a) for a in artifacts]
        if arts:
            body["artifacts"] = arts
        if expiry is not None:
            body["expiry"] = expiry_wire(expiry)

        def lookup() -> Package | None:
            return self.find_package_by_name(name, sandbox=sandbox)

        def after_conflict(exc: ExImError) -> Package | None:
            # Duplicate name after an ambiguous attempt: the first attempt created it.
            return lookup() if isinstance(exc, ConflictError) else None

        return self._call(
            "POST",
            "/packages",
            Package.model_validate,
            body=body,
            sandbox=sandbox,
            context=f"create package {name!r}",
            idempotent=False,
            reconcile=lookup,
            on_error_after_ambiguous=after_conflict,
        )

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

        return self._call(
            "PUT",
            "/packages",
            Package.model_validate,
            body=body,
            sandbox=sandbox,
            context=context,
            on_error_after_ambiguous=after,
        )

    def add_artifacts(
        self,
        package_id: str,
        artifacts: Iterable[ArtifactLike],
        *,
        expiry: datetime | int | str | None = None,
        sandbox: str | None = None,
    ) -> Package:
        """Add artifacts to a DRAFT PARTIAL package (PUT action ADD; the API de-duplicates)."""
        return self._change_artifacts(
            package_id, "ADD", artifacts, expiry, sandbox, f"add artifacts to package {package_id}"
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
        return self._change_artifacts(
            package_id,
            "DELETE",
            artifacts,
            expiry,
            sandbox,
            f"remove artifacts from package {package_id}",
        )

    def _change_artifacts(
        self,
        package_id: str,
        action: str,
        artifacts: Iterable[ArtifactLike],
        expiry: datetime | int | str | None,
        sandbox: str | None,
        context: str,
    ) -> Package:
        body: dict[str, Any] = {
            "id": package_id,
            "action": action,
            "artifacts": [artifact_wire(a) for a in artifacts],
        }
        if expiry is not None:
            body["expiry"] = expiry_wire(expiry)
        return self._put_package(body, sandbox=sandbox, context=context)

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
            body["expiry"] = expiry_wire(expiry)
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
            return self._call(
                "DELETE",
                f"/packages/{segment(package_id)}",
                _delete_result,
                sandbox=sandbox,
                context=f"delete package {package_id}",
                on_error_after_ambiguous=after,
            )
        except NotFoundError:
            if missing_ok:
                return None
            raise

    def get_package(self, package_id: str, *, sandbox: str | None = None) -> Package:
        """One package by id (NotFoundError when unknown or another org's)."""
        return self._call(
            "GET",
            f"/packages/{segment(package_id)}",
            Package.model_validate,
            sandbox=sandbox,
            context=f"get package {package_id}",
        )

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

        return self._call(
            "GET",
            f"/packages/{segment(package_id)}/export",
            as_model(PublishResult),
            params=params,
            sandbox=sandbox,
            context=f"publish package {package_id}",
            reconcile=landed,
            on_error_after_ambiguous=lambda e: landed() if isinstance(e, ConflictError) else None,
        )

    def package_children(
        self,
        package_id: str,
        artifacts: Iterable[ArtifactLike] | None = None,
        *,
        sandbox: str | None = None,
    ) -> list[ArtifactChildren]:
        """Direct dependencies of `artifacts` (default: every artifact of the package).
        A POST that reads only: retried like a read."""
        body = [artifact_wire(a) for a in artifacts] if artifacts is not None else None
        return self._call(
            "POST",
            f"/packages/{segment(package_id)}/children",
            as_models(ArtifactChildren),
            body=body,
            sandbox=sandbox,
            context=f"children of package {package_id}",
        )

    def package_payload(self, package_id: str, *, sandbox: str | None = None) -> PackagePayload:
        """`GET /packages/payload/{id}`: the org and id to pull a (public) package by."""
        return self._call(
            "GET",
            f"/packages/payload/{segment(package_id)}",
            as_model(PackagePayload),
            sandbox=sandbox,
            context=f"payload of package {package_id}",
        )
