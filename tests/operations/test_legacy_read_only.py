"""Legacy database reads: read-only sessions, with a statement timeout that bounds each
statement (and each fetch of a streaming read), never a whole run."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from badgegate.errors import ConfigError
from badgegate.legacy import badges, create_tables, legacy_engine, read_snapshot
from badgegate.legacy.readers import FETCH_BATCH, stream_rows

# A statement that runs for many seconds on either database unless it is cut short.
SLOW_SQLITE = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
    "SELECT count(*) FROM n"
)
SLOW_POSTGRESQL = "SELECT pg_sleep(5)"
BADGE = {
    "id": "legacy-1",
    "name": "Read the manual",
    "description": "first badge",
    "progress": 10,
    "status": "IN_PROGRESS",
    "created_at": dt.datetime(2024, 1, 1, 12, 0),
}


def _seeded(url: str) -> str:
    engine = legacy_engine(url)
    try:
        create_tables(engine, replace=True)
        with engine.begin() as connection:
            connection.execute(badges.insert().values(**BADGE))
    finally:
        engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def legacy_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A seeded legacy database on SQLite and on PostgreSQL."""
    if request.param == "postgresql":
        return _seeded(str(request.getfixturevalue("pg_url")))
    return _seeded(f"sqlite:///{tmp_path / 'legacy.sqlite3'}")


def test_reads_work(legacy_url: str) -> None:
    engine = legacy_engine(legacy_url, read_only=True, statement_timeout=5)
    try:
        with engine.connect() as connection:
            assert connection.execute(sa.select(badges.c.name)).scalar_one() == BADGE["name"]
    finally:
        engine.dispose()


def test_writes_are_refused(legacy_url: str) -> None:
    engine = legacy_engine(legacy_url, read_only=True)
    try:
        with pytest.raises(sa.exc.DBAPIError), engine.begin() as connection:
            connection.execute(badges.update().values(progress=99))
    finally:
        engine.dispose()
    check = legacy_engine(legacy_url)
    try:
        with check.connect() as connection:
            assert connection.execute(sa.select(badges.c.progress)).scalar_one() == 10
    finally:
        check.dispose()


def test_a_slow_statement_is_cut_off_at_the_timeout(legacy_url: str) -> None:
    engine = legacy_engine(legacy_url, read_only=True, statement_timeout=0.2)
    slow = SLOW_POSTGRESQL if engine.dialect.name == "postgresql" else SLOW_SQLITE
    try:
        with engine.connect() as connection:
            with pytest.raises(sa.exc.OperationalError):
                connection.execute(sa.text(slow))
            connection.rollback()
            # The deadline is per statement: the next one runs normally.
            assert connection.execute(sa.select(sa.func.count()).select_from(badges)).scalar() == 1
    finally:
        engine.dispose()


def test_the_timeout_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="legacy_statement_timeout"):
        legacy_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}", read_only=True, statement_timeout=0)


def test_the_snapshot_reads_of_migrate_and_reconcile_are_bounded(legacy_url: str) -> None:
    with read_snapshot(legacy_url, statement_timeout=0.2) as connection:
        slow = SLOW_POSTGRESQL if connection.dialect.name == "postgresql" else SLOW_SQLITE
        with pytest.raises(sa.exc.OperationalError):
            connection.execute(sa.text(slow))


def test_a_streaming_read_outlives_the_timeout_when_each_fetch_is_quick(legacy_url: str) -> None:
    """Each fetch of a streaming read is one bounded step (a FETCH of a server-side cursor on
    PostgreSQL, a run of SQLite's steps): a read whose caller keeps it open for longer than the
    timeout, between quick fetches, is not cut off."""
    rows = [{**BADGE, "id": f"legacy-{number:05d}"} for number in range(2, 3 * FETCH_BATCH + 2)]
    engine = legacy_engine(legacy_url)
    try:
        with engine.begin() as connection:
            connection.execute(badges.insert(), rows)
    finally:
        engine.dispose()
    seen = 0
    with read_snapshot(legacy_url, statement_timeout=0.3) as connection:
        for seen, _row in enumerate(stream_rows(connection, sa.select(badges)), 1):
            if seen % FETCH_BATCH == 0:
                time.sleep(0.25)
    assert seen == 3 * FETCH_BATCH + 1
