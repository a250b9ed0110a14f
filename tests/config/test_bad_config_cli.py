"""Bad provider configuration through the real CLI: `pulumi preview` fails naming the key and
its fix, no secret shows in the output, and the platform sees no API call at all.

The cases share one emulator and one stack (a failed preview leaves the stack unchanged); each
sets one bad value, previews, and puts the good value back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from support.engine import E2E, e2e_world

from sandbox_provider.testing import EmulatorProcess

pytestmark = pytest.mark.e2e

GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
PROGRAM = f"""
pkg = Package("pkg", name="cfg-pkg", artifacts=[{GOLD!r}])
PublishedPackage("pub", package_id=pkg.package_id)
"""
PARTNER_PROGRAM = f"""
Package("partner-pkg", name="cfg-partner-pkg", artifacts=[{GOLD!r}], org="partner")
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, pulumi_bin: str) -> Iterator[E2E]:
    with e2e_world(tmp_path_factory.mktemp("bad-config"), pulumi_bin) as w:
        yield w


def good_config(emu: EmulatorProcess) -> dict[str, str]:
    acme, partner = emu.org("acme"), emu.org("partner")
    return {
        "aep:platformUrl": emu.url,
        "aep:imsUrl": emu.url,
        "aep:orgId": acme["imsOrgId"],
        "aep:sandbox": "dev",
        "aep:clientSecret": acme["clientSecret"],
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


def partner_profile(emu: EmulatorProcess, **changes: Any) -> str:
    profiles = json.loads(good_config(emu)["aep:orgs"])
    profiles["partner"].update(changes)
    return json.dumps(profiles)


SECRET_KEYS = {"aep:clientSecret", "aep:orgs"}

# (id, key, bad value (or a function of the emulator), program, what the output must say)
CASES: list[tuple[str, str, Any, str, tuple[str, ...]]] = [
    (
        "platform-url-with-the-api-path",
        "aep:platformUrl",
        lambda emu: emu.url + "/data/foundation/exim",
        PROGRAM,
        (
            "aep:platformUrl must be a host only but has a path ('/data/foundation/exim')",
            "drop the path",
        ),
    ),
    (
        "ims-url-with-the-token-path",
        "aep:imsUrl",
        lambda emu: emu.url + "/ims/token/v3",
        PROGRAM,
        ("aep:imsUrl must be a host only but has a path", "drop the path"),
    ),
    (
        "org-id-without-suffix",
        "aep:orgId",
        "ACME0000000000000000A001",
        PROGRAM,
        ("aep:orgId is not an IMS org id", "copy the organization id"),
    ),
    (
        "sandbox-title-not-name",
        "aep:sandbox",
        "Dev Sandbox",
        PROGRAM,
        ("aep:sandbox is not a sandbox name", "give the sandbox's name (not its title)"),
    ),
    (
        "retry-timeout-not-a-number",
        "aep:retryTimeoutSeconds",
        "five minutes",
        PROGRAM,
        ("aep:retryTimeoutSeconds must be a positive number of seconds", "number of seconds"),
    ),
    (
        "client-secret-with-a-space",
        "aep:clientSecret",
        "acme-client-secret pasted-twice",
        PROGRAM,
        ("aep:clientSecret contains whitespace", "set it again without it"),
    ),
    (
        "profile-org-id-malformed",
        "aep:orgs",
        lambda emu: partner_profile(emu, orgId="partner org"),
        PARTNER_PROGRAM,
        ("aep:orgs profile 'partner' orgId contains whitespace", "in the `partner` entry"),
    ),
    (
        "profile-name-misspelt",
        "aep:orgs",
        lambda emu: json.dumps({"partnr": json.loads(partner_profile(emu))["partner"]}),
        PARTNER_PROGRAM,
        ("org profile 'partner' is not defined in aep:orgs (defined: partnr)", "did you mean"),
    ),
]


@pytest.mark.parametrize(
    ("key", "bad", "program", "says"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_preview_refuses_bad_configuration_naming_the_key_and_calls_no_api(
    world: E2E, key: str, bad: Any, program: str, says: tuple[str, ...]
) -> None:
    value = bad(world.emu) if callable(bad) else bad
    good = good_config(world.emu)
    world.write_program(program)
    world.stack.set_config({key: value}, secret=key in SECRET_KEYS)
    try:
        since = world.last_seq()
        res = world.stack.preview(check=False)
        calls = [r for r in world.emu.requests(since) if not r["path"].startswith("/_emulator")]
    finally:
        if key in good:
            world.stack.set_config({key: good[key]}, secret=key in SECRET_KEYS)
        else:
            world.stack.run("config", "rm", key, "--stack", world.stack.name)
    out = res.stdout + res.stderr
    assert res.code != 0, out
    for text in says:
        assert text in out, out
    # Preview judged the configuration alone: no token fetch, no read, no write.
    assert calls == [], calls
    assert world.packages() == []
    for secret in (
        world.emu.org("acme")["clientSecret"],
        world.emu.org("partner")["clientSecret"],
        "pasted-twice",
    ):
        assert secret not in out


def test_the_good_configuration_previews_cleanly(world: E2E) -> None:
    # The control: the same stack and programs, restored, preview without a problem.
    for program in (PROGRAM, PARTNER_PROGRAM):
        world.write_program(program)
        res = world.stack.preview(check=False)
        assert res.code == 0, res.stdout + res.stderr
        assert "has a problem" not in res.stdout + res.stderr
