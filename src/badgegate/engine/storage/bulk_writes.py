"""Upsert batches: each record's outcome, then one statement per step for the whole batch.

:class:`WritePlan` decides, in order, what each record of a batch does against the current
versions (the OB 3.0 §8.5 equality rule): created, replaced or unchanged, and for a run which
history rows to keep. :class:`BulkWrites` then reads the current versions, inserts the new
records, updates the replaced ones and writes the run history, each as one statement run on
the database driver's own cursor inside the batch's transaction:

* PostgreSQL takes every column as an array (``= ANY(…)``, ``unnest(…)``), so a step is one
  round trip and one plan whatever the batch size; ``WITH ORDINALITY … ORDER BY`` keeps the
  batch's order in the insertion sequence (``seq``, ``hid``). New identities are inserted
  before the read (``ON CONFLICT … DO NOTHING RETURNING``), which then covers only the
  identities already stored (:meth:`BulkWrites.insert_absent`).
* SQLite runs in-process, so ``executemany`` of one prepared statement is already the
  cheapest form; the current versions are read with the keys as one JSON array.

A row is ``(kind, rkey, record_id, body, media, valid_from)`` for a record and
``(kind, rkey, record_id, action, prior_record_id, prior_body, prior_media,
prior_valid_from)`` for a history entry; the tenant (and run) are parameters of their own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from badgegate.engine.model.records import StoredRecord
from badgegate.engine.storage.schema import history, records

RECORD_COLUMNS = ("kind", "rkey", "record_id", "body", "media", "valid_from")
HISTORY_COLUMNS = (
    "kind",
    "rkey",
    "record_id",
    "action",
    "prior_record_id",
    "prior_body",
    "prior_media",
    "prior_valid_from",
)
CURRENT_COLUMNS = "rkey, record_id, body, media, valid_from"


@dataclass(frozen=True)
class BulkWrites:
    """The batch statements of one database: PostgreSQL (column arrays) or SQLite (rows)."""

    postgres: bool

    def current(self, cursor: Any, tenant: str, kind: str, keys: Sequence[str]) -> list[Any]:
        """``(rkey, record_id, body, media, valid_from)`` of the stored ``keys`` of ``kind``
        (on PostgreSQL locked until the transaction ends)."""
        if self.postgres:
            # Planned for each batch, never prepared: a prepared (generic) plan sees the keys as
            # an opaque parameter and may compare each stored row with every key in turn; a
            # plan for the actual keys probes the identity index or hashes the keys.
            params = {"tenant": tenant, "kind": kind, "keys": list(keys)}
            cursor.execute(_PG_CURRENT, params, prepare=False)
        else:
            cursor.execute(_SQLITE_CURRENT, (tenant, kind, json.dumps(keys)))
        return list(cursor.fetchall())

    def insert_absent(
        self, cursor: Any, tenant: str, batch: Sequence[StoredRecord]
    ) -> set[tuple[str, str]]:
        """PostgreSQL: insert the records of ``batch`` whose identity is not stored, in the
        order of ``batch`` (one version per identity); return the ``(kind, rkey)`` inserted."""
        if not batch:
            return set()
        rows = [record_row(record) for record in batch]
        cursor.execute(
            _PG_INSERT_ABSENT, {"tenant": tenant, **_column_arrays(RECORD_COLUMNS, rows)}
        )
        return {(kind, rkey) for kind, rkey in cursor.fetchall()}

    def insert_records(self, cursor: Any, tenant: str, batch: Sequence[StoredRecord]) -> None:
        """Insert new records in the order of ``batch``."""
        rows = [record_row(record) for record in batch]
        self._write(cursor, _PG_INSERT, _SQLITE_INSERT, {"tenant": tenant}, RECORD_COLUMNS, rows)

    def update_records(self, cursor: Any, tenant: str, batch: Sequence[StoredRecord]) -> None:
        """Replace the stored versions of ``batch`` (matched on kind and key)."""
        rows = [record_row(record) for record in batch]
        self._write(cursor, _PG_UPDATE, _SQLITE_UPDATE, {"tenant": tenant}, RECORD_COLUMNS, rows)

    def insert_history(
        self, cursor: Any, tenant: str, run: str, rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """Record a run's first touch of each record (a later touch by the same run is kept
        out by the first-touch constraint)."""
        fixed = {"tenant": tenant, "run": run}
        self._write(cursor, _PG_HISTORY, _SQLITE_HISTORY, fixed, HISTORY_COLUMNS, rows)

    def _write(
        self,
        cursor: Any,
        postgres_sql: str,
        sqlite_sql: str,
        fixed: dict[str, str],
        columns: tuple[str, ...],
        rows: Sequence[tuple[Any, ...]],
    ) -> None:
        if self.postgres:
            cursor.execute(postgres_sql, {**fixed, **_column_arrays(columns, rows)})
        else:
            prefix = tuple(fixed.values())
            cursor.executemany(sqlite_sql, [prefix + row for row in rows])


@dataclass(frozen=True)
class Outcome:
    """The result of one upsert: 201 created, 200 replaced or 304 unchanged, and the stored body."""

    status: int
    record: StoredRecord


@dataclass
class WritePlan:
    """What a batch does, decided in order against the current versions: each record's
    outcome, the records to insert and to replace, and (in a run) its history rows."""

    outcomes: list[Outcome] = field(default_factory=list)
    created: dict[tuple[str, str], StoredRecord] = field(default_factory=dict)
    replaced: dict[tuple[str, str], StoredRecord] = field(default_factory=dict)
    touched: dict[tuple[str, str], tuple[Any, ...]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        batch: Sequence[StoredRecord],
        current: dict[tuple[str, str], StoredRecord],
        *,
        tracked: bool,
    ) -> WritePlan:
        """Plan ``batch`` (a later record of the batch sees an earlier one as current)."""
        plan = cls()
        for record in batch:
            identity = (record.kind, record.key)
            before = current.get(identity)
            status = upsert_status(before, record)
            plan.outcomes.append(Outcome(status, before if status == 304 and before else record))
            if status == 304:
                continue
            if identity in plan.created or before is None:
                plan.created[identity] = record
            else:
                plan.replaced[identity] = record
            if tracked and identity not in plan.touched:
                plan.touched[identity] = history_row(record, before)
            current[identity] = record
        return plan


def upsert_status(before: StoredRecord | None, record: StoredRecord) -> int:
    """The OB 3.0 §8.5 equality rule: 201 new, 304 unchanged or not newer, 200 replaced."""
    if before is None:
        return 201
    if before.body == record.body and before.media == record.media:
        return 304
    newer_or_equal = (
        record.kind == "credential"
        and before.valid_from is not None
        and record.valid_from is not None
        and before.valid_from >= record.valid_from
    )
    return 304 if newer_or_equal else 200


def record_row(record: StoredRecord) -> tuple[Any, ...]:
    """A record as a row of :data:`RECORD_COLUMNS`."""
    return (
        record.kind,
        record.key,
        record.record_id,
        record.body,
        record.media,
        record.valid_from,
    )


def history_row(record: StoredRecord, before: StoredRecord | None) -> tuple[Any, ...]:
    """A run's first touch of ``record`` as a row of
    :data:`HISTORY_COLUMNS`."""
    if before is None:
        return (record.kind, record.key, record.record_id, "created", None, None, None, None)
    return (
        record.kind,
        record.key,
        record.record_id,
        "replaced",
        before.record_id,
        before.body,
        before.media,
        before.valid_from,
    )


def _column_arrays(columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> dict[str, Any]:
    """``rows`` as one array parameter per column (PostgreSQL's ``unnest`` form)."""
    arrays = [list(column) for column in zip(*rows, strict=True)]
    return dict(zip(columns, arrays, strict=True))


def _unnest(columns: tuple[str, ...]) -> str:
    arrays = ", ".join(f"%({name})b::text[]" for name in columns)
    return f"unnest({arrays}) WITH ORDINALITY AS batch({', '.join(columns)}, position)"


def _placeholders(count: int) -> str:
    return ", ".join("?" for _ in range(count))


_RECORDS, _HISTORY = records.name, history.name
_RECORD_LIST = ", ".join(RECORD_COLUMNS)
_HISTORY_LIST = ", ".join(HISTORY_COLUMNS)

_PG_CURRENT = (
    f"SELECT {CURRENT_COLUMNS} FROM {_RECORDS} WHERE tenant = %(tenant)s "
    "AND kind = %(kind)s AND rkey = ANY(%(keys)b::text[]) FOR UPDATE"
)
_PG_INSERT = (
    f"INSERT INTO {_RECORDS} (tenant, {_RECORD_LIST}) SELECT %(tenant)s, {_RECORD_LIST} "
    f"FROM {_unnest(RECORD_COLUMNS)} ORDER BY position"
)
_PG_INSERT_ABSENT = _PG_INSERT + " ON CONFLICT (tenant, kind, rkey) DO NOTHING RETURNING kind, rkey"
_PG_UPDATE = (
    f"UPDATE {_RECORDS} AS stored SET record_id = batch.record_id, body = batch.body, "
    f"media = batch.media, valid_from = batch.valid_from FROM {_unnest(RECORD_COLUMNS)} "
    "WHERE stored.tenant = %(tenant)s AND stored.kind = batch.kind AND stored.rkey = batch.rkey"
)
_PG_HISTORY = (
    f"INSERT INTO {_HISTORY} (tenant, run_id, {_HISTORY_LIST}) "
    f"SELECT %(tenant)s, %(run)s, {_HISTORY_LIST} FROM {_unnest(HISTORY_COLUMNS)} "
    "ORDER BY position ON CONFLICT DO NOTHING"
)

_SQLITE_CURRENT = (
    f"SELECT {CURRENT_COLUMNS} FROM {_RECORDS} WHERE tenant = ? AND kind = ? "
    "AND rkey IN (SELECT value FROM json_each(?))"
)
_SQLITE_INSERT = (
    f"INSERT INTO {_RECORDS} (tenant, {_RECORD_LIST}) "
    f"VALUES ({_placeholders(len(RECORD_COLUMNS) + 1)})"
)
_SQLITE_UPDATE = (
    f"UPDATE {_RECORDS} SET record_id = ?4, body = ?5, media = ?6, valid_from = ?7 "
    "WHERE tenant = ?1 AND kind = ?2 AND rkey = ?3"
)
_SQLITE_HISTORY = (
    f"INSERT INTO {_HISTORY} (tenant, run_id, {_HISTORY_LIST}) "
    f"VALUES ({_placeholders(len(HISTORY_COLUMNS) + 2)}) ON CONFLICT DO NOTHING"
)
