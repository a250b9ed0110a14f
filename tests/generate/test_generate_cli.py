"""`sandbox-provider generate` against an org filled through the plain API, then the written
program through the real engine: `up` adopts every declared object with no API write, and
the next preview plans no change. `--sandbox` narrows what is written, and no file holds
the client secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import by_hand  # tests/ is on sys.path: the provider tier's raw-API makers
from support.engine import E2E, VENV
from support.providers import make_package

from sandbox_provider.testing import Stack

pytestmark = pytest.mark.e2e

GOLD = {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}
CRM = {"id": "acme-ns-crm", "type": "ID_NAMESPACE"}
POLICY = {"id": "acme-policy-email", "type": "DULE_CONSENT_POLICY"}
PROD_SEGMENT = {"id": "acme-prod-seg-gold", "type": "PROFILE_SEGMENT"}
RUFF = VENV / "bin" / "ruff"


def aep_env(e2e: E2E, org: str = "acme") -> dict[str, str]:
    record = e2e.emu.org(org)
    return {
        "AEP_PLATFORM_URL": e2e.emu.url,
        "AEP_IMS_URL": e2e.emu.url,
        "AEP_ORG_ID": record["imsOrgId"],
        "AEP_CLIENT_ID": record["clientId"],
        "AEP_CLIENT_SECRET": record["clientSecret"],
        "AEP_SANDBOX": "dev",
    }


def generate(e2e: E2E, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed command, as a user runs it, with only the AEP_* variables to go by."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AEP_")}
    env.update(aep_env(e2e))
    return subprocess.run(
        [str(VENV / "bin" / "sandbox-provider"), "generate", "--out", str(out), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def prod_package(e2e: E2E, name: str) -> str:
    body = {
        "name": name,
        "packageType": "PARTIAL",
        "sourceSandbox": {"name": "prod", "imsOrgId": e2e.emu.org("acme")["imsOrgId"]},
        "artifacts": [PROD_SEGMENT],
    }
    with e2e.api("acme", "prod") as api:
        return str(by_hand.ok(api.post("/packages", json=body))["id"])


def make_public(e2e: E2E, package_id: str) -> None:
    body = {"id": package_id, "action": "UPDATE", "packageVisibility": "PUBLIC"}
    with e2e.api() as api:
        by_hand.ok(api.put("/packages", json=body))


def incoming_handshake(e2e: E2E) -> None:
    """partner asks acme for a link: an incoming handshake acme's program can't declare."""
    body = {
        "targetIMSOrgIds": [e2e.emu.org("acme")["imsOrgId"]],
        "sourceIMSDetails": {"id": e2e.emu.org("partner")["imsOrgId"], "name": "partner"},
    }
    with e2e.api("partner") as api:
        by_hand.ok(api.post("/handshake/bulkCreate", json=body))


def fill_org(e2e: E2E) -> dict[str, Any]:
    """Several packages in two sandboxes, one published PUBLIC and one PRIVATE, an import
    that succeeded and one that failed, an approved handshake, a completed transfer."""
    private = make_package(
        e2e.emu, "Dev Audiences", [GOLD, CRM], publish=True, description="Gold, for prod"
    )
    public = make_package(e2e.emu, "starter kit", [POLICY], publish=True)
    make_public(e2e, public)
    draft = make_package(e2e.emu, "dev-draft", [CRM])
    prod = prod_package(e2e, "prod-snapshot")
    good = by_hand.import_job(e2e.emu, private, name="to-prod")
    bad = by_hand.import_job(e2e.emu, private, target="nosuch", name="to-nowhere")
    link = by_hand.handshake(e2e.emu)
    share = by_hand.transfer(e2e.emu, private)
    incoming_handshake(e2e)
    assert (good["jobStatus"], bad["jobStatus"]) == ("SUCCESS", "FAILED")
    assert (link["status"], share["status"]) == ("APPROVED", "COMPLETED")
    return {
        "private": private,
        "public": public,
        "draft": draft,
        "prod": prod,
        "good": good["id"],
        "bad": bad["id"],
        "link": link["linkingId"],
        "share": share["id"],
    }


def generated_stack(e2e: E2E, out: Path) -> Stack:
    """A stack of the written project, its settings given as the same AEP_* variables (the
    project files hold none)."""
    assert e2e.tmp is not None
    stack = Stack(project_dir=out, state_dir=e2e.tmp / "generated-state", name="adopted")
    stack.extra_env.update(aep_env(e2e))
    stack.init()
    return stack


def ruff(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """ruff on the written project as in a project of its own: its directory the working
    one (sandbox_provider is then a third-party import), no configuration but the defaults."""
    return subprocess.run(
        [str(RUFF), *args, "--isolated", "."],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )


def test_generate_writes_a_program_that_adopts_the_whole_org(e2e: E2E, tmp_path: Path) -> None:
    ids = fill_org(e2e)
    out = tmp_path / "adopted-org"
    since = e2e.last_seq()
    result = generate(e2e, out)
    assert result.returncode == 0, result.stderr
    assert e2e.writes(since) == []  # generate only reads
    assert "reading packages" in result.stderr  # the progress, on stderr
    assert sorted(p.name for p in out.iterdir()) == ["Pulumi.yaml", "README.md", "__main__.py"]

    program = (out / "__main__.py").read_text()
    # Names a person would keep, and references instead of pasted ids.
    assert 'dev_audiences = Package(\n    "dev-audiences",\n    name="Dev Audiences",' in program
    assert "package_id=dev_audiences.package_id," in program
    assert program.count("package_id=dev_audiences_published.package_id,") == 2  # job, share
    assert 'visibility="PUBLIC"' in program and 'visibility="PRIVATE"' in program
    assert "depends_on=[link_partner]" in program
    for key in ("private", "public", "draft", "prod", "good", "link", "share"):
        assert f'import_="{ids[key]}"' in program, key
    assert ids["bad"] not in program
    formatted = ruff(out, "format", "--check", "--diff")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    lint = ruff(out, "check", "--select", "E,F,W,I,B,UP,SIM", "--ignore", "E501")
    assert lint.returncode == 0, lint.stdout

    readme = (out / "README.md").read_text()
    assert f"import job 'to-nowhere' ({ids['bad']}): it ended FAILED" in readme
    assert "incoming handshake" in readme
    assert "| packages of sandbox prod | 1 |" in readme
    assert "name: adopted-org" in (out / "Pulumi.yaml").read_text()

    stack = generated_stack(e2e, out)
    since = e2e.last_seq()
    up = stack.up()
    # The stack, 4 packages, 2 publications, 1 import job, 1 handshake, 1 transfer.
    assert up.summary.get("create") == 10, up.summary
    assert e2e.writes(since) == []
    stack.preview(expect_no_changes=True)
    stack.preview(expect_no_changes=True, refresh=True)
    assert e2e.writes(since) == []
    assert sorted(stack.outputs()["package_ids"].values()) == sorted(
        ids[k] for k in ("private", "public", "draft", "prod")
    )


def test_generate_with_sandbox_writes_only_that_sandbox(e2e: E2E, tmp_path: Path) -> None:
    ids = fill_org(e2e)
    out = tmp_path / "prod-only"
    result = generate(e2e, out, "--sandbox", "prod", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # --quiet: no progress
    program = (out / "__main__.py").read_text()
    assert f'import_="{ids["prod"]}"' in program
    for key in ("private", "public", "draft", "good", "share"):
        assert ids[key] not in program, key
    # The handshake is the org's, not a sandbox's: still declared.
    assert f'import_="{ids["link"]}"' in program
    readme = (out / "README.md").read_text()
    assert "3 package(s) of sandbox(es) dev" in readme

    stack = generated_stack(e2e, out)
    since = e2e.last_seq()
    assert stack.up().summary.get("create") == 3  # the stack, the package, the handshake
    stack.preview(expect_no_changes=True)
    assert e2e.writes(since) == []


def test_generated_files_never_hold_the_secret(e2e: E2E, tmp_path: Path) -> None:
    fill_org(e2e)
    out = tmp_path / "org"
    result = generate(e2e, out)
    assert result.returncode == 0, result.stderr
    secret = e2e.emu.org("acme")["clientSecret"]
    token = e2e.emu.token("acme")
    for path in out.iterdir():
        text = path.read_text()
        assert secret not in text and token not in text, path.name
    assert secret not in result.stdout + result.stderr
    # Nor does anything else of the credential: the README names the variables to set.
    assert "export AEP_CLIENT_SECRET=..." in (out / "README.md").read_text()
    assert e2e.emu.org("acme")["clientId"] not in (out / "README.md").read_text()


def test_generate_refuses_to_overwrite_names_a_missing_setting_and_takes_flags(
    e2e: E2E, tmp_path: Path
) -> None:
    out = tmp_path / "org"
    out.mkdir()
    (out / "__main__.py").write_text("# mine\n")
    result = generate(e2e, out, "--quiet")
    assert result.returncode != 0
    assert "pass --force" in result.stderr
    assert (out / "__main__.py").read_text() == "# mine\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AEP_")}
    missing = subprocess.run(
        [sys.executable, "-m", "sandbox_provider.cli", "generate", "--out", str(tmp_path / "x")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode != 0
    assert "AEP_ORG_ID" in missing.stderr

    # A flag stands in for its variable (and wins over it).
    env.update({k: v for k, v in aep_env(e2e).items() if k != "AEP_ORG_ID"})
    env["AEP_PLATFORM_URL"] = "http://127.0.0.1:9"  # nothing listens there
    org_id = e2e.emu.org("acme")["imsOrgId"]
    flagged = subprocess.run(
        [str(VENV / "bin" / "sandbox-provider"), "generate", "--out", str(tmp_path / "y")]
        + ["--org-id", org_id, "--platform-url", e2e.emu.url, "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert flagged.returncode == 0, flagged.stderr
    assert f'aep:orgId: "{org_id}"' in (tmp_path / "y" / "Pulumi.yaml").read_text()
    assert f'aep:platformUrl: "{e2e.emu.url}"' in (tmp_path / "y" / "Pulumi.yaml").read_text()
