"""`GET /tools/artifacts/{ARTIFACT_TYPE}`: a sandbox's objects of one type.

Only an earlier version of the tools page shows this route
(`current/tools-older-with-artifact-endpoints.md`, "List all artifacts of a specific type");
the current page no longer does. The emulator serves it, marked as such in docs/emulator.md,
and nothing of ours may need it. The sandbox is the `x-sandbox-name` header, as on the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .artifacts import require_sandbox, sandbox_artifacts
from .auth import Caller
from .errors import bad_request

if TYPE_CHECKING:
    from .state import Emulator


def artifacts_of_type(emu: Emulator, caller: Caller, artifact_type: str) -> dict[str, Any]:
    if not caller.sandbox:
        raise bad_request("the x-sandbox-name header is required: the sandbox to list")
    sandbox = require_sandbox(caller.org, caller.sandbox, "x-sandbox-name")
    wanted = artifact_type.strip().upper()
    found = [
        {"id": a["id"], "type": a["type"], "title": a["title"]}
        for a in sandbox_artifacts(emu, caller.org_id, sandbox).values()
        if a["type"] == wanted
    ]
    return {
        "status": "OK",
        "type": "SUCCESS",
        "message": f"{len(found)} Artifacts found for type {wanted}",
        "object": found,
    }
