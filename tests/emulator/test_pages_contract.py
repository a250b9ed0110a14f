"""The public pages' example answers as a contract (issue 16, part 5): for each endpoint, the
example answers on the pages parse with the client's models, and every key the emulator sends
is one the pages show for that endpoint.

The examples are a copy of the pages' answer blocks (tests/emulator/pages/answers.json, six of
them by name from tests/data/pages_examples/, read by `_pages.py`: the pages themselves are
outside the repo). What the pages show for an endpoint is
the union of the key paths of its examples (`_pages.documented`), plus the few keys the
emulator keeps beyond them as written decisions of docs/emulator.md ("Behaviour decisions",
keys beyond the pages' examples: `KEPT` below) and the keys a page names in its text rather
than its example (`IN_THE_TEXT`). Error answers (4xx) are out of scope: their shapes are in
docs/emulator.md.

The emulator side drives one realistic scenario over HTTP in manual timing (publish, import,
jobs, tools, handshakes, transfers, public packages), collects every answer's key paths that
the pages don't show, and fails once, listing them per endpoint (with any call that did not
answer 200).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sandbox_provider.client.models import (
    Artifact,
    ArtifactChildren,
    Conflict,
    DeleteResult,
    Handshake,
    HandshakeBulkResult,
    ImportSubmission,
    Job,
    JobDetails,
    Package,
    PackagePayload,
    PackageVersion,
    Page,
    PreflightResult,
    PublishResult,
    ToolsAnswer,
    Transfer,
    VersionJob,
)
from sandbox_provider.testing import EmulatorProcess

from ._pages import (
    ANSWER_FILES,
    Example,
    answer_files,
    documented,
    endpoints,
    examples,
    key_paths,
    not_served,
    route_key,
    same_shape,
)
from ._support import ACME, ACME_ID, PARTNER_ID, SCHEMA_LOYALTY, iso_in

EXIM = "/data/foundation/exim"

#: Keys the emulator sends beyond what the pages show for an endpoint, each a written decision
#: of docs/emulator.md ("Behaviour decisions"): endpoint -> {key path: why}. Keep it small.
KEPT: dict[str, dict[str, str]] = {
    "POST /packages": {
        "packageVisibility": "every package answer: the visibility answer shows it",
        "artifactsList[].title": "every package answer: the visibility answer shows it",
    },
    "GET /packages/{package_id}": {
        "packageVisibility": "every package answer: the visibility answer shows it",
        "artifactsList[].title": "every package answer: the visibility answer shows it",
    },
    "GET /packages": {
        "data[].packageVisibility": "every package answer: the visibility answer shows it",
        "data[].artifactsList[].title": "every package answer: the visibility answer shows it",
        "nextPage": "every list: the handshake and transfer lists show it",
        "pageSize": "every list: the handshake and transfer lists show it",
    },
    "PUT /packages": {
        "publishDate": "a published package's answers: the look-up shows it",
    },
    "GET /packages/jobs": {
        "nextPage": "every list: the handshake and transfer lists show it",
        "pageSize": "every list: the handshake and transfer lists show it",
    },
    "PATCH /packages/{package_id}": {
        "artifactsList[].title": "every package answer: the visibility answer shows it",
        "tenantId": "the capabilities answer is the package as its look-up shows it, plus two keys",
    },
}

#: Keys a page names in its text, not in its example: endpoint -> {key: the documented key
#: whose shape it has}. tools.md "Job details": "real-time status updates as `completedTasks`
#: and `failedTasks` are updated as the job progresses".
IN_THE_TEXT: dict[str, dict[str, str]] = {
    "GET /tools/job/{job_id}": {"object.failedTasks": "object.completedTasks"},
}

#: Served routes no page shows an answer of, checked against the answer of their twin.
SAME_ANSWER = {
    "POST /packages/{package_id}/import": "POST /packages/import",  # submit, by path
    "POST /handshake/list": "GET /handshake/list",  # the pt-br page shows POST
}


def allowed(endpoint: str) -> set[str]:
    """The key paths an answer of `endpoint` may carry."""
    base = SAME_ANSWER.get(endpoint, endpoint)
    paths = set(documented(base)) | set(KEPT.get(base, {}))
    for key, like in IN_THE_TEXT.get(base, {}).items():
        paths |= same_shape(documented(base), like, key)
    return paths


# -- a. every example answer parses with the client's model, values kept ---------------------
def same(obj: Any, raw: dict[str, Any], **fields: str) -> None:
    """Each attribute of the parsed `obj` equals the example's value under the given key."""
    for attr, key in fields.items():
        got, want = getattr(obj, attr), raw.get(key)
        assert got == want, f"{type(obj).__name__}.{attr} = {got!r}; the example's {key}: {want!r}"


