"""Routes of the sharing area: handshakes, transfers, pull requests and the payload."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from .. import sharing
from .handler import EXIM, call, query

router = APIRouter(prefix=EXIM)


@router.post("/handshake/bulkCreate")
async def post_bulk_create(request: Request) -> Any:
    return await call(request, sharing.bulk_create, "required")


@router.post("/handshake/action")
async def post_action(request: Request) -> Any:
    return await call(request, sharing.act, "required")


@router.api_route("/handshake/list", methods=["GET", "POST"])
async def get_handshakes(request: Request) -> Any:
    return await call(request, lambda e, c, _: sharing.list_handshakes(e, c, query(request)))


@router.post("/transfer")
async def post_transfer(request: Request) -> Any:
    return await call(request, sharing.create_transfers, "required")


@router.get("/transfer/list")
async def get_transfers(request: Request) -> Any:
    return await call(request, lambda e, c, _: sharing.list_transfers(e, c, query(request)))


@router.post("/transfer/pullRequest")
async def post_pull(request: Request) -> Any:
    return await call(request, sharing.pull_request, "required")


@router.get("/transfer/{transfer_id}")
async def get_one_transfer(request: Request, transfer_id: str) -> Any:
    return await call(request, lambda e, c, _: sharing.get_transfer(e, c, transfer_id))


@router.get("/packages/payload/{package_id}")
async def get_payload(request: Request, package_id: str) -> Any:
    return await call(request, lambda e, c, _: sharing.payload(e, c, package_id))
