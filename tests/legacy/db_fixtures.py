"""Legacy databases for the tests: a SQLite file and a PostgreSQL database, both empty."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a fresh SQLite legacy database file."""
    return f"sqlite:///{tmp_path / 'legacy.sqlite3'}"


@pytest.fixture
def postgres_url(fresh_pg_url: str) -> str:
    """A PostgreSQL database of the test's own, so other tests' tables never show up in it."""
    return fresh_pg_url


@pytest.fixture(params=["sqlite", "postgresql"])
def legacy_url(request: pytest.FixtureRequest) -> str:
    """An empty legacy database, once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))