def _sandbox(ref: Any, raw: dict[str, Any] | None) -> None:
    if raw is None:
        assert ref is None
        return
    assert ref is not None
    same(ref, raw, name="name", ims_org_id="imsOrgId")


def _artifacts(parsed: list[Artifact], raw: list[dict[str, Any]]) -> None:
    assert len(parsed) == len(raw)
    for a, r in zip(parsed, raw, strict=True):
        same(a, r, id="id", type="type", title="title", found="found", count="count")
        assert a.messages == r.get("messages")


def _package(raw: dict[str, Any]) -> None:
    _check_package(Package.model_validate(raw), raw)


def _check_package(p: Package, raw: dict[str, Any]) -> None:
    same(
        p,
        raw,
        id="id",
        name="name",
        version="version",
        description="description",
        ims_org_id="imsOrgId",
        package_type="packageType",
        status="status",
        package_visibility="packageVisibility",
        expiry="expiry",
        publish_date="publishDate",
        created_date="createdDate",
        modified_date="modifiedDate",
        created_by="createdBy",
        modified_by="modifiedBy",
    )
    _sandbox(p.source_sandbox, raw.get("sourceSandbox"))
    _artifacts(p.artifacts, raw["artifactsList"])


def _page(
    raw: dict[str, Any], model: type[Any], item: Callable[[Any, dict[str, Any]], None]
) -> None:
    page = Page[model].model_validate(raw)  # type: ignore[valid-type]
    same(
        page,
        raw,
        total_elements="totalElements",
        current_page="currentPage",
        total_pages="totalPages",
        has_previous_page="hasPreviousPage",
        has_next_page="hasNextPage",
        next_page="nextPage",
        page_size="pageSize",
    )
    assert len(page.data) == len(raw["data"])
    for parsed, r in zip(page.data, raw["data"], strict=True):
        item(parsed, r)


def _package_list(raw: dict[str, Any]) -> None:
    _page(raw, Package, _check_package)


def _delete(raw: dict[str, Any]) -> None:
    same(DeleteResult.model_validate(raw), raw, reason="reason")


def _publish(raw: dict[str, Any]) -> None:
    r = PublishResult.model_validate(raw)
    same(
        r,
        raw,
        name="name",
        description="description",
        visibility="visibility",
        type="type",
        correlation_id="correlationId",
        job_id="jobId",
    )
    _sandbox(r.source_sandbox, raw.get("sourceSandbox"))


def _submit(raw: dict[str, Any]) -> None:
    r = ImportSubmission.model_validate(raw)
    same(
        r,
        raw,
        name="name",
        description="description",
        visibility="visibility",
        type="type",
        correlation_id="correlationId",
        job_id="jobId",
    )
    _sandbox(r.source_sandbox, raw.get("sourceSandbox"))
    _sandbox(r.destination_sandbox, raw.get("destinationSandbox"))


def _conflicts(raw: list[dict[str, Any]]) -> None:
    parsed = [Conflict.model_validate(c) for c in raw]
    for c, r in zip(parsed, raw, strict=True):
        assert c.parent_id == r["parentID"]
        _artifacts([c.artifact], [r["artifact"]])
        _artifacts(c.suggestion_list, r["suggestionList"])


def _children(raw: list[dict[str, Any]]) -> None:
    parsed = [ArtifactChildren.model_validate(c) for c in raw]
    for c, r in zip(parsed, raw, strict=True):
        same(c, r, id="id", type="type", title="title")
        _artifacts(c.children, r["children"])


def _preflight(raw: dict[str, Any]) -> None:
    r = PreflightResult.model_validate(raw)
    assert r.package_id == raw["packageID"]
    same(r, raw, target_sandbox_name="targetSandboxName")
    assert r.allowed == all(p["creationAllowed"] for p in raw["permissionResponse"])
    for p, w in zip(r.permission_response, raw["permissionResponse"], strict=True):
        assert p.artifact_id == w["artifactID"]
        same(p, w, artifact_type="artifactType", creation_allowed="creationAllowed")
        for got, want in (
            (p.required_permissions, w["requiredPermissions"]),
            (p.missing_permissions, w["missingPermissions"]),
        ):
            assert [(x.palm_resource_type, x.resource_permissions) for x in got.resources] == [
                (x["palmResourceType"], x["resourcePermissions"]) for x in want["resources"]
            ]


def _job(j: Job, raw: dict[str, Any]) -> None:
    same(
        j,
        raw,
        id="id",
        name="name",
        job_status="jobStatus",
        job_type="jobType",
        package_type="packageType",
        description="description",
        visibility="visibility",
        source_sandbox="sourceSandBox",
        target_sandbox="targetSandbox",
        created="created",
        updated="updated",
        created_by="createdBy",
    )


