"""Expiry: a refresh (read) sees a published package past its expiry, the next diff plans the
Package's replacement, and a preview or up warns about a package expiring within
aep:expiryWarningDays. The emulator's clock is moved forward to get there."""

from __future__ import annotations

from typing import Any

import pytest
from support.providers import GOLD, configure, engine_props, stack_config

from sandbox_provider.resources import PackageProvider, PublishedPackageProvider, _config
from sandbox_provider.testing import EmulatorProcess

DAY = 86400


def checked(prov: Any, olds: dict[str, Any] | None = None, **news: Any) -> dict[str, Any]:
    result = prov.check(olds or {}, engine_props(news))
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def published(period: int | None = None) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A Package and its PublishedPackage made through the providers: (id, package inputs,
    publication outputs)."""
    pkg_prov, pub_prov = PackageProvider(), PublishedPackageProvider()
    inputs = checked(pkg_prov, name="aging", source_sandbox="dev", artifacts=[GOLD])
    package_id = pkg_prov.create(inputs).id
    assert package_id
    news: dict[str, Any] = {"package_id": package_id}
    if period is not None:
        news["expiry_period_days"] = period
    outs = pub_prov.create(checked(pub_prov, **news)).outs or {}
    return package_id, inputs, dict(outs)


def test_refresh_sees_an_expired_package_and_diff_plans_its_replacement(
    aep: EmulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    package_id, inputs, _ = published()
    prov = PackageProvider()
    before = prov.read(package_id, engine_props(inputs)).outs or {}
    assert prov.diff(package_id, before, checked(prov, before, **inputs)).changes is False

    aep.advance_clock(91 * DAY)
    read = prov.read(package_id, engine_props(inputs))
    outs = read.outs or {}
    assert outs["status"] == "PUBLISHED" and outs["expiry"] == before["expiry"] - 91 * DAY * 1000
    diff = prov.diff(package_id, outs, checked(prov, outs, **(read.inputs or {})))
    assert diff.changes is True
    assert diff.replaces == ["expiry"]
    # Same name in the same org: the old package must go first.
    assert diff.delete_before_replace is True
    assert "has expired: planning its replacement" in capsys.readouterr().err


def test_a_package_not_yet_expired_is_left_alone(aep: EmulatorProcess) -> None:
    package_id, inputs, _ = published()
    aep.advance_clock(89 * DAY)
    prov = PackageProvider()
    read = prov.read(package_id, engine_props(inputs))
    outs = read.outs or {}
    assert prov.diff(package_id, outs, checked(prov, outs, **(read.inputs or {}))).changes is False


def test_a_draft_is_never_replaced_for_its_expiry(aep: EmulatorProcess) -> None:
    prov = PackageProvider()
    inputs = checked(prov, name="draft", source_sandbox="dev", artifacts=[GOLD])
    outs = dict(prov.create(inputs).outs or {})
    # Only a publication can be imported or shared: a draft's expiry blocks nothing.
    outs["expiry"] = 1
    assert prov.diff(str(outs["package_id"]), outs, inputs).changes is False


def test_publication_warns_when_the_package_expires_within_the_configured_days(
    aep: EmulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    package_id, _, outs = published(period=7)
    err = capsys.readouterr().err
    assert f"published package {package_id} expires in 6 days" in err, err
    assert "aep:expiryWarningDays = 14" in err

    prov = PublishedPackageProvider()
    news = checked(prov, outs, package_id=package_id, expiry_period_days=7)
    assert prov.diff(package_id, outs, news).changes is False
    assert "expires in 6 days" in capsys.readouterr().err

    configure({**stack_config(aep), "aep:expiryWarningDays": "3"})
    assert _config.expiry_warning_days() == 3
    prov.diff(package_id, outs, news)
    assert "expires" not in capsys.readouterr().err


def test_the_default_publication_period_is_not_warned_about(
    aep: EmulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    package_id, _, outs = published()
    prov = PublishedPackageProvider()
    prov.diff(package_id, outs, checked(prov, outs, package_id=package_id))
    assert "expires" not in capsys.readouterr().err


def test_an_expired_publication_says_what_brings_it_back(
    aep: EmulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    package_id, _, _ = published(period=1)
    aep.advance_clock(2 * DAY)
    prov = PublishedPackageProvider()
    read = prov.read(package_id, engine_props({"package_id": package_id}))
    outs = read.outs or {}
    capsys.readouterr()
    prov.diff(package_id, outs, checked(prov, outs, **(read.inputs or {})))
    err = capsys.readouterr().err
    assert f"published package {package_id} expired on" in err
    assert "neither imported nor shared" in err and "--refresh" in err


def test_warning_days_zero_turns_the_warning_off(
    aep: EmulatorProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    configure({**stack_config(aep), "aep:expiryWarningDays": 0})
    published(period=2)
    assert "expires" not in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["-1", "two weeks", "1.5", True])
def test_a_bad_warning_days_value_is_a_config_problem(aep: EmulatorProcess, bad: object) -> None:
    configure({**stack_config(aep), "aep:expiryWarningDays": bad})
    found = [p for p in _config.problems() if p.key == "expiryWarningDays"]
    assert len(found) == 1, _config.problems()
    assert "aep:expiryWarningDays" in str(found[0]) and "whole number of days" in str(found[0])
    assert _config.expiry_warning_days() == 14
