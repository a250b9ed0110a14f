"""`make demo`: the demo stack through the real Pulumi engine against the emulator.

Starts the emulator (demo seed, a temporary database, a free port), runs `pulumi up` on the
root project, shows the outputs, changes a package behind Pulumi's back, shows `pulumi
refresh` catching the drift and `pulumi up` putting it back, then `pulumi destroy`, and
stops the emulator. Any failure exits non-zero.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox_provider.testing import (  # noqa: E402
    EmulatorProcess,
    Stack,
    configure_for_emulator,
)

DEMO_DIR = ROOT / ".demo"
STACK_CONFIG = ROOT / "Pulumi.demo.yaml"


def step(n: int, text: str) -> None:
    print(f"\n\033[1m[{n}/7] {text}\033[0m", flush=True)


def note(text: str) -> None:
    print(f"      {text}", flush=True)


def main() -> int:
    started = time.monotonic()
    if DEMO_DIR.exists():
        shutil.rmtree(DEMO_DIR)
    # The stack's config file is generated per run (its salt belongs to this passphrase).
    STACK_CONFIG.unlink(missing_ok=True)
    DEMO_DIR.mkdir()
    passphrase_file = DEMO_DIR / "passphrase"
    passphrase_file.write_text(secrets.token_urlsafe(24))
    passphrase_file.chmod(0o600)

    step(1, "Starting the exim emulator (demo seed, temporary database)")
    db = Path(tempfile.mkdtemp(prefix="sandbox-provider-demo-")) / "exim.db"
    emu = EmulatorProcess.start(db, seed="demo", delay=0.2, log_path=DEMO_DIR / "emulator.log")
    try:
        acme, partner = emu.org("acme"), emu.org("partner")
        note(f"emulator: {emu.url}   database: {db}")
        note(f"source org : acme    {acme['imsOrgId']}  (sandboxes dev, prod)")
        note(f"partner org: partner {partner['imsOrgId']}")

        step(2, "Creating a local stack (file backend and passphrase under .demo/)")
        stack = Stack(
            project_dir=ROOT,
            state_dir=DEMO_DIR / "state",
            name="demo",
            passphrase=passphrase_file.read_text(),
        )
        note(f"pulumi: {stack.pulumi}")
        stack.init()
        configure_for_emulator(
            stack,
            emu.url,
            {"acme": acme, "partner": partner},
            extra={"demo:partnerOrgId": partner["imsOrgId"]},
        )

        step(3, "pulumi up: package, publish, import to prod, handshake, transfers")
        stack.up(echo=True)
        outputs = stack.outputs()
        note("stack outputs:")
        for key, value in outputs.items():
            note(f"  {key:24} {value}")

        step(4, "Someone edits the dev-audiences package by hand (through the API)")
        package_id = outputs["audiencesPackageId"]
        with emu.api("acme", "dev") as api:
            before = api.get(f"/packages/{package_id}").json()
            r = api.put(
                "/packages",
                json={
                    "id": package_id,
                    "action": "UPDATE",
                    "name": before["name"],
                    "description": "edited by hand in the UI",
                },
            )
            r.raise_for_status()
        note(f"description was {before['description']!r}, now 'edited by hand in the UI'")

        step(5, "pulumi refresh finds the drift, pulumi up puts the program's values back")
        stack.refresh(echo=True)
        preview = stack.preview(diff=True)
        if "edited by hand" not in preview.stdout:
            raise SystemExit("the preview after refresh does not show the drifted description")
        note("pulumi preview after refresh shows the change it will revert:")
        for line in preview.stdout.splitlines():
            if "description" in line:
                note("  " + line.strip())
        stack.up(echo=True)
        with emu.api("acme", "dev") as api:
            after = api.get(f"/packages/{package_id}").json()
        if after["description"] != before["description"]:
            raise SystemExit(f"drift not repaired: description is {after['description']!r}")
        note(f"server holds the program's description again: {after['description']!r}")

        step(6, "pulumi destroy")
        stack.destroy(echo=True)
        with emu.api("acme", "dev") as api:
            left = api.get("/packages", params={"limit": 100}).json()["data"]
        mine = {"dev-audiences", "gold-welcome-journey", "consent-starter-kit"}
        still = [p["name"] for p in left if p["name"] in mine]
        if still:
            raise SystemExit(f"destroy left packages behind: {still}")
        note("no package of the stack is left in the source org")
        note("(publications, imports, handshakes and transfers cannot be undone on the")
        note(" platform: destroy forgets them, as the resource docs say)")
    finally:
        step(7, "Stopping the emulator")
        emu.stop()
    note(f"demo finished in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
