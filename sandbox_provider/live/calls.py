"""The read-only calls of `check-live`, each recorded in the report as it is made."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from ..client.errors import ApiError, ExImError
from ..client.exim import ExImClient
from ..client.models import Job, JobDetails, Package
from ..client.settings import ClientSettings
from ..client.transport import DEFAULT_PAGE_SIZE, segment
from .report import FAILED, GONE, OK, UNPARSED, CallCheck, LiveReport
from .shape import FieldFinding, check_answer

__all__ = ["check_live", "run_checks"]

# -- the calls ---------------------------------------------------------------------------------
_CALLS = ("list packages", "look up a package", "list jobs", "job details")
_PROBE = "artifacts (older route)"


def _request(path: str, params: Sequence[tuple[str, str]] = ()) -> str:
    return f"GET {path}" + (f"?{urlencode(list(params))}" if params else "")


def _error_text(exc: ExImError) -> str:
    # The message alone, never the request: nothing of the credentials can show.
    return exc.message.splitlines()[0] if exc.message else type(exc).__name__


def _parse_error_text(exc: PydanticValidationError) -> str:
    errors = exc.errors(include_url=False, include_input=False)
    parts = [".".join(str(p) for p in e["loc"]) + f": {e['msg']}" for e in errors[:3]]
    more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
    return "; ".join(parts) + more


class _Checker:
    """The calls of one run, each recorded in the report as it is made."""

    def __init__(self, client: ExImClient, report: LiveReport) -> None:
        self.client = client
        self.report = report

    def add(self, check: CallCheck) -> CallCheck:
        self.report.checks.append(check)
        return check

    def get(self, check: CallCheck, path: str, params: Sequence[tuple[str, str]] = ()) -> Any:
        """The decoded answer of GET `path` (with the client's auth headers and retries).
        Raises ExImError."""
        check.request = _request(path, params)
        return self.client._call(
            "GET", path, lambda raw: raw, params=list(params) or None, context=check.name
        )

    def read(
        self, check: CallCheck, kind: str, path: str, params: Sequence[tuple[str, str]] = ()
    ) -> BaseModel | None:
        """GET `path`, its answer checked as an answer of `kind`: the parsed answer, or
        None with `check` marked FAILED or UNPARSED."""
        try:
            raw = self.get(check, path, params)
        except ExImError as exc:
            check.outcome, check.detail = FAILED, _error_text(exc)
            return None
        return self.parse(check, kind, raw)

    def parse(self, check: CallCheck, kind: str, raw: Any) -> BaseModel | None:
        if not isinstance(raw, dict):
            check.outcome = UNPARSED
            check.detail = "the answer is not a JSON object" + (" (empty)" if raw is None else "")
            return None
        try:
            parsed, found = check_answer(kind, raw)
        except PydanticValidationError as exc:
            check.outcome, check.detail = UNPARSED, _parse_error_text(exc)
            return None
        check.outcome = OK
        check.fields += found
        return parsed

    def listing(self, name: str, path: str, kind: str, limit: int) -> list[Any]:
        """One page of a listing, newest first: its items, [] when it failed."""
        check = self.add(CallCheck(name, ""))
        params = [("orderby", "-createdDate"), ("start", "0"), ("limit", str(limit))]
        try:
            raw = self.get(check, path, params)
        except ExImError as exc:
            check.outcome, check.detail = FAILED, _error_text(exc)
            return []
        bare = isinstance(raw, list)
        page = self.parse(check, kind, {"data": raw} if bare else raw)
        if page is None:
            return []
        items = list(getattr(page, "data", []))
        total = getattr(page, "total_elements", None)
        check.detail = f"{len(items)} listed" + (f" of {total}" if total is not None else "")
        if bare:
            # The client reads a bare array as one page; only its items are compared.
            check.detail += " (a bare array, not the paging envelope the page shows)"
            check.fields = [f for f in check.fields if f.path.startswith("data[].")]
        return items


def run_checks(
    client: ExImClient,
    *,
    package_id: str | None = None,
    job_id: str | None = None,
    artifact_type: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
) -> LiveReport:
    """Make the read-only calls with `client` and report what each answer showed.

    Looks up `package_id` (default: the newest PUBLISHED package listed, else the newest),
    reads `/tools/job` of `job_id` (default: the newest job listed) and probes
    `/tools/artifacts/{artifact_type}` (default: the type of the looked-up package's first
    artifact, else JOURNEY, the page's example). Each listing reads one page of `limit`.
    Never raises for an API error: the report says which call failed."""
    settings = client.settings
    report = LiveReport(settings.platform_url, settings.org_id, settings.sandbox)
    checker = _Checker(client, report)

    auth = checker.add(CallCheck("IMS token", f"POST {settings.ims_url}/ims/token/v3"))
    if settings.auth_mode == "access_token":
        auth.request = "none (AEP_ACCESS_TOKEN given)"
    try:
        client.token_provider.token()
    except ExImError as exc:
        auth.outcome, auth.detail = FAILED, _error_text(exc)
        for name in _CALLS:
            checker.add(CallCheck(name, "", detail="not called: no token"))
        checker.add(CallCheck(_PROBE, "", detail="not called: no token", required=False))
        return report
    auth.outcome = OK

    packages = checker.listing("list packages", "/packages", "packages", limit)

    lookup = checker.add(CallCheck("look up a package", "GET /packages/{PACKAGE_ID}"))
    pkg: Package | None = None
    pid = package_id or _newest_package_id(packages)
    if pid is None:
        lookup.detail = "no package listed (give --package-id)"
    else:
        parsed = checker.read(lookup, "package", f"/packages/{segment(pid)}")
        if isinstance(parsed, Package):
            pkg = parsed
            status = pkg.status or "no status"
            lookup.detail = f"{pkg.name!r}, {status}, {len(pkg.artifacts_list)} artifact(s)"

    jobs = checker.listing("list jobs", "/packages/jobs", "jobs", limit)

    details = checker.add(CallCheck("job details", "GET /tools/job/{JOB_ID}"))
    jid = job_id or _newest_job_id(jobs)
    if jid is None:
        details.detail = "no job listed (give --job-id)"
    else:
        try:
            raw = checker.get(details, f"/tools/job/{segment(jid)}")
        except ExImError as exc:
            details.outcome, details.detail = FAILED, _error_text(exc)
        else:
            bare = isinstance(raw, dict) and "object" not in raw
            answer = checker.parse(details, "job", {"object": raw} if bare else raw)
            if bare:
                # The client reads an unwrapped job too; the page shows it in the envelope
                # {status, type, message, object}: reported once, as `object` missing.
                kept = [f for f in details.fields if f.path.startswith("object.")]
                details.fields = [FieldFinding("object", "missing", 1, 1, True), *kept]
            job = getattr(answer, "object", None)
            if isinstance(job, JobDetails):
                details.detail = (
                    f"{job.request_type or '?'} job {job.job_status}: "
                    f"{len(job.completed_tasks)} completed, {len(job.failed_tasks)} failed task(s)"
                )

    probe_type = artifact_type or _artifact_type(pkg)
    probe = checker.add(CallCheck(_PROBE, "", required=False))
    try:
        raw = checker.get(probe, f"/tools/artifacts/{segment(probe_type)}")
    except ExImError as exc:
        code = exc.status if isinstance(exc, ApiError) else None
        if code in (404, 405):
            probe.outcome = GONE
            probe.detail = f"{code}: the route doesn't answer (the current tools page lacks it)"
        else:
            probe.outcome, probe.detail = FAILED, _error_text(exc)
    else:
        listed = getattr(checker.parse(probe, "artifacts", raw), "object", None)
        if isinstance(listed, list):
            probe.detail = f"the route answers: {len(listed)} {probe_type} artifact(s)"
    return report


def _newest_package_id(packages: Iterable[Package]) -> str | None:
    listed = list(packages)
    published = [p for p in listed if p.status == "PUBLISHED"]
    pool = published or listed
    if not pool:
        return None
    return max(pool, key=lambda p: p.created_date or 0).id


def _newest_job_id(jobs: Iterable[Job]) -> str | None:
    with_id = [j for j in jobs if j.id]
    if not with_id:
        return None
    return max(with_id, key=lambda j: (j.created or 0, j.updated or 0)).id


def _artifact_type(pkg: Package | None) -> str:
    if pkg is not None and pkg.artifacts_list:
        return pkg.artifacts_list[0].type
    return "JOURNEY"


def check_live(settings: ClientSettings, **options: Any) -> LiveReport:
    """`run_checks` with a client made from `settings`, closed after."""
    with ExImClient.from_settings(settings) as client:
        return run_checks(client, **options)
