"""`Transport._call` hands back the parsed type, whichever way the answer came."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest

from sandbox_provider.client import Conflict, ExImClient, Package, PreflightResult, Transfer
from sandbox_provider.client.sharing import _transfers
from sandbox_provider.client.transport import as_model, as_models
from sandbox_provider.testing import EmulatorProcess

from .conftest import MakeClient, exim_requests

NS = [{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}]


def test_call_returns_what_its_parser_makes_of_the_decoded_answer(acme: ExImClient) -> None:
    pkg = acme.create_package("typed", artifacts=NS)
    got = acme._call("GET", f"/packages/{pkg.id}", Package.model_validate)
    assert isinstance(got, Package) and got.id == pkg.id and got.name == "typed"
    seen: list[Any] = []

    def keep(raw: Any) -> int:
        seen.append(raw)
        return 7

    assert acme._call("GET", f"/packages/{pkg.id}", keep) == 7
    assert isinstance(seen[0], dict) and seen[0]["id"] == pkg.id


@pytest.mark.parametrize("lost_answer", [False, True], ids=["answered", "reconciled"])
def test_a_reconciled_call_answers_in_the_same_type(
    make_client: MakeClient, emulator: EmulatorProcess, lost_answer: bool
) -> None:
    client = make_client("acme", timeout=0.3)
    if lost_answer:
        # The POST lands but its answer comes too late: the look-up by name answers instead.
        emulator.set_faults(
            [{"path": "/packages/?$", "method": "POST", "status": 0, "latencyMs": 600, "times": 1}]
        )
    pkg = client.create_package("either-way", artifacts=NS)
    emulator.clear_faults()
    calls = [(r["method"], r["path"].split("/exim")[-1]) for r in exim_requests(emulator)]
    assert calls.count(("POST", "/packages")) == 1
    assert (("GET", "/packages") in calls) is lost_answer  # the look-up by name
    assert isinstance(pkg, Package) and pkg.name == "either-way"
    assert [p.id for p in client.list_packages() if p.name == "either-way"] == [pkg.id]


def test_an_answer_the_parser_refuses_is_raised_and_not_retried(
    acme: ExImClient, emulator: EmulatorProcess
) -> None:
    acme.create_package("warmup")
    since = emulator.requests()[-1]["seq"]
    # The list answer is a page, not a package: parsing fails, and re-asking would not help.
    with pytest.raises(pydantic.ValidationError):
        acme._call("GET", "/packages", Package.model_validate)
    assert [r["path"].split("/exim")[-1] for r in exim_requests(emulator, since)] == ["/packages"]


def test_empty_answers_parse_to_defaults_or_nothing() -> None:
    assert as_model(PreflightResult)(None) == PreflightResult()
    assert as_models(Conflict)(None) == []
    assert _transfers(None) == []
    with pytest.raises(pydantic.ValidationError):
        Package.model_validate(None)  # a package answer must carry one


def test_a_transfer_answer_is_a_list_whether_one_or_several() -> None:
    one = {"id": "t1", "packageId": "p1"}
    assert [t.id for t in _transfers(one)] == ["t1"]
    assert [t.id for t in _transfers([one, {**one, "id": "t2"}])] == ["t1", "t2"]
    assert all(isinstance(t, Transfer) for t in _transfers([one]))
