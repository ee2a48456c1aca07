"""Durable storage of records, run history, profiles and registered clients.

One transaction per call. Upserts of any number of records (a single POST or a whole batch)
go through :meth:`Store.upsert`: it reads the current versions in one query, decides each
record's status in order, then writes with one ``executemany`` per statement.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from badgegate.engine.records import RECORD_KINDS, StoredRecord
from badgegate.engine.schema import (
    WRITE_OPTION,
    history,
    open_database,
    profiles,
    records,
    registered_clients,
)

_ATTEMPTS = 4


@dataclass(frozen=True)
class Outcome:
    """The result of one upsert: 201 created, 200 replaced or 304 unchanged, and the stored body."""

    status: int
    record: StoredRecord


@dataclass(frozen=True)
class Page:
    """One page of a list: the total matching and the ``(media, body)`` of each record in order."""

    total: int
    items: list[tuple[str, str]]


@dataclass(frozen=True)
class ListQuery:
    """What to list: ``tenant=None`` lists every tenant; ``inclusive`` makes ``since`` >=."""

    tenant: str | None
    kind: str
    limit: int
    offset: int
    since_key: str | None = None
    inclusive: bool = False


_update_record = (
    update(records)
    .where(records.c.tenant == bindparam("b_tenant"))
    .where(records.c.kind == bindparam("b_kind"))
    .where(records.c.rkey == bindparam("b_rkey"))
    .values(
        record_id=bindparam("b_record_id"),
        body=bindparam("b_body"),
        media=bindparam("b_media"),
        valid_from=bindparam("b_valid_from"),
    )
)
_delete_record = (
    delete(records)
    .where(records.c.tenant == bindparam("b_tenant"))
    .where(records.c.kind == bindparam("b_kind"))
    .where(records.c.rkey == bindparam("b_rkey"))
)


_select_current = select(
    records.c.rkey, records.c.record_id, records.c.body, records.c.media, records.c.valid_from
).where(
    records.c.tenant == bindparam("b_tenant"),
    records.c.kind == bindparam("b_kind"),
    records.c.rkey.in_(bindparam("b_keys", expanding=True)),
)
_select_current_locked = _select_current.with_for_update()
_insert_record = insert(records)
_select_body = select(records.c.body).where(
    records.c.tenant == bindparam("b_tenant"),
    records.c.kind == bindparam("b_kind"),
    records.c.rkey == bindparam("b_rkey"),
)
_select_profile = select(profiles.c.body).where(profiles.c.tenant == bindparam("b_tenant"))


@functools.cache
def _page_statements(by_tenant: bool, since_mode: str | None) -> tuple[Select[Any], Select[Any]]:
    """The count and listing statements of a page query (built once per shape)."""
    conditions = [records.c.kind == bindparam("b_kind")]
    if by_tenant:
        conditions.append(records.c.tenant == bindparam("b_tenant"))
    if since_mode == ">":
        conditions.append(records.c.valid_from > bindparam("b_since"))
    elif since_mode == ">=":
        conditions.append(records.c.valid_from >= bindparam("b_since"))
    count = select(func.count()).select_from(records).where(*conditions)
    listing = (
        select(records.c.media, records.c.body)
        .where(*conditions)
        .order_by(records.c.seq)
        .limit(bindparam("b_limit"))
        .offset(bindparam("b_offset"))
    )
    return count, listing


@functools.cache
def _history_insert(dialect: str) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` into the run history: a run's first touch wins."""
    from sqlalchemy.dialects import postgresql, sqlite

    if dialect == "postgresql":
        return postgresql.insert(history).on_conflict_do_nothing()
    return sqlite.insert(history).on_conflict_do_nothing()


