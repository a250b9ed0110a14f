"""Routes of the sharing area: handshakes, transfers, pull requests and the payload."""

from __future__ import annotations

from fastapi import APIRouter

from .. import sharing
from .handler import EXIM, route

router = APIRouter(prefix=EXIM)

route(router, "/handshake/bulkCreate", sharing.bulk_create, methods=("POST",), body="required")
route(router, "/handshake/action", sharing.act, methods=("POST",), body="required")
route(router, "/handshake/list", sharing.list_handshakes, methods=("GET", "POST"), with_query=True)
route(router, "/transfer", sharing.create_transfers, methods=("POST",), body="required")
route(router, "/transfer/list", sharing.list_transfers, with_query=True)
route(router, "/transfer/pullRequest", sharing.pull_request, methods=("POST",), body="required")
route(router, "/transfer/{transfer_id}", sharing.get_transfer)
route(router, "/packages/payload/{package_id}", sharing.payload)
