"""Fixtures shared by the harness's own tests: the official oracles and a fresh PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
PG_SERVER_URL = os.environ.get(
    "BADGEGATE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ``shared/`` folder beside the checkout, holding the official OB 3.0 oracles."""
    if not (SHARED_DIR / "ob3-official").is_dir():
        pytest.skip(
            f"the official OB 3.0 oracles are not at {SHARED_DIR / 'ob3-official'}; "
            "check out the project beside its shared/ folder to run this test"
        )
    return SHARED_DIR


@contextlib.contextmanager
def _fresh_database() -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT")
    name = f"badgegate_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        pytest.skip(
            f"no PostgreSQL server at {PG_SERVER_URL} ({type(error.orig).__name__}); "
            "start one or set BADGEGATE_TEST_PG_URL to run the PostgreSQL tests"
        )
    try:
        yield PG_SERVER_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, as a SQLAlchemy URL; dropped after."""
    with _fresh_database() as url:
        yield url


@pytest.fixture
def fresh_pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, as a SQLAlchemy URL; dropped after."""
    with _fresh_database() as url:
        yield url
