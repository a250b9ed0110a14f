"""The lookup functions in-process against the running emulator: where their settings come
from (`aep:*` in the program's config, else the `AEP_*` variables, as for a provider) and
what a failure says. The runtime is Pulumi's test mocks, for the Output machinery only: no
resource is registered. The e2e tier runs them in real programs (tests/lookups/test_lookups_cli.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from pulumi.runtime import config as runtime_config
from support.providers import GOLD, make_package, stack_config

from sandbox_provider.dynamic import lookups
from sandbox_provider.resources import _base, _config
from sandbox_provider.testing import EmulatorProcess


class NoResources(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        raise AssertionError(f"a lookup registered a resource: {args.typ}")

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        raise AssertionError(f"a lookup invoked {args.token}: there is no invoke")


@pytest.fixture
def program(emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A program's runtime with no `aep:*` config and no `AEP_*` variable yet."""
    for var in _config.ENV_VARS.values():
        monkeypatch.delenv(var, raising=False)
    # The mocks need a current event loop; an earlier test's asyncio.run() leaves none.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_mocks(NoResources(), preview=False)
    runtime_config.set_all_config({})
    yield
    runtime_config.set_all_config({})
    _config.clear_stack_config()
    _base.forget_clients()
    asyncio.set_event_loop(None)
    loop.close()


def resolve(output: pulumi.Output[Any]) -> Any:
    """The value of a lookup's Output, as the program would see it in an apply."""
    seen: list[Any] = []

    @pulumi.runtime.test
    def run() -> pulumi.Output[Any]:
        return output.apply(seen.append)

    run()
    return seen[0]


def test_the_program_s_aep_config_is_what_the_lookups_use(
    program: None, emulator: EmulatorProcess
) -> None:
    package_id = make_package(emulator, "looked-up", [GOLD], publish=True)
    runtime_config.set_all_config(stack_config(emulator), ["aep:clientSecret", "aep:orgs"])
    found = resolve(lookups.get_package(name="looked-up"))
    assert (found["package_id"], found["status"]) == (package_id, "PUBLISHED")
    # org= picks the profile of aep:orgs: the partner has no such package.
    assert resolve(lookups.get_packages(name="looked-up", org="partner")) == []


def test_without_config_the_aep_environment_variables_are_used(
    program: None, emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    package_id = make_package(emulator, "from-env", [GOLD], publish=True)
    for key, value in stack_config(emulator).items():
        monkeypatch.setenv(_config.ENV_VARS[key.split(":", 1)[1]], value)
    jobs = resolve(lookups.get_import_jobs(package_id=package_id))
    assert jobs == []
    deps = resolve(lookups.get_artifact_dependencies(package_id))
    assert "acme-mp-default" in {c["id"] for d in deps for c in d["children"]}


def test_missing_settings_name_the_key_to_set(program: None) -> None:
    with pytest.raises(pulumi.RunError) as raised:
        resolve(lookups.get_packages())
    message = str(raised.value)
    assert message.startswith("get_packages failed: aep:")
    assert "pulumi config set" in message and "AEP_" in message
