"""Legacy data sets in memory and on disk, and writing them into a legacy database.

A legacy row is a plain dict keyed by column name whose values are ``str``, ``int``, ``bool``,
naive ``datetime`` or ``None``. On disk (``fixtures/legacy/*.json``) a data set is JSON with
timestamps as naive ISO 8601 strings; the column types of :mod:`badgegate.legacy.tables` say
which strings are timestamps.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from badgegate.errors import ConfigError
from badgegate.legacy.database import connect, is_postgresql
from badgegate.legacy.tables import badge_requirements, badges

LegacyRow = dict[str, Any]
DATASET_FORMAT = "badgegate-legacy-dataset/1"


@dataclasses.dataclass(frozen=True)
class LegacyDataset:
    """The rows of both legacy tables: ``badges`` and their ``requirements``."""

    badges: list[LegacyRow]
    requirements: list[LegacyRow]

    def grouped(self) -> Iterator[tuple[LegacyRow, list[LegacyRow]]]:
        """Yield each badge with its requirements, both in key (code point) order."""
        by_badge: dict[str, list[LegacyRow]] = {}
        for requirement in self.requirements:
            by_badge.setdefault(requirement["badge_id"], []).append(requirement)
        for badge in sorted(self.badges, key=lambda row: row["id"]):
            yield badge, sorted(by_badge.get(badge["id"], []), key=lambda row: row["id"])


def insert_dataset(engine: sa.Engine, dataset: LegacyDataset) -> None:
    """Insert ``dataset`` into the (existing) legacy tables in one transaction."""
    with connect(engine) as connection, connection.begin():
        insert_rows(connection, dataset.badges, dataset.requirements)


def insert_rows(
    connection: sa.Connection,
    badge_rows: Sequence[LegacyRow],
    requirement_rows: Sequence[LegacyRow],
) -> None:
    """Insert rows of both tables on ``connection`` (``COPY`` on PostgreSQL, executemany else)."""
    if is_postgresql(connection):
        _copy_rows(connection, badges, badge_rows)
        _copy_rows(connection, badge_requirements, requirement_rows)
        return
    _execute_many(connection, badges, badge_rows)
    _execute_many(connection, badge_requirements, requirement_rows)


def _execute_many(connection: sa.Connection, table: sa.Table, rows: Sequence[LegacyRow]) -> None:
    """Plain DB-API executemany, storing timestamps as SQLAlchemy's SQLite dialect does."""
    if not rows:
        return
    names = [column.name for column in table.columns]
    statement = (
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    )
    values = [tuple(_sqlite_value(row[name]) for name in names) for row in rows]
    connection.exec_driver_sql(statement, values)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    return value


def _copy_rows(connection: sa.Connection, table: sa.Table, rows: Iterable[LegacyRow]) -> None:
    names = [column.name for column in table.columns]
    statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    driver_connection: Any = connection.connection.driver_connection
    with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])


def load_dataset(path: str | Path) -> LegacyDataset:
    """Read a data set written by :func:`dump_dataset`; :class:`ConfigError` if malformed."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read legacy data set {path}: {error}") from error
    if not isinstance(document, dict) or document.get("format") != DATASET_FORMAT:
        raise ConfigError(f"{path} is not a legacy data set (expected format {DATASET_FORMAT!r})")
    return LegacyDataset(
        badges=[_decode_row(badges, row) for row in document["badges"]],
        requirements=[
            _decode_row(badge_requirements, row) for row in document["badge_requirements"]
        ],
    )


def dump_dataset(dataset: LegacyDataset, path: str | Path) -> None:
    """Write ``dataset`` as JSON (UTF-8, one row per line, keys in column order)."""
    lines = [f'{{"format": "{DATASET_FORMAT}",', ' "badges": [']
    lines.append(",\n".join(_encode_row(badges, row) for row in dataset.badges))
    lines.append('],\n "badge_requirements": [')
    lines.append(",\n".join(_encode_row(badge_requirements, row) for row in dataset.requirements))
    lines.append("]}\n")
    Path(path).write_text("\n".join(lines), encoding="utf-8")


def _encode_row(table: sa.Table, row: Mapping[str, Any]) -> str:
    encoded = {
        column.name: _encode_value(row[column.name])
        for column in table.columns
        if column.name in row
    }
    return json.dumps(encoded, ensure_ascii=False)


def _encode_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _decode_row(table: sa.Table, row: Mapping[str, Any]) -> LegacyRow:
    decoded: LegacyRow = {}
    for column in table.columns:
        if column.name not in row:
            continue
        value = row[column.name]
        if isinstance(column.type, sa.DateTime) and isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        decoded[column.name] = value
    return decoded
