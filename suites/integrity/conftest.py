"""Fixtures of the integrity suite: the mapping, a writable target, and legacy databases."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from badgegate.mapping import MigrationMapping, load_mapping
from badgegate.stack import Target

PG_SERVER_URL = os.environ.get(
    "BADGEGATE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def mapping() -> MigrationMapping:
    """The project's migration mapping."""
    return load_mapping()


@pytest.fixture(scope="session")
def writable_target(badgegate_target: Target) -> Target:
    """The target, when checks may write to it (never on the read-only staging profile)."""
    if not badgegate_target.writable:
        pytest.skip("not applicable: the target is read-only (staging); reconcile covers it")
    return badgegate_target


@pytest.fixture(scope="session")
def postgres_legacy_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this session's legacy tables; dropped after."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT")
    name = f"badgegate_integrity_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        pytest.skip(
            f"no PostgreSQL server at {PG_SERVER_URL} ({type(error.orig).__name__}); "
            "start one or set BADGEGATE_TEST_PG_URL to run the PostgreSQL properties"
        )
    try:
        yield PG_SERVER_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def legacy_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A legacy database URL on SQLite and on PostgreSQL (its tables are replaced per example)."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_legacy_url"))
    folder: Path = tmp_path_factory.mktemp("legacy")
    return f"sqlite:///{folder / 'legacy.sqlite3'}"
