"""Fixtures of the integrity suite: the mapping, a writable target, and legacy databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from badgegate.capabilities import EXTENSION_API, Capabilities
from badgegate.mapping import MigrationMapping, load_mapping
from badgegate.stack import Target


@pytest.fixture(scope="session")
def mapping() -> MigrationMapping:
    """The project's migration mapping."""
    return load_mapping()


@pytest.fixture(scope="session")
def migration_target(badgegate_target: Target, target_capabilities: Capabilities) -> Target:
    """The target, when it can take a migration: the migrator writes achievements and progress
    records, and reads them back, through badgegate's extension API."""
    if reason := target_capabilities.missing(EXTENSION_API):
        pytest.skip(f"{reason}: the migration stores achievements and progress through it")
    return badgegate_target


@pytest.fixture(scope="session")
def writable_target(migration_target: Target) -> Target:
    """The target, when checks may migrate into it (never on the read-only staging profile)."""
    if not migration_target.writable:
        pytest.skip("not applicable: the target is read-only (staging); reconcile covers it")
    return migration_target


@pytest.fixture(scope="session")
def postgres_legacy_url(badgegate_target: Target) -> Iterator[str]:
    """A fresh PostgreSQL database for this session's legacy tables; dropped after.

    It is made only where the user said so (``scratch_db_url``), or, on the embedded stack, on
    the local server (``BADGEGATE_TEST_PG_URL``, default 127.0.0.1:5432): never on a server
    beside an outside target that nobody named.
    """
    from badgegate.errors import TargetUnreachable
    from badgegate.testing.scratch_db import scratch_database, server_url

    server = badgegate_target.config.scratch_db_url
    if server is None and not badgegate_target.embedded:
        pytest.skip(
            "not applicable: no scratch_db_url is configured, and scratch databases are made "
            "beside an outside target only where one is named; set BADGEGATE_SCRATCH_DB_URL to "
            "a PostgreSQL server that may hold throwaway databases"
        )
    try:
        with scratch_database("integrity", server=server or server_url()) as url:
            yield url
    except TargetUnreachable as error:
        pytest.skip(str(error))


@pytest.fixture(params=["sqlite", "postgresql"])
def legacy_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A legacy database URL on SQLite and on PostgreSQL (its tables are replaced per example)."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_legacy_url"))
    folder: Path = tmp_path_factory.mktemp("legacy")
    return f"sqlite:///{folder / 'legacy.sqlite3'}"
