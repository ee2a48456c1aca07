"""The store's SQL statements (SQLAlchemy Core), each built once per process."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import (
    Select,
    bindparam,
    delete,
    func,
    literal_column,
    null,
    select,
    update,
)

from badgegate.engine.model.records import StoredRecord
from badgegate.engine.storage.schema import profiles, record_counts, records

UPDATE_RECORD = (
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
DELETE_RECORDS = (
    delete(records)
    .where(records.c.tenant == bindparam("b_tenant"))
    .where(records.c.kind == bindparam("b_kind"))
    .where(records.c.rkey.in_(bindparam("b_rkeys", expanding=True)))
)


SELECT_BODY = select(records.c.body).where(
    records.c.tenant == bindparam("b_tenant"),
    records.c.kind == bindparam("b_kind"),
    records.c.rkey == bindparam("b_rkey"),
)
SELECT_PROFILE = select(profiles.c.body).where(profiles.c.tenant == bindparam("b_tenant"))


def _page_conditions(table: Any, by_tenant: bool, since_mode: str | None) -> list[Any]:
    conditions = [table.c.kind == bindparam("b_kind")]
    if by_tenant:
        conditions.append(table.c.tenant == bindparam("b_tenant"))
    if since_mode == ">":
        conditions.append(table.c.valid_from > bindparam("b_since"))
    elif since_mode == ">=":
        conditions.append(table.c.valid_from >= bindparam("b_since"))
    return conditions


class PageStatements(NamedTuple):
    """The statements of one page query shape.

    ``listing`` rows are ``(media, body, total, seq, changes)``: ``seq`` is the record's place
    in the list and ``changes`` the list's change counter (NULL with ``since``), read in the
    same statement. ``continuing`` is ``listing`` after a ``seq`` (``b_after``), for lists
    without ``since`` (:mod:`.positions`).
    """

    total: Select[Any]
    listing: Select[Any]
    continuing: Select[Any] | None


@functools.cache
def page_statements(by_tenant: bool, since_mode: str | None) -> PageStatements:
    """The statements of a page query (built once per shape).

    Each listed row also carries the total (an uncorrelated subquery), so a page that has
    rows costs one statement; the total alone serves pages past the end. Without ``since``
    the total and the change counter are read from the kept counts
    (:mod:`.record_counts`); with it, the matching records are counted on the
    ``(tenant, kind, valid_from)`` index.
    """
    changes: Any = null()
    if since_mode is None:
        kept = [record_counts.c.kind == bindparam("b_kind")]
        if by_tenant:
            kept.append(record_counts.c.tenant == bindparam("b_tenant"))
        total = _summed(record_counts.c.total, kept)
        changes = _summed(record_counts.c.changes, kept).scalar_subquery()
    else:
        counted = records.alias("counted")
        total = (
            select(func.count())
            .select_from(counted)
            .where(*_page_conditions(counted, by_tenant, since_mode))
        )
    columns = (
        records.c.media,
        records.c.body,
        total.scalar_subquery().label("total"),
        records.c.seq,
        changes.label("changes"),
    )
    conditions = _page_conditions(records, by_tenant, since_mode)
    listing = _in_order(select(*columns).where(*conditions))
    after = records.c.seq > bindparam("b_after")
    continuing = _in_order(select(*columns).where(*conditions, after))
    return PageStatements(total, listing, continuing if since_mode is None else None)


def _in_order(query: Select[Any]) -> Select[Any]:
    return query.order_by(records.c.seq).limit(bindparam("b_limit")).offset(bindparam("b_offset"))


def _summed(column: Any, conditions: list[Any]) -> Select[Any]:
    return select(func.coalesce(func.sum(column), literal_column("0"))).where(*conditions)


@functools.cache
def insert_new(dialect: str) -> Any:
    """``INSERT … ON CONFLICT (identity) DO NOTHING RETURNING seq`` into the records."""
    from sqlalchemy.dialects import postgresql, sqlite

    module: Any = postgresql if dialect == "postgresql" else sqlite
    identity = [records.c.tenant, records.c.kind, records.c.rkey]
    statement = module.insert(records).on_conflict_do_nothing(index_elements=identity)
    return statement.returning(records.c.seq)


@dataclass(frozen=True)
class DriverStatement:
    """A statement compiled once for the database driver, run without SQLAlchemy's machinery.

    ``names`` is the order of positional parameters (``qmark`` drivers such as sqlite3), or
    ``None`` when the driver takes them by name (psycopg).
    """

    sql: str
    names: tuple[str, ...] | None

    def parameters(self, values: Mapping[str, Any]) -> Any:
        """The driver's parameters for ``values`` (keyed by bind name)."""
        return values if self.names is None else tuple(values[name] for name in self.names)


def driver_statement(statement: Any, dialect: Any, keys: tuple[str, ...] = ()) -> DriverStatement:
    """Compile ``statement`` for ``dialect`` (``keys``: the columns an INSERT is given)."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys) or None)
    names = compiled.positiontup
    return DriverStatement(compiled.string, tuple(names) if names is not None else None)


def stored_row(tenant: str, record: StoredRecord) -> dict[str, Any]:
    """The ``bg_records`` column values of ``record`` in ``tenant``."""
    return {
        "tenant": tenant,
        "kind": record.kind,
        "rkey": record.key,
        "record_id": record.record_id,
        "body": record.body,
        "media": record.media,
        "valid_from": record.valid_from,
    }
