"""The extension API: achievements, progress records, batch upserts and migration runs."""

from __future__ import annotations

import json

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from badgegate.engine.context import engine_context, run_id
from badgegate.engine.model.records import extension_record, record_key
from badgegate.engine.routes.listing import list_response, render_record
from badgegate.engine.routes.upserts import batch_response, upsert_response
from badgegate.engine.wire.imsx import ApiError
from badgegate.engine.wire.inbound import (
    BATCH_BODY_CAP,
    BODY_CAP,
    JSON,
    ensure_accepts,
    parse_json,
    read_body,
    require_media_type,
)
from badgegate.scopes import (
    ACHIEVEMENT_READONLY,
    ACHIEVEMENT_UPSERT,
    MIGRATION_ADMIN,
    PROGRESS_READONLY,
    PROGRESS_UPSERT,
)
from badgegate.vocabulary import ENGINE_KIND_ORDER, ExtensionKind

router = APIRouter(prefix="/ext")
_SCOPES: dict[ExtensionKind, tuple[str, str]] = {
    "achievement": (ACHIEVEMENT_READONLY, ACHIEVEMENT_UPSERT),
    "progress": (PROGRESS_READONLY, PROGRESS_UPSERT),
}


async def _put_record(request: Request, kind: ExtensionKind, key: str) -> Response:
    context = engine_context(request)
    grant = context.authorize(request, _SCOPES[kind][1], write=True)
    require_media_type(request, (JSON,))
    ensure_accepts(request)
    run = run_id(request)
    key = record_key(key, status=400)
    document = parse_json(await read_body(request, BODY_CAP))
    record = extension_record(kind, key, document, context.faults)
    return await upsert_response(context, grant.tenant, record, run)


async def _get_record(request: Request, kind: ExtensionKind, key: str) -> Response:
    context = engine_context(request)
    grant = context.authorize(request, _SCOPES[kind][0])
    ensure_accepts(request)
    key = record_key(key)
    body = await context.storage(context.store.get, grant.tenant, kind, key)
    if body is None:
        raise ApiError(404, f"no {kind} with key {key}")
    return Response(render_record(context, kind, body), 200, media_type=JSON)


async def _list_records(request: Request, kind: ExtensionKind) -> Response:
    context = engine_context(request)
    grant = context.authorize(request, _SCOPES[kind][0])
    ensure_accepts(request)
    return await list_response(context, request, kind, grant.tenant)


@router.put("/achievements/{key}")
async def put_achievement(request: Request, key: str) -> Response:
    """Create or replace the Achievement stored at ``key``."""
    return await _put_record(request, "achievement", key)


@router.get("/achievements/{key}")
async def get_achievement(request: Request, key: str) -> Response:
    """Return the Achievement stored at ``key``."""
    return await _get_record(request, "achievement", key)


@router.get("/achievements")
async def list_achievements(request: Request) -> Response:
    """List the tenant's Achievements, paged."""
    return await _list_records(request, "achievement")


@router.put("/progress/{key}")
async def put_progress(request: Request, key: str) -> Response:
    """Create or replace the progress record stored at ``key``."""
    return await _put_record(request, "progress", key)


@router.get("/progress/{key}")
async def get_progress(request: Request, key: str) -> Response:
    """Return the progress record stored at ``key``."""
    return await _get_record(request, "progress", key)


@router.get("/progress")
async def list_progress(request: Request) -> Response:
    """List the tenant's progress records, paged."""
    return await _list_records(request, "progress")


@router.post("/batch")
async def post_batch(request: Request) -> Response:
    """Upsert up to ``BATCH_LIMIT`` records of any kind in one transaction; a result each."""
    context = engine_context(request)
    grant = context.authority.grant_for(request)
    require_media_type(request, (JSON,))
    ensure_accepts(request)
    run = run_id(request)
    document = parse_json(await read_body(request, BATCH_BODY_CAP))
    return await batch_response(context, grant, document, run)


@router.get("/issuers/{issuer}/keys")
async def get_issuer_keys(request: Request, issuer: str) -> Response:
    """getIssuerKeys: the public keys of the issuer whose Profile UUID is ``issuer``."""
    context = engine_context(request)
    ensure_accepts(request)
    issuer = record_key(issuer)
    published = await context.storage(context.keyring.published, issuer)
    if not published:
        raise ApiError(404, f"no issuer keys for {issuer}")
    document = {"keys": [key.public_jwk() for key in published]}
    return Response(json.dumps(document), 200, media_type=JSON)


@router.get("/migration-runs/{run}")
async def get_migration_run(request: Request, run: str) -> Response:
    """What a run created and replaced in the caller's tenant."""
    context = engine_context(request)
    grant = context.authorize(request, MIGRATION_ADMIN)
    ensure_accepts(request)
    touched = await context.storage(context.store.run_summary, grant.tenant, run)
    if touched is None:
        raise ApiError(404, f"no record of migration run {run[:128]!r} in this tenant")
    return Response(json.dumps(run_summary(run, touched)), 200, media_type=JSON)


@router.delete("/migration-runs/{run}")
async def delete_migration_run(request: Request, run: str) -> Response:
    """Roll a run back: delete what it created, restore what it replaced (newest first)."""
    context = engine_context(request)
    grant = context.authorize(request, MIGRATION_ADMIN, write=True)
    ensure_accepts(request)
    counts = await context.storage(context.store.rollback, grant.tenant, run)
    if counts is None:
        raise ApiError(404, f"no record of migration run {run[:128]!r} in this tenant")
    deleted, restored = counts
    body = {"runId": run, "deleted": deleted, "restored": restored}
    return Response(json.dumps(body), 200, media_type=JSON)


def run_summary(run: str, touched: list[tuple[str, str, str]]) -> dict[str, object]:
    """The migration-run summary (schemas/badgegate/migration-run.schema.json)."""
    counts: dict[str, dict[str, int]] = {
        action: dict.fromkeys(ENGINE_KIND_ORDER, 0) for action in ("created", "replaced")
    }
    for kind, _, action in touched:
        counts[action][kind] += 1
    return {
        "runId": run,
        "created": counts["created"],
        "replaced": counts["replaced"],
        "records": [
            {"kind": kind, "id": record_id, "action": action} for kind, record_id, action in touched
        ],
    }
