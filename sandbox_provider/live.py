"""`sandbox-provider check-live`: the client's models against a real org's answers.

Read-only: every exim call is a GET (list packages, look one up, list jobs, `/tools/job` of
the newest, and a probe of the older `/tools/artifacts/{TYPE}` route). The one POST is the
IMS token request (`/ims/token/v3`, on the IMS host), which is authentication, not an exim
write; with `AEP_ACCESS_TOKEN` there is none.

Each answer is parsed with the client's model and compared with it, generically (the
declared fields, their wire names and the nested models, lists and maps of models):

- a key the model doesn't declare (it lands in `model_extra`) is *unknown to us*; the pages'
  examples show some of these already (`tenantId` of a package, `ALSO_SHOWN`), which the
  report says apart: those are known, just not modelled;
- a declared field the answer lacks is *missing*, reported only when the pages' example
  answer shows it (`DOCUMENTED`, checked against the examples copied under
  `tests/data/pages_examples/`): an optional field no page shows says nothing when absent.

`check_live()` makes the calls and returns a `LiveReport`; `render()` writes it as text.
Nothing here prints a secret: neither the client secret nor the token reaches the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from .client.errors import ApiError, ExImError
from .client.exim import ExImClient
from .client.models import Artifact, Job, JobDetails, Package, Page, ToolsAnswer
from .client.settings import ClientSettings
from .client.transport import DEFAULT_PAGE_SIZE, segment

__all__ = [
    "ALSO_SHOWN",
    "DOCUMENTED",
    "FAILED",
    "GONE",
    "MODELS",
    "OK",
    "SKIPPED",
    "UNPARSED",
    "CallCheck",
    "FieldFinding",
    "LiveReport",
    "Shape",
    "check_answer",
    "check_live",
    "render",
    "run_checks",
    "shape_of",
]

# -- outcomes of one call ----------------------------------------------------------------------
OK = "ok"
#: The call failed (an error status, no answer, the token refused).
FAILED = "failed"
#: The call answered, but not in a shape the client's model reads.
UNPARSED = "unparsed"
#: Nothing to call it on (no package or job listed), or an earlier step failed.
SKIPPED = "skipped"
#: The route doesn't answer (404/405): only for the `/tools/artifacts` probe.
GONE = "gone"

# -- what the pages' example answers show ------------------------------------------------------
#: Wire paths the pages' example answers show, by answer. `a.b`: key `b` of the object under
#: `a`; `a[]`: each item of the list `a`. Maps of plain values (`importReplacementMap`) stop
#: at their key. tests/unit/test_check_live.py checks these against the copied examples.
_PACKAGE = [
    "id",
    "version",
    "createdDate",
    "modifiedDate",
    "createdBy",
    "modifiedBy",
    "tenantId",
    "name",
    "description",
    "imsOrgId",
    "packageType",
    "expiry",
    "publishDate",
    "status",
    "artifactsList",
    "artifactsList[].id",
    "artifactsList[].type",
    "artifactsList[].found",
    "artifactsList[].count",
    "sourceSandbox",
    "sourceSandbox.name",
    "sourceSandbox.imsOrgId",
]
_LIST = ["totalElements", "currentPage", "totalPages", "hasPreviousPage", "hasNextPage", "data"]
_JOB = [
    "id",
    "name",
    "updated",
    "created",
    "jobType",
    "packageType",
    "description",
    "jobStatus",
    "visibility",
    "sourceSandBox",
    "targetSandbox",
    "createdBy",
]
_TOOLS = ["status", "type", "message", "object"]
_TASK_ARTIFACT = ["id", "type", "found", "count", "title", "messages", "newId"]
_JOB_DETAILS = [
    "id",
    "name",
    "description",
    "visibility",
    "requestType",
    "expiry",
    "snapshotId",
    "createdTimestamp",
    "modifiedTimestamp",
    "type",
    "jobStatus",
    "jobType",
    "counter",
    "imsOrgId",
    "jobHash",
    "sourceSandbox",
    "sourceSandbox.name",
    "sourceSandbox.imsOrgId",
    "sourceSandbox.empty",
    "destinationSandbox",
    "destinationSandbox.name",
    "destinationSandbox.imsOrgId",
    "destinationSandbox.empty",
    "completedTasks",
    "completedTasks[].taskType",
    "completedTasks[].taskStatus",
    "completedTasks[].artifact",
    "importReplacementMap",
    "sourceParentArtifactMap",
] + [f"completedTasks[].artifact.{k}" for k in _TASK_ARTIFACT]

DOCUMENTED: dict[str, frozenset[str]] = {
    # packages.md "List packages"
    "packages": frozenset(_LIST + [f"data[].{p}" for p in _PACKAGE]),
    # packages.md "Look up a package"
    "package": frozenset(_PACKAGE),
    # packages.md "List export/import jobs"
    "jobs": frozenset(_LIST + [f"data[].{p}" for p in _JOB]),
    # tools.md "Job details"
    "job": frozenset(_TOOLS + [f"object.{p}" for p in _JOB_DETAILS]),
    # the earlier tools page, "List all artifacts of a specific type"
    "artifacts": frozenset(_TOOLS + ["object[].id", "object[].type", "object[].title"]),
}

#: Keys the pages show on the same objects in other answers only: a package's create answer
#: (packages.md "Create a package") adds `requestId` and `userId`. An answer with them is not
#: news, one without them is not missing either.
ALSO_SHOWN: dict[str, frozenset[str]] = {
    "packages": frozenset({"data[].requestId", "data[].userId"}),
    "package": frozenset({"requestId", "userId"}),
}

#: The client's model of each answer.
MODELS: dict[str, type[BaseModel]] = {
    "packages": Page[Package],
    "package": Package,
    "jobs": Page[Job],
    "job": ToolsAnswer[JobDetails],
    "artifacts": ToolsAnswer[list[Artifact]],
}


# -- comparing one answer with its model -------------------------------------------------------
@dataclass
class Shape:
    """One answer compared with its model: counts by wire path (see `DOCUMENTED`)."""

    #: Objects (model instances) met under each prefix: "" the answer, "data[]" its items.
    objects: Counter[str] = field(default_factory=Counter)
    #: Declared fields the answer gives.
    present: Counter[str] = field(default_factory=Counter)
    #: Declared fields the answer lacks.
    absent: Counter[str] = field(default_factory=Counter)
    #: Keys no model declares (the models keep them in `model_extra`).
    unknown: Counter[str] = field(default_factory=Counter)

    @property
    def shown(self) -> set[str]:
        """Every path the answer shows, known or not."""
        return set(self.present) | set(self.unknown)

    def of(self, path: str) -> int:
        """How many objects the path's field could have been on."""
        return self.objects[path.rpartition(".")[0]]


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _wire_name(name: str, info: Any) -> str:
    return str(info.serialization_alias or info.alias or name)


