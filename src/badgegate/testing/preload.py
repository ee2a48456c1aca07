"""Setting up large reconciliations: records written straight into the reference engine's store.

Migrating a million badges over HTTP is the migration benchmark's job; the reconcile benchmark
and the large reconcile tests write the records the migration would have written directly into
the reference engine's storage (the engine may be running: its SQLite store is in WAL mode).
:func:`preload_migration` does what ``migrate`` does minus HTTP: it reads the legacy database in
key order, forwards each badge (on every core), and upserts the migration's operations in that
order through the engine's own storage code, so the store holds the same bodies, keys and list
order a migration gives (without the run history, which reconciliation never reads).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from badgegate.client import BatchOperation
from badgegate.engine.model.records import StoredRecord, credential_record, extension_record
from badgegate.engine.storage.store import Store
from badgegate.legacy import iter_badges, read_snapshot
from badgegate.mapping import MigrationMapping, forward
from badgegate.reconcile.forwarder import Badge, Forwarder, chunked, forwarding
from badgegate.streaming.planner import operations_of

BATCH = 2000
CHUNK = 1000


def stored(operation: BatchOperation) -> StoredRecord:
    """One upsert as the engine would store it (validation skipped: the mapping made it)."""
    if operation.kind == "credential":
        return credential_record(operation.record, errors=[])
    key = str(operation.key).lower()
    return extension_record(operation.kind, key, operation.record, errors=[])  # type: ignore[arg-type]


def preload_engine(
    engine_db: str, tenant: str, operations: Iterable[BatchOperation], *, run: str | None = None
) -> int:
    """Write ``operations`` into the engine store at ``engine_db`` for ``tenant``; return count."""
    return store_records(engine_db, tenant, map(stored, operations), run=run)


def store_records(
    engine_db: str, tenant: str, records: Iterable[StoredRecord], *, run: str | None = None
) -> int:
    """Upsert stored ``records`` in order, in batches, for ``tenant``; return how many."""
    store = Store(engine_db)
    written = 0
    try:
        for batch in chunked(records, BATCH):
            store.upsert(tenant, batch, run)
            written += len(batch)
    finally:
        store.close()
    return written


def preload_migration(
    legacy_db: str,
    engine_db: str,
    tenant: str,
    *,
    mapping: MigrationMapping,
    issuer: Mapping[str, Any],
    processes: int = 0,
) -> int:
    """Write what migrating every badge of ``legacy_db`` gives into the store; return count."""
    with (
        read_snapshot(legacy_db) as connection,
        Forwarder(mapping, issuer, processes, work=migrated_records) as forwarder,
    ):
        chunks = forwarder.results(chunked(iter_badges(connection), CHUNK))
        records = (record for _, made in chunks for record in made)
        return store_records(engine_db, tenant, records)


def migrated_records(chunk: list[Badge]) -> list[StoredRecord]:
    """The stored records migrating a chunk of badges gives, in the migration's order."""
    mapping, issuer = forwarding()
    return [
        stored(operation)
        for badge, requirements in chunk
        for operation in operations_of(forward(badge, requirements, mapping=mapping, issuer=issuer))
    ]
