"""The migrator's end-to-end setting: a real reference engine on loopback, seeded legacy
databases on SQLite and PostgreSQL, and a fresh engine tenant per test.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from badgegate.engine.server import EngineServer
from badgegate.legacy import seed
from badgegate.migrate import migrate

from .support import Target, tenant_token, without_issuer

BADGES = 120
SEED = 11


@pytest.fixture(scope="session")
def engine() -> Iterator[EngineServer]:
    """The session's reference engine (SQLite storage, test endpoints for fresh tenants)."""
    with EngineServer(test_endpoints=True) as server:
        yield server


@pytest.fixture
def target(engine: EngineServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Target:
    """A fresh tenant with every scope; the CLI finds engine, token and state folder in the env."""
    token = tenant_token(engine)
    state_dir = tmp_path / "state"
    monkeypatch.setenv("BADGEGATE_ENGINE_TOKEN", token)
    monkeypatch.setenv("BADGEGATE_STATE_DIR", str(state_dir))
    monkeypatch.setenv("BADGEGATE_ENGINE_URL", engine.api_url)
    return Target(engine.api_url, token, state_dir)


@pytest.fixture
def ctrl_c_raises() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt, as in the ``badgegate`` command."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def sqlite_legacy(tmp_path: Path) -> str:
    """A seeded SQLite legacy database."""
    url = f"sqlite:///{tmp_path / 'legacy.sqlite3'}"
    seed(url, badges=BADGES, seed=SEED)
    return url


@pytest.fixture
def postgres_legacy(pg_url: str) -> Iterator[str]:
    """The session's PostgreSQL database, seeded; its legacy tables dropped after the test."""
    seed(pg_url, badges=BADGES, seed=SEED, replace=True)
    yield pg_url
    engine = sa.create_engine(pg_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS badge_requirements, badges CASCADE")
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def legacy_db(request: pytest.FixtureRequest) -> str:
    """A seeded legacy database, once on SQLite and once on PostgreSQL."""
    return str(request.getfixturevalue(f"{request.param}_legacy"))


@pytest.fixture(scope="session")
def reference_state(
    engine: EngineServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Any]]:
    """What one uninterrupted migration of the seeded data leaves in a tenant (issuers blanked)."""
    folder = tmp_path_factory.mktemp("reference")
    url = f"sqlite:///{folder / 'legacy.sqlite3'}"
    seed(url, badges=BADGES, seed=SEED)
    reference = Target(engine.api_url, tenant_token(engine), folder / "state")
    with reference.client() as client:
        migrate(url, client, state_dir=reference.state_dir)
    return without_issuer(reference.state())
