"""Durable storage of records, run history, profiles and registered clients.

One transaction per call. Upserts of any number of records (a single POST or a whole batch)
go through :meth:`Store.upsert`: it reads the current versions in one query, decides each
record's status in order, then writes the new records, the replaced ones and the run history
with one statement each (:mod:`.bulk_writes`). On PostgreSQL the records of
identities not stored yet are inserted first (the identity index deciding, in one statement),
and only the others are read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.concurrency import run_in_threadpool

from badgegate.engine.auth.authority import RegisteredClient
from badgegate.engine.model.records import StoredRecord
from badgegate.engine.storage import client_rows
from badgegate.engine.storage.bulk_writes import BulkWrites, Outcome, WritePlan
from badgegate.engine.storage.loop_connections import LoopConnections
from badgegate.engine.storage.positions import PagePositions
from badgegate.engine.storage.rollback import RollbackCounts, undo_run
from badgegate.engine.storage.schema import (
    WRITE_OPTION,
    history,
    issuer_keys,
    open_database,
    profiles,
    records,
)
from badgegate.engine.storage.statements import (
    SELECT_BODY,
    SELECT_PROFILE,
    DriverStatement,
    driver_statement,
    insert_new,
    page_statements,
    stored_row,
)

_ATTEMPTS = 4
_LOOP_CONNECTIONS = 10
T = TypeVar("T")


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


class Store:
    """The engine's storage on one database (a SQLite file or PostgreSQL)."""

    def __init__(self, location: str) -> None:
        self.engine = open_database(location)
        self._postgres = self.engine.dialect.name == "postgresql"
        self._bulk = BulkWrites(postgres=self._postgres)
        dbapi = self.engine.dialect.loaded_dbapi
        #: What a concurrent writer's win looks like, from SQLAlchemy or from the driver.
        self._conflicts: tuple[type[Exception], ...] = (
            IntegrityError,
            OperationalError,
            dbapi.IntegrityError,
            dbapi.OperationalError,
        )
        #: Whether calls may run on the event loop (SQLite) rather than in worker threads.
        self.inline = self.engine.dialect.name == "sqlite"
        #: PostgreSQL's single statements, awaited on the event loop (see :meth:`_fetch`).
        self._loop = LoopConnections(self.engine.url, _LOOP_CONNECTIONS) if self._postgres else None
        # Single statements need no transaction around them: on PostgreSQL, autocommit saves
        # the BEGIN and COMMIT round trips (READ COMMITTED gives each statement its own
        # snapshot anyway); SQLite's driver runs them in autocommit mode already.
        self._compiled: dict[str, DriverStatement] = {}
        #: Where recent pages ended, so the next page need not skip rows.
        self._positions = PagePositions()
        self._autocommit = (
            self.engine.execution_options(isolation_level="AUTOCOMMIT")
            if self._postgres
            else self.engine
        )

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    async def aclose(self) -> None:
        """Release every pooled connection, those of the event loop included."""
        if self._loop is not None:
            await self._loop.close()
        self.close()

    async def run(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a storage call: inline on SQLite, in the thread pool on PostgreSQL.

        SQLite admits one writer at a time and answers in well under a millisecond, so running
        its calls on the event loop serialises them at no cost and saves a thread hand-off.
        """
        if self.inline:
            return call(*args, **kwargs)
        return await run_in_threadpool(call, *args, **kwargs)

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection for reads, each statement on its own (no BEGIN/COMMIT)."""
        with self._autocommit.connect() as connection:
            yield connection

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
        """Upsert ``batch`` in order in one transaction; retried when a concurrent writer wins.

        A lone new record outside a run is created by one statement (the common single POST);
        anything else takes the transactional path, which reads the current versions first.
        """
        if _lone_creation(batch, run, lost_write) and self._fetch_now(
            *self._creation(tenant, batch[0])
        ):
            return [Outcome(201, batch[0])]
        return self._write_retried(self._upsert, tenant, batch, run, lost_write)

    async def upsert_async(
        self,
        tenant: str,
        batch: Sequence[StoredRecord],
        run: str | None,
        *,
        lost_write: bool = False,
    ) -> list[Outcome]:
        """:meth:`upsert` for the event loop: a lone creation is awaited there, the rest
        runs as :meth:`run` places it."""
        if _lone_creation(batch, run, lost_write) and await self._fetch(
            *self._creation(tenant, batch[0])
        ):
            return [Outcome(201, batch[0])]
        return await self.run(self._write_retried, self._upsert, tenant, batch, run, lost_write)

    def _write_retried(self, write: Callable[..., T], *args: Any) -> T:
        """Run ``write(connection, *args)`` in a write transaction, again from the start when
        a concurrent writer wins (a conflict, a deadlock or a serialisation failure)."""
        for attempt in range(_ATTEMPTS):
            try:
                with self._transaction(write=True) as connection:
                    return write(connection, *args)
            except self._conflicts:
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
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            inserted = (
                self._insert_absent(cursor, tenant, batch)
                if self._postgres and not lost_write
                else set()
            )
            stored = [record for record in batch if (record.kind, record.key) not in inserted]
            plan = WritePlan.of(batch, self._current(cursor, tenant, stored), tracked=bool(run))
            # Normally none: an identity found stored at the insert and deleted before the read.
            created = [record for key, record in plan.created.items() if key not in inserted]
            if created and not lost_write:
                self._bulk.insert_records(cursor, tenant, created)
            if plan.replaced:
                self._bulk.update_records(cursor, tenant, list(plan.replaced.values()))
            if plan.touched and run is not None:
                self._bulk.insert_history(cursor, tenant, run, list(plan.touched.values()))
        finally:
            cursor.close()
        return plan.outcomes

    @contextmanager
    def _driver(self) -> Iterator[Any]:
        """A driver cursor in autocommit mode, for the hottest single statements.

        SQLAlchemy's per-statement machinery costs several times what SQLite itself spends
        on a one-row insert or a page; these statements are compiled once instead.
        """
        pooled = self.engine.raw_connection()
        connection: Any = pooled.driver_connection
        try:
            if self._postgres:
                connection.autocommit = True
            cursor = connection.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
                if self._postgres:
                    connection.autocommit = False
        finally:
            pooled.close()

    def _driver_statement(
        self, name: str, build: Callable[[], Any], keys: tuple[str, ...] = ()
    ) -> DriverStatement:
        """The driver form of a statement, compiled on first use."""
        found = self._compiled.get(name)
        if found is None:
            found = self._compiled[name] = driver_statement(build(), self.engine.dialect, keys)
        return found

    def _creation(self, tenant: str, record: StoredRecord) -> tuple[DriverStatement, Any]:
        """The statement inserting ``record`` unless its identity exists (a row when inserted)."""
        row = stored_row(tenant, record)
        statement = self._driver_statement(
            "insert-new", lambda: insert_new(self.engine.dialect.name), tuple(row)
        )
        return statement, row

    def _fetch_now(self, statement: DriverStatement, values: Mapping[str, Any]) -> list[Any]:
        """Run one statement on a driver cursor in autocommit mode; return its rows."""
        with self._driver() as cursor:
            cursor.execute(statement.sql, statement.parameters(values))
            return list(cursor.fetchall()) if cursor.description is not None else []

    async def _fetch(self, statement: DriverStatement, values: Mapping[str, Any]) -> list[Any]:
        """:meth:`_fetch_now` from the event loop: awaited there on PostgreSQL, inline on SQLite."""
        if self._loop is None:
            return self._fetch_now(statement, values)
        return await self._loop.fetch(statement.sql, statement.parameters(values))

    def _insert_absent(
        self, cursor: Any, tenant: str, batch: Sequence[StoredRecord]
    ) -> set[tuple[str, str]]:
        """Insert, in order, the records whose identity is not stored yet, each in the version
        ``batch`` leaves it in; return the identities inserted (PostgreSQL).

        The identity index decides what is stored, whatever the planner knows: reading the
        batch's keys first is planned from statistics, and without them (a database that
        autovacuum never analysed) PostgreSQL reads every record of the tenant to find none.
        """
        as_if_new = WritePlan.of(batch, {}, tracked=False).created
        return self._bulk.insert_absent(cursor, tenant, list(as_if_new.values()))

    def _current(
        self, cursor: Any, tenant: str, batch: Sequence[StoredRecord]
    ) -> dict[tuple[str, str], StoredRecord]:
        found: dict[tuple[str, str], StoredRecord] = {}
        for kind in {record.kind for record in batch}:
            keys = list({record.key for record in batch if record.kind == kind})
            for rkey, record_id, body, media, valid_from in self._bulk.current(
                cursor, tenant, kind, keys
            ):
                found[(kind, rkey)] = StoredRecord(kind, rkey, record_id, body, media, valid_from)
        return found

    async def page(self, query: ListQuery) -> Page:
        """Return one page of records in insertion order, with the total that match.

        A list without ``since`` continues from where an earlier page ended, when it can
        (:mod:`.positions`), instead of skipping ``offset`` records.
        """
        since_mode = None if query.since_key is None else (">=" if query.inclusive else ">")
        shape = (query.tenant is not None, since_mode)
        params = {"b_tenant": query.tenant, "b_kind": query.kind, "b_since": query.since_key}
        rows = await self._continued(query, shape, params) if since_mode is None else None
        if rows is None:
            listing = self._page_statement("listing", shape)
            rows = await self._fetch(
                listing, {**params, "b_limit": query.limit, "b_offset": query.offset}
            )
        if rows and since_mode is None:
            _, _, _, last, changes = rows[-1]
            self._positions.note(
                (query.tenant, query.kind), int(changes), query.offset + len(rows), int(last)
            )
        if rows:
            total = rows[0][2]
        else:
            total = (await self._fetch(self._page_statement("total", shape), params))[0][0]
        return Page(int(total), [(media, body) for media, body, *_ in rows])

    async def _continued(
        self, query: ListQuery, shape: tuple[bool, str | None], params: dict[str, Any]
    ) -> list[Any] | None:
        """The page read after the nearest noted end of an earlier page, or ``None`` when there
        is none or the list changed since it was noted."""
        key = (query.tenant, query.kind)
        start = self._positions.start(key, query.offset)
        if start is None:
            return None
        continuing = self._page_statement("continuing", shape)
        rows = await self._fetch(
            continuing,
            {**params, "b_after": start.after, "b_limit": query.limit, "b_offset": start.skip},
        )
        if rows and int(rows[0][4]) == start.changes:
            return rows
        self._positions.forget(key)  # changed, or past the end: read by offset
        return None

    def _page_statement(self, member: str, shape: tuple[bool, str | None]) -> DriverStatement:
        """The driver form of one of the :class:`~.statements.PageStatements`
        of ``shape``."""
        return self._driver_statement(
            f"{member}{shape}", lambda: getattr(page_statements(*shape), member)
        )

    def get(self, tenant: str, kind: str, key: str) -> str | None:
        """Return the stored JSON of one record, or ``None``."""
        with self._reading() as connection:
            return connection.execute(
                SELECT_BODY, {"b_tenant": tenant, "b_kind": kind, "b_rkey": key}
            ).scalar_one_or_none()

    def profile(self, tenant: str) -> str | None:
        """Return the tenant's stored Profile JSON, or ``None`` before the first PUT."""
        with self._reading() as connection:
            return connection.execute(SELECT_PROFILE, {"b_tenant": tenant}).scalar_one_or_none()

    def put_profile(self, tenant: str, body: str) -> None:
        """Store the tenant's Profile JSON, replacing any earlier one."""
        with self._transaction(write=True) as connection:
            changed = connection.execute(
                update(profiles).where(profiles.c.tenant == tenant).values(body=body)
            )
            if changed.rowcount == 0:
                connection.execute(insert(profiles).values(tenant=tenant, body=body))

    def issuer_seeds(self, tenant: str) -> list[str]:
        """The tenant's issuer key seeds (hex), oldest first."""
        with self._reading() as connection:
            rows = connection.execute(
                select(issuer_keys.c.seed)
                .where(issuer_keys.c.tenant == tenant)
                .order_by(issuer_keys.c.position)
            )
            return [row[0] for row in rows]

    def published_seeds(self, issuer: str) -> list[str]:
        """The issuer key seeds (hex) of the tenant whose Profile has the bare UUID ``issuer``."""
        with self._reading() as connection:
            rows = connection.execute(
                select(issuer_keys.c.seed)
                .where(issuer_keys.c.issuer == issuer)
                .order_by(issuer_keys.c.position)
            )
            return [row[0] for row in rows]

    def add_issuer_seed(self, tenant: str, issuer: str, seed: str) -> list[str]:
        """Keep ``seed`` as one of the tenant's issuer keys (once); return all of them."""

        def add(connection: Connection) -> list[str]:
            rows = connection.execute(
                select(issuer_keys.c.seed)
                .where(issuer_keys.c.tenant == tenant)
                .order_by(issuer_keys.c.position)
            )
            seeds = [row[0] for row in rows]
            if seed not in seeds:
                connection.execute(
                    insert(issuer_keys).values(
                        tenant=tenant, seed=seed, issuer=issuer, position=len(seeds)
                    )
                )
                seeds.append(seed)
            return seeds

        return self._write_retried(add)

    def stored_bodies(self, tenant: str, kind: str, keys: Sequence[str]) -> dict[str, str]:
        """The stored JSON bodies of ``kind`` at ``keys`` (absent and JWS records left out)."""
        with self._transaction() as connection:
            cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                rows = self._bulk.current(cursor, tenant, kind, list(dict.fromkeys(keys)))
            finally:
                cursor.close()
        return {rkey: body for rkey, _, body, media, _ in rows if media == "json"}

    def run_summary(self, tenant: str, run: str) -> list[tuple[str, str, str]] | None:
        """Return ``(kind, record id, action)`` for each record ``run`` touched, or ``None``."""
        with self._reading() as connection:
            rows = connection.execute(
                select(history.c.kind, history.c.record_id, history.c.action)
                .where(history.c.tenant == tenant, history.c.run_id == run)
                .order_by(history.c.hid)
            ).all()
        return [(kind, record_id, action) for kind, record_id, action in rows] or None

    def rollback(self, tenant: str, run: str) -> RollbackCounts | None:
        """Undo ``run`` newest first: delete what it created, restore what it replaced.

        Returns ``(deleted, restored)`` counts per kind, or ``None`` when the run is unknown.
        """
        return self._write_retried(undo_run, tenant, run)

    def delete_kind(self, tenant: str, kind: str) -> None:
        """Delete every record of ``kind`` in ``tenant``."""
        self._write_retried(_delete_kind, tenant, kind)

    def reset(self) -> None:
        """Delete every record, run history and profile (registered clients stay)."""
        self._write_retried(_delete_all)

    def save_client(self, client_id: str, client: RegisteredClient) -> None:
        """Keep a client registered through ``/oauth/register``."""
        with self._transaction(write=True) as connection:
            client_rows.save(connection, client_id, client)

    def registered_clients(self) -> list[tuple[str, RegisteredClient]]:
        """Return every client registered through ``/oauth/register``, by id."""
        with self._reading() as connection:
            return client_rows.load(connection)


def _lone_creation(batch: Sequence[StoredRecord], run: str | None, lost_write: bool) -> bool:
    """Whether ``batch`` may take the one-statement path: one record, outside a run."""
    return len(batch) == 1 and run is None and not lost_write


def _delete_kind(connection: Connection, tenant: str, kind: str) -> None:
    connection.execute(delete(records).where(records.c.tenant == tenant, records.c.kind == kind))


def _delete_all(connection: Connection) -> None:
    for table in (records, history, profiles):
        connection.execute(delete(table))
