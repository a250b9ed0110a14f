"""`GET /openapi.json`: the emulator's contract for the exim and IMS paths, as OpenAPI 3.1.

The document is written by hand from the reference page and docs/emulator.md (FastAPI's
generated one would describe the handlers' Python signatures, not the platform's bodies and
error shapes), ships as `openapi.json` beside this module, and is served byte for byte.
docs/openapi.json is the same file; tests/emulator/test_contract.py keeps them equal.
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.responses import Response

SPEC_FILE = "openapi.json"
PATH = "/openapi.json"


def spec_bytes() -> bytes:
    """The contract document as shipped in the package."""
    return resources.files(__package__).joinpath(SPEC_FILE).read_bytes()


def mount(app: FastAPI) -> None:
    """Serve the contract at GET /openapi.json (read once, at app creation)."""
    body = spec_bytes()

    async def openapi_json() -> Response:
        return Response(body, media_type="application/json")

    app.add_api_route(PATH, openapi_json, methods=["GET"], include_in_schema=False)
