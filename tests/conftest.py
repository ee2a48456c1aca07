"""Fixtures shared by the harness's own tests: the official oracles and a fresh PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"


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
    from badgegate.errors import TargetUnreachable
    from badgegate.scratch_db import scratch_database

    try:
        with scratch_database("badgegate_test") as url:
            yield url
    except TargetUnreachable as error:
        pytest.skip(str(error))


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
