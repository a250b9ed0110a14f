"""Job models read the pages' example answers: `GET /tools/job/{JOB_ID}` (JobDetails), the
items of `GET /packages/jobs` (Job), the publish and submit answers with their `jobId`; and
`job_package`, which infers a listed job's package from documented fields.

The examples are copied from the public pages (AdobeDocs/experience-platform.en, as kept in
the project's reference copy, which CI doesn't have): each constant names its page and
section.
"""

from __future__ import annotations

from typing import Any

import pytest

from sandbox_provider.client import (
    ImportSubmission,
    Job,
    JobDetails,
    Package,
    PublishResult,
    job_package,
)
from sandbox_provider.client.models import ToolsAnswer

ORG = "5C1328435BF324E90A49402A@AdobeOrg"
MIXIN = "https://ns.adobe.com/cjmstage/mixins/68f038b712e54546f99035a20d6ead649ca9d5b135eb24de"
MIXIN_NEW = "https://ns.adobe.com/cjmstage/mixins/220968a10a69ced58180ff1ccbe4f03124e44d17a0f23383"
SCHEMA = "https://ns.adobe.com/cjmstage/schemas/3926d1ff658a191bcb511b7c4ec45afee1c146a5b152e500"
SCHEMA_NEW = (
    "https://ns.adobe.com/cjmstage/schemas/5e32908b8db9b37a5f3e7b5851d6ffa9e3bf8487abaef3c5"
)
DATASET, DATASET_NEW = "651344d17c8c8d289d10a8e6", "651eb3af5901df289dcb4511"
DESCRIPTOR = "5a3b530ee7c4b38e9b33a69d22bfb75a2c5020e5a7a61e51"
DESCRIPTOR_NEW = "b6d8ae6376864e22ed8169a9dac3b2115d1c72b5c1d1bced"


#: tools.md "Job details" (commit bd6b7c35103d029dc8d36bbe2a9895e8891fd211), the response as the
#: page shows it (the long ids named by the constants above, strings split to fit the lines).
TOOLS_JOB_ANSWER: dict[str, Any] = {
    "status": "OK",
    "type": "SUCCESS",
    "message": "Job with ID: 0fe588dc4af64f9f98396cb6b49afb6c found",
    "object": {
        "id": "0fe588dc4af64f9f98396cb6b49afb6c",
        "name": "acme",
        "description": "Acme Business Group",
        "visibility": "TENANT",
        "requestType": "IMPORT",
        "expiry": 0,
        "snapshotId": "dd0b89579d554d07a814a620a44f9e43",
        "createdTimestamp": 1696510894380,
        "modifiedTimestamp": 1696510894380,
        "type": "PARTIAL",
        "jobStatus": "SUCCESS",
        "jobType": "NEW",
        "counter": 0,
        "imsOrgId": ORG,
        "jobHash": "6n8iV3KS6OGb0YQIQBaGhoAKKNeATeROqzV8/zbkNM8=",
        "sourceSandbox": {"name": "acme-sandbox", "imsOrgId": ORG, "empty": False},
        "destinationSandbox": {"name": "acme-sandbox1", "imsOrgId": ORG, "empty": False},
        "completedTasks": [
            {
                "taskType": "POST",
                "taskStatus": "SUCCESS",
                "artifact": {
                    "id": MIXIN,
                    "type": "REGISTRY_MIXIN",
                    "found": False,
                    "count": 0,
                    "title": "drb",
                    "messages": [
                        {
                            "status": "CREATED",
                            "attempt": 1,
                            "message": f"REGISTRY_MIXIN created. Source id={MIXIN}; "
                            f"Target id={MIXIN_NEW}",
                        }
                    ],
                    "newId": MIXIN_NEW,
                },
            },
            {
                "taskType": "POST",
                "taskStatus": "SUCCESS",
                "artifact": {
                    "id": SCHEMA,
                    "type": "REGISTRY_SCHEMA",
                    "found": False,
                    "count": 0,
                    "title": "drbFormSubmissions",
                    "messages": [
                        {
                            "status": "CREATED",
                            "attempt": 1,
                            "message": f"REGISTRY_SCHEMA created. Source id={SCHEMA}; "
                            f"Target id={SCHEMA_NEW}",
                        }
                    ],
                    "newId": SCHEMA_NEW,
                },
            },
            {
                "taskType": "POST",
                "taskStatus": "SUCCESS",
                "artifact": {
                    "id": DATASET,
                    "type": "CATALOG_DATASET",
                    "found": False,
                    "count": 0,
                    "title": "drbFormSubmissions",
                    "messages": [
                        {
                            "status": "CREATED",
                            "attempt": 1,
                            "message": f"CATALOG_DATASET created. Source id={DATASET}; "
                            f"Target id={DATASET_NEW}",
                        }
                    ],
                    "newId": DATASET_NEW,
                },
            },
        ],
        "importReplacementMap": {
            DATASET: DATASET_NEW,
            DESCRIPTOR: DESCRIPTOR_NEW,
            MIXIN: MIXIN_NEW,
            SCHEMA: SCHEMA_NEW,
        },
        "sourceParentArtifactMap": {
            DATASET: "745F37C35E4B776E0A49421B@AdobeOrg::ajo-object-copy::CATALOG_DATASET::"
            "6512ec5a5bcd5e289c33a594",
            DESCRIPTOR: "745F37C35E4B776E0A49421B@AdobeOrg::ajo-object-copy::REGISTRY_DESCRIPTOR::"
            "9d20176f1eb3f09dac4070b4bd6c4f79e8debdc8a0535725",
            MIXIN: "745F37C35E4B776E0A49421B@AdobeOrg::ajo-object-copy::REGISTRY_MIXIN::"
            "https://ns.adobe.com/cjmstage/mixins/37d29b7590c59928583b4d9a189229261291e388b7aa1031",
            SCHEMA: "745F37C35E4B776E0A49421B@AdobeOrg::ajo-object-copy::REGISTRY_SCHEMA::"
            "https://ns.adobe.com/cjmstage/schemas/926a7aa38b7cc93b87dd03c8f73e6e7537651407c30b66a0",
        },
    },
}

