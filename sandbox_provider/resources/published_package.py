"""PublishedPackage: the publication of a Package, which makes it importable and shareable.

Lifecycle
---------
- **create**: publish the package (with `expiry_period_days` when given) and wait until it is
  PUBLISHED; PUBLISH_FAILED is an error carrying the platform's reason. A package that is
  already PUBLISHED is taken as it is (nothing to redo: a publication can't be repeated);
  one still PUBLISH_IN_PROGRESS is waited for. Then, for `visibility="PUBLIC"`, the package
  is made public.
- **update in place**: `visibility` PRIVATE -> PUBLIC. `expiry_period_days` and
  `timeout_seconds` only matter while publishing: a change is recorded and nothing is sent
  (a warning says so). A publication a create left unfinished (its wait timed out or was
  cancelled: the plugin records it as partial state) is finished by the update: waited for,
  or published again if it is neither PUBLISHED nor in progress.
- **refused at preview**: `visibility` PUBLIC -> PRIVATE; the platform can't make a public
  package private again.
- **replace**: `package_id`, `org` (another package is published).
- **expiry**: a preview or up warns when the package expires within `aep:expiryWarningDays`
  days (default 14), or has expired (then the Package's replacement, planned at refresh,
  brings a new publication).
- **delete**: removes the publication from the stack only. A publication can't be undone:
  the package stays PUBLISHED until the Package itself is deleted. A warning says so.
- **read** (refresh): one GET of the package; `visibility` is rewritten to the platform's, so
  a package made public behind the program's back shows at refresh (and a program that still
  says PRIVATE is then refused at preview). A look-up without `packageVisibility` (the pages'
  example of it shows none) keeps the recorded one. A package that no longer exists drops the
  resource. `job_id` (the publish answer's `jobId`, the EXPORT job) stays as recorded.
- **adoption**: `opts=pulumi.ResourceOptions(import_=package_id)` (the id of the published
  package; `package_id` must name the same one). Create takes the publication over without
  writing when the package is PUBLISHED (one PUBLISH_IN_PROGRESS is waited for) and its
  visibility is the declared one; otherwise it fails naming each difference. A DRAFT or
  PUBLISH_FAILED package has no publication to adopt. `expiry_period_days` isn't compared:
  it only applies while publishing. See `dynamic.resources.adoption` for why `import_` works
  this way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, NamedTuple

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from sandbox_provider.client import ExImTimeoutError, OperationFailedError
from sandbox_provider.client.timing import EXPIRY_DAYS_MAX

from . import _config
from ._base import (
    BaseProvider,
    Inputs,
    interruptible,
    is_unknown,
    progress,
    wait_override,
    warn,
)
from ._common import (
    PackageStatus,
    PackageVisibility,
    StatusReporter,
    adoption_missing,
    declared_changes,
    difference,
    gone,
    known_package_id,
    not_adoptable,
    wait_seconds,
)
from ._dates import wait_doc
from ._fields import Days, PackageId, Seconds
from .declare import REPLACE, UPDATE, Doc, Outputs, adopt_doc
from .errors import GONE, Cancelled, ProviderError, Unfinished, api_errors
from .package import expiry_warning

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient
    from sandbox_provider.client import Package as ApiPackage

PUBLIC = PackageVisibility.PUBLIC
PRIVATE = PackageVisibility.PRIVATE


class PublishedPackageInputs(Inputs):
    DESCRIPTION: ClassVar[str] = (
        "The publication of a package: what makes it importable and shareable. Deleting it "
        "only removes it from the stack (a publication can't be undone)."
    )
    REQUIRED: ClassVar[tuple[str, ...]] = ("package_id",)
    SYNONYMS: ClassVar[dict[str, str]] = {"expiry_days": "expiry_period_days"}

    package_id: Annotated[
        PackageId | None,
        Doc(
            "The package to publish, usually a Package's `packageId`. Changing it replaces the "
            "publication.",
            hint="pass a Package's package_id output (package_id=pkg.package_id)",
            change=REPLACE,
        ),
    ] = None
    expiry_period_days: Annotated[
        Days | None,
        Doc(
            f"Days the published package lives (1–{EXPIRY_DAYS_MAX}), counted from "
            "publication; left out, the platform's 90. Recorded only once published.",
            hint=f"give a whole number of days from 1 to {EXPIRY_DAYS_MAX}",
            change=UPDATE,
        ),
    ] = None
    visibility: Annotated[
        Literal["PRIVATE", "PUBLIC"],
        Doc(
            "`PRIVATE`, or `PUBLIC` (any org may pull it). PRIVATE to PUBLIC updates in place; "
            "PUBLIC can't go back to PRIVATE.",
            hint="use 'PRIVATE' (shared by transfer only) or 'PUBLIC' (anyone may pull)",
            change=UPDATE,
        ),
    ] = "PRIVATE"
    timeout_seconds: Annotated[
        Seconds | None,
        wait_doc("the publication", "`PUBLISHED`", "published"),
    ] = None
    adopt_id: Annotated[PackageId | None, adopt_doc("package", "package id")] = None


class PublishedPackageOutputs(Outputs):
    package_id: Annotated[str, Doc(always=True)]
    status: Annotated[
        str,
        Doc(
            "The package's status: `PUBLISHED` once created (`PUBLISH_IN_PROGRESS` when the "
            "wait ended first; the next update finishes it).",
            always=True,
        ),
    ]
    publish_date: Annotated[int, Doc("When the package was published, in epoch milliseconds.")]
    correlation_id: Annotated[str | None, Doc("The publication's correlation id.")]
    job_id: Annotated[
        str | None,
        Doc(
            "The publication's EXPORT job (the publish answer's `jobId`), whose outcome "
            "`GET /tools/job/{id}` gives; absent when the package was published before "
            "(adopted, or found PUBLISHED)."
        ),
    ]
    visibility: Annotated[str, Doc(always=True)]
    expiry: Annotated[int, Doc("When the published package expires, in epoch milliseconds.")]
    expiry_period_days: int | None
    org: str | None


def public_to_private(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    return olds.get("visibility") == PUBLIC and news.get("visibility", PRIVATE) == PRIVATE


REFUSED_REASON = (
    "the package is PUBLIC and a public package can't go back to PRIVATE: "
    "keep visibility='PUBLIC' (or publish a new package to keep it private)"
)


def _visibility(pkg: ApiPackage, known: str) -> str:
    """The package's visibility, else `known` (what the state or program says): only the
    visibility answer's example shows `packageVisibility` for sure (current/packages.md
    `#update-availability`), so a look-up without it must not turn a public package private."""
    return pkg.package_visibility or known


class Publication(NamedTuple):
    """What the publish answer names: kept in state, the answer can't be asked again."""

    correlation_id: str | None = None
    job_id: str | None = None

    @classmethod
    def recorded(cls, olds: Mapping[str, Any]) -> Publication:
        return cls(olds.get("correlation_id"), olds.get("job_id"))