def _jobs(raw: dict[str, Any]) -> None:
    _page(raw, Job, _job)


def _payload(raw: dict[str, Any]) -> None:
    same(PackagePayload.model_validate(raw), raw, ims_org_id="imsOrgId", package_id="packageId")


def _handshake(h: Handshake, raw: dict[str, Any]) -> None:
    same(
        h,
        raw,
        id="id",
        linking_id="linkingId",
        status="status",
        source_ims_org_id="sourceIMSOrgId",
        target_ims_org_id="targetIMSOrgId",
        source_org_name="sourceOrgName",
        source_ims_org_name="sourceIMSOrgName",
        target_org_name="targetOrgName",
        source_region="sourceRegion",
        target_region="targetRegion",
        version="version",
        created_by="createdBy",
        modified_by="modifiedBy",
        created_by_name="createdByName",
        modified_by_name="modifiedByName",
        modified_by_ims_org_id="modifiedByIMSOrgId",
        created_date="createdDate",
        modified_date="modifiedDate",
        status_history="statusHistory",
    )
    history = json.loads(raw["statusHistory"])
    assert [(e.action, e.action_time_stamp, e.action_taken_by_ims_org_id) for e in h.history()] == [
        (e["action"], e["actionTimeStamp"], e["actionTakenByImsOrgID"]) for e in history
    ]


def _bulk_create(raw: dict[str, Any]) -> None:
    r = HandshakeBulkResult.model_validate(raw)
    assert list(r.successful_requests) == list(raw["successfulRequests"])
    for org, h in r.successful_requests.items():
        _handshake(h, raw["successfulRequests"][org])
    assert r.failed_requests == raw["failedRequests"]


def _action(raw: dict[str, Any]) -> None:
    _handshake(Handshake.model_validate(raw), raw)


def _handshakes(raw: dict[str, Any]) -> None:
    _page(raw, Handshake, _handshake)


def _transfer(t: Transfer, raw: dict[str, Any]) -> None:
    same(
        t,
        raw,
        id="id",
        package_id="packageId",
        package_name="packageName",
        status="status",
        request_type="requestType",
        source_ims_org_id="sourceIMSOrgId",
        target_ims_org_id="targetIMSOrgId",
        source_org_name="sourceOrgName",
        target_org_name="targetOrgName",
        initiated_by="initiatedBy",
        pipeline_message_id="pipelineMessageId",
        version="version",
        created_by="createdBy",
        modified_by="modifiedBy",
        created_date="createdDate",
        modified_date="modifiedDate",
        completed_time="completedTime",
    )
    details = raw.get("transferDetails")
    assert t.messages == (details["messages"] if details else [])
    if details:
        assert t.transfer_details is not None
        assert t.transfer_details.additional_metadata == details["additionalMetadata"]


def _transfers(raw: list[dict[str, Any]]) -> None:
    for r in raw:
        _transfer(Transfer.model_validate(r), r)


def _one_transfer(raw: dict[str, Any]) -> None:
    _transfer(Transfer.model_validate(raw), raw)


def _transfer_list(raw: dict[str, Any]) -> None:
    _page(raw, Transfer, _transfer)


def _tools_envelope(answer: ToolsAnswer[Any], raw: dict[str, Any]) -> None:
    same(answer, raw, status="status", type="type", message="message")


def _job_details(raw: dict[str, Any]) -> None:
    answer = ToolsAnswer[JobDetails].model_validate(raw)
    _tools_envelope(answer, raw)
    job, obj = answer.object, raw["object"]
    same(
        job,
        obj,
        id="id",
        name="name",
        description="description",
        visibility="visibility",
        request_type="requestType",
        expiry="expiry",
        snapshot_id="snapshotId",
        created_timestamp="createdTimestamp",
        modified_timestamp="modifiedTimestamp",
        type="type",
        job_status="jobStatus",
        job_type="jobType",
        counter="counter",
        ims_org_id="imsOrgId",
        job_hash="jobHash",
    )
    _sandbox(job.source_sandbox, obj.get("sourceSandbox"))
    _sandbox(job.destination_sandbox, obj.get("destinationSandbox"))
    assert job.target_sandbox == obj["destinationSandbox"]["name"]
    for tasks, key in ((job.completed_tasks, "completedTasks"), (job.failed_tasks, "failedTasks")):
        want = obj.get(key, [])
        assert len(tasks) == len(want)
        for t, w in zip(tasks, want, strict=True):
            same(t, w, task_type="taskType", task_status="taskStatus")
            assert t.artifact is not None
            _artifacts([t.artifact], [w["artifact"]])
            assert t.artifact.new_id == w["artifact"].get("newId")
            assert t.outcome == w["artifact"]["messages"][-1]["status"]
    assert job.import_replacement_map == obj.get("importReplacementMap", {})
    assert job.source_parent_artifact_map == obj.get("sourceParentArtifactMap", {})
    assert job.imported_artifacts == obj.get("importReplacementMap", {})
    created = {
        t["artifact"]["id"]: t["artifact"]["newId"]
        for t in obj.get("completedTasks", [])
        if t["artifact"]["messages"][-1]["status"] == "CREATED"
    }
    assert job.created_artifacts == created


