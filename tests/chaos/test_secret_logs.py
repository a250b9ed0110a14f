"""Secrets and engine logs (issue 8, item 6).

The engine logs a provider's Configure inputs at `-v=9` (`Marshaling property for
RPC[Provider[0x...].Configure().inputs]: <key>={<value>}`), and a dynamic provider refuses
secrets, so a secret from the stack config is sent — and logged — as a plain string. What is
checked here, through the real CLI:

- credentials given as `AEP_*` environment variables (nothing secret in the stack config)
  never show in: the CLI's stdout/stderr at `-v=9 --logtostderr --logflow`; the glog files
  `-v=9 --logflow` writes to `$TMPDIR`; the automatic, encrypted per-command logs under
  `$PULUMI_HOME/logs` (decrypted with `pulumi logs decrypt`); the state files; the stack
  export. Neither does any access token the emulator issued (its database has them all,
  and every token has the shape `emu.<43 url-safe characters>`). Each place is searched for
  the plain text and for the text inside any base64 run (the automatic log encodes property
  values as base64 protobuf).
- the contrast, which shows the search can fail: with the client secret in the stack config
  (`pulumi config set --secret`) the same `-v=9` output does carry it in plain text, and so
  does the automatic log (inside base64) even of an `up` run without `-v`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox_provider.testing import Result

from .conftest import World

pytestmark = pytest.mark.chaos

PROGRAM = """
    partner_org_id = pulumi.Config("demo").require("partnerOrgId")
    pkg = Package("pkg", name="secret-logs", source_sandbox="dev",
                  artifacts=[{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}])
    pub = PublishedPackage("pub", package_id=pkg.package_id)
    link = Handshake("link", target_org_id=partner_org_id, source_org_name="acme",
                     approve_as="partner")
    share = Transfer("share", package_id=pub.package_id, target_org_id=partner_org_id,
                     opts=pulumi.ResourceOptions(depends_on=[link]))
    pulumi.export("shareStatus", share.status)
"""
VERBOSE = ("-v=9", "--logtostderr", "--logflow")
TOKEN_SHAPE = re.compile(r"emu\.[A-Za-z0-9_-]{43}")
_B64_RUN = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
CONFIGURE_VALUE = re.compile(
    r"Marshaling property for RPC\[Provider\[0x[0-9a-f]+\]\.Configure\(\)\.inputs\]: "
    r"value=\{(?P<value>[^}]*)\}"
)


def _decoded_runs(text: str) -> list[bytes]:
    out = []
    for m in _B64_RUN.finditer(text):
        run = m.group(0)
        try:
            out.append(base64.b64decode(run + "=" * (-len(run) % 4)))
        except (binascii.Error, ValueError):
            continue
    return out


def leaks(text: str, needles: dict[str, str]) -> list[str]:
    """Which secrets (by label) `text` holds, in plain text or inside a base64 run."""
    found = [f"{label} (plain)" for label, value in needles.items() if value in text]
    if TOKEN_SHAPE.search(text):
        found.append("a token-shaped string (plain)")
    runs = _decoded_runs(text)
    for label, value in needles.items():
        if any(value.encode() in raw for raw in runs):
            found.append(f"{label} (base64)")
    if any(TOKEN_SHAPE.search(raw.decode("latin-1")) for raw in runs):
        found.append("a token-shaped string (base64)")
    return found


def run_verbose(w: World, *args: str) -> Result:
    """A `pulumi` command whose failure message shows stdout only: at -v=9 its stderr may hold
    a secret (that is the point of the contrast test), and an assertion must not echo it."""
    res = w.stack.run(*args, check=False)
    assert res.code == 0, f"`pulumi {' '.join(args)}` exited {res.code}:\n{res.stdout[-4000:]}"
    return res


def tokens_issued(w: World) -> list[str]:
    con = sqlite3.connect(f"file:{w.emu.db_path}?mode=ro", uri=True, timeout=10)
    try:
        return [r[0] for r in con.execute("SELECT id FROM docs WHERE kind='token'")]
    finally:
        con.close()


def needles_of(w: World) -> dict[str, str]:
    needles = {
        "acme clientSecret": w.orgs["acme"]["clientSecret"],
        "partner clientSecret": w.orgs["partner"]["clientSecret"],
    }
    for i, tok in enumerate(tokens_issued(w)):
        needles[f"access token #{i}"] = tok
    return needles


def env_credentials(w: World) -> dict[str, str]:
    acme, partner = w.orgs["acme"], w.orgs["partner"]
    profiles = {
        "partner": {
            "orgId": partner["imsOrgId"],
            "clientId": partner["clientId"],
            "clientSecret": partner["clientSecret"],
            "sandbox": "dev",
        }
    }
    return {
        "AEP_PLATFORM_URL": w.emu.url,
        "AEP_IMS_URL": w.emu.url,
        "AEP_ORG_ID": acme["imsOrgId"],
        "AEP_CLIENT_ID": acme["clientId"],
        "AEP_CLIENT_SECRET": acme["clientSecret"],
        "AEP_SANDBOX": "dev",
        "AEP_ORGS": json.dumps(profiles),
    }


def automatic_logs(w: World, skip: frozenset[str] = frozenset()) -> dict[str, str]:
    """The decrypted text of every automatic log of the stack's commands (but `skip`)."""
    out = {}
    for path in sorted((w.stack.state_dir / ".pulumi-home" / "logs").glob("*.log")):
        if path.name in skip:
            continue
        res = w.stack.run("logs", "decrypt", "--stack", w.stack.name, str(path), check=False)
        assert res.code == 0, f"`pulumi logs decrypt {path.name}` failed: {res.stderr[-2000:]}"
        out[path.name] = res.stdout
    return out


