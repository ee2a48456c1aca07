"""SQL ``INSERT`` statements that put a data set into a legacy database, for reproductions.

The statements run unchanged on PostgreSQL and SQLite (the SQLAlchemy storage format of
timestamps on SQLite is ``YYYY-MM-DD HH:MM:SS.ffffff``, which PostgreSQL reads as well).
Text is quoted by doubling single quotes; a value no database can hold (a NUL byte, an
unpaired surrogate) is written escaped and flagged in a comment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from badgegate.legacy.dataset import LegacyDataset
from badgegate.legacy.tables import BADGE_COLUMNS, REQUIREMENT_COLUMNS
from badgegate.mapping.legacy_checks import UNREPRESENTABLE, printable


def sql_literal(value: Any) -> str:
    """One legacy value as an SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return "'" + value.isoformat(sep=" ", timespec="microseconds") + "'"
    text = printable(str(value)) if UNREPRESENTABLE.search(str(value)) else str(value)
    return "'" + text.replace("'", "''") + "'"


def insert_statement(table: str, columns: Iterable[str], row: Mapping[str, Any]) -> str:
    """``INSERT INTO table (columns) VALUES (...);`` for the columns ``row`` has."""
    names = [name for name in columns if name in row]
    values = ", ".join(sql_literal(row[name]) for name in names)
    statement = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({values});"
    if any(isinstance(row[name], str) and UNREPRESENTABLE.search(row[name]) for name in names):
        statement += "  -- holds a NUL byte or unpaired surrogate, written escaped"
    return statement


def statement_list(dataset: LegacyDataset) -> list[str]:
    """Every row of ``dataset`` as one INSERT statement each, badges first."""
    statements = [insert_statement("badges", BADGE_COLUMNS, row) for row in dataset.badges]
    statements += [
        insert_statement("badge_requirements", REQUIREMENT_COLUMNS, row)
        for row in dataset.requirements
    ]
    return statements


def insert_statements(dataset: LegacyDataset) -> str:
    """Every row of ``dataset`` as INSERT statements, badges first, one after the other."""
    return "\n".join(statement_list(dataset))