def _artifact_list(raw: dict[str, Any]) -> None:
    answer = ToolsAnswer[list[Artifact]].model_validate(raw)
    _tools_envelope(answer, raw)
    _artifacts(answer.object, raw["object"])


def _version_job(raw: dict[str, Any]) -> None:
    _check_version_job(VersionJob.model_validate(raw), raw)


def _check_version_job(job: VersionJob, raw: dict[str, Any]) -> None:
    same(
        job,
        raw,
        id="id",
        name="name",
        request_type="requestType",
        job_type="jobType",
        job_status="jobStatus",
        package_version="packageVersion",
        snapshot_id="snapshotId",
    )
    _sandbox(job.source_sandbox, raw.get("sourceSandbox"))
    _sandbox(job.destination_sandbox, raw.get("destinationSandbox"))


def _compare(raw: dict[str, Any]) -> None:
    answer = ToolsAnswer[VersionJob].model_validate(raw)
    _tools_envelope(answer, raw)
    job, obj = answer.object, raw["object"]
    _check_version_job(job, obj)
    assert job.import_replacement_map == obj.get("importReplacementMap", {})
    delta, want = job.delta_package_version, obj.get("deltaPackageVersion")
    if want is None:
        assert delta is None
        return
    assert delta is not None
    same(delta, want, package_id="packageId", current_version="currentVersion")
    _artifacts(delta.root_artifacts, want["rootArtifacts"])
    got = delta.exim_graph_delta.plugin_deltas
    wanted = want["eximGraphDelta"]["pluginDeltas"]
    assert len(got) == len(wanted)
    for d, w in zip(got, wanted, strict=True):
        assert d.source_artifact is not None and d.target_artifact is not None
        _artifacts([d.source_artifact], [w["sourceArtifact"]])
        _artifacts([d.target_artifact], [w["targetArtifact"]])
        assert [(c.op, c.path, c.old_value, c.new_value) for c in d.changes] == [
            (c["op"], c["path"], c.get("oldValue"), c.get("newValue")) for c in w["changes"]
        ]


def _history(raw: list[dict[str, Any]]) -> None:
    versions = [PackageVersion.model_validate(v) for v in raw]
    for v, w in zip(versions, raw, strict=True):
        same(v, w, id="id", package_version="packageVersion", created_date="createdDate")


def _capabilities(raw: dict[str, Any]) -> None:
    pkg = Package.model_validate(raw)
    _check_package(pkg, raw)
    assert pkg.latest_package_version == raw["latestPackageVersion"]
    assert pkg.package_capabilities is not None
    assert pkg.package_capabilities.capabilities == raw["packageCapabilities"]["capabilities"]


PARSE: dict[str, Callable[[Any], None]] = {
    "POST /packages": _package,
    "PUT /packages": _package,
    "DELETE /packages/{package_id}": _delete,
    "GET /packages/{package_id}/export": _publish,
    "GET /packages/{package_id}": _package,
    "GET /packages": _package_list,
    "GET /packages/{package_id}/import": _conflicts,
    "POST /packages/import": _submit,
    "POST /packages/{package_id}/children": _children,
    "GET /packages/preflight/{package_id}": _preflight,
    "GET /packages/jobs": _jobs,
    "GET /packages/payload/{package_id}": _payload,
    "POST /handshake/bulkCreate": _bulk_create,
    "POST /handshake/action": _action,
    "GET /handshake/list": _handshakes,
    "POST /transfer": _transfers,
    "GET /transfer/{transfer_id}": _one_transfer,
    "GET /transfer/list": _transfer_list,
    "POST /transfer/pullRequest": _one_transfer,
    "GET /tools/job/{job_id}": _job_details,
    "GET /tools/artifacts/{artifact_type}": _artifact_list,
    "PATCH /packages/{package_id}/version/compare": _compare,
    "PATCH /packages/{package_id}/version/save": _version_job,
    "PATCH /packages/{package_id}/history": _history,
    "PATCH /packages/{package_id}/import": _version_job,
    "PATCH /packages/{package_id}": _capabilities,
}


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.label)
def test_example_answer_parses_with_the_clients_model(example: Example) -> None:
    PARSE[example.endpoint](example.answer)


