"""Reading an org through the client into plain dataclasses: what `generate` works from.

Nothing here decides what is declared; `plan.py` does. The records keep what the platform
answered, so that the decisions (and their tests) need no API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient
    from sandbox_provider.client import Handshake as ApiHandshake
    from sandbox_provider.client import Job as ApiJob
    from sandbox_provider.client import JobDetails as ApiJobDetails
    from sandbox_provider.client import Package as ApiPackage
    from sandbox_provider.client import Transfer as ApiTransfer

__all__ = [
    "FoundArtifact",
    "FoundHandshake",
    "FoundJob",
    "FoundOrg",
    "FoundPackage",
    "FoundTransfer",
    "Listing",
    "discover",
]

T = TypeVar("T")

#: `listing(label)` wraps one listing's iterator to show its progress (`progress.py`).
Listing = Callable[[str, Iterable[T]], Iterator[T]]


def _no_progress(_label: str, items: Iterable[T]) -> Iterator[T]:
    yield from items


@dataclass(frozen=True)
class FoundArtifact:
    id: str
    type: str
    title: str | None = None


@dataclass(frozen=True)
class FoundPackage:
    id: str
    name: str
    description: str | None
    package_type: str
    source_sandbox: str | None
    status: str | None
    visibility: str
    artifacts: tuple[FoundArtifact, ...] = ()
    #: Epoch ms (None: unknown).
    expiry: int | None = None
    publish_date: int | None = None
    #: The org that owns it: another org's id for a copy received by transfer or pull.
    owner_org_id: str | None = None


@dataclass(frozen=True)
class FoundJob:
    id: str
    name: str
    package_id: str | None
    target_sandbox: str | None
    status: str | None
    description: str | None = None
    failure_reason: str | None = None


@dataclass(frozen=True)
class FoundHandshake:
    linking_id: str
    id: str | None
    #: OUTGOING (this org asked) or INCOMING (another org asked this one).
    direction: str
    status: str | None
    source_org_id: str | None
    target_org_id: str | None
    source_org_name: str | None = None
    target_org_name: str | None = None


@dataclass(frozen=True)
class FoundTransfer:
    id: str
    package_id: str | None
    package_name: str | None
    #: PRIVATE (a share to an org with a handshake) or PUBLIC (a pull of a public package).
    request_type: str
    status: str | None
    source_org_id: str | None
    target_org_id: str | None
    source_org_name: str | None = None
    target_org_name: str | None = None


@dataclass
class FoundOrg:
    """What `discover` read: the packages of the chosen sandboxes (all of them when none was
    chosen), and the org's import jobs, handshakes and transfers."""

    org_id: str
    #: The sandboxes asked for; empty: every sandbox.
    sandboxes: tuple[str, ...] = ()
    packages: list[FoundPackage] = field(default_factory=list)
    #: Packages of the org in sandboxes that were not asked for: counted, not declared.
    other_sandbox_packages: list[FoundPackage] = field(default_factory=list)
    jobs: list[FoundJob] = field(default_factory=list)
    handshakes: list[FoundHandshake] = field(default_factory=list)
    transfers: list[FoundTransfer] = field(default_factory=list)


def package_of(pkg: ApiPackage) -> FoundPackage:
    return FoundPackage(
        id=pkg.id,
        name=pkg.name,
        description=pkg.description or None,
        package_type=str(pkg.package_type or "PARTIAL"),
        source_sandbox=pkg.source_sandbox.name if pkg.source_sandbox else None,
        status=pkg.status,
        visibility=str(pkg.package_visibility or "PRIVATE"),
        artifacts=tuple(FoundArtifact(a.id, str(a.type), a.title) for a in pkg.artifacts_list),
        expiry=pkg.expiry,
        publish_date=pkg.publish_date,
        owner_org_id=pkg.ims_org_id,
    )


def job_of(
    job: ApiJob, packages: Sequence[ApiPackage], details: Callable[[str], ApiJobDetails | None]
) -> FoundJob | None:
    """The job as found: its package is the one it most likely imported (`job_package`: the
    jobs list shows no package id; a finished job's tasks name what it imported), None when
    none fits; `details(id)` gives a finished job's outcome (`GET /tools/job/{id}`), whose
    failed tasks are the reason of a FAILED one."""
    from sandbox_provider.client import job_package

    if not job.id:
        return None  # nothing to adopt it by
    outcome = details(job.id) if job.job_status in ("SUCCESS", "FAILED") else None
    pkg = job_package(job, packages, outcome)
    return FoundJob(
        id=job.id,
        name=job.name,
        package_id=pkg.id if pkg else None,
        target_sandbox=job.target_sandbox,
        status=job.job_status,
        description=job.description or None,
        failure_reason=outcome.failure_reason if outcome and job.job_status == "FAILED" else None,
    )


def handshake_of(hs: ApiHandshake, direction: str) -> FoundHandshake | None:
    if not hs.linking_id:
        return None
    return FoundHandshake(
        linking_id=hs.linking_id,
        id=hs.id,
        direction=direction,
        status=hs.status,
        source_org_id=hs.source_ims_org_id,
        target_org_id=hs.target_ims_org_id,
        source_org_name=hs.source_ims_org_name or hs.source_org_name,
        target_org_name=hs.target_org_name,
    )


def transfer_of(t: ApiTransfer) -> FoundTransfer | None:
    if not t.id:
        return None
    return FoundTransfer(
        id=t.id,
        package_id=t.package_id,
        package_name=t.package_name,
        request_type=str(t.request_type or "PRIVATE").upper(),
        status=t.status,
        source_org_id=t.source_ims_org_id,
        target_org_id=t.target_ims_org_id,
        source_org_name=t.source_org_name,
        target_org_name=t.target_org_name,
    )


def _present(items: Iterable[Any]) -> list[Any]:
    return [i for i in items if i is not None]


def discover(
    client: ExImClient,
    org_id: str,
    sandboxes: Sequence[str] = (),
    listing: Listing[Any] = _no_progress,
) -> FoundOrg:
    """Read the org: every package (kept apart by sandbox), the import jobs, the handshakes
    in both directions and the transfers. Reads only."""
    from sandbox_provider.client import HandshakeRequestType, JobRequestType, prop

    found = FoundOrg(org_id=org_id, sandboxes=tuple(sandboxes))
    api_packages: list[ApiPackage] = []
    for api_pkg in listing("packages", client.list_packages()):
        api_packages.append(api_pkg)
        pkg = package_of(api_pkg)
        if pkg.package_type != "FULL" and not pkg.artifacts:
            # A list that leaves the artifacts out: the package itself has them.
            pkg = package_of(client.get_package(pkg.id))
        if sandboxes and pkg.source_sandbox not in sandboxes:
            found.other_sandbox_packages.append(pkg)
        else:
            found.packages.append(pkg)
    jobs = client.list_jobs(prop("requestType").eq(JobRequestType.IMPORT))
    found.jobs = _present(
        job_of(j, api_packages, client.get_job) for j in listing("import jobs", jobs)
    )
    for direction in (HandshakeRequestType.OUTGOING, HandshakeRequestType.INCOMING):
        listed = client.list_handshakes(request_type=direction)
        found.handshakes += _present(
            handshake_of(h, str(direction))
            for h in listing(f"{str(direction).lower()} handshakes", listed)
        )
    found.transfers = _present(
        transfer_of(t) for t in listing("transfers", client.list_transfers())
    )
    return found
