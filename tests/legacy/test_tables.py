"""The legacy tables are exactly the team's backend schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from badgegate.legacy import create_tables, legacy_engine
from badgegate.mapping.schema_check import column_kind

EXPECTED = {
    "badges": {
        "id": ("text", False),
        "name": ("text", False),
        "description": ("text", False),
        "content": ("text", True),
        "progress": ("integer", False),
        "status": ("text", False),
        "created_at": ("timestamp", False),
        "updated_at": ("timestamp", True),
        "start_date": ("text", True),
        "target_date": ("text", True),
        "external_id": ("text", True),
        "external_source": ("text", True),
    },
    "badge_requirements": {
        "id": ("text", False),
        "badge_id": ("text", False),
        "description": ("text", False),
        "completed": ("boolean", False),
        "created_at": ("timestamp", False),
        "updated_at": ("timestamp", True),
    },
}


@pytest.fixture
def engine(legacy_url: str) -> sa.Engine:
    engine = legacy_engine(legacy_url)
    create_tables(engine)
    return engine


def test_columns_types_and_nullability_are_exact(engine: sa.Engine) -> None:
    inspector = sa.inspect(engine)
    assert set(inspector.get_table_names()) == set(EXPECTED)
    for table, columns in EXPECTED.items():
        live = {
            column["name"]: (column_kind(column["type"]), bool(column["nullable"]))
            for column in inspector.get_columns(table)
        }
        assert live == columns, table
    engine.dispose()


def test_keys_and_cascading_foreign_key(engine: sa.Engine) -> None:
    inspector = sa.inspect(engine)
    assert inspector.get_pk_constraint("badges")["constrained_columns"] == ["id"]
    assert inspector.get_pk_constraint("badge_requirements")["constrained_columns"] == ["id"]
    (foreign_key,) = inspector.get_foreign_keys("badge_requirements")
    assert foreign_key["constrained_columns"] == ["badge_id"]
    assert foreign_key["referred_table"] == "badges"
    assert foreign_key["referred_columns"] == ["id"]
    assert foreign_key["options"].get("ondelete", "").upper() == "CASCADE"
    engine.dispose()


def test_server_defaults_fill_progress_created_at_and_completed(engine: sa.Engine) -> None:
    before = dt.datetime.now() - dt.timedelta(days=1)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO badges (id, name, description, status) VALUES ('b1', 'n', 'd', 'X')"
        )
        connection.exec_driver_sql(
            "INSERT INTO badge_requirements (id, badge_id, description, created_at) "
            "VALUES ('r1', 'b1', 'd', '2024-01-01 00:00:00')"
        )
        badge = connection.execute(sa.text("SELECT progress, created_at FROM badges")).one()
        completed = connection.execute(sa.text("SELECT completed FROM badge_requirements")).one()
    assert badge.progress == 0
    assert completed.completed in (False, 0)
    created = badge.created_at
    if isinstance(created, str):  # SQLite returns CURRENT_TIMESTAMP text to a raw query
        created = dt.datetime.fromisoformat(created)
    assert created > before
    engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO badges (id, description, status) VALUES ('b2', 'd', 'X')",
        "INSERT INTO badges (id, name, description) VALUES ('b2', 'n', 'd')",
        "INSERT INTO badge_requirements (id, badge_id, description, created_at) "
        "VALUES ('r2', 'no-such-badge', 'd', '2024-01-01 00:00:00')",
        "INSERT INTO badge_requirements (id, badge_id, description) VALUES ('r2', 'b1', 'd')",
    ],
    ids=["name-not-null", "status-not-null", "foreign-key", "created-at-not-null"],
)
def test_constraints_reject_bad_rows(engine: sa.Engine, statement: str) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO badges (id, name, description, status) VALUES ('b1', 'n', 'd', 'X')"
        )
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.exec_driver_sql(statement)
    engine.dispose()


def test_deleting_a_badge_deletes_its_requirements(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO badges (id, name, description, status) VALUES ('b1', 'n', 'd', 'X')"
        )
        connection.exec_driver_sql(
            "INSERT INTO badge_requirements (id, badge_id, description, created_at) "
            "VALUES ('r1', 'b1', 'd', '2024-01-01 00:00:00')"
        )
        connection.exec_driver_sql("DELETE FROM badges WHERE id = 'b1'")
        remaining = connection.execute(sa.text("SELECT count(*) FROM badge_requirements"))
        assert remaining.scalar_one() == 0
    engine.dispose()