def test_every_endpoint_has_a_parser() -> None:
    assert set(endpoints()) == set(PARSE)


# -- the documented key sets -------------------------------------------------------------------
def test_documented_keys_come_from_the_examples() -> None:
    assert "data[].sourceSandBox" in documented("GET /packages/jobs")
    assert "object.completedTasks[].artifact.newId" in documented("GET /tools/job/{job_id}")
    assert "object.importReplacementMap.*" in documented("GET /tools/job/{job_id}")
    tools_job = documented("GET /tools/job/{job_id}")
    assert sorted(p for p in tools_job if p.startswith("object.importReplacementMap")) == [
        "object.importReplacementMap",
        "object.importReplacementMap.*",
    ]
    assert "artifactsList[].found" in documented("POST /packages")
    assert "successfulRequests.*.linkingId" in documented("POST /handshake/bulkCreate")
    assert "failedRequests.*" in documented("POST /handshake/bulkCreate")
    assert "[].suggestionList[].title" in documented("GET /packages/{package_id}/import")
    # The union over an endpoint's examples: the visibility answer adds to PUT's.
    assert {"packageVisibility", "sourceSandbox.empty"} <= documented("PUT /packages")
    assert "jobId" in documented("POST /packages/import")
    assert "transferDetails.messages" in documented("GET /transfer/{transfer_id}")
    # What no page shows for an endpoint is not there.
    assert "failureReason" not in documented("GET /packages/{package_id}")
    assert "data[].correlationId" not in documented("GET /packages/jobs")
    assert "requestId" not in documented("PUT /packages")
    assert "object.failedTasks" not in documented("GET /tools/job/{job_id}")
    assert "object.failedTasks[].artifact.newId" in allowed("GET /tools/job/{job_id}")


def test_key_paths() -> None:
    got = key_paths(
        {
            "a": [{"b": 1, "c": None}],
            "importReplacementMap": {"x.y/z": "q"},
            "failedRequests": {},
            "d": {"e": []},
        }
    )
    assert got == {
        "a",
        "a[].b",
        "a[].c",
        "importReplacementMap",
        "importReplacementMap.*",
        "failedRequests",
        "failedRequests.*",
        "d",
        "d.e",
    }
    assert key_paths([{"artifact": {"id": "x"}}]) == {"[].artifact", "[].artifact.id"}


def test_kept_keys_are_beyond_the_pages() -> None:
    """A KEPT entry the pages already show would be dead weight: each one is a decision."""
    for endpoint, keys in KEPT.items():
        shown = set(keys) & documented(endpoint)
        assert not shown, f"{endpoint}: the pages show {sorted(shown)}; drop them from KEPT"


def test_sections_not_served_are_not_in_the_examples() -> None:
    skipped = {n["page"] for n in not_served()}
    assert len(skipped) == len(not_served()) == 4
    assert not skipped & {e.page for e in examples()}


def test_each_example_is_copied_once() -> None:
    """The blocks check-live's offline tests read (tests/data/pages_examples/) are named by
    the corpus, not copied into it again: one copy of each, so the two can't drift apart."""
    files = sorted(f.name for f in ANSWER_FILES.glob("*.json"))
    assert files and sorted(answer_files()) == files
    answers = [e.answer for e in examples()]
    for name in files:
        block = json.loads((ANSWER_FILES / name).read_text(encoding="utf-8"))
        assert answers.count(block) == 1, f"{name}: also copied inline in answers.json"


def test_every_endpoint_of_the_pages_is_served(emulator: EmulatorProcess) -> None:
    """The routes the emulator serves under exim are exactly the pages' endpoints (and the
    two forms no page shows an answer of, `SAME_ANSWER`). `not_served` lists the rest."""
    routes = emulator.http.get("/_emulator/routes").json()["routes"]
    served = {
        route_key(f"{m} {r['path'][len(EXIM) :]}")
        for r in routes
        if r["path"].startswith(EXIM + "/")
        for m in r["methods"]
        if m not in ("HEAD", "OPTIONS")
    }
    pages = {route_key(e) for e in endpoints()} | {route_key(e) for e in SAME_ANSWER}
    assert pages - served == set(), f"documented with an example but not served: {pages - served}"
    assert served - pages == set(), f"served without a page example: {served - pages}"


