"""What a generated program declares, and what it leaves out and why: the decisions of
`generate`, from what `discover` read (no API calls, so tests can feed it records).

Each object is declared only when its resource can adopt it with no write and the next
preview plans no change: inputs equal to what the platform holds, references between the
declarations (a PublishedPackage takes its Package's `package_id` output, an ImportJob and
a Transfer the PublishedPackage's, a Transfer waits for the Handshake with its target).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sandbox_provider.client.timing import DAY_MS, EXPIRY_DAYS_MAX

from .discover import FoundHandshake, FoundJob, FoundOrg, FoundPackage, FoundTransfer
from .naming import Names, org_label
from .pyformat import Ref

__all__ = ["Declaration", "LeftOut", "Plan", "make_plan"]

#: Still running: adoption waits for these to end.
_RUNNING = ("PENDING", "IN_PROGRESS")
_PUBLISHED = ("PUBLISHED", "PUBLISH_IN_PROGRESS")


@dataclass
class Declaration:
    """One resource of the program."""

    kind: str
    name: str
    var: str
    kwargs: list[tuple[str, object]]
    import_id: str
    #: One line above the declaration, for the reader.
    comment: str
    depends_on: list[str] = field(default_factory=list)
    #: `retain_on_delete=True`: `pulumi destroy` hands the object back instead of deleting it.
    retain: bool = False


@dataclass(frozen=True)
class LeftOut:
    what: str
    why: str


@dataclass
class Plan:
    org_id: str
    sandboxes: tuple[str, ...]
    declarations: list[Declaration] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    #: (what, how many) in the order README lists them.
    found: list[tuple[str, int]] = field(default_factory=list)
    #: What other sandboxes hold, not read into the program (`--sandbox`).
    not_asked: list[str] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return sorted({d.kind for d in self.declarations})


def _date(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d")


def _title_ok(title: str | None) -> bool:
    # A title the Package input would refuse is left out of the declaration: titles are
    # not compared on adoption, only ids and types.
    if not title:
        return False
    return title == title.strip() and title.isprintable() and len(title) <= 256


def _artifacts(pkg: FoundPackage) -> list[dict[str, str]]:
    out = []
    for art in pkg.artifacts:
        item = {"id": art.id, "type": art.type}
        if art.title is not None and _title_ok(art.title):
            item["title"] = art.title
        out.append(item)
    return out


def expiry_period_days(pkg: FoundPackage) -> int | None:
    """The publication's expiry period in whole days, when expiry - publish date is one."""
    if pkg.expiry is None or pkg.publish_date is None:
        return None
    span = pkg.expiry - pkg.publish_date
    if span <= 0 or span % DAY_MS:
        return None
    days = span // DAY_MS
    return days if days <= EXPIRY_DAYS_MAX else None


