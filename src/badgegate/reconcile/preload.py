"""Setting up large reconciliations: records written straight into the reference engine's store.

Migrating a million badges over HTTP is the migration benchmark's job; the reconcile benchmark
and the large reconcile tests write the records the migration would have written directly into
the reference engine's storage (the engine may be running: its SQLite store is in WAL mode).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from badgegate.client import BatchOperation
from badgegate.engine.records import StoredRecord, credential_record, extension_record
from badgegate.engine.storage import Store

BATCH = 2000


def stored(operation: BatchOperation) -> StoredRecord:
    """One upsert as the engine would store it (validation skipped: the mapping made it)."""
    if operation.kind == "credential":
        return credential_record(operation.record)
    key = str(operation.key).lower()
    return extension_record(operation.kind, key, operation.record, errors=[])  # type: ignore[arg-type]


def preload_engine(
    engine_db: str, tenant: str, operations: Iterable[BatchOperation], *, run: str | None = None
) -> int:
    """Write ``operations`` into the engine store at ``engine_db`` for ``tenant``; return count."""
    store = Store(engine_db)
    written = 0
    try:
        items = iter(operations)
        while batch := list(itertools.islice(items, BATCH)):
            store.upsert(tenant, [stored(operation) for operation in batch], run)
            written += len(batch)
    finally:
        store.close()
    return written
