"""Handshake: a sharing link from the acting org to a target org, needed before transfers.

Lifecycle
---------
- **create**: bulkCreate for `target_org_id`. With `approve_as` (the name of an org profile
  whose orgId is the target org) the request is then approved with that profile's
  credentials, so one program can link two orgs it holds credentials for. Without it the
  handshake stays APPROVAL_PENDING and a warning says the target org has to approve it.
  An existing pending or approved link is answered again by the platform and taken over.
- **update in place**: `approve_as` (set on a pending handshake: approve it now). A link
  created whose approval failed (the plugin records it as partial state) is approved by the
  next update.
- **replace**: `target_org_id`, `source_org_name`, `org`.
- **delete**: removes it from the stack only (the platform has no call to undo a link).
- **read** (refresh): the handshake in the acting org's list (a GET), so `status` shows
  APPROVED or REJECTED once the target org acted. A link no longer listed drops the resource.
  Given the id alone (`pulumi import` on the plugin), the id or linking id finds the link,
  whose target org and source org name are the inputs.
- **adoption**: `opts=pulumi.ResourceOptions(import_=id)`, the handshake's id or its linking
  id. Create finds it among the acting org's outgoing handshakes and takes it over without
  writing when its target org (and `source_org_name`, when the program gives one) is the
  declared one; a pending one with `approve_as` is then approved, as create would. A REJECTED
  link can't be adopted. Otherwise it fails naming each difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from . import _config
from ._base import BaseProvider, Inputs, client_for, config_failures, progress, warn
from ._common import (
    HandshakeRequestType,
    HandshakeStatus,
    adoption_missing,
    declared_changes,
    difference,
    gone,
    not_adoptable,
    recorded_inputs,
)
from ._fields import NAME_RULE, Name, NonEmpty, OrgId, acting_org_id
from .declare import REPLACE, UPDATE, Doc, Outputs, adopt_doc
from .errors import ProviderError, Unfinished, api_errors

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient
    from sandbox_provider.client import Handshake as ApiHandshake

PENDING = HandshakeStatus.APPROVAL_PENDING
APPROVED = HandshakeStatus.APPROVED


class HandshakeInputs(Inputs):
    DESCRIPTION: ClassVar[str] = (
        "A sharing link from the acting org to a target org; private transfers need an "
        "approved one. Deleting it only removes it from the stack."
    )
    REQUIRED: ClassVar[tuple[str, ...]] = ("target_org_id",)
    SYNONYMS: ClassVar[dict[str, str]] = {"target": "target_org_id", "target_org": "target_org_id"}

    target_org_id: Annotated[
        OrgId | None,
        Doc(
            "The org to link with (`...@AdobeOrg`). Changing it replaces the link.",
            hint="give the IMS org id of the org to link with, like '...@AdobeOrg'",
            change=REPLACE,
        ),
    ] = None
    source_org_name: Annotated[
        Name | None,
        Doc(
            f"The name the target sees for this org; {NAME_RULE}. Left out, the profile's name "
            "(or the org id). Changing it replaces the link.",
            hint="give the name the target org sees as text, or leave it out",
            change=REPLACE,
        ),
    ] = None
    approve_as: Annotated[
        NonEmpty | None,
        Doc(
            "The name of an `aep:orgs` profile whose `orgId` is the target: approve the link "
            "with it. Left out, the link waits for the target to approve.",
            hint="give the name of the aep:orgs profile of the target org, or leave it out",
            change=UPDATE,
        ),
    ] = None
    adopt_id: Annotated[NonEmpty | None, adopt_doc("handshake", "handshake or linking id")] = None

    def cross_check(self, unknown: set[str]) -> list[CheckFailure]:
        if "org" not in unknown and "target_org_id" not in unknown and self.target_org_id:
            acting = acting_org_id(self.org)
            if acting == self.target_org_id:
                return [
                    CheckFailure(
                        "target_org_id",
                        f"{self.target_org_id} is the org this handshake acts as (`org`): "
                        "give the id of the other org to link with",
                    )
                ]
        if not self.approve_as or "approve_as" in unknown:
            return []
        failures = config_failures(self.approve_as, prop="approve_as")
        if failures or "target_org_id" in unknown:
            return failures
        profile = _config.resolve(self.approve_as)
        if profile.org_id != self.target_org_id:
            return [
                CheckFailure(
                    "approve_as",
                    f"profile {self.approve_as!r} acts as org {profile.org_id}, not the target "
                    f"{self.target_org_id}: name the profile of the target org, or drop approve_as",
                )
            ]
        return []


class HandshakeOutputs(Outputs):
    linking_id: Annotated[str, Doc("The link's linking id (also the resource's id).", always=True)]
    handshake_id: Annotated[str, Doc("The handshake's id.")]
    status: Annotated[str, Doc("`APPROVAL_PENDING`, `APPROVED` or `REJECTED`.", always=True)]
    target_org_id: str


def _find(
    client: ExImClient, linking_id: str, request_type: HandshakeRequestType, *, by_id: bool = False
) -> ApiHandshake | None:
    for hs in client.list_handshakes(request_type=request_type):
        if hs.linking_id == linking_id or (by_id and hs.id == linking_id):
            return hs
    return None


def _default_source_name(org: str | None) -> str:
    # The profile's name says which org this is to a reader; "default" says nothing.
    profile = _config.resolve(org)
    return profile.org_id if profile.name == _config.DEFAULT_PROFILE else profile.name


def _declared_name(hs: ApiHandshake) -> str | None:
    """The source org's name the request declared: `sourceIMSOrgName` in the bulkCreate
    answer, `sourceOrgName` in the list's items (packages.md "Share packages across
    organizations")."""
    return hs.source_ims_org_name or hs.source_org_name


