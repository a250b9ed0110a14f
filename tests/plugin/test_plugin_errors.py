"""What the plugin says when something is wrong, and what it never says: the camelCase
property of a check failure, and no credential in the engine's most verbose log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox_provider.testing import World

from .test_plugin_lifecycle import GOLD, plugin_world, write

pytestmark = pytest.mark.e2e


@pytest.fixture
def plugin(tmp_path: Path, pulumi_bin: str) -> Iterator[World]:
    yield from plugin_world(tmp_path, pulumi_bin)


def test_a_check_failure_names_the_camel_case_property_at_preview(plugin: World) -> None:
    write(
        plugin,
        f"""
        aep.Package(
            "bad",
            name="bad-pkg",
            source_sandbox="dev",
            artifacts=[{GOLD!r}],
            include_dependencies="yes",
        )
        """,
    )
    since = plugin.last_seq()
    res = plugin.stack.preview(check=False)
    out = res.stdout + res.stderr
    assert res.code != 0
    assert "property includeDependencies value {yes} has a problem" in out, out
    assert "include_dependencies value" not in out
    assert plugin.emu.requests(since) == []


def test_a_create_error_is_the_dynamic_providers_one_line_message(plugin: World) -> None:
    missing = {"id": "acme-seg-nowhere", "type": "PROFILE_SEGMENT"}
    write(plugin, f'aep.Package("pkg", name="p", source_sandbox="dev", artifacts=[{missing!r}])')
    res = plugin.stack.up(check=False)
    out = res.stdout + res.stderr
    assert res.code != 0
    assert "creating package 'p' failed: 1 artifact(s) are not in sandbox 'dev'" in out, out
    # The text alone: no exception class or grpc wrapping around it.
    assert "ProviderError" not in out and "Unexpected <class" not in out
    assert plugin.packages() == []  # rolled back, as with the dynamic resource


#: The one kind of engine log line (CLI 3.259.0) that still holds a credential: its
#: MarshalProperties logs the inner `value` of every secret it sends or receives at -v=9
#: (sdk/go/common/resource/plugin/rpc.go:98), and Configure always sends secrets as secrets.
ENGINE_SECRET_LINE = re.compile(
    r"(Un)?[Mm]arshaling property for RPC\[Provider\[0x[0-9a-f]+\]\."
    r"(CheckConfig\(urn:pulumi:[^)]*pulumi:providers:aep::default\)|Configure\(\))"
    r"\.inputs\]: value="
)


def test_credentials_reach_the_v9_log_only_through_the_engines_secret_lines(
    plugin: World,
) -> None:
    # configure_for_emulator set aep:clientSecret and aep:orgs with `config set --secret`.
    secrets = [plugin.orgs["acme"]["clientSecret"], plugin.orgs["partner"]["clientSecret"]]
    write(
        plugin,
        f"""
        aep.Package("pkg", name="logged", source_sandbox="dev", artifacts=[{GOLD!r}])
        aep.Package("theirs", name="theirs", package_type="FULL", org="partner")
        """,
    )
    res = plugin.stack.run(
        "up",
        "--yes",
        "--skip-preview",
        "-v=9",
        "--logtostderr",
        "--logflow",
        "--stack",
        plugin.stack.name,
    )
    lines = (res.stdout + res.stderr).splitlines()
    # The log is the real one: it shows the provider's configuration keys going by.
    named = [line for line in lines if "clientSecret=" in line or "orgs=" in line]
    assert named, "no configuration in the log: not a -v=9 log"
    # Wherever the engine names a credential's key, the value reads [secret]: the provider
    # took the secrets (CheckConfig marks them, Configure accepts them).
    assert all("={[secret]}" in line for line in named), named
    leaking = [line for line in lines if any(s in line for s in secrets)]
    assert leaking, "expected the engine's own secret lines (CLI 3.259.0)"
    assert all(ENGINE_SECRET_LINE.search(line) for line in leaking), leaking
    # Nothing of the provider's (its stderr, its errors) nor the state holds one.
    for path in plugin.stack.state_files():
        text = path.read_text(errors="replace")
        assert not any(s in text for s in secrets), path
    assert len(plugin.packages("partner")) == 1