#: packages.md "List export/import jobs", the first item of the response's `data`.
LISTED_JOB: dict[str, Any] = {
    "id": "3c1b92cf47a246d7bfbe6fd507c5d543",
    "name": "acme",
    "updated": 1685973675401,
    "created": 1685973675401,
    "jobType": "NEW",
    "packageType": "PARTIAL",
    "description": "Acme Business Group",
    "jobStatus": "SUCCESS",
    "visibility": "TENANT",
    "sourceSandBox": "acme-sandbox",
    "targetSandbox": "poc",
    "createdBy": "{CREATED_BY}",
}

#: packages.md "Publish a package", the response.
PUBLISH_ANSWER: dict[str, Any] = {
    "name": "acme",
    "description": "Acme Business Group",
    "visibility": "TENANT",
    "sourceSandbox": {"name": "acme-sandbox", "imsOrgId": ORG},
    "type": "PARTIAL",
    "correlationId": "48effe5e-1bef-4250-9c71-23b93ef5d285",
    "jobId": "18abab44e25f40c284a4bd6e8f52fd29",
}

#: packages.md "Submit an import", the response.
SUBMIT_ANSWER: dict[str, Any] = {
    "name": "acme",
    "description": "Acme Business Group",
    "visibility": "TENANT",
    "sourceSandbox": {"name": "acme-sandbox", "imsOrgId": ORG},
    "destinationSandbox": {"name": "acme-sandbox", "imsOrgId": ORG},
    "type": "PARTIAL",
    "correlationId": "48effe5e-1bef-4250-9c71-23b93ef5d285",
    "jobId": "18abab44e25f40c284a4bd6e8f52fd29",
}


def _created_task(source: str, type_: str, title: str, target: str) -> dict[str, Any]:
    return {
        "taskType": "POST",
        "taskStatus": "SUCCESS",
        "artifact": {
            "id": source,
            "type": type_,
            "found": False,
            "count": 0,
            "title": title,
            "messages": [
                {
                    "status": "CREATED",
                    "attempt": 1,
                    "message": f"{type_} created. Source id={source}; Target id={target}",
                }
            ],
            "newId": target,
        },
    }