# -- b. every key the emulator sends is one the pages show -------------------------------------
class Recorder:
    """Calls the emulator and notes, per endpoint, the key paths the pages don't show."""

    def __init__(self) -> None:
        self.undocumented: dict[str, set[str]] = {}
        self.problems: list[str] = []
        self.seen: set[str] = set()
        self.sent: dict[str, set[str]] = {}

    def call(
        self,
        client: httpx.Client,
        endpoint: str,
        path: str,
        *,
        json_body: Any = None,
        params: Any = None,
    ) -> Any:
        method = endpoint.split(" ", 1)[0]
        kw: dict[str, Any] = {"params": params}
        if json_body is not None:
            kw["json"] = json_body
        r = client.request(method, path, **kw)
        if r.status_code != 200:
            self.problems.append(f"{method} {path} -> {r.status_code}: {r.text[:300]}")
            return None
        body = r.json()
        self.seen.add(endpoint)
        self.sent.setdefault(endpoint, set()).update(key_paths(body))
        extra = key_paths(body) - allowed(endpoint)
        if extra:
            self.undocumented.setdefault(endpoint, set()).update(extra)
        return body

    def expect(self, condition: bool, what: str) -> None:
        if not condition:
            self.problems.append(what)

    def report(self) -> str:
        lines = []
        for endpoint in sorted(self.undocumented):
            lines.append(f"  {endpoint} -> {', '.join(sorted(self.undocumented[endpoint]))}")
        # The twins too: a twin never called would have its answer's keys go unchecked.
        missed = sorted((set(endpoints()) | set(SAME_ANSWER)) - self.seen)
        stale = [
            f"  {endpoint} -> {', '.join(sorted(set(keys) - self.sent.get(endpoint, set())))}"
            for endpoint, keys in sorted(KEPT.items())
            if set(keys) - self.sent.get(endpoint, set())
        ]
        out = []
        if lines:
            out.append("keys the pages don't show for the endpoint:\n" + "\n".join(lines))
        if missed:
            out.append("endpoints the scenario did not get a 200 from: " + ", ".join(missed))
        if stale:
            out.append("KEPT keys the emulator no longer sends (drop them):\n" + "\n".join(stale))
        if self.problems:
            out.append("problems:\n" + "\n".join(f"  {p}" for p in self.problems))
        return "\n".join(out)


def _get(body: Any, *keys: str | int) -> Any:
    for k in keys:
        if isinstance(k, int):
            body = body[k] if isinstance(body, list) and len(body) > k else None
        else:
            body = body.get(k) if isinstance(body, dict) else None
    return body