#: A publication this provider didn't ask for (adopted, found PUBLISHED or publishing).
NOT_PUBLISHED_HERE = Publication()


def outputs_of(pkg: ApiPackage, inputs: Mapping[str, Any], publication: Publication) -> dict:
    outs: dict[str, Any] = {
        "package_id": pkg.id,
        "status": pkg.status,
        "publish_date": pkg.publish_date,
        "correlation_id": publication.correlation_id,
        "job_id": publication.job_id,
        "visibility": _visibility(pkg, inputs.get("visibility") or PRIVATE),
        "expiry": pkg.expiry,
        "expiry_period_days": inputs.get("expiry_period_days"),
        "timeout_seconds": inputs.get("timeout_seconds"),
        "org": inputs.get("org"),
    }
    return {k: v for k, v in outs.items() if v is not None}


#: A 404 on the package: the input that named it.
_PACKAGE_MISSING = (
    "package_id names no package of the org `org` acts as: pass a Package's package_id (and "
    "the same `org` as that Package)"
)
#: A 403 from the service: a copy received from another org can't be published again.
_NOT_OWNER = (
    "package_id is a copy this org received, which only its owner can publish or change: "
    "publish the original with `org=` set to the owner's profile"
)


def _export_failure(client: ExImClient, pkg: ApiPackage | None, job_id: str | None) -> str | None:
    """Why a publication failed: the failed tasks of its EXPORT job (no page shows a reason
    on the package). The job is the one the publish answer named, else the newest EXPORT job
    under the package's name since the package was created. Best effort: None when unknown."""
    from sandbox_provider.client import ExImError, JobRequestType

    try:
        if job_id is None and pkg is not None:
            jobs = client.find_jobs(
                name=pkg.name, request_type=JobRequestType.EXPORT, created_from=pkg.created_date
            )
            job_id = jobs[0].id if jobs else None
        return client.get_job(job_id).failure_reason if job_id else None
    except ExImError:
        return None


