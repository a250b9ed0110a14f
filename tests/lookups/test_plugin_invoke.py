"""The lookups as the plugin's functions: their schema entries come from the core's reads
(inputs from the signatures, outputs from the TypedDict results), and an answer goes to the
wire and back to exactly the Python lookup's result, names renamed at every depth and data
keys (artifact ids, permission types) left alone."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental.property_value import PropertyValue

from sandbox_provider.dynamic import lookups
from sandbox_provider.plugin import invoke
from sandbox_provider.plugin.schema import schema
from sandbox_provider.plugin.values import camel, to_plain
from sandbox_provider.resources.reads import LOOKUPS

SCHEMA = schema("0.1.0")

JOB = {
    "job_id": "j1",
    "name": "to-prod",
    "status": "SUCCESS",
    "request_type": "IMPORT",
    "package_id": "p1",
    "source_sandbox": "dev",
    "target_sandbox": "prod",
    "created": 1,
    "updated": 2,
    "failure_reason": None,
    "imported_artifacts": {"acme_seg_gold": "prod-seg-1", "https://ns/x_y": "prod-2"},
}
PREFLIGHT = {
    "package_id": "p1",
    "target_sandbox": "prod",
    "allowed": False,
    "artifacts": [
        {
            "artifact_id": "a1",
            "artifact_type": None,
            "creation_allowed": False,
            "missing_permissions": {"profile_segment": ["write_segment"]},
        }
    ],
}


def test_the_six_functions_are_the_python_lookups() -> None:
    python = [n for n in lookups.__all__ if n.startswith("get_")]
    assert sorted(SCHEMA["functions"]) == sorted(invoke.token(n) for n in python)
    assert invoke.token("get_import_conflicts") == "aep:index:getImportConflicts"
    # The plugin's Python SDK offers the same functions, the schema's resources and its
    # component.
    from sandbox_provider.plugin import sdk

    assert sorted(sdk.__all__) == sorted(
        [
            "Provider",
            "Package",
            "PublishedPackage",
            "ImportJob",
            "Handshake",
            "Transfer",
            "Promotion",
            *python,
        ]
    )


@pytest.mark.parametrize("name", sorted(LOOKUPS))
def test_a_function_s_inputs_are_the_python_lookup_s_in_camel_case(name: str) -> None:
    entry = SCHEMA["functions"][invoke.token(name)]
    python = inspect.signature(getattr(lookups, name)).parameters
    assert set(entry["inputs"]["properties"]) == {camel(k) for k in python}
    required = [camel(k) for k, v in python.items() if v.default is inspect.Parameter.empty]
    assert entry["inputs"]["required"] == required
    assert entry["description"]


def test_every_ref_of_the_functions_is_a_type_of_the_package() -> None:
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if "$ref" in node else []
            return own + [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    found = refs(SCHEMA["functions"]) + refs(SCHEMA["types"])
    assert found
    for ref in found:
        if ref.startswith("#/types/"):
            assert ref.removeprefix("#/types/") in SCHEMA["types"], ref
    package = SCHEMA["types"]["aep:index:PackageInfo"]
    assert {"packageId", "name", "artifacts"} == set(package["required"])
    assert package["properties"]["artifacts"]["items"] == {"$ref": "#/types/aep:index:Artifact"}


def test_a_listing_answers_under_its_name() -> None:
    outputs = SCHEMA["functions"]["aep:index:getImportJobs"]["outputs"]
    assert outputs["required"] == ["jobs"]
    assert outputs["properties"]["jobs"]["items"] == {"$ref": "#/types/aep:index:ImportJobInfo"}


def wire(name: str, result: Any) -> dict[str, Any]:
    return {k: to_plain(v) for k, v in invoke.to_wire(LOOKUPS[name], result).items()}


def test_names_are_camel_case_at_every_depth_and_data_keys_stay() -> None:
    sent = wire("get_import_jobs", [JOB])
    (job,) = sent["jobs"]
    assert job["jobId"] == "j1" and job["targetSandbox"] == "prod"
    assert job["failureReason"] is None and "failure_reason" not in job
    assert job["importedArtifacts"] == JOB["imported_artifacts"]
    sent = wire("get_preflight", PREFLIGHT)
    (artifact,) = sent["artifacts"]
    assert artifact["missingPermissions"] == {"profile_segment": ["write_segment"]}
    assert artifact["creationAllowed"] is False


@pytest.mark.parametrize(
    ("name", "result"), [("get_import_jobs", [JOB]), ("get_preflight", PREFLIGHT)]
)
def test_an_answer_back_from_the_wire_is_the_python_lookup_s_result(name: str, result: Any) -> None:
    assert invoke.from_wire(LOOKUPS[name], wire(name, result)) == result


def test_an_empty_listing_is_an_empty_list() -> None:
    assert wire("get_packages", []) == {"packages": []}
    assert invoke.from_wire(LOOKUPS["get_packages"], {}) == []


def test_a_failure_is_the_lookup_s_one_line_message() -> None:
    # A required input left out: worded before any client is built.
    args = {"targetSandbox": PropertyValue("prod")}
    answer = invoke.invoke(p.InvokeRequest("aep:index:getPreflight", args))
    (failure,) = answer.failures
    assert failure.reason == "get_preflight failed: `package_id` must be a non-empty string"
    answer = invoke.invoke(
        p.InvokeRequest("aep:index:getPackages", {"colour": PropertyValue("blue")})
    )
    assert "takes no input 'colour'" in answer.failures[0].reason
    with pytest.raises(Exception, match="unknown function 'aep:index:getNothing'"):
        invoke.invoke(p.InvokeRequest("aep:index:getNothing", {}))
