"""Transfer: a published package copied to another org.

Two kinds:

- **private share** (`request_type="PRIVATE"`, the default): `package_id` + `target_org_id`;
  the acting org owns the package and has an approved Handshake with the target.
- **public pull** (`request_type="PUBLIC"`): `package_id` + `source_org_id`; the acting org
  (`org=`) pulls a PUBLIC published package of the source org into itself.

Lifecycle
---------
- **create**: request the transfer and wait until COMPLETED; FAILED is an error carrying the
  platform's messages, and nothing is recorded in the stack. A transfer of the same package
  to the same org requested by an earlier run that timed out, failed or was killed is not
  repeated: still running, it is waited for; COMPLETED, it is taken over as this create's
  result (a FAILED one copied nothing and is ignored).
- **update in place**: `timeout_seconds` only (recorded, nothing sent). A transfer a create
  requested but did not see finish (the plugin records it as partial state) is waited for
  by the update, never requested again; one that ended FAILED is replaced at the next `up`.
- **replace**: any other input change: a new transfer.
- **delete**: removes it from the stack only; the copy stays in the target org.
- **read** (refresh): one GET of the transfer; `status` and `messages` as the platform has
  them. A transfer that no longer exists drops the resource. Given the id alone (`pulumi
  import` on the plugin), its package, kind and other org are the inputs.
- **adoption**: `opts=pulumi.ResourceOptions(import_=transfer_id)`. Create takes the transfer
  over without writing when its package, kind (`request_type`) and target org (for a pull:
  source org) are the declared ones; a running one is waited for. A FAILED transfer copied
  nothing and can't be adopted. Otherwise it fails naming each difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pulumi.dynamic import (
    CheckFailure,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from ._base import BaseProvider, Inputs, progress
from ._common import (
    ADOPT_ID,
    StatusReporter,
    TransferRequestType,
    TransferStatus,
    adoption_missing,
    diff_by_declaration,
    difference,
    gone,
    not_adoptable,
    recorded_inputs,
    recorded_update,
    wait_for,
    wait_seconds,
)
from ._dates import wait_doc
from ._fields import NonEmpty, OrgId, PackageId, Seconds, acting_org_id
from .declare import ORG_DOC, ORG_HINT, REPLACE, Doc, Outputs, adopt_doc
from .errors import GONE, ProviderError, api_errors

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient, OperationFailedError
    from sandbox_provider.client import Transfer as ApiTransfer


# == transfer partial =========================================================================
# What a Transfer finds before requesting (an earlier run's transfer to take over), its
# outputs, and its wait: once requested, a transfer exists on the platform, so a wait cut short
# records it (the plugin's partial state) and the next update finishes it.


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


# == the resource ===========================================================================
PUBLIC = TransferRequestType.PUBLIC


class TransferInputs(Inputs):
    DESCRIPTION: ClassVar[str] = (
        "A published package copied to another org: shared privately with a linked org, or "
        "pulled (PUBLIC) from the org that published it. Only its timeout updates in place. "
        "Deleting it only removes it from the stack (the copy stays)."
    )
    REQUIRED: ClassVar[tuple[str, ...]] = ("package_id",)
    SYNONYMS: ClassVar[dict[str, str]] = {"target": "target_org_id", "source": "source_org_id"}

    package_id: Annotated[
        PackageId | None,
        Doc(
            "The published package to copy (PUBLIC for a pull).",
            hint="pass a PublishedPackage's package_id output (package_id=pub.package_id)",
            change=REPLACE,
        ),
    ] = None
    target_org_id: Annotated[
        OrgId | None,
        Doc(
            "For a PRIVATE transfer (required then): the org to share with, linked by an "
            "APPROVED Handshake.",
            hint="give the IMS org id of the org to share with, like '...@AdobeOrg'",
            change=REPLACE,
        ),
    ] = None
    source_org_id: Annotated[
        OrgId | None,
        Doc(
            "For a PUBLIC pull (required then): the org that published the package.",
            hint="give the IMS org id of the org that published the package",
            change=REPLACE,
        ),
    ] = None
    request_type: Annotated[
        Literal["PRIVATE", "PUBLIC"],
        Doc(
            "`PRIVATE` (share with `targetOrgId`) or `PUBLIC` (pull into the acting org).",
            hint="use 'PRIVATE' (share with target_org_id) or 'PUBLIC' (pull from source_org_id)",
            change=REPLACE,
        ),
    ] = "PRIVATE"
    timeout_seconds: Annotated[
        Seconds | None,
        wait_doc("the transfer", "`COMPLETED`", "completed"),
    ] = None
    org: Annotated[
        str | None,
        Doc(ORG_DOC + " For a PUBLIC pull: the pulling org.", hint=ORG_HINT, change=REPLACE),
    ] = None
    adopt_id: Annotated[NonEmpty | None, adopt_doc("transfer", "transfer id")] = None

    def cross_check(self, unknown: set[str]) -> list[CheckFailure]:
        if "request_type" in unknown:
            return []
        failures = []
        acting = None if "org" in unknown else acting_org_id(self.org)
        # One org given, on the side of the other kind: the kind is the mistake.
        no_target = self.target_org_id is None and "target_org_id" not in unknown
        no_source = self.source_org_id is None and "source_org_id" not in unknown
        if self.request_type == PRIVATE and self.source_org_id and no_target:
            return [
                CheckFailure(
                    "request_type",
                    "a PRIVATE transfer (the default) shares with target_org_id, and "
                    "source_org_id is for pulls: to pull from source_org_id set "
                    "request_type='PUBLIC'",
                )
            ]
        if self.request_type == PUBLIC and self.target_org_id and no_source:
            return [
                CheckFailure(
                    "request_type",
                    "a PUBLIC pull takes source_org_id, not target_org_id: to share with "
                    "target_org_id use request_type='PRIVATE'",
                )
            ]
        if self.request_type == PRIVATE:
            if acting and self.target_org_id == acting:
                failures.append(
                    CheckFailure(
                        "target_org_id",
                        f"{acting} is the org this transfer acts as (`org`), which holds the "
                        "package already: give the id of the org to share with",
                    )
                )
            if self.target_org_id is None and "target_org_id" not in unknown:
                failures.append(
                    CheckFailure(
                        "target_org_id",
                        "a PRIVATE transfer needs target_org_id: give the id of the org to "
                        "share with (to pull a public package instead, use "
                        "request_type='PUBLIC' with source_org_id)",
                    )
                )
            if self.source_org_id is not None:
                failures.append(
                    CheckFailure(
                        "source_org_id",
                        "source_org_id is for request_type='PUBLIC' pulls: remove it, or set "
                        "request_type='PUBLIC'",
                    )
                )
        else:
            if acting and self.source_org_id == acting:
                failures.append(
                    CheckFailure(
                        "source_org_id",
                        f"{acting} is the pulling org (`org`), which holds the package already: "
                        "give the id of the org that published it, or set `org` to the profile "
                        "of the pulling org",
                    )
                )
            if self.source_org_id is None and "source_org_id" not in unknown:
                failures.append(
                    CheckFailure(
                        "source_org_id",
                        "a PUBLIC pull needs source_org_id: give the id of the org that "
                        "published the package (the pulling org is the one `org` acts as)",
                    )
                )
            if self.target_org_id is not None:
                failures.append(
                    CheckFailure(
                        "target_org_id",
                        "a PUBLIC pull lands in the acting org: remove target_org_id and set "
                        "`org` to the profile of the pulling org",
                    )
                )
        return failures


class TransferOutputs(Outputs):
    transfer_id: Annotated[str, Doc("The transfer's id (also the resource's id).", always=True)]
    status: Annotated[str, Doc("The transfer's status: `COMPLETED` once created.", always=True)]
    messages: Annotated[list[str], Doc("The platform's progress messages.", always=True)]
    request_type: Annotated[str, Doc(always=True)]
    package_id: str


#: A 404 on the package: the input that named it.
_PACKAGE_MISSING = (
    "package_id names no package this org can see: pass the package_id of a published "
    "Package (for a PUBLIC pull: a PUBLIC package of source_org_id)"
)
#: A 403 from the service: a copy held by this org can't be shared on.
_NOT_OWNER = (
    "package_id is a copy this org received: only the org that published it can transfer it "
    "(set `org=` to that org's profile)"
)


class TransferProvider(BaseProvider):
    INPUTS = TransferInputs

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return diff_by_declaration(
            TransferInputs, olds, news, status="status", failed=TransferStatus.FAILED
        )

    def _create(self, inputs: dict[str, Any]) -> CreateResult:
        package_id = inputs["package_id"]
        org = inputs.get("org")
        client = self.client(org)
        public = inputs.get("request_type", PRIVATE) == PUBLIC
        if public:
            what = f"pulling public package {package_id} from org {inputs['source_org_id']}"
        else:
            what = f"transferring package {package_id} to org {inputs['target_org_id']}"
        with api_errors(what, org=org, missing=_PACKAGE_MISSING, forbidden=_NOT_OWNER):
            earlier = earlier_transfer(client, inputs)
            if earlier is not None and earlier.status == COMPLETED:
                # It completed after the run that requested it stopped: the copy is ours.
                progress(f"transfer {earlier.id} already COMPLETED ({what}): taking it over")
                return CreateResult(str(earlier.id), outputs_of(earlier, inputs))
            if earlier is not None:
                # A run that timed out or was interrupted recorded nothing, but the transfer
                # went on: wait for it rather than requesting a second one.
                transfer = earlier
                progress(f"transfer {transfer.id} is already {transfer.status}: waiting")
            elif public:
                transfer = client.pull_public_package(package_id, inputs["source_org_id"])
            else:
                answer = client.create_transfer(package_id, [inputs["target_org_id"]])
                if not answer:
                    raise ProviderError(f"{what} failed: the platform answered no transfer")
                transfer = answer[0]
            if not transfer.id:
                raise ProviderError(f"{what} failed: the platform answered no transfer id")
            if earlier is None:
                progress(f"transfer {transfer.id}: requested ({what})")
            # Requested (by this run or an earlier one): a wait cut short records it.
            transfer = wait_for_transfer(client, str(transfer.id), inputs, what, partial=transfer)
        return CreateResult(str(transfer.id), outputs_of(transfer, inputs))

    def _adopt(self, inputs: Mapping[str, Any]) -> CreateResult:
        adopt_id, org = inputs[ADOPT_ID], inputs.get("org")
        client = self.client(org)
        what = f"adopting transfer {adopt_id}"
        with api_errors(what, org=org, missing=adoption_missing("transfer")):
            t = client.get_transfer(adopt_id)
            kind = inputs.get("request_type", PRIVATE)
            # A pull lands in the acting org; a share leaves from it.
            other = ("target_org_id", t.target_ims_org_id, inputs.get("target_org_id"))
            if kind == PUBLIC:
                other = ("source_org_id", t.source_ims_org_id, inputs.get("source_org_id"))
            differences = [
                difference(key, platform, program)
                for key, platform, program in (
                    ("package_id", t.package_id, inputs["package_id"]),
                    ("request_type", (t.request_type or kind).upper(), kind),
                    other,
                )
                if platform is not None and platform != program
            ]
            if t.status == TransferStatus.FAILED:
                differences.append(
                    f"the transfer ended FAILED ({t.last_message or 'no message'}) and copied "
                    "nothing, so there is nothing to adopt: remove import_ to transfer again"
                )
            if differences:
                raise not_adoptable(what, differences)
            if t.status in RUNNING:
                progress(f"transfer {adopt_id} is {t.status}: waiting")
                t = wait_for_transfer(client, adopt_id, inputs, what)
        progress(f"transfer {adopt_id} ({t.package_name or t.package_id}) adopted without changes")
        return CreateResult(str(t.id or adopt_id), outputs_of(t, inputs))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        olds = self.strip(props)
        t = self.live(f"transfer {id_}", olds, lambda client: client.get_transfer(id_))
        if t is None:
            return gone()
        inputs = recorded_inputs(TransferInputs, olds)
        if not inputs.get("package_id"):
            # Nothing recorded: `pulumi import` through the plugin sends the id alone, so the
            # inputs are the transfer's own (a pull names the org it came from).
            kind = (t.request_type or PRIVATE).upper()
            other = ("source_org_id", t.source_ims_org_id)
            if kind != PUBLIC:
                other = ("target_org_id", t.target_ims_org_id)
            own = {"package_id": t.package_id, "request_type": kind, other[0]: other[1]}
            inputs = {k: v for k, v in own.items() if v}
        return ReadResult(id_, outputs_of(t, inputs), inputs=inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        outs = self.strip(olds)
        if outs.get("status") != COMPLETED:
            # A create cut short after requesting (the plugin's partial state): finish that
            # transfer, never request another.
            inputs = self.strip(news)
            client = self.client(inputs.get("org"))
            what = f"finishing transfer {id_}"
            with api_errors(what, org=inputs.get("org"), missing=GONE):
                current = client.get_transfer(id_)
            done = wait_for_transfer(client, id_, inputs, what, partial=current, finishing=True)
            return UpdateResult(outputs_of(done, inputs))
        return UpdateResult(recorded_update(TransferInputs, outs, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        progress(f"transfer {id_}: removed from the stack only; the copy stays in the target org")
