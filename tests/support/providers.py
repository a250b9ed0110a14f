"""Provider tests: the providers' methods called directly, as the engine would, against the
running emulator (the `emulator` fixture: a real process reset to the demo seed per test)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from sandbox_provider.resources import PackageProvider, _base, _config
from sandbox_provider.testing import EmulatorProcess
from sandbox_provider.testing.world import is_write

GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
CART = {"id": "acme-seg-cart", "type": "PROFILE_SEGMENT"}
HIGHVALUE = {"id": "acme-seg-highvalue", "type": "PROFILE_SEGMENT"}
JOURNEY = {"id": "acme-jr-gold-welcome", "type": "JOURNEY"}
POLICY = {"id": "acme-policy-email", "type": "DULE_CONSENT_POLICY"}
NS_CRM = {"id": "acme-ns-crm", "type": "ID_NAMESPACE"}
PROVIDER_BLOB = "c2VyaWFsaXplZCBwcm92aWRlcg=="  # what the engine adds as __provider


def stack_config(emu: EmulatorProcess) -> dict[str, Any]:
    acme, partner = emu.org("acme"), emu.org("partner")
    return {
        "aep:platformUrl": emu.url,
        "aep:imsUrl": emu.url,
        "aep:orgId": acme["imsOrgId"],
        "aep:clientId": acme["clientId"],
        "aep:clientSecret": acme["clientSecret"],
        "aep:sandbox": "dev",
        "aep:orgs": json.dumps(
            {
                "partner": {
                    "orgId": partner["imsOrgId"],
                    "clientId": partner["clientId"],
                    "clientSecret": partner["clientSecret"],
                    "sandbox": "dev",
                }
            }
        ),
    }


def configure(values: dict[str, Any]) -> None:
    """What the provider host does once per provider: configure(ConfigureRequest(config))."""
    PackageProvider().configure(ConfigureRequest(Config(values, project_name="test")))


@pytest.fixture
def aep(emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorProcess]:
    """The emulator, with the providers configured for org acme (and profile `partner`)."""
    for var in _config.ENV_VARS.values():
        monkeypatch.delenv(var, raising=False)
    configure(stack_config(emulator))
    yield emulator
    _config.clear_stack_config()
    _base.forget_clients()


def engine_props(inputs: dict[str, Any]) -> dict[str, Any]:
    """Inputs as the engine hands them to create/update: checked, plus the provider blob."""
    return {**inputs, "__provider": PROVIDER_BLOB}


def make_package(
    emu: EmulatorProcess,
    name: str,
    artifacts: list[dict[str, str]],
    *,
    publish: bool = False,
    org: str = "acme",
    description: str | None = None,
) -> str:
    """A package made behind the providers' back (raw API), optionally published."""
    body: dict[str, Any] = {
        "name": name,
        "packageType": "PARTIAL",
        "sourceSandbox": {"name": "dev", "imsOrgId": emu.org(org)["imsOrgId"]},
        "artifacts": artifacts,
    }
    if description is not None:
        body["description"] = description
    with emu.api(org) as api:
        r = api.post("/packages", json=body)
        r.raise_for_status()
        package_id = str(r.json()["id"])
        if publish:
            api.get(f"/packages/{package_id}/export").raise_for_status()
            wait_status(emu, package_id, "PUBLISHED", org=org)
    return package_id


def package_doc(emu: EmulatorProcess, package_id: str, org: str = "acme") -> dict[str, Any]:
    with emu.api(org) as api:
        r = api.get(f"/packages/{package_id}")
        r.raise_for_status()
        return dict(r.json())


def wait_status(
    emu: EmulatorProcess, package_id: str, status: str, org: str = "acme", timeout: float = 10
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        doc = package_doc(emu, package_id, org)
        if doc["status"] == status or time.monotonic() > deadline:
            return doc
        time.sleep(0.05)


def last_seq(emu: EmulatorProcess) -> int:
    reqs = emu.requests()
    return int(reqs[-1]["seq"]) if reqs else 0


def writes(emu: EmulatorProcess, since: int) -> list[dict[str, Any]]:
    return [r for r in emu.requests(since) if is_write(r)]