def outputs_of(hs: ApiHandshake, inputs: Mapping[str, Any]) -> dict[str, Any]:
    outs: dict[str, Any] = {k: v for k, v in inputs.items() if v is not None}
    outs["linking_id"] = hs.linking_id
    outs["handshake_id"] = hs.id or inputs.get("handshake_id")
    outs["status"] = hs.status
    return {k: v for k, v in outs.items() if v is not None}


class HandshakeProvider(BaseProvider):
    INPUTS = HandshakeInputs

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces, updates = declared_changes(HandshakeInputs, olds, news)
        return DiffResult(changes=bool(replaces or updates), replaces=replaces)

    def _create(self, inputs: dict[str, Any]) -> CreateResult:
        target = inputs["target_org_id"]
        client = self.client(inputs.get("org"))
        what = f"linking with org {target}"
        with api_errors(what, org=inputs.get("org")):
            source_name = inputs.get("source_org_name") or _default_source_name(inputs.get("org"))
            result = client.create_handshakes([target], source_org_name=source_name)
            hs = result.successful_requests.get(target)
            if hs is None:
                reason = result.failed_requests.get(target) or result.failed_requests
                raise ProviderError(
                    f"{what} failed: the platform refused the request ({reason}): "
                    "check target_org_id"
                )
            hs = self._maybe_approve(hs, inputs, what)
        return CreateResult(str(hs.linking_id), outputs_of(hs, inputs))

    def _adopt(self, inputs: Mapping[str, Any]) -> CreateResult:
        adopt_id = inputs["adopt_id"]
        what = f"adopting handshake {adopt_id}"
        with api_errors(what, org=inputs.get("org")):
            client = self.client(inputs.get("org"))
            hs = _find(client, adopt_id, HandshakeRequestType.OUTGOING, by_id=True)
        if hs is None:
            raise ProviderError(
                f"{what} failed: the org `org` acts as has no outgoing handshake with this id "
                "or linking id: " + adoption_missing("handshake")
            )
        differences = []
        if hs.target_ims_org_id not in (None, inputs["target_org_id"]):
            differences.append(
                difference("target_org_id", hs.target_ims_org_id, inputs["target_org_id"])
            )
        name = inputs.get("source_org_name")
        declared = _declared_name(hs)
        if name and declared not in (None, name):
            differences.append(difference("source_org_name", declared, name))
        if hs.status == HandshakeStatus.REJECTED:
            differences.append(
                "the target org REJECTED this link, so there is no link to adopt: remove "
                "import_ to request a new one"
            )
        if differences:
            raise not_adoptable(what, differences)
        if hs.status == PENDING and inputs.get("approve_as"):
            hs = self._maybe_approve(hs, inputs, what)  # what create does with approve_as
        else:
            progress(f"handshake {adopt_id} with {hs.target_ims_org_id} adopted without changes")
        return CreateResult(str(hs.linking_id), outputs_of(hs, inputs))

    def _maybe_approve(
        self, hs: ApiHandshake, inputs: Mapping[str, Any], what: str
    ) -> ApiHandshake:
        target = inputs["target_org_id"]
        if hs.status != PENDING:
            progress(f"handshake with {target}: {hs.status}")
            return hs
        approver = inputs.get("approve_as")
        if not approver:
            warn(
                f"handshake with {target} is APPROVAL_PENDING: the target org has to approve "
                "it (or set approve_as to the name of an org profile for the target org)"
            )
            return hs
        linking_id = str(hs.linking_id)
        try:
            with api_errors(
                f"{what}: approving as profile {approver!r}",
                org=approver,
                forbidden=f"approve_as must name the profile of the target org {target}",
            ):
                as_target = client_for(approver)
                incoming = _find(as_target, linking_id, HandshakeRequestType.INCOMING) or hs
                approved = as_target.act_on_handshake(
                    linking_id,
                    APPROVED,
                    reason="approved by the Pulumi program that created it",
                    target_org_name=incoming.target_org_name or approver,
                    target_region=incoming.target_region or incoming.source_region or "",
                )
        except ProviderError as exc:
            # The link exists, still APPROVAL_PENDING: the plugin records it, and the next
            # update approves it.
            raise Unfinished(str(exc), linking_id, outputs_of(hs, inputs)) from None
        progress(f"handshake with {target}: approved as profile {approver!r}")
        # The approval answers as the target sees it; the status is what matters here.
        hs.status = approved.status or APPROVED
        return hs

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        olds = self.strip(props)
        # Nothing recorded: `pulumi import` through the plugin sends the id alone, which may
        # be the handshake's id as well as its linking id (as for adoption).
        imported = not olds.get("target_org_id")
        hs = self.live(
            f"handshake {id_}",
            olds,
            lambda client: _find(client, id_, HandshakeRequestType.OUTGOING, by_id=imported),
        )
        if hs is None:
            return gone()
        if imported:
            # The inputs are the link's own; `approve_as` only acts on a pending one.
            own = {"target_org_id": hs.target_ims_org_id, "source_org_name": _declared_name(hs)}
            inputs = {k: v for k, v in own.items() if v}
            return ReadResult(str(hs.linking_id), outputs_of(hs, inputs), inputs=inputs)
        inputs = recorded_inputs(HandshakeInputs, olds)
        outs = dict(olds)
        outs["status"] = hs.status
        return ReadResult(id_, outs, inputs=inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = self.strip(news)
        client = self.client(inputs.get("org"))
        what = f"linking with org {inputs['target_org_id']}"
        with api_errors(what, org=inputs.get("org")):
            hs = _find(client, id_, HandshakeRequestType.OUTGOING)
        if hs is None:
            raise ProviderError(
                f"{what} failed: handshake {id_} is no longer listed: run `pulumi refresh`, "
                "then `pulumi up` to create a new one"
            )
        hs = self._maybe_approve(hs, inputs, what)
        outs = outputs_of(hs, {**inputs, "handshake_id": olds.get("handshake_id")})
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        progress(f"handshake {id_}: removed from the stack only (a link can't be undone)")
