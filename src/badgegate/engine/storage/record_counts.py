"""Per-tenant record counts that the database keeps itself, in the writing transaction.

A page answers with ``X-Total-Count``; counting a tenant's records on every page costs a scan
of the listing index, and on PostgreSQL a visit to every row not yet marked all-visible by
VACUUM (all of a freshly written table). Triggers on ``bg_records`` keep ``bg_record_counts``
instead: every INSERT and DELETE, by any code path, moves the count of its tenant and kind in
the same transaction, so a rolled-back write never counts and concurrent writers serialise
on the one counter row they share. Updates never change a record's tenant or kind. Beside the
total, ``changes`` counts every insert and delete: it only grows, so an unchanged value means
the list holds the same records (:mod:`.positions` relies on it).

PostgreSQL counts once per statement from the statement's transition table (a batch insert
touches the counter once); SQLite counts per row, which in-process costs next to nothing.
A database created before the counts existed is counted once, when the triggers are added; one
created before ``changes`` existed gets the column and the triggers that move it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BindParameter, Connection, bindparam, inspect, text

_TRIGGER_NAMES = ("bg_records_count_inserted", "bg_records_count_deleted")

_POSTGRES_TRIGGERS = (
    """
    CREATE OR REPLACE FUNCTION bg_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO bg_record_counts AS counted (tenant, kind, total, changes)
        SELECT tenant, kind, count(*), count(*) FROM inserted
        GROUP BY tenant, kind ORDER BY tenant, kind
        ON CONFLICT (tenant, kind) DO UPDATE
        SET total = counted.total + excluded.total, changes = counted.changes + excluded.changes;
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION bg_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- Lock the counters in (tenant, kind) order, as the insert trigger does, so two
        -- statements touching the same counters never wait on each other in a cycle.
        PERFORM 1 FROM bg_record_counts AS counted
        WHERE (counted.tenant, counted.kind) IN (SELECT tenant, kind FROM deleted)
        ORDER BY counted.tenant, counted.kind FOR UPDATE;
        UPDATE bg_record_counts AS counted
        SET total = counted.total - gone.total, changes = counted.changes + gone.total
        FROM (SELECT tenant, kind, count(*) AS total FROM deleted GROUP BY tenant, kind) AS gone
        WHERE counted.tenant = gone.tenant AND counted.kind = gone.kind;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER bg_records_count_inserted AFTER INSERT ON bg_records
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION bg_count_inserted()
    """,
    """
    CREATE TRIGGER bg_records_count_deleted AFTER DELETE ON bg_records
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION bg_count_deleted()
    """,
)

_SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER bg_records_count_inserted AFTER INSERT ON bg_records BEGIN
        INSERT INTO bg_record_counts (tenant, kind, total, changes)
        VALUES (NEW.tenant, NEW.kind, 1, 1)
        ON CONFLICT (tenant, kind) DO UPDATE SET total = total + 1, changes = changes + 1;
    END
    """,
    """
    CREATE TRIGGER bg_records_count_deleted AFTER DELETE ON bg_records BEGIN
        UPDATE bg_record_counts SET total = total - 1, changes = changes + 1
        WHERE tenant = OLD.tenant AND kind = OLD.kind;
    END
    """,
)

_DROP_TRIGGERS = {
    "postgresql": tuple(f"DROP TRIGGER IF EXISTS {name} ON bg_records" for name in _TRIGGER_NAMES),
    "sqlite": tuple(f"DROP TRIGGER IF EXISTS {name}" for name in _TRIGGER_NAMES),
}
_ADD_CHANGES = "ALTER TABLE bg_record_counts ADD COLUMN changes BIGINT NOT NULL DEFAULT 0"

_RECOUNT = (
    "DELETE FROM bg_record_counts",
    "INSERT INTO bg_record_counts (tenant, kind, total, changes) "
    "SELECT tenant, kind, count(*), count(*) FROM bg_records GROUP BY tenant, kind",
)


def install_record_counts(connection: Connection) -> None:
    """Add the counting triggers unless present, and count the records stored so far.

    Runs in the caller's write transaction. Once the triggers exist nothing is locked; to add
    them on PostgreSQL, a lock on ``bg_records`` keeps writers (and a second engine starting)
    out until the triggers and counts are in place.
    """
    postgres = connection.dialect.name == "postgresql"
    if _installed(connection, postgres):
        return
    if postgres:
        connection.execute(text("LOCK TABLE bg_records IN SHARE ROW EXCLUSIVE MODE"))
        if _installed(connection, postgres):
            return  # another engine starting added them while this one waited for the lock
    statements = list(_DROP_TRIGGERS[connection.dialect.name])
    if not _counts_changes(connection):
        statements.append(_ADD_CHANGES)
    statements += [*(_POSTGRES_TRIGGERS if postgres else _SQLITE_TRIGGERS), *_RECOUNT]
    for statement in statements:
        connection.execute(text(statement))


def _installed(connection: Connection, postgres: bool) -> bool:
    """Whether the counting triggers are on ``bg_records`` and count changes too (added
    together in one transaction: one present means both are)."""
    if not _counts_changes(connection):
        return False
    if postgres:
        present = (
            "SELECT count(*) FROM pg_trigger"
            " WHERE tgrelid = 'bg_records'::regclass AND tgname IN :names"
        )
    else:
        present = (
            "SELECT count(*) FROM sqlite_master"
            " WHERE type = 'trigger' AND tbl_name = 'bg_records' AND name IN :names"
        )
    names: BindParameter[Any] = bindparam("names", list(_TRIGGER_NAMES), expanding=True)
    return bool(connection.execute(text(present).bindparams(names)).scalar_one())


def _counts_changes(connection: Connection) -> bool:
    """Whether ``bg_record_counts`` has the ``changes`` column."""
    columns = inspect(connection).get_columns("bg_record_counts")
    return any(column["name"] == "changes" for column in columns)
