"""``POST /_badgegate/provider-states``: set up or tear down a provider state (test endpoints only).

Body ``{"state": name, "params": {...}, "action": "setup" | "teardown" | "reset"}``; teardown
and reset clear the store. It lives outside the API base and outside the OpenAPI document.
"""

from __future__ import annotations

import json

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from badgegate.engine.context import engine_context
from badgegate.engine.routes.provider_states import reset, set_up
from badgegate.engine.wire.imsx import ApiError
from badgegate.engine.wire.inbound import parse_json, read_body

router = APIRouter()
STATE_PATH = "/_badgegate/provider-states"


@router.post(STATE_PATH)
async def provider_states(request: Request) -> Response:
    """Apply a provider-state action and answer 200 with what the state created."""
    engine = engine_context(request)
    document = parse_json(await read_body(request))
    if not isinstance(document, dict):
        raise ApiError(400, "send {'state', 'params', 'action'}")
    action = document.get("action", "setup")
    params = document.get("params") or {}
    if not isinstance(params, dict):
        raise ApiError(400, "params must be a JSON object")
    if action in ("teardown", "reset"):
        await engine.storage(reset, engine)
        result: dict[str, object] = {}
    elif action == "setup":
        state = document.get("state") or ""
        result = await engine.storage(set_up, engine, str(state), params)
    else:
        raise ApiError(400, f"action must be setup, teardown or reset, got {action!r}")
    body = {"state": document.get("state"), "action": action, "result": result}
    return Response(json.dumps(body), 200, media_type="application/json")
