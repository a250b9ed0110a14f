"""What a Transfer finds before requesting (an earlier run's transfer to take over), its
outputs, and its wait: once requested, a transfer exists on the platform, so a wait cut short
records it (the plugin's partial state) and the next update finishes it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._common import (
    StatusReporter,
    TransferRequestType,
    TransferStatus,
    wait_for,
    wait_seconds,
)

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient, OperationFailedError
    from sandbox_provider.client import Transfer as ApiTransfer

PRIVATE = TransferRequestType.PRIVATE
RUNNING = (TransferStatus.PENDING, TransferStatus.IN_PROGRESS)
COMPLETED = TransferStatus.COMPLETED


def earlier_transfer(client: ExImClient, inputs: Mapping[str, Any]) -> ApiTransfer | None:
    """A transfer of the same package to the same org that is still running (preferred) or
    ended COMPLETED: what an earlier run of this create requested before it timed out or was
    interrupted. The newest wins."""
    request_type = inputs.get("request_type", PRIVATE)
    target = inputs.get("target_org_id") or client.org_id
    source = inputs.get("source_org_id")
    candidates = [
        t
        for t in client.list_transfers(request_type=request_type)
        if t.package_id == inputs["package_id"]
        and t.target_ims_org_id in (None, target)
        and (source is None or t.source_ims_org_id in (None, source))
        and t.status in (*RUNNING, COMPLETED)
    ]
    candidates.sort(
        key=lambda t: (t.status in RUNNING, t.created_date or 0, t.modified_date or 0),
        reverse=True,
    )
    return candidates[0] if candidates else None


def outputs_of(t: ApiTransfer, inputs: Mapping[str, Any]) -> dict[str, Any]:
    outs: dict[str, Any] = {k: v for k, v in inputs.items() if v is not None}
    outs["transfer_id"] = t.id
    outs["status"] = t.status
    outs["messages"] = list(t.messages)
    outs["request_type"] = (t.request_type or inputs.get("request_type") or PRIVATE).upper()
    return {k: v for k, v in outs.items() if v is not None}


def wait_for_transfer(
    client: ExImClient,
    transfer_id: str,
    inputs: Mapping[str, Any],
    what: str,
    partial: ApiTransfer | None = None,
    finishing: bool = False,
) -> ApiTransfer:
    """Wait until COMPLETED. `partial`: the transfer as requested (it exists: a wait cut
    short records it); `finishing`: an update finishing what a create requested."""
    timeout = wait_seconds(inputs)
    report: StatusReporter[ApiTransfer] = StatusReporter(
        lambda t: t.status,
        lambda t, status: f"transfer {transfer_id}: {status} ({t.last_message or '...'})",
    )

    def failed(exc: OperationFailedError) -> str:
        from sandbox_provider.client import Transfer as ApiTransfer  # loaded with the client

        seen = exc.last_seen if isinstance(exc.last_seen, ApiTransfer) else None
        messages = seen.messages if seen is not None else []
        # The last message is the final status; the one before it says why.
        telling = [m for m in messages if not m.startswith("Finished with status")]
        reason = telling[-1] if telling else exc.reason or "no message"
        # Finishing: only a new transfer (the replacement the next diff plans) can copy.
        again = ", which replaces it with a new transfer" if finishing else ""
        return (
            f"{what} failed: transfer {transfer_id} ended FAILED ({reason}): fix the cause "
            "(a handshake approved by the target? the package published and unexpired?), "
            f"then run `pulumi up` again{again}" + "".join(f"\n  | {m}" for m in messages)
        )

    def recorded(seen: ApiTransfer | None) -> tuple[str, dict[str, Any]]:
        assert partial is not None  # given as `partial` only with one
        return transfer_id, outputs_of(seen if seen is not None else partial, inputs)

    return wait_for(
        lambda progress: client.wait_for_transfer(transfer_id, timeout=timeout, progress=progress),
        report,
        what=what,
        org=inputs.get("org"),
        timeout=timeout,
        still=f"transfer {transfer_id} may still complete on the platform",
        failed=failed,
        partial=recorded if partial is not None else None,
        record_failure=finishing,
    )