def _walk(obj: BaseModel, prefix: str, shape: Shape) -> None:
    shape.objects[prefix] += 1
    given = obj.model_fields_set
    for name, info in type(obj).model_fields.items():
        path = _join(prefix, _wire_name(name, info))
        if name in given:
            shape.present[path] += 1
            _descend(getattr(obj, name), path, shape)
        else:
            shape.absent[path] += 1
    for key in obj.model_extra or {}:
        shape.unknown[_join(prefix, key)] += 1


def _descend(value: Any, path: str, shape: Shape) -> None:
    if isinstance(value, BaseModel):
        _walk(value, path, shape)
    elif isinstance(value, list | tuple):
        for item in value:
            _descend(item, path + "[]", shape)
    elif isinstance(value, dict):
        for item in value.values():
            if isinstance(item, BaseModel):
                _walk(item, path + "{}", shape)


def _inspect(raw: Any, model: type[BaseModel]) -> tuple[BaseModel, Shape]:
    parsed = model.model_validate(raw)
    shape = Shape()
    _walk(parsed, "", shape)
    return parsed, shape


def shape_of(raw: Any, model: type[BaseModel]) -> Shape:
    """`raw` parsed with `model` and compared with it. Raises pydantic's ValidationError
    when the answer doesn't parse."""
    return _inspect(raw, model)[1]