class Store:
    """The engine's storage on one database (a SQLite file or PostgreSQL)."""

    def __init__(self, location: str) -> None:
        self.engine = open_database(location)
        self._postgres = self.engine.dialect.name == "postgresql"
        #: Whether calls may run on the event loop (SQLite) rather than in worker threads.
        self.inline = self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            if write:
                connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                yield connection

    def upsert(
        self,
        tenant: str,
        batch: Sequence[StoredRecord],
        run: str | None,
        *,
        lost_write: bool = False,
    ) -> list[Outcome]:
        """Upsert ``batch`` in order in one transaction; retried when a concurrent writer wins."""
        for attempt in range(_ATTEMPTS):
            try:
                with self._transaction(write=True) as connection:
                    return self._upsert(connection, tenant, batch, run, lost_write)
            except (IntegrityError, OperationalError):
                if attempt == _ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _upsert(
        self,
        connection: Connection,
        tenant: str,
        batch: Sequence[StoredRecord],
        run: str | None,
        lost_write: bool,
    ) -> list[Outcome]:
        current = self._current(connection, tenant, batch)
        created: dict[tuple[str, str], StoredRecord] = {}
        replaced: dict[tuple[str, str], StoredRecord] = {}
        touched: dict[tuple[str, str], dict[str, Any]] = {}
        outcomes = []
        for record in batch:
            identity = (record.kind, record.key)
            before = current.get(identity)
            status = _status(before, record)
            outcomes.append(Outcome(status, before if status == 304 and before else record))
            if status == 304:
                continue
            if identity in created or before is None:
                created[identity] = record
            else:
                replaced[identity] = record
            if run is not None and identity not in touched:
                touched[identity] = _history_row(tenant, run, record, before)
            current[identity] = record
        if created and not lost_write:
            connection.execute(_insert_record, [_row(tenant, r) for r in created.values()])
        if replaced:
            connection.execute(_update_record, [_bound(tenant, r) for r in replaced.values()])
        if touched:
            self._record_history(connection, list(touched.values()))
        return outcomes

    def _current(
        self, connection: Connection, tenant: str, batch: Sequence[StoredRecord]
    ) -> dict[tuple[str, str], StoredRecord]:
        found: dict[tuple[str, str], StoredRecord] = {}
        query = _select_current_locked if self._postgres else _select_current
        for kind in {record.kind for record in batch}:
            keys = list({record.key for record in batch if record.kind == kind})
            params = {"b_tenant": tenant, "b_kind": kind, "b_keys": keys}
            for rkey, record_id, body, media, valid_from in connection.execute(query, params):
                found[(kind, rkey)] = StoredRecord(kind, rkey, record_id, body, media, valid_from)
        return found

    def _record_history(self, connection: Connection, rows: list[dict[str, Any]]) -> None:
        statement = _history_insert(self.engine.dialect.name)
        connection.execute(statement, rows)

    def page(self, query: ListQuery) -> Page:
        """Return one page of records in insertion order, with the total that match."""
        since_mode = None if query.since_key is None else (">=" if query.inclusive else ">")
        count, listing = _page_statements(query.tenant is not None, since_mode)
        params = {"b_tenant": query.tenant, "b_kind": query.kind, "b_since": query.since_key}
        with self._transaction() as connection:
            total = connection.execute(count, params).scalar_one()
            rows = connection.execute(
                listing, {**params, "b_limit": query.limit, "b_offset": query.offset}
            ).all()
        return Page(int(total), [(media, body) for media, body in rows])

    def get(self, tenant: str, kind: str, key: str) -> str | None:
        """Return the stored JSON of one record, or ``None``."""
        with self._transaction() as connection:
            return connection.execute(
                _select_body, {"b_tenant": tenant, "b_kind": kind, "b_rkey": key}
            ).scalar_one_or_none()

    def profile(self, tenant: str) -> str | None:
        """Return the tenant's stored Profile JSON, or ``None`` before the first PUT."""
        with self._transaction() as connection:
            return connection.execute(_select_profile, {"b_tenant": tenant}).scalar_one_or_none()

    def put_profile(self, tenant: str, body: str) -> None:
        """Store the tenant's Profile JSON, replacing any earlier one."""
        with self._transaction(write=True) as connection:
            changed = connection.execute(
                update(profiles).where(profiles.c.tenant == tenant).values(body=body)
            )
            if changed.rowcount == 0:
                connection.execute(insert(profiles).values(tenant=tenant, body=body))

    def run_summary(self, tenant: str, run: str) -> list[tuple[str, str, str]] | None:
        """Return ``(kind, record id, action)`` for each record ``run`` touched, or ``None``."""
        with self._transaction() as connection:
            rows = connection.execute(
                select(history.c.kind, history.c.record_id, history.c.action)
                .where(history.c.tenant == tenant, history.c.run_id == run)
                .order_by(history.c.hid)
            ).all()
        return [(kind, record_id, action) for kind, record_id, action in rows] or None

    def rollback(self, tenant: str, run: str) -> tuple[dict[str, int], dict[str, int]] | None:
        """Undo ``run`` newest first: delete what it created, restore what it replaced.

        Returns ``(deleted, restored)`` counts per kind, or ``None`` when the run is unknown.
        """
        with self._transaction(write=True) as connection:
            rows = connection.execute(
                select(history)
                .where(history.c.tenant == tenant, history.c.run_id == run)
                .order_by(history.c.hid.desc())
            ).all()
            if not rows:
                return None
            deleted: dict[str, int] = dict.fromkeys(RECORD_KINDS, 0)
            restored: dict[str, int] = dict.fromkeys(RECORD_KINDS, 0)
            for row in rows:
                if row.action == "created":
                    connection.execute(_delete_record, [_identity(tenant, row.kind, row.rkey)])
                    deleted[row.kind] += 1
                else:
                    self._restore(connection, tenant, row)
                    restored[row.kind] += 1
            connection.execute(
                delete(history).where(history.c.tenant == tenant, history.c.run_id == run)
            )
        return deleted, restored

    def _restore(self, connection: Connection, tenant: str, row: Any) -> None:
        prior = StoredRecord(
            row.kind,
            row.rkey,
            row.prior_record_id,
            row.prior_body,
            row.prior_media,
            row.prior_valid_from,
        )
        if connection.execute(_update_record, _bound(tenant, prior)).rowcount == 0:
            connection.execute(insert(records).values(**_row(tenant, prior)))

    def delete_kind(self, tenant: str, kind: str) -> None:
        """Delete every record of ``kind`` in ``tenant``."""
        with self._transaction(write=True) as connection:
            connection.execute(
                delete(records).where(records.c.tenant == tenant, records.c.kind == kind)
            )

    def reset(self) -> None:
        """Delete every record, run history and profile (registered clients stay)."""
        with self._transaction(write=True) as connection:
            for table in (records, history, profiles):
                connection.execute(delete(table))

    def save_client(self, client_id: str, secret_digest: str, scopes: str, tenant: str) -> None:
        """Keep a client registered through ``/oauth/register``."""
        with self._transaction(write=True) as connection:
            connection.execute(
                insert(registered_clients).values(
                    client_id=client_id, secret_digest=secret_digest, scopes=scopes, tenant=tenant
                )
            )

    def registered_clients(self) -> list[tuple[str, str, str, str]]:
        """Return ``(client_id, secret digest, scopes, tenant)`` of every registered client."""
        with self._transaction() as connection:
            rows = connection.execute(select(registered_clients)).all()
        return [(row.client_id, row.secret_digest, row.scopes, row.tenant) for row in rows]


def _status(before: StoredRecord | None, record: StoredRecord) -> int:
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


def _row(tenant: str, record: StoredRecord) -> dict[str, Any]:
    return {
        "tenant": tenant,
        "kind": record.kind,
        "rkey": record.key,
        "record_id": record.record_id,
        "body": record.body,
        "media": record.media,
        "valid_from": record.valid_from,
    }


def _bound(tenant: str, record: StoredRecord) -> dict[str, Any]:
    return {f"b_{name}": value for name, value in _row(tenant, record).items()}


def _identity(tenant: str, kind: str, rkey: str) -> dict[str, str]:
    return {"b_tenant": tenant, "b_kind": kind, "b_rkey": rkey}


def _history_row(
    tenant: str, run: str, record: StoredRecord, before: StoredRecord | None
) -> dict[str, Any]:
    return {
        "tenant": tenant,
        "run_id": run,
        "kind": record.kind,
        "rkey": record.key,
        "record_id": record.record_id,
        "action": "created" if before is None else "replaced",
        "prior_record_id": before.record_id if before else None,
        "prior_body": before.body if before else None,
        "prior_media": before.media if before else None,
        "prior_valid_from": before.valid_from if before else None,
    }
