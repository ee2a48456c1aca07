"""Writing records: single upserts and the batch endpoint, with the write fault hooks.

A batch holds 1..:data:`~badgegate.vocabulary.BATCH_LIMIT` operations; each gets its own
result (201, 200, 304, 400 or 403) and all valid ones are written in one transaction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Sequence
from typing import Any, NamedTuple

from starlette.responses import Response

from badgegate import json_text
from badgegate.engine.auth.authority import Grant
from badgegate.engine.context import EngineContext
from badgegate.engine.faults import catalogue as fault
from badgegate.engine.model.records import (
    StoredRecord,
    credential_record,
    extension_record,
    jws_record,
    record_key,
)
from badgegate.engine.model.validation import upload_errors_many
from badgegate.engine.routes.signing import secure
from badgegate.engine.storage.bulk_writes import Outcome
from badgegate.engine.variants import REPLACE_200
from badgegate.engine.wire.imsx import ApiError, imsx_status_info
from badgegate.engine.wire.inbound import canonical_json
from badgegate.findings import Finding
from badgegate.scopes import ACHIEVEMENT_UPSERT, CREDENTIAL_UPSERT, PROGRESS_UPSERT
from badgegate.vocabulary import BATCH_LIMIT, ENGINE_KIND_ORDER, RecordKind

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
    """Upsert ``batch`` in one transaction (the lost-write and reupsert-duplicates hooks)."""
    lost_write = fault.LOST_WRITE in context.faults
    outcomes = await context.store.upsert_async(tenant, batch, run, lost_write=lost_write)
    if fault.REUPSERT_DUPLICATES in context.faults:
        outcomes = await _store_duplicates(context, tenant, batch, outcomes, run)
    return outcomes


async def _store_duplicates(
    context: EngineContext,
    tenant: str,
    batch: Sequence[StoredRecord],
    outcomes: list[Outcome],
    run: str | None,
) -> list[Outcome]:
    """reupsert-duplicates: an identical re-upsert is stored again under a fresh key, as 201."""
    for index, (record, outcome) in enumerate(zip(batch, outcomes, strict=True)):
        if outcome.status == 304 and outcome.record.body == record.body:
            copy = dataclasses.replace(record, key=hashlib.sha256(os.urandom(16)).hexdigest())
            await context.store.upsert_async(tenant, [copy], run)
            outcomes[index] = Outcome(201, record)
    return outcomes


async def upsert_response(
    context: EngineContext,
    tenant: str,
    record: StoredRecord,
    run: str | None,
    media: str = "application/json",
) -> Response:
    """Upsert one record and answer 201/200 with the stored record as ``media`` (a compact JWS
    as text/plain), or 304 without a body (replace-200: a credential's 304 is a 200 with the
    credential of the request)."""
    (secured,) = await secure(context, tenant, [record])
    if isinstance(secured, ApiError):
        raise secured
    (outcome,) = await store_records(context, tenant, [secured], run)
    if record.media == "jws":
        media = "text/plain"
    if outcome.status == 304 and record.kind == "credential" and REPLACE_200 in context.variants:
        return Response(record.body, 200, media_type=media)
    if outcome.status == 304:
        return Response(status_code=304)
    return Response(outcome.record.body, answered_status(context, outcome), media_type=media)


async def batch_response(
    context: EngineContext, grant: Grant, document: Any, run: str | None
) -> Response:
    """Run a batch of upserts and answer 200 with a result per operation."""
    operations = _operations(document)
    results: list[dict[str, Any]] = [{} for _ in operations]
    accepted: list[tuple[int, BatchItem]] = []
    for index, operation in enumerate(operations):
        try:
            accepted.append((index, _batch_item(context, grant, operation)))
        except ApiError as error:
            results[index] = _failed(index, operation, error)
    errors = _validation_errors(context, [item for _, item in accepted])
    valid: list[tuple[int, StoredRecord]] = []
    for (index, item), item_errors in zip(accepted, errors, strict=True):
        try:
            valid.append((index, _item_record(context, item, item_errors)))
        except ApiError as error:
            results[index] = _failed(index, operations[index], error)
    signed: list[tuple[int, StoredRecord]] = []
    secured = await secure(context, grant.tenant, [record for _, record in valid])
    for (index, _), outcome_or_error in zip(valid, secured, strict=True):
        if isinstance(outcome_or_error, ApiError):
            results[index] = _failed(index, operations[index], outcome_or_error)
        else:
            signed.append((index, outcome_or_error))
    valid = signed
    outcomes = await store_records(context, grant.tenant, [record for _, record in valid], run)
    for (index, record), outcome in zip(valid, outcomes, strict=True):
        results[index] = {
            "index": index,
            "kind": record.kind,
            "id": record.record_id,
            "status": answered_status(context, outcome),
        }
    # UTF-8-safe: a refused record may echo an id holding a lone surrogate.
    return Response(json_text.dumps({"results": results}), 200, media_type="application/json")


class BatchItem(NamedTuple):
    """One well-formed, permitted batch operation whose record is still to be validated."""

    kind: RecordKind
    key: str | None
    record: Any
    text: str | None = None


def _operations(document: Any) -> list[Any]:
    operations = document.get("operations") if isinstance(document, dict) else None
    if not isinstance(operations, list) or not operations:
        raise ApiError(400, "a batch is an object with a non-empty operations array")
    if len(operations) > BATCH_LIMIT:
        raise ApiError(
            413, f"a batch holds at most {BATCH_LIMIT} operations, got {len(operations)}"
        )
    return operations


def _batch_item(context: EngineContext, grant: Grant, operation: Any) -> BatchItem:
    if not isinstance(operation, dict) or operation.get("kind") not in UPSERT_SCOPE:
        raise ApiError(400, "an operation needs kind credential, achievement or progress")
    kind: RecordKind = operation["kind"]
    scope = UPSERT_SCOPE[kind]
    if scope not in grant.scopes and fault.UNENFORCED_SCOPE not in context.faults:
        raise ApiError(403, f"the token lacks the scope {scope}")
    record = operation.get("record")
    # Serialised before validation: NUL, lone surrogates and deep nesting are refused here.
    text = None if isinstance(record, str) and kind == "credential" else canonical_json(record)
    if kind == "credential":
        return BatchItem(kind, None, record, text)
    key = operation.get("key")
    if not isinstance(key, str):
        raise ApiError(400, f"an {kind} operation needs a key, a bare UUID")
    return BatchItem(kind, record_key(key, status=400), record, text)


def _validation_errors(context: EngineContext, items: list[BatchItem]) -> list[list[Finding]]:
    """The validator's errors for each item, one validator pass per kind (none for a JWS)."""
    errors: list[list[Finding]] = [[] for _ in items]
    if fault.ACCEPT_INVALID in context.faults:
        return errors
    for kind in ENGINE_KIND_ORDER:
        positions = [
            position
            for position, item in enumerate(items)
            if item.kind == kind and not isinstance(item.record, str)
        ]
        documents = [items[position].record for position in positions]
        for position, found in zip(
            positions, upload_errors_many(kind, documents) if documents else [], strict=True
        ):
            errors[position] = found
    return errors


def _item_record(context: EngineContext, item: BatchItem, errors: list[Finding]) -> StoredRecord:
    if item.kind == "credential":
        if isinstance(item.record, str):
            return jws_record(item.record, validate=fault.ACCEPT_INVALID not in context.faults)
        return credential_record(item.record, context.faults, errors=errors, text=item.text)
    assert item.key is not None
    return extension_record(
        item.kind, item.key, item.record, context.faults, errors=errors, text=item.text
    )


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
