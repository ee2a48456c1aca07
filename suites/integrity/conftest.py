"""Fixtures of the integrity suite: the mapping, a writable target, and legacy databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from badgegate.mapping import MigrationMapping, load_mapping
from badgegate.stack import Target


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
    from badgegate.errors import TargetUnreachable
    from badgegate.testing.scratch_db import scratch_database

    try:
        with scratch_database("badgegate_integrity") as url:
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
