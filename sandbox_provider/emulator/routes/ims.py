"""Routes of the IMS area: the client-credentials token endpoint."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ..auth import ims_params, issue_token
from .handler import emu_of, query

router = APIRouter()


@router.post("/ims/token/v3")
async def token(request: Request) -> Any:
    emu = emu_of(request)
    params = ims_params(
        query(request), await request.body(), request.headers.get("content-type", "")
    )
    with emu.store.tx():
        answer = issue_token(emu, params)
    request.state.org = answer.pop("_org")
    return answer
