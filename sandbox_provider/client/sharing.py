"""The sharing endpoints of `ExImClient`: handshakes between orgs and package transfers.

Safety of the calls that are not idempotent (see also `retry.py`):

* `create_handshakes` (POST /handshake/bulkCreate) is idempotent on the server (an existing
  pending/approved pair is answered again), so it simply retries.
* `act_on_handshake` (POST /handshake/action): after an ambiguous failure the handshake is
  looked up; already in the requested status → done.
* `create_transfer` (POST /transfer) and `pull_public_package` (POST /transfer/pullRequest):
  before sending, the client notes the transfers of the package; after an ambiguous failure
  a new transfer to the same target means the first request landed, and it is reported
  instead of sending again (looked for during `RetryPolicy.reconcile_grace` seconds, as the
  first request may still be in flight).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .errors import ConflictError
from .models import Handshake, HandshakeBulkResult, Transfer, TransferRequestType
from .paging import FilterLike, prop
from .transport import DEFAULT_PAGE_SIZE, Transport, as_model, segment

__all__ = ["SharingApi"]


def _transfers(raw: Any) -> list[Transfer]:
    # POST /transfer answers one transfer per target: a list, or one object for one target.
    items = raw if isinstance(raw, list) else [raw]
    return [Transfer.model_validate(t) for t in items if t]


class SharingApi(Transport):
    """`/handshake` (asking another org to approve sharing) and `/transfer` (sending a
    published package to it, or pulling a public one)."""

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
        return self._call(
            "POST",
            "/handshake/bulkCreate",
            as_model(HandshakeBulkResult),
            body=body,
            sandbox=sandbox,
            context="create handshakes",
        )

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

        return self._call(
            "POST",
            "/handshake/action",
            as_model(Handshake),
            body=body,
            sandbox=sandbox,
            context=f"{wanted.lower()} handshake {linking_id}",
            idempotent=False,
            reconcile=landed,
            on_error_after_ambiguous=lambda e: landed() if isinstance(e, ConflictError) else None,
        )

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

        return self._call(
            "POST",
            "/transfer",
            _transfers,
            body=body,
            sandbox=sandbox,
            context=f"transfer package {package_id}",
            idempotent=False,
            reconcile_grace=True,
            reconcile=landed,
        )

    def get_transfer(self, transfer_id: str, *, sandbox: str | None = None) -> Transfer:
        return self._call(
            "GET",
            f"/transfer/{segment(transfer_id)}",
            as_model(Transfer),
            sandbox=sandbox,
            context=f"get transfer {transfer_id}",
        )

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

        return self._call(
            "POST",
            "/transfer/pullRequest",
            as_model(Transfer),
            body=body,
            sandbox=sandbox,
            context=f"pull public package {package_id} from {source_org_id}",
            idempotent=False,
            reconcile_grace=True,
            reconcile=landed,
        )