def test_the_tools_page_job_reads_with_its_envelope() -> None:
    answer = ToolsAnswer[JobDetails].model_validate(TOOLS_JOB_ANSWER)
    assert answer.status == "OK" and answer.type == "SUCCESS"
    assert answer.message == "Job with ID: 0fe588dc4af64f9f98396cb6b49afb6c found"
    job = answer.object
    assert job.id == "0fe588dc4af64f9f98396cb6b49afb6c" and job.name == "acme"
    assert job.status == "SUCCESS" and job.request_type == "IMPORT" and job.type == "PARTIAL"
    assert job.created_timestamp == job.modified_timestamp == 1696510894380
    assert job.ims_org_id == ORG and job.job_hash and job.snapshot_id
    assert job.source_sandbox is not None and job.source_sandbox.name == "acme-sandbox"
    assert job.target_sandbox == "acme-sandbox1"
    assert job.failed_tasks == [] and job.failure_reason is None
    assert job.source_parent_artifact_map[DATASET].endswith("6512ec5a5bcd5e289c33a594")


def test_the_tools_page_job_outcome_per_artifact() -> None:
    job = JobDetails.model_validate(TOOLS_JOB_ANSWER["object"])
    tasks = job.completed_tasks
    assert [t.artifact.type for t in tasks if t.artifact] == [
        "REGISTRY_MIXIN",
        "REGISTRY_SCHEMA",
        "CATALOG_DATASET",
    ]
    assert all(t.task_type == "POST" and t.task_status == "SUCCESS" for t in tasks)
    assert [t.outcome for t in tasks] == ["CREATED"] * 3
    assert (
        tasks[2].message == f"CATALOG_DATASET created. Source id={DATASET}; Target id={DATASET_NEW}"
    )
    assert tasks[0].artifact is not None and tasks[0].artifact.new_id == MIXIN_NEW
    assert job.outcomes()[SCHEMA] == ("REGISTRY_SCHEMA", SCHEMA_NEW, "CREATED")
    assert job.created_artifacts == {MIXIN: MIXIN_NEW, SCHEMA: SCHEMA_NEW, DATASET: DATASET_NEW}
    assert job.reused_artifacts == {}
    # The replacement map also holds what no task lists (the descriptor): it wins.
    assert job.imported_artifacts == {
        DATASET: DATASET_NEW,
        DESCRIPTOR: DESCRIPTOR_NEW,
        MIXIN: MIXIN_NEW,
        SCHEMA: SCHEMA_NEW,
    }


def test_reused_objects_and_a_job_without_a_replacement_map() -> None:
    # The earlier tools page's import report shows the statuses OBJECT_REUSED and
    # OBJECT_EXISTS beside CREATED; the tasks are shaped as tools.md shows them.
    raw = dict(TOOLS_JOB_ANSWER["object"], importReplacementMap={})
    reused = _created_task("seg-1", "PROFILE_SEGMENT", "Gold", "prod-seg-1")
    reused["artifact"]["messages"] = [
        {"status": "OBJECT_REUSED", "attempt": 1, "message": "reused"}
    ]
    existing = _created_task("ns-1", "ID_NAMESPACE", "CRM", "ns-1")
    existing["artifact"]["messages"] = [
        {"status": "OBJECT_EXISTS", "attempt": 1, "message": "exists"}
    ]
    raw["completedTasks"] = [*raw["completedTasks"][:1], reused, existing]
    job = JobDetails.model_validate(raw)
    assert job.created_artifacts == {MIXIN: MIXIN_NEW}
    assert job.reused_artifacts == {"seg-1": "prod-seg-1", "ns-1": "ns-1"}
    # Without `importReplacementMap`, the tasks' target ids are the map.
    assert job.imported_artifacts == {MIXIN: MIXIN_NEW, "seg-1": "prod-seg-1", "ns-1": "ns-1"}


