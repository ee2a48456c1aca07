"""``mapping check``: the live legacy schema against the mapping, column by column.

Fails (error findings) when a live column has no fate, when the mapping names a column or table
the database lacks, or when a column's type or nullability differs from what the mapping says.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL

from badgegate.findings import Finding
from badgegate.legacy.database import connect, legacy_engine
from badgegate.mapping.model import ColumnFate, MigrationMapping, TableFate


def check_schema(
    url: str | URL, mapping: MigrationMapping, *, statement_timeout: float | None = None
) -> list[Finding]:
    """Inspect the legacy database at ``url`` (read-only, each statement bounded by
    ``statement_timeout`` seconds) and compare it with ``mapping``."""
    engine = legacy_engine(url, read_only=True, statement_timeout=statement_timeout)
    try:
        with connect(engine) as connection:
            inspector = sa.inspect(connection)
            live_tables = set(inspector.get_table_names())
            findings: list[Finding] = []
            for table in mapping.tables:
                if table.name not in live_tables:
                    findings.append(
                        _finding("mapping-missing-table", table.name, "table is missing")
                    )
                    continue
                live = {column["name"]: column for column in inspector.get_columns(table.name)}
                findings += _compare_table(table, live, mapping.source)
            return findings
    finally:
        engine.dispose()


def _compare_table(table: TableFate, live: dict[str, Any], source: str) -> list[Finding]:
    findings = [
        _finding(
            "mapping-unmapped-column",
            f"{table.name}.{name}",
            f"live column has no fate in {source}; add it with fate ob3, progress or dropped",
        )
        for name in live
        if table.column(name) is None
    ]
    for column in table.columns:
        if column.name not in live:
            findings.append(
                _finding(
                    "mapping-missing-column",
                    column.qualified_name,
                    f"{source} names a column the live table does not have",
                )
            )
        else:
            findings += _compare_column(column, live[column.name])
    return findings


def _compare_column(column: ColumnFate, live: dict[str, Any]) -> list[Finding]:
    findings = []
    live_type = column_kind(live["type"])
    if live_type != column.type:
        findings.append(
            _finding(
                "mapping-column-type",
                column.qualified_name,
                f"live type {live['type']} is {live_type}, the mapping says {column.type}",
                expected=column.type,
                actual=live_type,
            )
        )
    if bool(live["nullable"]) != column.nullable:
        findings.append(
            _finding(
                "mapping-column-nullable",
                column.qualified_name,
                "live nullability differs from the mapping",
                expected=column.nullable,
                actual=bool(live["nullable"]),
            )
        )
    return findings


def column_kind(column_type: sa.types.TypeEngine[Any]) -> str:
    """The mapping's name for a live column type: text, integer, boolean, timestamp, ..."""
    if isinstance(column_type, sa.Boolean):
        return "boolean"
    if isinstance(column_type, sa.Integer):
        return "integer"
    if isinstance(column_type, sa.DateTime):
        return "timestamptz" if getattr(column_type, "timezone", False) else "timestamp"
    if isinstance(column_type, sa.String):
        return "text"
    return str(column_type).lower()


def _finding(
    rule: str, where: str, message: str, *, expected: Any = None, actual: Any = None
) -> Finding:
    return Finding(
        rule=rule,
        message=f"{where}: {message}",
        pointer=f"/tables/{where.replace('.', '/columns/', 1)}",
        record_id=where,
        expected=expected,
        actual=actual,
    )