def test_the_emulator_sends_only_keys_the_pages_show(
    manual: EmulatorProcess, acme: httpx.Client, partner: httpx.Client
) -> None:
    emu, rec = manual, Recorder()

    # A package: create (with a title on one artifact, as the page's request), ADD, DELETE,
    # UPDATE, look up the draft, publish.
    a = rec.call(
        acme,
        "POST /packages",
        "/packages",
        json_body={
            "name": "contract-a",
            "description": "Contract test",
            "packageType": "PARTIAL",
            "sourceSandbox": {"name": "dev", "imsOrgId": ACME_ID},
            "expiry": iso_in(30),
            "artifacts": [
                {"id": SCHEMA_LOYALTY, "type": "REGISTRY_SCHEMA", "title": "Loyalty Profile"},
                {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"},
            ],
        },
    )
    assert a is not None, rec.report()
    pid = a["id"]
    journey = [{"id": "acme-jr-gold-welcome", "type": "JOURNEY"}]
    for body in (
        {"id": pid, "action": "ADD", "expiry": iso_in(30), "artifacts": journey},
        {"id": pid, "action": "DELETE", "artifacts": journey},
        {
            "id": pid,
            "action": "UPDATE",
            "name": "contract-a",
            "description": "Contract test, updated",
            "sourceSandbox": {"name": "dev", "imsOrgId": ACME_ID},
        },
    ):
        rec.call(acme, "PUT /packages", "/packages", json_body=body)
    rec.call(acme, "GET /packages/{package_id}", f"/packages/{pid}")
    published = rec.call(acme, "GET /packages/{package_id}/export", f"/packages/{pid}/export")
    emu.advance()
    pkg = rec.call(acme, "GET /packages/{package_id}", f"/packages/{pid}")
    rec.expect(_get(pkg, "status") == "PUBLISHED", f"contract-a should be PUBLISHED: {pkg}")

    # A package whose publication fails: its artifact is gone from the source sandbox.
    b = rec.call(
        acme,
        "POST /packages",
        "/packages",
        json_body={
            "name": "contract-b",
            "packageType": "PARTIAL",
            "artifacts": [{"id": "acme-policy-email", "type": "DULE_CONSENT_POLICY"}],
        },
    )
    bid = _get(b, "id")
    emu.delete_artifact(ACME, "dev", "acme-policy-email")
    failed_publish = rec.call(acme, "GET /packages/{package_id}/export", f"/packages/{bid}/export")
    emu.advance()
    pkg_b = rec.call(acme, "GET /packages/{package_id}", f"/packages/{bid}")
    rec.expect(_get(pkg_b, "status") == "PUBLISH_FAILED", f"contract-b should fail: {pkg_b}")
    rec.call(acme, "GET /packages", "/packages")
    rec.call(
        acme,
        "GET /packages",
        "/packages",
        params=[("property", "status==DRAFT,PUBLISHED"), ("orderby", "-createdDate")],
    )

    # Importing it: conflicts, children, preflight, submit (both forms), the jobs.
    conflicts = rec.call(
        acme,
        "GET /packages/{package_id}/import",
        f"/packages/{pid}/import",
        params={"targetSandbox": "prod"},
    )
    rec.expect(bool(conflicts), "conflicts in prod should not be empty (the seed's look-alikes)")
    rec.call(acme, "POST /packages/{package_id}/children", f"/packages/{pid}/children")
    rec.call(
        acme,
        "POST /packages/{package_id}/children",
        f"/packages/{pid}/children",
        json_body=[{"id": SCHEMA_LOYALTY, "type": "REGISTRY_SCHEMA"}],
    )
    rec.call(
        acme,
        "GET /packages/preflight/{package_id}",
        f"/packages/preflight/{pid}",
        params={"targetSandbox": "prod"},
    )
    submitted = rec.call(
        acme,
        "POST /packages/import",
        "/packages/import",
        json_body={
            "id": pid,
            "name": "contract-import",
            "description": "Contract import",
            "destinationSandbox": {"name": "prod", "imsOrgId": ACME_ID},
            "alternatives": {
                SCHEMA_LOYALTY: {"id": "acme-prod-schema-loyalty", "type": "REGISTRY_SCHEMA"}
            },
        },
    )
    rec.call(
        acme,
        "POST /packages/{package_id}/import",
        f"/packages/{pid}/import",
        params={"targetSandbox": "prod"},
    )
    emu.advance()
    rec.call(acme, "GET /packages/jobs", "/packages/jobs")
    rec.call(
        acme,
        "GET /packages/jobs",
        "/packages/jobs",
        params=[
            ("property", "requestType==IMPORT"),
            ("property", "jobStatus==SUCCESS"),
            ("orderby", "createdDate"),
            ("start", 0),
            ("limit", 5),
        ],
    )
    # Each job by the id its answer gave: ended, with the tasks that show their keys.
    for what, answer, status, tasks in (
        ("publish", published, "SUCCESS", None),
        ("failed publish", failed_publish, "FAILED", "failedTasks"),
        ("import", submitted, "SUCCESS", "completedTasks"),
    ):
        job_id = _get(answer, "jobId")
        rec.expect(job_id is not None, f"the {what} answer has no jobId: {answer}")
        if job_id is not None:
            job = rec.call(acme, "GET /tools/job/{job_id}", f"/tools/job/{job_id}")
            rec.expect(
                _get(job, "object", "jobStatus") == status,
                f"the {what} job should have ended {status}: {job}",
            )
            if tasks:
                rec.expect(bool(_get(job, "object", tasks)), f"the {what} job has no {tasks}")
    rec.call(acme, "GET /tools/artifacts/{artifact_type}", "/tools/artifacts/REGISTRY_SCHEMA")

    # Versions: the capabilities, a field added in dev, compared with the source, a new
    # version saved, the history, compared with prod, then the object the import used in
    # prod (its alternative) updated.
    rec.call(
        acme, "PATCH /packages/{package_id}", f"/packages/{pid}", params={"getCapabilities": "true"}
    )
    fields = {"loyaltyId": "string", "person.name": "string", "loyalty.since": "date"}
    emu.patch_artifact(ACME, "dev", SCHEMA_LOYALTY, {"definition": {"fields": fields}})
    versions = {
        "compare": (
            "PATCH /packages/{package_id}/version/compare",
            f"/packages/{pid}/version/compare",
        ),
        "save": ("PATCH /packages/{package_id}/version/save", f"/packages/{pid}/version/save"),
        "history": ("PATCH /packages/{package_id}/history", f"/packages/{pid}/history"),
        "update": ("PATCH /packages/{package_id}/import", f"/packages/{pid}/import"),
    }
    for target in (None, "prod"):
        body = {"triggerNew": True} | ({"targetSandbox": target} if target else {})
        rec.call(acme, *versions["compare"], json_body=body)
        emu.advance()
        done = rec.call(acme, *versions["compare"], json_body=body | {"triggerNew": False})
        changed = _get(done, "object", "deltaPackageVersion", "eximGraphDelta", "pluginDeltas")
        rec.expect(bool(changed), f"the compare with {target or 'the source'} found no change")
        if target is None:
            rec.call(acme, *versions["save"])
            emu.advance()
            rec.call(acme, *versions["history"])
    update = rec.call(
        acme,
        *versions["update"],
        json_body={
            "name": "contract-update",
            "destinationSandbox": {"name": "prod", "imsOrgId": ACME_ID},
            "overwriteMappings": {
                SCHEMA_LOYALTY: {"id": "acme-prod-schema-loyalty", "type": "REGISTRY_SCHEMA"}
            },
        },
    )
    emu.advance()
    updated = rec.call(acme, "GET /tools/job/{job_id}", f"/tools/job/{_get(update, 'id')}")
    rec.expect(
        _get(updated, "object", "jobStatus") == "SUCCESS", f"the update should succeed: {updated}"
    )

    # Sharing: a handshake (one target approved, one unknown), a private transfer of each
    # package (contract-b's fails), then contract-a made public and pulled.
    bulk = rec.call(
        acme,
        "POST /handshake/bulkCreate",
        "/handshake/bulkCreate",
        json_body={
            "targetIMSOrgIds": [PARTNER_ID, "NOBODY00000000000000000@AdobeOrg"],
            "sourceIMSDetails": {"id": ACME_ID, "name": "acme_org"},
        },
    )
    rec.expect(bool(_get(bulk, "failedRequests")), f"an unknown target should fail: {bulk}")
    rec.call(acme, "GET /handshake/list", "/handshake/list", params={"requestType": "OUTGOING"})
    linking = _get(bulk, "successfulRequests", PARTNER_ID, "linkingId")
    rec.call(
        partner,
        "POST /handshake/action",
        "/handshake/action",
        json_body={
            "linkingID": linking,
            "status": "APPROVED",
            "reason": "Done",
            "targetIMSOrgDetails": {"id": PARTNER_ID, "name": "partner", "region": "va6"},
        },
    )
    rec.call(
        partner,
        "GET /handshake/list",
        "/handshake/list",
        params={"property": "status==APPROVED", "requestType": "INCOMING"},
    )
    rec.call(
        partner,
        "POST /handshake/list",
        "/handshake/list",
        params={"property": "status==APPROVED", "requestType": "INCOMING"},
    )  # the pt-br page's API format line
    rec.call(
        acme,
        "POST /handshake/bulkCreate",
        "/handshake/bulkCreate",
        json_body={
            "targetIMSOrgIds": [PARTNER_ID],
            "sourceIMSDetails": {"id": ACME_ID, "name": "acme_org"},
        },
    )  # the approved one again
    transfers = []
    for package_id in (pid, bid):
        created = rec.call(
            acme,
            "POST /transfer",
            "/transfer",
            json_body={"packageId": package_id, "targets": [{"imsOrgId": PARTNER_ID}]},
        )
        transfers.append(_get(created, 0, "id"))
    rec.call(acme, "GET /transfer/{transfer_id}", f"/transfer/{transfers[0]}")
    emu.advance()
    for tid in transfers:
        rec.call(acme, "GET /transfer/{transfer_id}", f"/transfer/{tid}")
        rec.call(partner, "GET /transfer/{transfer_id}", f"/transfer/{tid}")
    rec.call(acme, "GET /transfer/list", "/transfer/list")
    rec.call(
        partner,
        "GET /transfer/list",
        "/transfer/list",
        params={"property": "status==COMPLETED", "start": 0, "limit": 2, "orderBy": "-createdDate"},
    )
    for package_id in (pid, bid):
        rec.call(
            acme,
            "PUT /packages",
            "/packages",
            json_body={"id": package_id, "action": "UPDATE", "packageVisibility": "PUBLIC"},
        )
    pulled = rec.call(
        partner,
        "POST /transfer/pullRequest",
        "/transfer/pullRequest",
        json_body={"imsOrgId": ACME_ID, "packageId": pid},
    )
    emu.advance()
    rec.call(partner, "GET /transfer/{transfer_id}", f"/transfer/{_get(pulled, 'id')}")
    rec.call(
        partner,
        "GET /transfer/list",
        "/transfer/list",
        params={
            "property": "status==COMPLETED,FAILED",
            "requestType": "PUBLIC",
            "orderby": "-createdDate",
        },
    )
    for client in (acme, partner):
        rec.call(client, "GET /packages/payload/{package_id}", f"/packages/payload/{pid}")
    rec.call(partner, "GET /packages/{package_id}", f"/packages/{pid}")  # its copy
    rec.call(partner, "GET /packages", "/packages")
    rec.call(
        partner,
        "GET /packages/{package_id}/import",
        f"/packages/{pid}/import",
        params={"targetSandbox": "dev"},
    )
    rec.call(acme, "DELETE /packages/{package_id}", f"/packages/{bid}")

    report = rec.report()
    assert not report, "the emulator against the pages' examples:\n" + report