def test_a_failed_job_names_each_failed_artifact() -> None:
    # No page shows a failed task: these follow the shape of the tools.md tasks, with the
    # status FAILED the page gives `taskStatus` and `jobStatus`.
    def failed(aid: str, type_: str, message: str | None) -> dict[str, Any]:
        messages = [{"status": "FAILED", "attempt": 1, "message": message}] if message else []
        return {
            "taskType": "POST",
            "taskStatus": "FAILED",
            "artifact": {"id": aid, "type": type_, "messages": messages},
        }

    raw = dict(
        TOOLS_JOB_ANSWER["object"],
        jobStatus="FAILED",
        completedTasks=[],
        importReplacementMap={},
        failedTasks=[
            failed("seg-1", "PROFILE_SEGMENT", "missing permissions: Segment write"),
            failed("ds-1", "CATALOG_DATASET", None),
            {"taskType": "POST", "taskStatus": "FAILED"},
        ],
    )
    job = JobDetails.model_validate(raw)
    assert job.status == "FAILED" and job.imported_artifacts == {}
    assert job.failure_reason == (
        "seg-1 (PROFILE_SEGMENT): missing permissions: Segment write; "
        "ds-1 (CATALOG_DATASET): FAILED; FAILED"
    )


def test_a_listed_job_has_the_documented_fields_only() -> None:
    job = Job.model_validate(LISTED_JOB)
    assert job.id == "3c1b92cf47a246d7bfbe6fd507c5d543" and job.name == "acme"
    assert job.status == "SUCCESS" and job.job_type == "NEW" and job.package_type == "PARTIAL"
    assert job.source_sandbox == "acme-sandbox" and job.target_sandbox == "poc"
    assert job.created == job.updated == 1685973675401 and job.created_by == "{CREATED_BY}"
    assert job.model_extra == {}  # every field of the page has a name
    assert job.to_wire() == LISTED_JOB  # and goes back out as the page spells it
    # What the list never shows is not part of the model.
    assert not {"correlation_id", "package_id", "request_type", "failure_reason"} & set(
        Job.model_fields
    )


def test_publish_and_submit_answers_name_their_job() -> None:
    pub = PublishResult.model_validate(PUBLISH_ANSWER)
    assert pub.job_id == "18abab44e25f40c284a4bd6e8f52fd29" and pub.name == "acme"
    sub = ImportSubmission.model_validate(SUBMIT_ANSWER)
    assert sub.job_id == "18abab44e25f40c284a4bd6e8f52fd29"
    assert sub.destination_sandbox is not None and sub.destination_sandbox.name == "acme-sandbox"
    assert sub.job_name is None  # set by the client, not the platform
    older = {k: v for k, v in SUBMIT_ANSWER.items() if k != "jobId"}
    assert ImportSubmission.model_validate(older).job_id is None


def _package(pid: str, name: str, published: int | None, sandbox: str = "acme-sandbox") -> Package:
    return Package.model_validate(
        {
            "id": pid,
            "name": name,
            "sourceSandbox": {"name": sandbox, "imsOrgId": ORG},
            "status": "PUBLISHED" if published else "DRAFT",
            "publishDate": published,
        }
    )


@pytest.mark.parametrize(
    ("packages", "expected"),
    [
        # The latest publication at or before the job was created.
        (
            [
                _package("old", "acme", 1685973600000),
                _package("new", "acme", 1685973670000),
                _package("after", "acme", 1685973700000),
            ],
            "new",
        ),
        # Another name (a job given its own name), a draft, another source sandbox: none fit.
        (
            [
                _package("other", "acme2", 1685973600000),
                _package("draft", "acme", None),
                _package("elsewhere", "acme", 1685973600000, sandbox="prod"),
            ],
            None,
        ),
        ([], None),
    ],
)
def test_job_package_infers_the_package_from_documented_fields(
    packages: list[Package], expected: str | None
) -> None:
    found = job_package(Job.model_validate(LISTED_JOB), packages)
    assert (found.id if found else None) == expected
