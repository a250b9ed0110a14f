"""`sandbox-provider check-live` end to end: the command against the emulator over HTTP, its
calls read from the emulator's request log (docs/emulator.md, `GET /_emulator/requests`).
The parsing itself is tested on the pages' examples in tests/client/test_check_live_offline.py."""

from __future__ import annotations

from click.testing import CliRunner

from sandbox_provider.cli import main
from sandbox_provider.client import ExImClient
from sandbox_provider.client.config import ENV_VARS
from sandbox_provider.testing import EmulatorProcess

from .conftest import exim_requests

EXIM = "/data/foundation/exim"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def test_check_live_reads_only_and_passes_on_the_emulator(
    acme: ExImClient, emulator: EmulatorProcess
) -> None:
    pkg = acme.create_package(
        "live-check",
        description="checked live",
        artifacts=[{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}],
    )
    acme.publish_package(pkg.id)
    acme.wait_for_package(pkg.id, timeout=10)
    submitted = acme.submit_import(pkg.id, "prod", description="into prod")
    assert submitted.job_id
    acme.wait_for_job(submitted.job_id, timeout=10)
    since = max((r["seq"] for r in emulator.requests()), default=0)

    org = emulator.org("acme")
    env: dict[str, str | None] = {var: None for var in ENV_VARS.values()}
    env.update(
        AEP_ORG_ID=org["imsOrgId"],
        AEP_CLIENT_ID=org["clientId"],
        AEP_CLIENT_SECRET=org["clientSecret"],
        AEP_PLATFORM_URL=emulator.url,
        AEP_IMS_URL=emulator.url,
        AEP_RETRY_TIMEOUT_SECONDS="20",
    )
    result = CliRunner().invoke(main, ["check-live", "--sandbox-name", "dev"], env=env)
    out = result.output
    assert result.exit_code == 0, out
    for name in ("IMS token", "list packages", "look up a package", "list jobs", "job details"):
        assert f"[ok] {name}:" in out, out
    assert f"GET /tools/job/{submitted.job_id}" in out
    assert "[ok] artifacts (older route): GET /tools/artifacts/PROFILE_SEGMENT" in out, out
    assert "the route answers" in out
    assert org["clientSecret"] not in out and "Bearer" not in out

    calls = emulator.requests(since)
    exim = [(r["method"], r["path"].removeprefix(EXIM)) for r in exim_requests(emulator, since)]
    assert exim == [
        ("GET", "/packages"),
        ("GET", f"/packages/{pkg.id}"),
        ("GET", "/packages/jobs"),
        ("GET", f"/tools/job/{submitted.job_id}"),
        ("GET", "/tools/artifacts/PROFILE_SEGMENT"),
    ]
    # No write to the exim API; the one POST is the token request to IMS (authentication).
    assert not [r for r in calls if r["path"].startswith(EXIM) and r["method"] in WRITES]
    assert [(r["method"], r["path"]) for r in calls if r["method"] in WRITES] == [
        ("POST", "/ims/token/v3")
    ]
    assert all(r["status"] == 200 for r in calls)
