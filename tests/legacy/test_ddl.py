"""``schemas/legacy/legacy-tables.sql`` is the table definition, and it passes the mapping check."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from badgegate.legacy.ddl import postgres_ddl
from badgegate.mapping import check_schema, load_mapping
from badgegate.paths import schemas_dir

DDL_FILE = schemas_dir() / "legacy" / "legacy-tables.sql"


def _strip(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def test_committed_ddl_matches_the_table_definitions() -> None:
    assert _strip(DDL_FILE.read_text(encoding="utf-8")) == _strip(postgres_ddl()), (
        "schemas/legacy/legacy-tables.sql is stale: regenerate it with "
        "`python -m badgegate.legacy.ddl > schemas/legacy/legacy-tables.sql`"
    )


def test_ddl_applied_to_postgresql_passes_the_mapping_check(fresh_pg_url: str) -> None:
    engine = sa.create_engine(fresh_pg_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(Path(DDL_FILE).read_text(encoding="utf-8"))
    finally:
        engine.dispose()
    assert check_schema(fresh_pg_url, load_mapping()) == []
