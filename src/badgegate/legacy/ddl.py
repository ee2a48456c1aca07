"""The legacy tables as PostgreSQL DDL, for ``schemas/legacy/legacy-tables.sql``.

Run ``python -m badgegate.legacy.ddl > schemas/legacy/legacy-tables.sql`` after changing
:mod:`badgegate.legacy.tables`; a test fails while the committed file is stale.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateTable

from badgegate.legacy.tables import metadata

HEADER = (
    "-- The legacy tables (PostgreSQL DDL), generated from badgegate.legacy.tables.\n"
    "-- Regenerate: python -m badgegate.legacy.ddl > schemas/legacy/legacy-tables.sql\n"
)


def postgres_ddl() -> str:
    """Return the ``CREATE TABLE`` statements of the legacy tables, in dependency order."""
    statements = [
        str(CreateTable(table).compile(dialect=postgresql.dialect())).strip() + ";"  # type: ignore[no-untyped-call]
        for table in metadata.sorted_tables
    ]
    return HEADER + "\n" + "\n\n".join(statements) + "\n"


if __name__ == "__main__":
    print(postgres_ddl(), end="")