@dataclass(frozen=True)
class FieldFinding:
    """A field missing from, or unknown in, an answer."""

    path: str
    #: "unknown" (the model doesn't declare it) or "missing" (declared and documented, absent).
    kind: str
    #: In how many of the objects it could be on (`of`).
    count: int
    of: int
    #: The pages' example answer shows it.
    documented: bool

    @property
    def news(self) -> bool:
        """Something the pages don't tell us: an unknown key no example shows, or a
        documented field that is absent (`--strict` fails on these)."""
        return self.kind == "missing" or not self.documented

    def __str__(self) -> str:
        return self.path if self.of <= 1 else f"{self.path} ({self.count} of {self.of})"


def check_answer(kind: str, raw: Any) -> tuple[BaseModel, list[FieldFinding]]:
    """`raw`, an answer of `kind` (a key of `MODELS`), parsed with its model: the parsed
    answer and the fields missing or unknown to us. Raises pydantic's ValidationError when
    it doesn't parse."""
    parsed, shape = _inspect(raw, MODELS[kind])
    documented = DOCUMENTED[kind]
    shown = documented | ALSO_SHOWN.get(kind, frozenset())
    found = [
        FieldFinding(path, "unknown", n, shape.of(path), path in shown)
        for path, n in sorted(shape.unknown.items())
    ]
    found += [
        FieldFinding(path, "missing", n, shape.of(path), True)
        for path, n in sorted(shape.absent.items())
        if path in documented
    ]
    return parsed, found


# -- the report --------------------------------------------------------------------------------
@dataclass
class CallCheck:
    """One call of the check and what its answer showed."""

    name: str
    #: "GET /packages?...": the method and path under /data/foundation/exim.
    request: str
    outcome: str = SKIPPED
    detail: str = ""
    #: False for the `/tools/artifacts` probe: its outcome never fails the command.
    required: bool = True
    fields: list[FieldFinding] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.required and self.outcome in (FAILED, UNPARSED)


@dataclass
class LiveReport:
    platform_url: str
    org_id: str
    sandbox: str | None
    checks: list[CallCheck] = field(default_factory=list)

    @property
    def failed(self) -> list[CallCheck]:
        return [c for c in self.checks if c.failed]

    @property
    def news(self) -> list[tuple[CallCheck, FieldFinding]]:
        """Fields missing or unknown that the pages don't explain (required calls only)."""
        return [(c, f) for c in self.checks if c.required for f in c.fields if f.news]

    def exit_code(self, *, strict: bool = False) -> int:
        """0 when every call answered and parsed; 1 when one failed or didn't parse, and
        with `strict` also when a field is missing or unknown to us (`FieldFinding.news`)."""
        if self.failed:
            return 1
        return 1 if strict and self.news else 0


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


# -- text --------------------------------------------------------------------------------------
_MARK = {OK: "ok", FAILED: "FAILED", UNPARSED: "UNPARSED", SKIPPED: "skipped", GONE: "gone"}


def render(report: LiveReport, *, strict: bool = False) -> str:
    """The report as plain text, one block per call, then the verdict."""
    lines = [
        f"check-live: {report.platform_url}, org {report.org_id}, "
        f"sandbox {report.sandbox or '(the platform default)'}",
        "Read-only: GET calls only under /data/foundation/exim (the token request is IMS).",
        "",
    ]
    for check in report.checks:
        mark = _MARK.get(check.outcome, check.outcome)
        if not check.required and check.outcome != OK:
            mark += " (not a failure)"
        lines.append(f"[{mark}] {check.name}: {check.request}".rstrip(": "))
        if check.detail:
            lines.append(f"    {check.detail}")
        groups = (
            ("unknown to us", [f for f in check.fields if f.kind == "unknown" and f.news]),
            (
                "unknown to us, shown on the pages",
                [f for f in check.fields if f.kind == "unknown" and not f.news],
            ),
            ("missing (the pages show it)", [f for f in check.fields if f.kind == "missing"]),
        )
        for title, found in groups:
            if found:
                lines.append(f"    {title}: " + ", ".join(str(f) for f in found))
    lines.append("")
    failed = report.failed
    news = report.news
    if failed:
        verdict = "FAILED: " + ", ".join(c.name for c in failed)
    else:
        verdict = "every call answered and parsed"
    if news:
        verdict += f"; {len(news)} field(s) missing or unknown to us"
        verdict += " (--strict: a failure)" if strict else " (reported, not a failure)"
    lines.append(f"Result: {verdict}; exit code {report.exit_code(strict=strict)}")
    return "\n".join(lines) + "\n"
