"""Read with the id alone, as `pulumi import` on the plugin calls it (no recorded properties):
each core finds its object by the id and rebuilds the inputs from it; an id that names
nothing is gone. Refresh (recorded properties) is covered where each resource is."""

from __future__ import annotations

from support import by_hand
from support.providers import GOLD, last_seq, make_package, writes

from sandbox_provider.resources.handshake import HandshakeProvider
from sandbox_provider.resources.import_job import ImportJobProvider
from sandbox_provider.resources.transfer import TransferProvider
from sandbox_provider.testing import EmulatorProcess


def test_an_import_job_a_handshake_and_a_transfer_read_by_id_alone(aep: EmulatorProcess) -> None:
    package_id = make_package(aep, "by-id", [GOLD], description="described", publish=True)
    job = by_hand.import_job(aep, package_id, name="by-id-to-prod")
    link = by_hand.handshake(aep)
    share = by_hand.transfer(aep, package_id)
    partner = aep.org("partner")["imsOrgId"]
    since = last_seq(aep)

    read = ImportJobProvider().read(job["id"], {})
    assert read.id == job["id"]
    assert read.outs is not None  # a found object always comes back with its outputs
    assert read.inputs == {
        "package_id": package_id,
        "target_sandbox": "prod",
        "name": "by-id-to-prod",
        "description": "described",
    }
    assert read.outs["imported_artifacts"] == job["importReplacementMap"]
    assert read.outs["job_status"] == "SUCCESS"
    assert isinstance(read.outs["needs_attention"], list)

    for handle in (link["linkingId"], link["id"]):
        read = HandshakeProvider().read(handle, {})
        assert read.id == link["linkingId"]
        assert read.outs is not None
        assert read.inputs == {"target_org_id": partner, "source_org_name": "acme"}
        assert read.outs["status"] == "APPROVED"

    read = TransferProvider().read(share["id"], {})
    assert read.id == share["id"]
    assert read.outs is not None
    assert read.inputs == {
        "package_id": package_id,
        "request_type": "PRIVATE",
        "target_org_id": partner,
    }
    assert read.outs["status"] == "COMPLETED"
    assert writes(aep, since) == []


def test_an_id_that_names_nothing_is_gone(aep: EmulatorProcess) -> None:
    assert ImportJobProvider().read("0" * 32, {}).id == ""
    assert HandshakeProvider().read("no-such-link", {}).id == ""
    assert TransferProvider().read("0" * 32, {}).id == ""