def files_under(*roots: Path, skip: Callable[[Path], bool] = lambda p: False) -> dict[str, str]:
    return {
        str(p): p.read_text(errors="replace")
        for root in roots
        for p in sorted(root.rglob("*"))
        if p.is_file() and not skip(p)
    }


def test_env_credentials_stay_out_of_v9_logs_automatic_logs_and_state(
    world_factory: Callable[..., World],
) -> None:
    w = world_factory("env", stack_credentials=False)
    assert w.tmp is not None  # new_world always gives its world a scratch directory
    glog_dir = w.tmp / "glog"
    glog_dir.mkdir()
    w.stack.extra_env = {**env_credentials(w), "TMPDIR": str(glog_dir)}
    # Nothing secret in the stack config: only the partner's org id.
    assert not leaks((w.project_dir / f"Pulumi.{w.stack.name}.yaml").read_text(), needles_of(w))
    w.write_program(PROGRAM)

    up = run_verbose(w, "up", "--yes", "--skip-preview", "--stack", w.stack.name, *VERBOSE)
    assert w.stack.outputs()["shareStatus"] == "COMPLETED"
    # The Configure inputs are logged (the search below looks at the right text): they are
    # the stack config, here only demo:partnerOrgId, no aep:* key at all.
    # (No `in up.stderr` in an assert: its failure message would echo the whole log.)
    logged = "Configure().inputs]: demo:partnerOrgId=" in up.stderr
    assert logged, "-v=9 no longer logs the Configure inputs"
    aep_keys = "Configure().inputs]: aep:" in up.stderr
    assert not aep_keys, "an aep:* key reached the Configure inputs"
    # To files this time ($TMPDIR), for a preview and a refresh (reads).
    preview = run_verbose(w, "preview", "--stack", w.stack.name, "-v=9", "--logflow")
    refresh = run_verbose(
        w, "refresh", "--yes", "--skip-preview", "--stack", w.stack.name, "-v=9", "--logflow"
    )
    glogs = files_under(glog_dir)
    assert glogs, "-v=9 without --logtostderr wrote no log file to $TMPDIR"
    assert any("Configure().inputs]" in text for text in glogs.values())

    needles = needles_of(w)
    assert any(k.startswith("access token") for k in needles), "the emulator issued no token"
    places: dict[str, str] = {
        "up stdout": up.stdout,
        "up stderr (-v=9 --logtostderr --logflow)": up.stderr,
        "preview output": preview.stdout + preview.stderr,
        "refresh output": refresh.stdout + refresh.stderr,
        "stack export": json.dumps(w.stack.export_state()),
        "stack outputs": json.dumps(w.stack.outputs()),
    }
    places.update({f"glog {k}": v for k, v in glogs.items()})
    auto = automatic_logs(w)
    assert auto, "no automatic log under $PULUMI_HOME/logs"
    places.update({f"automatic log {k}": v for k, v in auto.items()})
    # Every file of the backend and of PULUMI_HOME (raw), and the project's files.
    places.update(files_under(w.stack.state_dir, w.project_dir))
    found = {where: hits for where, text in places.items() if (hits := leaks(text, needles))}
    assert found == {}, f"secrets found: {found}"


def test_contrast_secrets_in_stack_config_do_show_at_v9(
    world_factory: Callable[..., World],
) -> None:
    w = world_factory("config", stack_credentials=True)
    w.write_program(PROGRAM)
    up = run_verbose(w, "up", "--yes", "--skip-preview", "--stack", w.stack.name, *VERBOSE)
    needles = needles_of(w)
    acme_secret = w.orgs["acme"]["clientSecret"]

    # The engine marks the key as secret, then logs the secret's fields one by one: the
    # signature and, as `value=`, the plain text.
    masked = "Configure().inputs]: aep:clientSecret={[secret]}" in up.stderr
    assert masked, "the key of the secret is no longer logged as [secret]"
    values = [m.group("value") for m in CONFIGURE_VALUE.finditer(up.stderr)]
    shown = any(v == acme_secret for v in values)
    assert shown, "the -v=9 output no longer shows the config secret"
    assert any(w.orgs["partner"]["clientSecret"] in v for v in values)  # inside aep:orgs
    # Tokens are never part of the Configure inputs.
    assert not [h for h in leaks(up.stderr, needles) if "token" in h]

    # The automatic log of every command holds it too, base64, even without any -v.
    before = frozenset(p.name for p in (w.stack.state_dir / ".pulumi-home" / "logs").glob("*"))
    plain = w.stack.up()
    assert not leaks(plain.stdout + plain.stderr, needles)
    auto = automatic_logs(w, skip=before)
    assert auto, "the up without -v wrote no automatic log"
    assert any("acme clientSecret (base64)" in leaks(t, needles) for t in auto.values())

    # Still never in the state: the backend encrypts config secrets.
    state = files_under(w.stack.state_dir, skip=lambda p: ".pulumi-home" in p.parts)
    state["stack export"] = json.dumps(w.stack.export_state())
    found = {where: hits for where, text in state.items() if (hits := leaks(text, needles))}
    assert found == {}, f"secrets found in the state: {found}"