class _Planner:
    def __init__(self, found: FoundOrg, now_ms: int) -> None:
        self.found = found
        self.now_ms = now_ms
        self.names = Names()
        self.plan = Plan(org_id=found.org_id, sandboxes=found.sandboxes)
        #: package id -> the variable whose `package_id` its dependents take.
        self.package_ref: dict[str, str] = {}
        self.package_name: dict[str, str] = {}
        self.left_packages: dict[str, str] = {}
        #: target org id -> the Handshake variable.
        self.links: dict[str, str] = {}
        self.org_names: dict[str, str] = {}
        #: Packages of sandboxes not asked for: what refers to them is not declared either.
        self.other_sandbox_ids = {p.id for p in found.other_sandbox_packages}

    def left(self, what: str, why: str) -> None:
        self.plan.left_out.append(LeftOut(what, why))

    def declare(self, decl: Declaration) -> Declaration:
        self.plan.declarations.append(decl)
        return decl

    # -- packages and their publications -------------------------------------------------
    def package(self, pkg: FoundPackage) -> None:
        what = f"package {pkg.name!r} ({pkg.id})"
        org = self.found.org_id
        if pkg.owner_org_id not in (None, org):
            self.left_packages[pkg.id] = "a copy received from another org"
            self.left(
                what,
                f"a copy received from org {pkg.owner_org_id}, which owns and manages it; "
                "an import of it can name it by id",
            )
            return
        if pkg.expiry is not None and pkg.expiry <= self.now_ms:
            self.left_packages[pkg.id] = "expired"
            self.left(
                what,
                f"expired on {_date(pkg.expiry)}: it can be neither imported nor shared, and a "
                "Package adopting it would plan its replacement at once",
            )
            return
        if pkg.package_type != "FULL" and not pkg.artifacts:
            self.left_packages[pkg.id] = "empty"
            self.left(what, "a PARTIAL package without artifacts, which a Package can't declare")
            return
        name, var = self.names.take(pkg.name, kind="package")
        kwargs: list[tuple[str, object]] = [("name", pkg.name)]
        if pkg.description:
            kwargs.append(("description", pkg.description))
        kwargs.append(("package_type", pkg.package_type))
        if pkg.source_sandbox:
            kwargs.append(("source_sandbox", pkg.source_sandbox))
        if pkg.package_type != "FULL":
            kwargs.append(("artifacts", _artifacts(pkg)))
        count = "the whole sandbox" if pkg.package_type == "FULL" else f"{len(pkg.artifacts)}"
        count += "" if pkg.package_type == "FULL" else " artifact(s)"
        self.declare(
            Declaration(
                "Package",
                name,
                var,
                kwargs,
                pkg.id,
                f"{pkg.status or 'DRAFT'}, {count} of sandbox {pkg.source_sandbox}",
                retain=True,
            )
        )
        self.package_ref[pkg.id] = var
        self.package_name[pkg.id] = name
        if pkg.status in _PUBLISHED:
            self.publication(pkg, name, var)
        elif pkg.status == "PUBLISH_FAILED":
            self.left(
                f"the publication of {what}",
                "its publish failed, so there is no publication to adopt (the Package is "
                "declared; a PublishedPackage would publish it again)",
            )

    def publication(self, pkg: FoundPackage, pkg_name: str, pkg_var: str) -> None:
        name, var = self.names.take(f"{pkg_name}-published", kind="publication")
        kwargs: list[tuple[str, object]] = [
            ("package_id", Ref(f"{pkg_var}.package_id")),
            ("visibility", pkg.visibility),
        ]
        days = expiry_period_days(pkg)
        if days is not None:
            kwargs.append(("expiry_period_days", days))
        when = f", expires {_date(pkg.expiry)}" if pkg.expiry else ""
        self.declare(
            Declaration("PublishedPackage", name, var, kwargs, pkg.id, f"{pkg.visibility}{when}")
        )
        self.package_ref[pkg.id] = var

    # -- import jobs ---------------------------------------------------------------------
    def job(self, job: FoundJob) -> None:
        what = f"import job {job.name!r} ({job.id})"
        ref = self.package_ref.get(job.package_id or "")
        if ref is None:
            if job.package_id is None:
                self.left(
                    what,
                    "no package of this org fits it (the jobs list shows no package: a job is "
                    "matched to the package of its name and source sandbox published before "
                    "it, and none is)",
                )
            elif job.package_id in self.left_packages:
                self.left(what, f"its package {job.package_id} is left out (above)")
            elif job.package_id not in self.other_sandbox_ids:
                self.left(what, f"its package {job.package_id} is not in this org any more")
            return
        if job.status == "FAILED":
            self.left(
                what,
                f"it ended FAILED ({job.failure_reason or 'no reason given'}) and imported "
                "nothing, so there is no import to adopt",
            )
            return
        if job.status not in ("SUCCESS", *_RUNNING) or not job.target_sandbox:
            self.left(what, f"it is {job.status or 'of no known status'}: nothing to adopt")
            return
        pkg_name = self.package_name[str(job.package_id)]
        name, var = self.names.take(f"{pkg_name}-to-{job.target_sandbox}", kind="import")
        kwargs: list[tuple[str, object]] = [
            ("package_id", Ref(f"{ref}.package_id")),
            ("target_sandbox", job.target_sandbox),
            ("name", job.name),
        ]
        if job.description:
            kwargs.append(("description", job.description))
        note = "" if job.status == "SUCCESS" else " (still running: adoption waits for it)"
        comment = f"{job.status} into sandbox {job.target_sandbox}{note}"
        self.declare(Declaration("ImportJob", name, var, kwargs, job.id, comment))

    # -- handshakes ----------------------------------------------------------------------
    def handshake(self, hs: FoundHandshake) -> None:
        what = f"handshake {hs.linking_id}"
        if hs.direction != "OUTGOING":
            self.left(
                f"incoming {what} from org {hs.source_org_id}",
                "a Handshake is declared by the org that asks for the link; the program of "
                f"org {hs.source_org_id} declares it (approving it with approve_as)",
            )
            return
        if hs.status not in ("APPROVED", "APPROVAL_PENDING") or not hs.target_org_id:
            self.left(
                f"{what} with org {hs.target_org_id}",
                f"it is {hs.status}: the target org refused the link, there is none to adopt",
            )
            return
        label = org_label(hs.target_org_id, hs.target_org_name)
        self.org_names.setdefault(hs.target_org_id, label)
        name, var = self.names.take(f"link-{label}", kind="link")
        kwargs: list[tuple[str, object]] = [("target_org_id", hs.target_org_id)]
        if hs.source_org_name:
            kwargs.append(("source_org_name", hs.source_org_name))
        note = "" if hs.status == "APPROVED" else ": the target org has yet to approve it"
        self.declare(
            Declaration("Handshake", name, var, kwargs, hs.linking_id, f"{hs.status}{note}")
        )
        self.links.setdefault(hs.target_org_id, var)

    # -- transfers -----------------------------------------------------------------------
    def transfer(self, t: FoundTransfer) -> None:
        org = self.found.org_id
        what = f"transfer {t.id} of package {t.package_name or t.package_id!r}"
        if t.request_type == "PUBLIC" and t.target_org_id in (None, org):
            return self.pull(t, what)
        if t.source_org_id not in (None, org):
            self.left(
                what,
                f"org {t.source_org_id} shared it with this org: that org's program declares it",
            )
            return
        if t.request_type == "PUBLIC":
            self.left(what, f"org {t.target_org_id} pulled it: that org's program declares it")
            return
        ref = self.package_ref.get(t.package_id or "")
        if ref is None:
            if t.package_id in self.left_packages:
                self.left(what, f"its package {t.package_id} is left out (above)")
            elif t.package_id not in self.other_sandbox_ids:
                self.left(what, f"its package {t.package_id} is not in this org any more")
            return
        if not self.transfer_ok(t, what) or not t.target_org_id:
            return
        label = self.org_names.get(t.target_org_id) or org_label(t.target_org_id, t.target_org_name)
        pkg_name = self.package_name[str(t.package_id)]
        name, var = self.names.take(f"{pkg_name}-share-{label}", kind="transfer")
        kwargs: list[tuple[str, object]] = [
            ("package_id", Ref(f"{ref}.package_id")),
            ("target_org_id", t.target_org_id),
        ]
        link = self.links.get(t.target_org_id)
        comment = f"{t.status} to org {t.target_org_id}"
        self.declare(
            Declaration("Transfer", name, var, kwargs, t.id, comment, [link] if link else [])
        )

    def pull(self, t: FoundTransfer, what: str) -> None:
        if not self.transfer_ok(t, what) or not t.package_id or not t.source_org_id:
            return
        name, var = self.names.take(f"pull-{t.package_name or t.package_id}", kind="transfer")
        kwargs: list[tuple[str, object]] = [
            # Another org's package: its id is all this program can name it by.
            ("package_id", t.package_id),
            ("request_type", "PUBLIC"),
            ("source_org_id", t.source_org_id),
        ]
        comment = f"{t.status}: a public package pulled from org {t.source_org_id}"
        self.declare(Declaration("Transfer", name, var, kwargs, t.id, comment))

    def transfer_ok(self, t: FoundTransfer, what: str) -> bool:
        if t.status == "FAILED":
            self.left(what, "it ended FAILED and copied nothing, so there is nothing to adopt")
            return False
        if t.status not in ("COMPLETED", *_RUNNING):
            self.left(what, f"it is {t.status or 'of no known status'}: nothing to adopt")
            return False
        return True

    # -- the whole org -------------------------------------------------------------------
    def run(self) -> Plan:
        found = self.found
        for hs in sorted(found.handshakes, key=lambda h: (h.direction != "OUTGOING", h.linking_id)):
            self.handshake(hs)
        # Handshakes first: a Transfer names the one with its target in depends_on.
        by_package: dict[str, list[FoundJob]] = {}
        for job in sorted(found.jobs, key=lambda j: (j.name, j.id)):
            by_package.setdefault(job.package_id or "", []).append(job)
        transfers = sorted(found.transfers, key=lambda t: t.id)
        for pkg in sorted(found.packages, key=lambda p: (p.source_sandbox or "", p.name, p.id)):
            self.package(pkg)
        for pkg in sorted(found.packages, key=lambda p: (p.source_sandbox or "", p.name, p.id)):
            for job in by_package.pop(pkg.id, []):
                self.job(job)
        for jobs in by_package.values():
            for job in jobs:
                self.job(job)
        for t in transfers:
            self.transfer(t)
        self.count()
        return self.plan

    def count(self) -> None:
        found, plan = self.found, self.plan
        sandboxes = Counter(p.source_sandbox or "?" for p in found.packages)
        plan.found.append(("packages", len(found.packages)))
        plan.found += [(f"packages of sandbox {s}", n) for s, n in sorted(sandboxes.items())]
        published = [p for p in found.packages if p.status in _PUBLISHED]
        plan.found.append(("published packages", len(published)))
        visibility = Counter(p.visibility for p in published)
        plan.found += [(f"published {v}", n) for v, n in sorted(visibility.items())]
        ours = {p.id for p in found.packages}
        jobs = [j for j in found.jobs if j.package_id in ours]
        plan.found.append(("import jobs of these packages", len(jobs)))
        plan.found += [
            (f"import jobs {s}", n) for s, n in sorted(Counter(j.status for j in jobs).items())
        ]
        hs = Counter(f"{h.direction.lower()} handshakes {h.status}" for h in found.handshakes)
        plan.found += sorted(hs.items())
        shown = [t for t in found.transfers if t.package_id not in self.other_sandbox_ids]
        ts = Counter(f"{t.request_type} transfers {t.status}" for t in shown)
        plan.found += sorted(ts.items())
        others = found.other_sandbox_packages
        if others:
            names = sorted({p.source_sandbox or "?" for p in others})
            skipped = {p.id for p in others}
            n_jobs = sum(1 for j in found.jobs if j.package_id in skipped)
            n_transfers = sum(1 for t in found.transfers if t.package_id in skipped)
            plan.not_asked.append(
                f"{len(others)} package(s) of sandbox(es) {', '.join(names)}, with "
                f"{n_jobs} import job(s) and {n_transfers} transfer(s): not asked for "
                "(--sandbox)"
            )


def make_plan(found: FoundOrg, now_ms: int | None = None) -> Plan:
    """The declarations and the left-out list for `found` (`now_ms`: the clock that decides
    what has expired; default now)."""
    return _Planner(found, int(time.time() * 1000) if now_ms is None else now_ms).run()
