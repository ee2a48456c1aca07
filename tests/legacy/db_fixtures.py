"""Legacy databases for the tests: a SQLite file and a PostgreSQL database, both empty."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a fresh SQLite legacy database file."""
    return f"sqlite:///{tmp_path / 'legacy.sqlite3'}"


@pytest.fixture
def postgres_url(pg_url: str) -> Iterator[str]:
    """The test run's PostgreSQL database, emptied of legacy tables after the test."""
    yield pg_url
    import sqlalchemy as sa

    engine = sa.create_engine(pg_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS badge_requirements, badges CASCADE")
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def legacy_url(request: pytest.FixtureRequest) -> str:
    """An empty legacy database, once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))
