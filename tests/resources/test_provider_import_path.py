"""What the provider path loads: neither the emulator nor any web server framework.

The dynamic provider server (`pulumi.dynamic.__main__`) unpickles a resource's provider,
which imports `sandbox_provider.resources`, then calls `configure` and `check`. Each of the
five providers is run through that path in a fresh interpreter (the imports of the test
process itself can't tell), and the modules it ends up with are inspected.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

#: Nothing of these may load on the provider path: the emulator is a separate program, and a
#: web framework there would cost every `pulumi` command its import time.
FORBIDDEN = ("fastapi", "uvicorn", "starlette", "sandbox_provider.emulator")
#: Nor the wire: a program and a preview (configure, check) make no API call, so the HTTP
#: stack, the retry library and the client's models load only when a call is made. (The
#: exceptions: the check of an import into a sandbox not seen before looks the sandbox up, and
#: one with use_existing its conflicts; so the ImportJob here is one already recorded.)
WIRE = ("httpx", "tenacity", "sandbox_provider.client.transport", "sandbox_provider.client.models")

_PROVIDER_PATH = """
import base64, json, sys
import dill
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

import sandbox_provider.resources as resources

provider = getattr(resources, sys.argv[1])()
# As the provider server does it: unpickle from the state's base64, configure, check.
blob = serialize_provider(provider)
provider = dill.loads(base64.b64decode(blob))
config = {
    "aep:orgId": "ACME0000000000000000A001@AdobeOrg",
    "aep:clientId": "acme-client-id",
    "aep:clientSecret": "acme-client-secret",
    "aep:platformUrl": "http://127.0.0.1:9",
    "aep:imsUrl": "http://127.0.0.1:9",
    "aep:sandbox": "dev",
}
provider.configure(ConfigureRequest(Config(raw_config=config, project_name="p")))
news = json.loads(sys.argv[2])
olds = news if sys.argv[1] == "ImportJobProvider" else {}
result = provider.check(olds, news)
print(json.dumps({"failures": [f.reason for f in result.failures], "modules": sorted(sys.modules)}))
"""

NEWS = {
    "PackageProvider": {
        "name": "p",
        "source_sandbox": "dev",
        "artifacts": [{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}],
    },
    "PublishedPackageProvider": {"package_id": "0" * 32},
    "ImportJobProvider": {"package_id": "0" * 32, "target_sandbox": "prod"},
    "TransferProvider": {
        "package_id": "0" * 32,
        "target_org_id": "PRTN0000000000000000B002@AdobeOrg",
    },
    "HandshakeProvider": {"target_org_id": "PRTN0000000000000000B002@AdobeOrg"},
}


def _loaded(forbidden: tuple[str, ...], modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == f or m.startswith(f + ".") for f in forbidden)]


@pytest.mark.parametrize("provider", sorted(NEWS))
def test_provider_path_loads_no_emulator_and_no_server(provider: str) -> None:
    cp = subprocess.run(
        [sys.executable, "-c", _PROVIDER_PATH, provider, json.dumps(NEWS[provider])],
        capture_output=True,
        text=True,
        timeout=120,
        # Ambient AEP_* variables would change what configure and check see.
        env={k: v for k, v in os.environ.items() if not k.startswith("AEP_")},
    )
    assert cp.returncode == 0, cp.stderr
    out = json.loads(cp.stdout.strip().splitlines()[-1])
    # The path really ran: a valid declaration checks clean.
    assert out["failures"] == []
    assert "sandbox_provider.resources" in out["modules"]
    assert _loaded(FORBIDDEN, out["modules"]) == []
    assert _loaded(WIRE, out["modules"]) == []


def test_the_check_can_fail() -> None:
    """The inspection finds a forbidden module when one is loaded (the test can fail)."""
    assert _loaded(FORBIDDEN, ["fastapi.routing", "sandbox_provider.resources"]) == [
        "fastapi.routing"
    ]
    assert _loaded(FORBIDDEN, ["sandbox_provider.emulator"]) == ["sandbox_provider.emulator"]
    assert _loaded(FORBIDDEN, ["fastapi_extra", "sandbox_provider.emulatorx"]) == []
