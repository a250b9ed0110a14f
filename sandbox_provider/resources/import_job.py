"""ImportJob: one import of a published package into a target sandbox.

Lifecycle
---------
- **create**: before anything is submitted,
  1. preflight (unless `check_permissions=False`): any artifact the credentials can't create
     fails the import, listing the missing permissions per artifact;
  2. conflicts: each artifact with look-alikes in the target is settled by an explicit
     `alternatives` entry first, then by `conflict_policy`: `use_existing` maps it to the
     suggestion of the same type and title (case and surrounding spaces aside) and otherwise
     leaves it to the import to create, warning with the near matches; `create_new` lets
     the import create a new object; `fail` (the default)
     stops and lists every unsettled conflict with its suggestions. `use_existing` does not
     reuse a type whose reuse is documented as unsafe (`UNSAFE_TO_REUSE` in client/enums.py:
     custom actions): such a conflict is left to the import to create new, as `create_new`
     would, unless `alternatives` names it; a warning names each one and the `alternatives`
     entry that reuses it anyway. A preview of a new import warns the same, from one read of
     its conflicts (when its package id is known by then; never an error).
  Then the import is submitted and waited for until SUCCESS. FAILED is an error (with the
  platform's reason) and nothing is recorded in the stack. What the import created that the
  platform leaves for a person (journeys and dataflows land as drafts, a dataflow without its
  source credentials: `AFTER_IMPORT` in `_import_attention`) is the `needs_attention` output,
  `{artifact_id, type, action}` per target object, each printed as a warning.
  Before any of that, an import an earlier run submitted and then lost (it timed out, failed
  after submitting, or was killed) is looked for: a job of the same job name, package and
  target sandbox whose description and explicit `alternatives` agree with the program. Still
  running, it is waited for; ended SUCCESS, it is taken over as this create's result. Either
  way nothing is submitted twice (a FAILED job imported nothing and is ignored).
- **update in place**: `timeout_seconds` and `check_permissions` only (they steer how an
  import is run, not what it does): recorded, nothing sent. An import a create submitted
  but did not see finish (the plugin records it as partial state) is waited for by the
  update, never submitted again; one that ended FAILED is replaced at the next `up`.
- **replace**: any other input change: a new import. An import can't be undone, so the old
  one is only removed from the stack.
- **delete**: removes the record from the stack only; what the import created stays in the
  target sandbox.
- **read** (refresh): the job in the jobs list (a GET); its status shows in `job_status`.
  A job the platform no longer lists drops the resource. Given the id alone (`pulumi
  import` on the plugin), the job is found by its id and its package, target sandbox, name
  and description are the inputs (no `alternatives`: they can't be told from the job).
- **adoption**: `opts=pulumi.ResourceOptions(import_=job_id)`. Create finds the job (by id or
  correlation id) and takes it over without writing when its package and target sandbox are
  the declared ones, and so are its name and description when the program gives them and
  the target ids of the `alternatives` it imported; a running job is waited for. A FAILED job
  imported nothing and can't be adopted. Otherwise it fails naming each difference.
  `needs_attention` of an adopted (or taken-over) job counts everything it imported that the
  program's `alternatives` don't name: which objects it reused by name can't be told after
  the fact. A refresh keeps the recorded list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)
from pydantic import Field, StrictBool

from . import _claims
from ._base import BaseProvider, Inputs, progress, validate
from ._common import (
    ADOPT_ID,
    JobStatus,
    adoption_missing,
    changes_by_declaration,
    gone,
    known_package_id,
    not_adoptable,
    or_none,
    sandbox_exists,
)
from ._dates import WAIT_HINT, wait_doc
from ._fields import (
    NAME_RULE,
    ArtifactId,
    ArtifactRef,
    Description,
    Name,
    NonEmpty,
    PackageId,
    SandboxName,
    Seconds,
)
from ._import_attention import (
    finished,
    needs_attention,
    outputs_of,
    preview_lookups,
    warn_skips,
)
from ._import_partial import conflicts_from, keeping_id, partial_of, recorded, wait_for_import
from ._import_planning import (
    NOT_PULLED,
    PACKAGE_MISSING,
    RUNNING,
    SUCCESS,
    adoption_differences,
    earlier_job,
    settle,
)
from ._wording import prop_path
from .declare import (
    REPLACE,
    UPDATE,
    Doc,
    Outputs,
    updated_by,
)
from .errors import ProviderError, api_errors

if TYPE_CHECKING:
    from sandbox_provider.client import Conflict, ExImClient


class ImportJobInputs(Inputs):
    DESCRIPTION: ClassVar[str] = (
        "One import of a published package into a sandbox. Only its timeout and "
        "`checkPermissions` update in place; any other change is a new import. Deleting it "
        "only removes it from the stack (what was imported stays)."
    )
    REQUIRED: ClassVar[tuple[str, ...]] = ("package_id", "target_sandbox")
    HIDDEN: ClassVar[tuple[str, ...]] = ("adopt_id",)
    SYNONYMS: ClassVar[dict[str, str]] = {
        "sandbox": "target_sandbox",
        "target": "target_sandbox",
        "policy": "conflict_policy",
        "on_conflict": "conflict_policy",
    }

    package_id: Annotated[
        PackageId | None,
        Doc(
            "The published package to import: the org's own, or one transferred to it.",
            hint="pass a PublishedPackage's package_id output (package_id=pub.package_id)",
            change=REPLACE,
        ),
    ] = None
    target_sandbox: Annotated[
        SandboxName | None,
        Doc(
            "The sandbox to import into.",
            hint="give the name of the sandbox to import into, e.g. 'prod'",
            change=REPLACE,
        ),
    ] = None
    name: Annotated[
        Name | None,
        Doc(
            f"The job's name in the jobs list; {NAME_RULE}. Left out, the package's.",
            hint="give the job's name as text, or leave it out for the package's name",
            change=REPLACE,
        ),
    ] = None
    description: Annotated[
        Description | None,
        Doc(
            "The job's description; left out, the package's.",
            hint="give the description as text, or leave it out",
            change=REPLACE,
        ),
    ] = None
    alternatives: Annotated[
        dict[ArtifactId, ArtifactRef],
        Doc(
            "Existing objects of the target sandbox to use instead of importing an artifact: "
            "source artifact id -> `{id, type}` of the target object.",
            hint='map a source artifact id to {"id": <target id>, "type": <type>}',
            change=REPLACE,
        ),
    ] = Field(default_factory=dict)
    conflict_policy: Annotated[
        Literal["fail", "use_existing", "create_new"],
        Doc(
            "What to do with a conflict `alternatives` doesn't settle: `fail` (stop, listing "
            "each conflict and its suggestions), `use_existing` (the suggestion of the same "
            "type and title, case aside; none: a new object, with a warning naming the near "
            "matches; never for a CUSTOM_ACTION) or `create_new` (a new object).",
            hint="use 'fail', 'use_existing' or 'create_new'",
            change=REPLACE,
        ),
    ] = "fail"
    # It and the timeout steer how the import runs: a change doesn't mean a new import.
    check_permissions: Annotated[
        StrictBool,
        Doc(
            "Run the preflight before submitting: a missing permission fails the create, "
            "listed per artifact.",
            hint="write True or False (without quotes)",
            change=UPDATE,
        ),
    ] = True
    timeout_seconds: Annotated[
        Seconds | None,
        Doc(wait_doc("the import", "`SUCCESS`", "imported"), hint=WAIT_HINT, change=UPDATE),
    ] = None
    adopt_id: Annotated[
        NonEmpty | None,
        Doc(
            "The job `import_` adopts (set from the resource options, not by the program).",
            hint="adopt with opts=pulumi.ResourceOptions(import_=<job id>)",
        ),
    ] = None

    def cross_check(self, unknown: set[str]) -> list[CheckFailure]:
        failures = []
        if "alternatives" not in unknown:
            for source, alt in self.alternatives.items():
                if alt.id == source:
                    failures.append(
                        CheckFailure(
                            prop_path(("alternatives", source, "id")),
                            f"maps {source!r} to itself: give the id of the existing artifact "
                            "in the target sandbox to use instead",
                        )
                    )
        return failures


class ImportJobOutputs(Outputs):
    job_id: Annotated[str, Doc("The import job's id (also the resource's id).", always=True)]
    job_status: Annotated[str, Doc("The job's status: `SUCCESS` once created.", always=True)]
    job_name: Annotated[str, Doc("The job's name as the platform lists it.", always=True)]
    correlation_id: Annotated[
        str,
        Doc("The correlation id of the submit answer (none for a job taken over or adopted)."),
    ]
    conflicts: Annotated[
        list[dict[str, Any]],
        Doc(
            "The conflicts found before submitting: `{artifact_id, type, suggestions}` each "
            "(the platform's names)."
        ),
    ]
    alternatives_used: Annotated[
        dict[str, dict[str, str]],
        Doc("The alternatives sent with the import: source id -> `{id, type}`."),
    ]
    imported_artifacts: Annotated[
        dict[str, str],
        Doc(
            "Where each artifact went: source artifact id -> target artifact id (the job's "
            "`importReplacementMap`)."
        ),
    ]
    created_artifacts: Annotated[
        dict[str, str],
        Doc("The objects the import created: source artifact id -> target artifact id."),
    ]
    reused_artifacts: Annotated[
        dict[str, str],
        Doc(
            "The objects the import used that the target already held (by name, by "
            "`alternatives`, or the same object): source id -> target id."
        ),
    ]
    needs_attention: Annotated[
        list[dict[str, str]],
        Doc(
            "What the import created (or skipped) that a person must finish: journeys, "
            "dataflows and campaigns land as drafts, dataflows without their credentials, "
            "governance policies disabled, datasets and schemas with Profile off, custom "
            "actions without their secrets, channel configurations skipped. `{artifact_id, "
            "type, action}` each (the platform's names)."
        ),
    ]
    package_id: str
    target_sandbox: str


class ImportJobProvider(BaseProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        _, result = validate(ImportJobInputs, news)
        if not result.failures:
            # A missing target sandbox is named at preview, before the Package the import
            # waits for is made; a new use_existing import warns about what it won't reuse
            # (diff makes no API call, so a replacement warns at up).
            reason = preview_lookups(olds, result.inputs)
            if reason:
                result.failures.append(CheckFailure("target_sandbox", reason))
        return result

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        _claims.record(_claims.IMPORT_JOB, _id)
        news = dict(known_package_id(olds, news))
        differ, replaces = changes_by_declaration(ImportJobInputs, olds, news)
        if olds.get("job_status") == JobStatus.FAILED:
            # Recorded by an update that found the submitted job FAILED: it imported nothing,
            # and only a new import (a create) can.
            replaces.append("job_status")
        return DiffResult(changes=bool(differ or replaces), replaces=replaces)

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self.strip(props)
        if inputs.get(ADOPT_ID):
            return self._adopt(inputs)
        package_id, target = inputs["package_id"], inputs["target_sandbox"]
        org = inputs.get("org")
        client = self.client(org)
        what = f"importing package {package_id} into sandbox {target!r}"
        conflicts: list[Conflict] | None = None  # seen by this run before it submitted
        alternatives = {k: dict(v) for k, v in (inputs.get("alternatives") or {}).items()}
        correlation_id: str | None = None
        with api_errors(what, org=org, missing=PACKAGE_MISSING, forbidden=NOT_PULLED):
            if sandbox_exists(client, target) is False:
                # Every call naming it would answer 404, read as the package missing.
                raise ProviderError(
                    f"{what} failed: target_sandbox {target!r} is not a sandbox of this org "
                    "(nothing was imported): fix target_sandbox"
                )
            package = client.get_package(package_id)
            job_name = inputs.get("name") or package.name
            earlier = earlier_job(client, job_name, inputs, package)
            if earlier is not None and _claims.recorded_elsewhere(_claims.IMPORT_JOB, earlier.id):
                earlier = None  # another resource's import: this one makes its own
            if earlier is not None and earlier.job_status in RUNNING:
                # A run that timed out or was interrupted recorded nothing, but its job went
                # on: wait for that one rather than importing the package a second time.
                job_id = earlier.id
                progress(
                    f"import job {job_name!r} ({job_id}) is already {earlier.job_status}: waiting"
                )
            elif earlier is not None:
                # It finished after the run that submitted it stopped: the result is ours.
                progress(
                    f"import job {job_name!r} ({earlier.id}) already imported this package "
                    f"into {target!r}: taking it over"
                )
                extra = recorded(earlier.id, job_name, None, alternatives, None)
                outs = finished(earlier, inputs, extra)
                return CreateResult(str(outs["job_id"]), outs)
            else:
                conflicts, alternatives = settle(client, inputs, what, package)
                warn_skips(conflicts, inputs)
                submission = client.submit_import(
                    package_id,
                    target,
                    name=inputs.get("name"),
                    description=inputs.get("description"),
                    alternatives=alternatives or None,
                )
                job_name = submission.job_name or job_name
                correlation_id = submission.correlation_id
                if not submission.job_id:
                    raise ProviderError(
                        f"{what}: the import was submitted as {job_name!r}, but the platform "
                        "named no job id and none was found in the jobs list: run `pulumi "
                        "refresh`, then `pulumi up` (an import that landed is taken over, "
                        "never submitted twice)"
                    )
                job_id = submission.job_id
                progress(
                    f"import of package {package_id} into {target!r} submitted as "
                    f"{job_name!r} ({job_id})"
                )
            # Submitted (by this run or an earlier one): a wait cut short records the job.
            extra = recorded(job_id, job_name, correlation_id, alternatives, conflicts)
            job = wait_for_import(client, job_id, job_name, inputs, what, partial_of(inputs, extra))
            outs = finished(job, inputs, extra)
        return CreateResult(str(outs["job_id"]), outs)

    def _adopt(self, inputs: Mapping[str, Any]) -> CreateResult:
        adopt_id, org = inputs[ADOPT_ID], inputs.get("org")
        client = self.client(org)
        what = f"adopting import job {adopt_id}"
        with api_errors(what, org=org):
            job = or_none(lambda: client.get_job(adopt_id))
            if job is None:
                raise ProviderError(
                    f"{what} failed: the org `org` acts as has no import job {adopt_id}: "
                    + adoption_missing("import job")
                )
            package = or_none(lambda: client.get_package(inputs["package_id"]))
            differences = adoption_differences(job, inputs, package)
            if differences:
                raise not_adoptable(what, differences)
            name = job.name or inputs.get("name") or ""
            if job.job_status in RUNNING:
                progress(f"import job {name!r} ({adopt_id}) is {job.job_status}: waiting")
                job = wait_for_import(client, adopt_id, name, inputs, what)
            progress(f"import job {name!r} ({adopt_id}) adopted without changes")
            alternatives = {k: dict(v) for k, v in (inputs.get("alternatives") or {}).items()}
            extra = recorded(adopt_id, name, None, alternatives, None)
            outs = finished(job, inputs, extra)
        return CreateResult(str(outs["job_id"]), outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        _claims.record(_claims.IMPORT_JOB, id_)
        olds = self.strip(props)
        client = self.client(olds.get("org"))
        with api_errors(f"reading import job {id_}", org=olds.get("org")):
            if not olds.get("package_id"):
                # Nothing recorded: `pulumi import` through the plugin sends the id alone.
                return self._read_imported(client, id_)
            job = or_none(lambda: client.get_job(id_))
        if job is None:
            return gone()
        inputs = {k: v for k, v in olds.items() if k in ImportJobInputs.model_fields}
        outs = dict(olds)
        outs["job_status"] = job.job_status
        if job.job_status == JobStatus.SUCCESS:
            outs["imported_artifacts"] = job.imported_artifacts
            outs["created_artifacts"] = job.created_artifacts
            outs["reused_artifacts"] = job.reused_artifacts
        return ReadResult(id_, outs, inputs=inputs)

    @staticmethod
    def _read_imported(client: ExImClient, id_: str) -> ReadResult:
        """The job with this id, its inputs rebuilt from the job itself. No page shows a
        job's package: `package_id` is the package the job most likely imported
        (`job_package`: of its source sandbox, published before it, named as the job or with
        every artifact among those the job imported), left out when none fits. What was sent
        as `alternatives` can't be told from the job, so it has none; what it created and
        reused comes from its tasks."""
        from sandbox_provider.client import job_package

        job = or_none(lambda: client.get_job(id_))
        if job is None:
            return gone()
        package = job_package(job, client.list_packages())
        own = {
            "package_id": package.id if package else None,
            "target_sandbox": job.target_sandbox,
            "name": job.name,
            "description": job.description,
        }
        inputs = {k: v for k, v in own.items() if v}
        extra = recorded(job.id, job.name or "", None, {}, [])
        outs = outputs_of(job, inputs, extra)
        if job.job_status == JobStatus.SUCCESS:
            outs["needs_attention"] = needs_attention(job)
        return ReadResult(str(outs["job_id"]), outs, inputs=inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        _claims.record(_claims.IMPORT_JOB, id_)
        outs = self.strip(olds)
        if outs.get("job_status") != SUCCESS:
            # A create cut short after submitting (the plugin's partial state): finish that
            # job, never submit another.
            return UpdateResult(self._finish(id_, outs, self.strip(news)))
        for key in updated_by(ImportJobInputs):
            outs.pop(key, None)
            if news.get(key) is not None:
                outs[key] = news[key]
        return UpdateResult(outs)

    def _finish(
        self, id_: str, recorded_outs: Mapping[str, Any], inputs: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The outputs of the job a create recorded unfinished, waited for by its id until
        SUCCESS; it stays recorded unfinished if the wait is cut short again or the job
        FAILED."""
        client = self.client(inputs.get("org"))
        job_id = str(recorded_outs.get("job_id") or id_)
        job_name = str(recorded_outs.get("job_name") or inputs.get("name") or "")
        what = f"finishing import job {job_name!r} ({job_id})"
        alternatives = dict(recorded_outs.get("alternatives_used") or {})
        conflicts = conflicts_from(recorded_outs.get("conflicts"))
        extra = recorded(
            job_id, job_name, recorded_outs.get("correlation_id"), alternatives, conflicts
        )
        partial = keeping_id(id_, partial_of(inputs, extra))
        job = wait_for_import(client, job_id, job_name, inputs, what, partial, finishing=True)
        with api_errors(what, org=inputs.get("org")):
            return finished(job, inputs, extra)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        progress(
            f"import job {id_}: removed from the stack only; an import can't be undone and "
            "what it created stays in the target sandbox"
        )
