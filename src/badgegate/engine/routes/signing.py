"""Proofs on the way in: an uploaded proof must verify; an unsigned credential is signed.

A JSON credential uploaded with a proof is stored as sent once every proof verifies (a
``did:key`` verification method or one of the tenant's published keys), else refused with 400
naming the reason. One uploaded without a proof is signed with the tenant's issuer key
(``eddsa-rdfc-2022``, ``created`` from the credential), unless the stored credential is the
same data: then the stored proof is kept, so re-upserting equal content answers 304. A
credential that cannot be canonicalized without losing data (a term no context defines) is
stored unsigned.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool

from badgegate.engine.context import EngineContext
from badgegate.engine.faults.catalogue import ACCEPTS_BAD_SIGNATURE, FORGED_SIGNATURE, UNSIGNED
from badgegate.engine.model.proofs import IssuerKey
from badgegate.engine.model.records import StoredRecord
from badgegate.engine.model.validation import rejection
from badgegate.engine.wire.imsx import ApiError
from badgegate.engine.wire.inbound import canonical_json
from badgegate.verify import Keys
from badgegate.verify.integrity import Verifying, proof_findings


async def secure(
    context: EngineContext, tenant: str, records: Sequence[StoredRecord]
) -> list[StoredRecord | ApiError]:
    """``records`` with each JSON credential's proof checked or made (an error in its place
    when its proof does not verify)."""
    secured: list[StoredRecord | ApiError] = list(records)
    unsigned: list[tuple[int, dict[str, Any]]] = []
    for index, record in enumerate(records):
        if record.kind != "credential" or record.media != "json":
            continue
        document = _parsed(record.body)
        if not isinstance(document, dict):
            continue
        if "proof" in document:
            if ACCEPTS_BAD_SIGNATURE not in context.faults:
                problem = await run_in_threadpool(_proof_problem, context, tenant, document)
                if problem is not None:
                    secured[index] = problem
        elif UNSIGNED not in context.faults:
            unsigned.append((index, document))
    if not unsigned:
        return secured
    stored = await context.storage(
        context.store.stored_bodies, tenant, "credential", [records[i].key for i, _ in unsigned]
    )
    to_sign: list[tuple[int, dict[str, Any]]] = []
    for index, document in unsigned:
        record = records[index]
        kept = _same_data_signed(stored.get(record.key), record.body)
        if kept is not None:
            secured[index] = _with_body(record, kept)
        else:
            to_sign.append((index, document))
    if to_sign:
        key = await context.storage(context.keyring.signing_key, tenant)
        signed = await context.signing.sign(key, to_sign)
        if FORGED_SIGNATURE in context.faults:
            signed = [(index, {**proof, "proofValue": _forged(key)}) for index, proof in signed]
        for index, proof in signed:
            record = records[index]
            secured[index] = _with_body(record, _body_with_proof(record.body, proof))
    return secured


def _proof_problem(
    context: EngineContext, tenant: str, document: dict[str, Any]
) -> ApiError | None:
    """A 400 naming why the uploaded proof does not verify, or None when it does."""
    published = context.keyring.published_for_tenant(tenant)
    keys = Keys({key.method: key.public_key() for key in published})
    findings = [
        f for f in proof_findings(document, Verifying(keys, datetime.now(UTC))) if f.is_error
    ]
    return rejection("credential", findings) if findings else None


def _same_data_signed(stored: str | None, body: str) -> str | None:
    """The stored body when it is ``body`` with a proof added, else None."""
    if stored is None or len(stored) <= len(body):
        return None
    document = _parsed(stored)
    if not isinstance(document, dict) or "proof" not in document:
        return None
    unsigned = {name: value for name, value in document.items() if name != "proof"}
    return stored if canonical_json(unsigned) == body else None


def _forged(key: IssuerKey) -> str:
    from badgegate.verify.keys import base58btc_encode

    return "z" + base58btc_encode(key.private.sign(b"not this credential"))


def _parsed(text: str) -> Any:
    """A stored JSON body as Python values, read by the standard library: orjson reads an
    integer wider than 64 bits as a float, which would sign another number."""
    return json.loads(text)


def _body_with_proof(body: str, proof: dict[str, Any]) -> str:
    """The stored text of the credential ``body`` (a JSON object) with ``proof`` appended (a
    list of one, as OB 3.0's JSON Schema has it)."""
    separator = "" if body == "{}" else ","
    return f'{body[:-1]}{separator}"proof":[{canonical_json(proof)}]}}'


def _with_body(record: StoredRecord, body: str) -> StoredRecord:
    return StoredRecord(
        record.kind, record.key, record.record_id, body, record.media, record.valid_from
    )
