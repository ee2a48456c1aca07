"""Streaming, read-only readers of a legacy database, in stable key order.

Rows come in code point order of their keys, the order of Python's ``str`` comparison: SQLite's
default ``BINARY`` collation compares UTF-8 bytes, which is that order, and PostgreSQL is asked
for ``COLLATE "C"`` (byte order; UTF-8 byte order is code point order), never the database's
locale collation. Memory stays flat in the table size: results are fetched in batches through a
server-side cursor on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL

from badgegate.legacy.database import is_postgresql, read_snapshot, restart_statement_clock
from badgegate.legacy.dataset import LegacyRow
from badgegate.legacy.tables import badge_requirements, badges, metadata

FETCH_BATCH = 1000


def key_order(connection: sa.Connection, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """Return ``column`` as an ``ORDER BY`` term giving code point order on this database."""
    return column.collate("C") if is_postgresql(connection) else column


def iter_badges(
    connection: sa.Connection, *, since: dt.datetime | None = None
) -> Iterator[tuple[LegacyRow, list[LegacyRow]]]:
    """Yield ``(badge_row, requirement_rows)`` for each badge, in key order, streaming.

    ``since`` (naive, legacy local time) keeps badges whose ``COALESCE(updated_at, created_at)``
    or any requirement's is at or after it. Requirement rows whose badge is missing (possible
    only where foreign keys were not enforced) are skipped.
    """
    wanted = _changed_badges(since) if since is not None else None
    badge_query = sa.select(badges).order_by(key_order(connection, badges.c.id))
    requirement_query = sa.select(badge_requirements).order_by(
        key_order(connection, badge_requirements.c.badge_id),
        key_order(connection, badge_requirements.c.id),
    )
    if wanted is not None:
        badge_query = badge_query.where(badges.c.id.in_(wanted))
        requirement_query = requirement_query.where(badge_requirements.c.badge_id.in_(wanted))
    requirements = stream_rows(connection, requirement_query)
    pending = next(requirements, None)
    for badge in stream_rows(connection, badge_query):
        grouped: list[LegacyRow] = []
        while pending is not None and pending["badge_id"] <= badge["id"]:
            if pending["badge_id"] == badge["id"]:
                grouped.append(pending)
            pending = next(requirements, None)
        yield badge, grouped


def iter_badge_ids(connection: sa.Connection) -> Iterator[str]:
    """Yield every badge id in key order, streaming (for deletion detection)."""
    query = sa.select(badges.c.id).order_by(key_order(connection, badges.c.id))
    for row in stream_rows(connection, query):
        yield row["id"]


def _changed_badges(since: dt.datetime) -> sa.Select[tuple[str]]:
    changed_requirement = sa.select(badge_requirements.c.badge_id).where(
        sa.func.coalesce(badge_requirements.c.updated_at, badge_requirements.c.created_at) >= since
    )
    return sa.select(badges.c.id).where(
        sa.or_(
            sa.func.coalesce(badges.c.updated_at, badges.c.created_at) >= since,
            badges.c.id.in_(changed_requirement),
        )
    )


def stream_rows(connection: sa.Connection, query: sa.Select[Any]) -> Iterator[LegacyRow]:
    """The rows of ``query`` as dicts, fetched :data:`FETCH_BATCH` at a time; each fetch is
    one step bounded by the statement timeout, so a long read is never cut off as a whole."""
    streaming = connection.execution_options(stream_results=True, yield_per=FETCH_BATCH)
    result = streaming.execute(query)
    names = tuple(result.keys())
    while True:
        restart_statement_clock(connection)
        rows = result.fetchmany(FETCH_BATCH)
        if not rows:
            return
        for row in rows:
            yield dict(zip(names, row, strict=True))


def count_badges(connection: sa.Connection) -> int:
    """Return the number of legacy badges."""
    return int(connection.execute(sa.select(sa.func.count()).select_from(badges)).scalar_one())


#: Told how far a checksum is: (rows read, rows in all).
RowCount = Callable[[int, int], None]
_COUNT_EVERY = 10_000


def checksum(
    url: str | URL, *, on_rows: RowCount | None = None, statement_timeout: float | None = None
) -> str:
    """Return ``sha256:<hex>`` over the legacy tables' columns and rows, in key order.

    Equal for equal content on SQLite and PostgreSQL; any changed, added or deleted row or
    column changes it. Migrate and rollback print it before and after to prove the legacy
    database untouched. ``on_rows`` is told the rows read (every 10,000 and at the end) and
    the rows in all; ``statement_timeout`` bounds each statement (see ``read_snapshot``).
    """
    digest = hashlib.sha256()
    with read_snapshot(url, statement_timeout=statement_timeout) as connection:
        total = _row_total(connection) if on_rows else 0
        done = 0
        for table in metadata.sorted_tables:
            live = sa.Table(table.name, sa.MetaData(), autoload_with=connection)
            names = sorted(column.name for column in live.columns)
            digest.update(_canonical([table.name, names]))
            query = sa.select(*(live.c[name] for name in names)).order_by(
                key_order(connection, live.c.id)
            )
            for row in stream_rows(connection, query):
                digest.update(_canonical([row[name] for name in names]))
                done += 1
                if on_rows and done % _COUNT_EVERY == 0:
                    on_rows(done, total)
        if on_rows:
            on_rows(done, total)
    return f"sha256:{digest.hexdigest()}"


def _row_total(connection: sa.Connection) -> int:
    counts = (sa.select(sa.func.count()).select_from(table) for table in metadata.sorted_tables)
    return sum(int(connection.execute(count).scalar_one()) for count in counts)


def _canonical(values: list[Any]) -> bytes:
    return _CANONICAL.encode(values).encode("utf-8", "surrogatepass") + b"\n"


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"unexpected legacy value of type {type(value).__name__}")


# One encoder for every row: json.dumps with options builds a new one per call.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, default=_json_default, separators=(",", ":"))
