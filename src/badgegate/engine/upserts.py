"""Writing records: single upserts and the batch endpoint, with the write fault hooks.

A batch holds 1..:data:`MAX_BATCH` operations; each gets its own result (201, 200, 304, 400 or
403) and all valid ones are written in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from starlette.responses import Response

from badgegate.engine import faults as fault
from badgegate.engine.auth import Grant
from badgegate.engine.context import EngineContext
from badgegate.engine.imsx import ApiError, imsx_status_info
from badgegate.engine.records import (
    StoredRecord,
    credential_record,
    extension_record,
    jws_record,
    record_key,
)
from badgegate.engine.storage import Outcome
from badgegate.scopes import ACHIEVEMENT_UPSERT, CREDENTIAL_UPSERT, PROGRESS_UPSERT

MAX_BATCH = 500
UPSERT_SCOPE = {
    "credential": CREDENTIAL_UPSERT,
    "achievement": ACHIEVEMENT_UPSERT,
    "progress": PROGRESS_UPSERT,
}


def answered_status(context: EngineContext, outcome: Outcome) -> int:
    """The status a write answers with (the wrong-status fault's hook)."""
    if outcome.status == 201 and fault.WRONG_STATUS in context.faults:
        return 200
    return outcome.status


async def store_records(
    context: EngineContext, tenant: str, batch: Sequence[StoredRecord], run: str | None
) -> list[Outcome]:
    """Upsert ``batch`` in one transaction (the lost-write fault's hook)."""
    lost_write = fault.LOST_WRITE in context.faults
    return await context.storage(context.store.upsert, tenant, batch, run, lost_write=lost_write)


async def upsert_response(
    context: EngineContext, tenant: str, record: StoredRecord, run: str | None
) -> Response:
    """Upsert one record and answer 201/200 with the stored record, or 304 without a body."""
    (outcome,) = await store_records(context, tenant, [record], run)
    if outcome.status == 304:
        return Response(status_code=304)
    media = "text/plain" if outcome.record.media == "jws" else "application/json"
    return Response(outcome.record.body, answered_status(context, outcome), media_type=media)


async def batch_response(
    context: EngineContext, grant: Grant, document: Any, run: str | None
) -> Response:
    """Run a batch of upserts and answer 200 with a result per operation."""
    operations = _operations(document)
    results: list[dict[str, Any]] = [{} for _ in operations]
    valid: list[tuple[int, StoredRecord]] = []
    for index, operation in enumerate(operations):
        try:
            valid.append((index, _operation_record(context, grant, operation)))
        except ApiError as error:
            results[index] = _failed(index, operation, error)
    outcomes = await store_records(context, grant.tenant, [record for _, record in valid], run)
    for (index, record), outcome in zip(valid, outcomes, strict=True):
        status = answered_status(context, outcome)
        results[index] = {
            "index": index,
            "kind": record.kind,
            "id": record.record_id,
            "status": status,
        }
    body = json.dumps({"results": results}, ensure_ascii=False, separators=(",", ":"))
    return Response(body, 200, media_type="application/json")


def _operations(document: Any) -> list[Any]:
    operations = document.get("operations") if isinstance(document, dict) else None
    if not isinstance(operations, list) or not operations:
        raise ApiError(400, "a batch is an object with a non-empty operations array")
    if len(operations) > MAX_BATCH:
        raise ApiError(413, f"a batch holds at most {MAX_BATCH} operations, got {len(operations)}")
    return operations


def _operation_record(context: EngineContext, grant: Grant, operation: Any) -> StoredRecord:
    if not isinstance(operation, dict) or operation.get("kind") not in UPSERT_SCOPE:
        raise ApiError(400, "an operation needs kind credential, achievement or progress")
    kind = operation["kind"]
    scope = UPSERT_SCOPE[kind]
    if scope not in grant.scopes and fault.UNENFORCED_SCOPE not in context.faults:
        raise ApiError(403, f"the token lacks the scope {scope}")
    record = operation.get("record")
    if kind == "credential":
        if isinstance(record, str):
            return jws_record(record)
        return credential_record(record, context.faults)
    key = operation.get("key")
    if not isinstance(key, str):
        raise ApiError(400, f"an {kind} operation needs a key, a bare UUID")
    return extension_record(kind, record_key(key, status=400), record, context.faults)


def _failed(index: int, operation: Any, error: ApiError) -> dict[str, Any]:
    record = operation.get("record") if isinstance(operation, dict) else None
    record_id = record.get("id") if isinstance(record, dict) else None
    return {
        "index": index,
        "kind": operation.get("kind") if isinstance(operation, dict) else None,
        "id": record_id if isinstance(record_id, str) else None,
        "status": error.status,
        "error": imsx_status_info(error.description, error.minor),
    }