class PublishedPackageProvider(BaseProvider):
    INPUTS = PublishedPackageInputs

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        result = super().check(olds, news)
        if not is_unknown(news.get("visibility")) and public_to_private(olds, result.inputs):
            result.failures.append(CheckFailure("visibility", REFUSED_REASON))
        return result

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        news = dict(known_package_id(olds, news))
        if not is_unknown(news.get("visibility")) and public_to_private(olds, news):
            # check() refuses this already; a diff must not plan it either.
            raise ProviderError(f"visibility can't change to PRIVATE: {REFUSED_REASON}")
        replaces, updates = declared_changes(PublishedPackageInputs, olds, news)
        if not replaces:
            notice = expiry_warning(f"published package {_id}", olds, _config.expiry_warning_days())
            if notice:
                warn(notice)
        return DiffResult(changes=bool(replaces or updates), replaces=replaces)

    def _create(self, inputs: dict[str, Any]) -> CreateResult:
        package_id = inputs["package_id"]
        client = self.client(inputs.get("org"))
        what = f"publishing package {package_id}"
        publication = NOT_PUBLISHED_HERE
        with api_errors(
            what, org=inputs.get("org"), missing=_PACKAGE_MISSING, forbidden=_NOT_OWNER
        ):
            pkg = client.get_package(package_id)
            if pkg.status == PackageStatus.PUBLISHED:
                progress(f"package {pkg.name!r} ({package_id}) is already published")
            else:
                pkg, publication = self._publish(pkg, inputs, what, publication)
            if inputs.get("visibility") == PUBLIC and _visibility(pkg, PRIVATE) != PUBLIC:
                pkg = client.set_visibility(package_id, PUBLIC)
                progress(f"package {pkg.name!r} ({package_id}) is now PUBLIC")
        outs = outputs_of(pkg, inputs, publication)
        notice = expiry_warning(
            f"published package {package_id}", outs, _config.expiry_warning_days()
        )
        if notice:
            warn(notice)
        return CreateResult(package_id, outs)

    def _adopt(self, inputs: Mapping[str, Any]) -> CreateResult:
        adopt_id = inputs["adopt_id"]
        what = f"adopting the publication of package {adopt_id}"
        differences = []
        if inputs["package_id"] != adopt_id:
            differences.append(
                f"package_id is {inputs['package_id']!r} in the program, but import_ names "
                f"{adopt_id!r}: pass the package_id of the package given to import_"
            )
        with api_errors(what, org=inputs.get("org"), missing=adoption_missing("package")):
            pkg = self.client(inputs.get("org")).get_package(adopt_id)
            if pkg.status == PackageStatus.PUBLISH_IN_PROGRESS and not differences:
                pkg = self._wait_published(adopt_id, inputs, what)
        if pkg.status != PackageStatus.PUBLISHED:
            differences.append(
                f"the package is {pkg.status} on the platform, not PUBLISHED: there is no "
                "publication to adopt (remove import_ to publish it)"
            )
        wanted = inputs.get("visibility", PRIVATE)
        if _visibility(pkg, wanted) != wanted:
            differences.append(difference("visibility", _visibility(pkg, wanted), wanted))
        if differences:
            raise not_adoptable(what, differences)
        progress(f"publication of package {pkg.name!r} ({adopt_id}) adopted without changes")
        return CreateResult(adopt_id, outputs_of(pkg, inputs, NOT_PUBLISHED_HERE))

    def _publish(
        self, pkg: ApiPackage, inputs: Mapping[str, Any], what: str, publication: Publication
    ) -> tuple[ApiPackage, Publication]:
        """Publish a package not yet PUBLISHED (unless it is publishing) and wait for it:
        create's job, and an update's when a create left it unfinished."""
        if pkg.status != PackageStatus.PUBLISH_IN_PROGRESS:
            # The engine hands every number over as a float (365.0); check() made sure it is
            # whole, and the platform wants "365".
            days = inputs.get("expiry_period_days")
            answer = self.client(inputs.get("org")).publish_package(
                pkg.id, expiry_period_days=None if days is None else int(days)
            )
            publication = Publication(answer.correlation_id, answer.job_id)
        published = self._wait_published(pkg.id, inputs, what, publication)
        return published, publication

    def _wait_published(
        self,
        package_id: str,
        inputs: Mapping[str, Any],
        what: str,
        publication: Publication = NOT_PUBLISHED_HERE,
    ) -> ApiPackage:
        client = self.client(inputs.get("org"))
        timeout = wait_seconds(inputs)
        report: StatusReporter[ApiPackage] = StatusReporter(
            lambda pkg: pkg.status,
            lambda pkg, status: f"package {pkg.name!r} ({package_id}): {status}",
        )
        try:
            return interruptible(
                lambda: client.wait_for_package(package_id, timeout=timeout, progress=report),
                what,
            )
        except OperationFailedError as exc:
            reason = exc.reason or _export_failure(client, report.seen, publication.job_id)
            raise ProviderError(
                f"{what} failed: PUBLISH_FAILED: {reason or 'no reason given'}: fix the "
                "package (e.g. an artifact deleted from the source sandbox), then run "
                "`pulumi up` again"
            ) from None
        except (ExImTimeoutError, Cancelled) as exc:
            if isinstance(exc, Cancelled):
                message = (
                    f"{what} was cancelled while waiting (last status {report.last}): run "
                    "`pulumi up` again to keep waiting"
                )
            else:
                limit = "customTimeouts" if wait_override() else "timeout_seconds"
                message = (
                    f"{what} did not finish within {timeout:g}s (last status {report.last}): "
                    f"run `pulumi up` again to keep waiting, or raise {limit}"
                )
            if report.seen is None:
                raise ProviderError(message) from None
            # Submitted: the publication exists on the platform, and an update finishes it.
            outs = outputs_of(report.seen, inputs, publication)
            raise Unfinished(message, package_id, outs) from None

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        olds = self.strip(props)
        pkg = self.live(f"published package {id_}", olds, lambda client: client.get_package(id_))
        if pkg is None:
            return gone()
        inputs = {
            k: olds[k]
            for k in ("package_id", "expiry_period_days", "timeout_seconds", "org")
            if olds.get(k) is not None
        }
        inputs["package_id"] = pkg.id
        inputs["visibility"] = _visibility(pkg, olds.get("visibility") or PRIVATE)
        outs = outputs_of(pkg, inputs, Publication.recorded(olds))
        return ReadResult(pkg.id, outs, inputs=inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = self.strip(news)
        client = self.client(inputs.get("org"))
        with api_errors(
            f"updating published package {id_}",
            org=inputs.get("org"),
            missing=GONE,
            forbidden=_NOT_OWNER,
        ):
            pkg = client.get_package(id_)
            publication = Publication.recorded(olds)
            if pkg.status != PackageStatus.PUBLISHED:
                # A create that timed out or was cancelled left the publication unfinished.
                what = f"finishing the publication of package {id_}"
                pkg, publication = self._publish(pkg, inputs, what, publication)
            recorded = olds.get("visibility") or PRIVATE
            if inputs.get("visibility") == PUBLIC and _visibility(pkg, recorded) != PUBLIC:
                pkg = client.set_visibility(id_, PUBLIC)
                progress(f"package {pkg.name!r} ({id_}) is now PUBLIC")
        if olds.get("expiry_period_days") != inputs.get("expiry_period_days"):
            warn(
                f"published package {id_}: expiry_period_days only applies when publishing; "
                "the package is already published, so its expiry stays as it is"
            )
        return UpdateResult(outputs_of(pkg, inputs, publication))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        warn(
            f"published package {id_}: removed from the stack only; a publication can't be "
            "undone, the package stays PUBLISHED until the Package itself is deleted"
        )
