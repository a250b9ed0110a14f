"""PackageProvider against the emulator: every lifecycle path and error path."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from pulumi.dynamic import CreateResult
from pulumi.dynamic.dynamic import serialize_provider
from support.providers import (
    CART,
    GOLD,
    HIGHVALUE,
    configure,
    engine_props,
    last_seq,
    make_package,
    package_doc,
    stack_config,
    wait_status,
    writes,
)

from sandbox_provider.client.retry import RetryPolicy
from sandbox_provider.resources import PackageProvider, _base
from sandbox_provider.resources.errors import ProviderError
from sandbox_provider.testing import EmulatorProcess

SCHEMA = "https://ns.adobe.com/acme/schemas/loyalty-profile"
PROGRAM: dict[str, Any] = {"name": "pkg", "description": "as declared", "artifacts": [GOLD]}


def checked(prov: PackageProvider, olds: dict[str, Any] | None = None, **news: Any) -> dict:
    result = prov.check(olds or {}, engine_props(news))
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return result.inputs


def create(prov: PackageProvider, **news: Any) -> tuple[CreateResult, dict[str, Any]]:
    inputs = checked(prov, **news)
    return prov.create(inputs), inputs


def live(emu: EmulatorProcess, package_id: str) -> dict[str, Any]:
    with emu.api("acme") as api:
        r = api.get(f"/packages/{package_id}")
        r.raise_for_status()
        return dict(r.json())


def ids(pkg: dict[str, Any]) -> list[str]:
    return sorted(a["id"] for a in pkg["artifactsList"])


def test_create_then_the_same_program_is_a_no_op_without_api_calls(aep: EmulatorProcess) -> None:
    prov = PackageProvider()
    res, inputs = create(prov, **PROGRAM)
    pkg = live(aep, res.id)
    assert pkg["name"] == "pkg" and pkg["status"] == "DRAFT" and ids(pkg) == ["acme-seg-gold"]
    outs = res.outs or {}
    assert outs["package_id"] == res.id
    assert outs["status"] == "DRAFT" and outs["version"] == pkg["version"]
    assert outs["artifacts"][0]["id"] == "acme-seg-gold" and outs["artifacts"][0]["found"]
    assert outs["ims_org_id"] == aep.org("acme")["imsOrgId"]
    assert isinstance(outs["expiry"], int) and outs["created_date"] and outs["modified_date"]

    since = last_seq(aep)
    again = checked(prov, outs, **PROGRAM)
    diff = prov.diff(res.id, outs, again)
    assert (diff.changes, diff.replaces) == (False, [])
    assert aep.requests(since) == []  # check and diff never call the API


def test_artifact_changes_are_one_add_and_one_delete_in_place(aep: EmulatorProcess) -> None:
    prov = PackageProvider()
    res, _ = create(prov, **PROGRAM)
    outs = res.outs or {}

    news = checked(prov, **{**PROGRAM, "artifacts": [GOLD, CART]})
    diff = prov.diff(res.id, outs, news)
    assert (diff.changes, diff.replaces) == (True, [])
    outs = prov.update(res.id, outs, news).outs or {}
    assert ids(live(aep, res.id)) == ["acme-seg-cart", "acme-seg-gold"]
    assert outs["package_id"] == res.id and len(outs["artifacts"]) == 2  # full outputs

    since = last_seq(aep)
    news = checked(prov, **{**PROGRAM, "artifacts": [CART, HIGHVALUE]})
    outs = prov.update(res.id, outs, news).outs or {}
    assert ids(live(aep, res.id)) == ["acme-seg-cart", "acme-seg-highvalue"]
    puts = writes(aep, since)
    assert [r["method"] for r in puts] == ["PUT", "PUT"]  # one DELETE, one ADD
    assert prov.diff(res.id, outs, news).changes is False


def test_name_and_description_update_in_place(aep: EmulatorProcess) -> None:
    prov = PackageProvider()
    res, _ = create(prov, **PROGRAM)
    news = checked(prov, **{**PROGRAM, "name": "pkg2", "description": "new words"})
    diff = prov.diff(res.id, res.outs or {}, news)
    assert (diff.changes, diff.replaces) == (True, [])
    outs = prov.update(res.id, res.outs or {}, news).outs or {}
    pkg = live(aep, res.id)
    assert (pkg["name"], pkg["description"]) == ("pkg2", "new words")
    assert outs["name"] == "pkg2" and outs["description"] == "new words"


def test_package_type_change_replaces_and_deletes_the_old_one_first(aep: EmulatorProcess) -> None:
    prov = PackageProvider()
    res, _ = create(prov, **PROGRAM)
    news = checked(prov, name="pkg", description="as declared", package_type="FULL")
    diff = prov.diff(res.id, res.outs or {}, news)
    assert diff.changes and diff.replaces == ["package_type"]
    assert diff.delete_before_replace  # same name: both can't exist at once
    # What the engine then does: delete the old, create the new.
    prov.delete(res.id, engine_props(res.outs or {}))
    new = prov.create(news)
    assert new.id != res.id
    assert live(aep, new.id)["packageType"] == "FULL"
    with aep.api("acme") as api:
        assert api.get(f"/packages/{res.id}").status_code == 404


def test_delete_of_an_already_deleted_package_succeeds(aep: EmulatorProcess) -> None:
    prov = PackageProvider()
    res, _ = create(prov, **PROGRAM)
    prov.delete(res.id, engine_props(res.outs or {}))
    prov.delete(res.id, engine_props(res.outs or {}))  # no error
    assert prov.read(res.id, engine_props(res.outs or {})).id == ""


def test_drift_shows_in_read_and_the_next_update_puts_the_program_back(
    aep: EmulatorProcess,
) -> None:
    prov = PackageProvider()
    res, _ = create(prov, **PROGRAM)
    with aep.api("acme") as api:
        api.put(
            "/packages",
            json={"id": res.id, "action": "UPDATE", "name": "pkg", "description": "by hand"},
        ).raise_for_status()
        api.put(
            "/packages", json={"id": res.id, "action": "ADD", "artifacts": [CART]}
        ).raise_for_status()

    read = prov.read(res.id, engine_props(res.outs or {}))
    assert read.id == res.id
    inputs = read.inputs or {}
    assert inputs["description"] == "by hand"
    assert [a["id"] for a in inputs["artifacts"]] == ["acme-seg-gold", "acme-seg-cart"]
    outs = read.outs or {}
    assert outs["description"] == "by hand" and len(outs["artifacts"]) == 2

    news = checked(prov, inputs, **PROGRAM)
    diff = prov.diff(res.id, outs, news)
    assert (diff.changes, diff.replaces) == (True, [])
    outs = prov.update(res.id, outs, news).outs or {}
    pkg = live(aep, res.id)
    assert pkg["description"] == "as declared" and ids(pkg) == ["acme-seg-gold"]
    again = prov.read(res.id, engine_props(outs))
    assert prov.diff(res.id, again.outs or {}, news).changes is False


def test_a_package_deleted_behind_the_programs_back_is_dropped_by_read(
    aep: EmulatorProcess,
) -> None:
    prov = PackageProvider()
    res, _ = create(prov, **PROGRAM)
    with aep.api("acme") as api:
        api.delete(f"/packages/{res.id}").raise_for_status()
    read = prov.read(res.id, engine_props(res.outs or {}))
    assert (read.id, read.outs) == ("", {})


def _made_by_hand(emu: EmulatorProcess) -> dict[str, Any]:
    return package_doc(emu, make_package(emu, "pkg", [GOLD], description="as declared"))


def test_adoption_through_read_with_matching_inputs_is_a_no_op(aep: EmulatorProcess) -> None:
    existing = _made_by_hand(aep)
    prov = PackageProvider()
    # The engine's import: read with the id and nothing else, then check and diff the program.
    read = prov.read(existing["id"], engine_props({}))
    assert read.id == existing["id"]
    news = checked(prov, read.inputs, **PROGRAM)
    assert read.inputs == {k: v for k, v in news.items() if k != "__provider"}
    diff = prov.diff(existing["id"], read.outs or {}, news)
    assert (diff.changes, diff.replaces) == (False, [])


def test_adoption_with_import_option_takes_the_package_over_without_writing(
    aep: EmulatorProcess,
) -> None:
    existing = _made_by_hand(aep)
    prov = PackageProvider()
    since = last_seq(aep)
    res, inputs = create(prov, **PROGRAM, adopt_id=existing["id"])
    assert res.id == existing["id"]
    assert writes(aep, since) == []
    assert live(aep, existing["id"])["version"] == existing["version"]
    outs = res.outs or {}
    assert prov.diff(res.id, outs, inputs).changes is False
    # Dropping import_ from the program later changes nothing either.
    plain = checked(prov, **PROGRAM)
    assert prov.diff(res.id, outs, plain).changes is False


def test_adoption_with_different_inputs_fails_naming_each_difference(
    aep: EmulatorProcess,
) -> None:
    existing = _made_by_hand(aep)
    prov = PackageProvider()
    news = checked(prov, **{**PROGRAM, "description": "other", "artifacts": [CART]})
    with pytest.raises(ProviderError) as err:
        prov.create({**news, "adopt_id": existing["id"]})
    message = str(err.value)
    assert message.startswith(f"adopting package {existing['id']} failed")
    assert "description is 'as declared' on the platform, 'other' in the program" in message
    assert "acme-seg-cart" in message and "acme-seg-gold" in message
    with pytest.raises(ProviderError, match="not found .*check the id given to import_"):
        prov.create({**news, "adopt_id": "f" * 32})


def test_include_dependencies_adds_every_dependency_and_diffs_on_the_declared_list(
    aep: EmulatorProcess,
) -> None:
    prov = PackageProvider()
    program = {**PROGRAM, "include_dependencies": True}
    res, _ = create(prov, **program)
    pkg = live(aep, res.id)
    expected = {
        "acme-seg-gold",
        SCHEMA,
        "acme-mp-default",
        "https://ns.adobe.com/acme/classes/loyalty-member",
        "https://ns.adobe.com/acme/mixins/loyalty-details",
        "https://ns.adobe.com/acme/mixins/consent-prefs",
        "https://ns.adobe.com/acme/datatypes/address",
        "https://ns.adobe.com/acme/datatypes/money",
        "acme-ns-loyalty",
    }
    assert set(ids(pkg)) == expected
    outs = res.outs or {}
    assert outs["declared_artifacts"] == [GOLD]
    assert {d["id"] for d in outs["dependency_artifacts"]} == expected - {"acme-seg-gold"}
    assert prov.diff(res.id, outs, checked(prov, **program)).changes is False

    # A dependency removed on the platform is drift; update puts it back.
    with aep.api("acme") as api:
        api.put(
            "/packages",
            json={
                "id": res.id,
                "action": "DELETE",
                "artifacts": [{"id": SCHEMA, "type": "REGISTRY_SCHEMA"}],
            },
        ).raise_for_status()
    read = prov.read(res.id, engine_props(outs))
    assert read.inputs and read.inputs["artifacts"] == [GOLD]  # the declared list is intact
    news = checked(prov, read.inputs, **program)
    assert prov.diff(res.id, read.outs or {}, news).changes is True
    outs = prov.update(res.id, read.outs or {}, news).outs or {}
    assert set(ids(live(aep, res.id))) == expected

    # Turning it off leaves the declared artifacts only.
    news = checked(prov, **PROGRAM)
    assert prov.diff(res.id, outs, news).changes is True
    prov.update(res.id, outs, news)
    assert ids(live(aep, res.id)) == ["acme-seg-gold"]


def test_a_published_packages_artifacts_change_by_replacement(
    aep: EmulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    prov = PackageProvider()
    res, _ = create(prov, **PROGRAM)
    with aep.api("acme") as api:
        api.get(f"/packages/{res.id}/export").raise_for_status()
    wait_status(aep, res.id, "PUBLISHED")
    read = prov.read(res.id, engine_props(res.outs or {}))
    outs = read.outs or {}
    assert outs["status"] == "PUBLISHED"
    news = checked(prov, **{**PROGRAM, "artifacts": [GOLD, CART]})
    diff = prov.diff(res.id, outs, news)
    assert diff.changes and diff.replaces == ["artifacts"]
    # Name and description still update in place.
    diff = prov.diff(res.id, outs, checked(prov, **{**PROGRAM, "description": "new"}))
    assert (diff.changes, diff.replaces) == (True, [])
    # A state written before the publication (no refresh since) still says DRAFT: the diff
    # asks the platform (one GET, only for a change that needs a draft) and replaces.
    stale = {**outs, "status": "DRAFT"}
    since = last_seq(aep)
    diff = prov.diff(res.id, stale, news)
    assert diff.changes and diff.replaces == ["artifacts"]
    # The live status, then the preflight of the artifact the replacement adds; no write.
    calls = [r for r in aep.requests(since) if r["path"].startswith("/data/")]
    assert [(r["method"], r["path"].rsplit("/", 1)[-1]) for r in calls] == [
        ("GET", res.id),
        ("GET", "PROFILE_SEGMENT"),
    ]
    # An artifact the source sandbox lacks fails the plan, before anything is deleted.
    typo = {"id": "acme-seg-carrt", "type": "PROFILE_SEGMENT"}
    with pytest.raises(ProviderError, match=r"artifacts\[1\]: 'acme-seg-carrt'.*") as err:
        prov.diff(res.id, outs, checked(prov, **{**PROGRAM, "artifacts": [GOLD, typo]}))
    assert "nothing was deleted" in str(err.value) and "\n" not in str(err.value)
    assert writes(aep, since) == []
    # A platform that doesn't answer the older tools page's listing: the check can't be
    # made, and the plan says which artifacts wait for the create (after the delete).
    aep.set_faults([{"path": "/tools/artifacts/", "method": "GET", "status": 404}])
    try:
        diff = prov.diff(res.id, outs, checked(prov, **{**PROGRAM, "artifacts": [GOLD, typo]}))
    finally:
        aep.clear_faults()
    assert diff.replaces == ["artifacts"]
    err_text = capsys.readouterr().err
    assert "didn't list the artifacts of sandbox 'dev', so 'acme-seg-carrt' (PROFILE_SEGMENT)" in (
        err_text
    )
    assert "'acme-seg-gold'" not in err_text  # the old package holds it: found there
    diff = prov.diff(res.id, stale, checked(prov, **{**PROGRAM, "description": "new"}))
    assert (diff.changes, diff.replaces) == (True, [])
    # Published between the plan and the step: the error says what converges.
    with pytest.raises(ProviderError, match=r"before its artifacts could change.*plan replaces"):
        prov.update(res.id, stale, news)


def test_a_duplicate_name_that_differs_fails_naming_the_package_and_the_fix(
    aep: EmulatorProcess,
) -> None:
    prov = PackageProvider()
    first, _ = create(prov, **PROGRAM)
    since = last_seq(aep)
    with pytest.raises(ProviderError) as err:
        create(prov, **{**PROGRAM, "artifacts": [CART]})
    first_line = str(err.value).splitlines()[0]
    assert first_line.startswith("creating package 'pkg' failed: a package with this name")
    assert first.id in first_line and "rename this Package" in first_line
    assert "acme-seg-gold" in first_line and "acme-seg-cart" in first_line
    # The other package is left exactly as it was: one refused POST, nothing else written.
    assert [r["method"] for r in writes(aep, since)] == ["POST"]
    assert ids(live(aep, first.id)) == ["acme-seg-gold"]


def test_wrong_credentials_fail_with_the_keys_to_check(aep: EmulatorProcess) -> None:
    configure({**stack_config(aep), "aep:clientSecret": "wrong"})
    prov = PackageProvider()
    with pytest.raises(ProviderError) as err:
        create(prov, **PROGRAM)
    assert "refused the credentials" in str(err.value)
    assert "aep:clientSecret" in str(err.value)


def test_an_unreachable_platform_fails_with_what_to_check(
    aep: EmulatorProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_base, "RETRY", RetryPolicy(max_attempts=2, deadline=1.0))
    configure({**stack_config(aep), "aep:platformUrl": "http://127.0.0.1:9"})
    with pytest.raises(ProviderError) as err:
        create(PackageProvider(), **PROGRAM)
    first = str(err.value).splitlines()[0]
    assert first.startswith("creating package 'pkg' failed: no answer from the platform")
    assert "check aep:platformUrl" in first


def test_the_pickled_provider_is_small_and_holds_no_secret(aep: EmulatorProcess) -> None:
    prov = PackageProvider()
    create(prov, **PROGRAM)  # used, configured, clients cached
    blob = base64.b64decode(serialize_provider(prov))
    assert len(blob) < 1024
    for secret in ("acme-client-secret", "partner-client-secret", "Bearer"):
        assert secret.encode() not in blob
    assert vars(prov) == {}


def test_outputs_hold_no_credential(aep: EmulatorProcess) -> None:
    res, _ = create(PackageProvider(), **PROGRAM)
    text = repr(res.outs)
    assert "secret" not in text.lower() and "token" not in text.lower()


def test_a_declared_expiry_survives_every_update(aep: EmulatorProcess) -> None:
    prov = PackageProvider()
    program = {**PROGRAM, "expiry": "2099-01-01T00:00:00Z", "include_dependencies": True}
    res, inputs = create(prov, **program)
    assert live(aep, res.id)["expiry"] == inputs["expiry"] == 4070908800000
    # Every PUT without an expiry moves a draft's expiry to now + 90 days: an UPDATE and a
    # DELETE must not lose the declared date.
    news = checked(prov, **{**program, "description": "again", "include_dependencies": False})
    outs = prov.update(res.id, res.outs or {}, news).outs or {}
    assert live(aep, res.id)["expiry"] == 4070908800000 == outs["expiry"]
    assert prov.diff(res.id, outs, news).changes is False
    later = checked(prov, **{**program, "expiry": "2098-06-01T00:00:00Z"})
    assert prov.diff(res.id, outs, later).changes is True
    prov.update(res.id, outs, later)
    assert live(aep, res.id)["expiry"] == later["expiry"]


def test_updating_a_package_deleted_outside_pulumi_says_to_refresh(aep: EmulatorProcess) -> None:
    prov = PackageProvider()
    res, _ = create(prov, **PROGRAM)
    with aep.api("acme") as api:
        api.delete(f"/packages/{res.id}").raise_for_status()
    news = checked(prov, **{**PROGRAM, "description": "new"})
    with pytest.raises(ProviderError) as err:
        prov.update(res.id, res.outs or {}, news)
    first = str(err.value).splitlines()[0]
    assert first.startswith(f"updating package 'pkg' ({res.id}) failed: not found")
    assert "run `pulumi refresh`" in first
